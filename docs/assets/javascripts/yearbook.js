/* Yearbook page behaviour. Runs on every page view, including after instant navigation. */

/* Numbers for the comparison table: a cell's data-sort, empty when the edition has no number.
   Tablesort's own "number" sort reads an empty data-sort as the cell text (未报道) and then as 0,
   which would put "not reported" between real values; here a missing value stays missing and
   the afterSort handler below moves those rows to the bottom whichever way the column is sorted. */
function ybNumber(text) {
  var n = parseFloat(String(text).replace(/[^\-0-9.eE]/g, ""));
  return isNaN(n) ? null : n;
}

if (window.Tablesort && !window.ybSortRegistered) {
  window.ybSortRegistered = true;
  Tablesort.extend("yb-number", function () { return false; }, function (a, b) {
    var x = ybNumber(a), y = ybNumber(b);
    if (x === null && y === null) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return y - x;
  });
}

function ybMissing(row, col) {
  var cell = row.cells[col];
  if (!cell) return true;
  var key = cell.getAttribute("data-sort");
  return key === null ? ybNumber(cell.textContent) === null : key.trim() === "";
}

function ybInitSortable(table) {
  if (table.dataset.sortable) return;
  table.dataset.sortable = "1";
  var sorter = new Tablesort(table, { descending: true });  // biggest first on the first click
  table.addEventListener("afterSort", function () {
    var body = table.tBodies[0];
    if (!body) return;
    [].slice.call(body.rows)
      .filter(function (row) { return ybMissing(row, sorter.col); })
      .forEach(function (row) { body.appendChild(row); });
  });
}

/* Chinese search. Pagefind indexes this site one Han character per word (yearbook/search_index.py
   puts a zero-width space between Han characters in the copy it indexes), because the browser's
   Intl.Segmenter and the indexer's jieba cut names such as 首钢园 differently and then miss pages.
   So a query is sent as single characters, and a query made only of Han characters as a quoted
   phrase: "首 钢 园" matches exactly the pages that contain 首钢园. */
var YB_HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
function ybProcessTerm(term) {
  var t = term.trim().replace(/^"(.*)"$/, "$1");
  if (!YB_HAN.test(t)) return term;
  var spaced = Array.from(t).join(" ").replace(/\s+/g, " ").trim();
  return /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\s]+$/.test(t) ? '"' + spaced + '"' : spaced;
}
/* Titles and excerpts come from the character-split copy: drop the zero-width spaces and join
   the per-character highlights back into one. */
function ybClean(html) {
  return typeof html === "string" ? html.replace(/\u2009/g, "").replace(/<\/mark><mark>/g, "") : html;
}
function ybProcessResult(result) {
  result.excerpt = ybClean(result.excerpt);
  if (result.meta) result.meta.title = ybClean(result.meta.title);
  (result.sub_results || []).forEach(function (sub) {
    sub.title = ybClean(sub.title);
    sub.excerpt = ybClean(sub.excerpt);
  });
  return result;
}

document$.subscribe(function () {
  // Pagefind search in the header, created once per page (the header survives instant navigation).
  var box = document.getElementById("yb-search");
  if (box && !box.dataset.ready && window.PagefindUI) {
    box.dataset.ready = "1";
    new PagefindUI({
      element: "#yb-search",
      showSubResults: true,
      showImages: false,
      resetStyles: false,
      processTerm: ybProcessTerm,
      processResult: ybProcessResult,
      translations: { placeholder: "搜索报道、届次、指标", zero_results: "没有找到 [SEARCH_TERM]" },
    });
    var input = box.querySelector("input");
    if (input) input.setAttribute("aria-label", "搜索本站");
    // The header's #yb-search is already the search landmark; a second role="search" inside it
    // makes two landmarks with the same name (axe landmark-unique).
    var form = box.querySelector("form[role='search']");
    if (form) form.removeAttribute("role");
  }
  // Sortable comparison tables.
  document.querySelectorAll("table.yb-compare").forEach(ybInitSortable);
});
