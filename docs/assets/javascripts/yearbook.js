/* Yearbook page behaviour. Runs on every page view, including after instant navigation.
   What is not needed for the first paint loads later: Tablesort only on pages with a comparison
   table, Pagefind's UI (about 120 KB of script) only when the reader turns to the search box. */

/* Scripts and styles this file loads on demand, relative to this file (assets/javascripts/). */
var YB_HERE = (document.currentScript && document.currentScript.src) || location.href;
function ybUrl(path) { return new URL(path, YB_HERE).href; }
var ybLoaded = {};
function ybScript(path) {
  if (!ybLoaded[path]) {
    ybLoaded[path] = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = ybUrl(path);
      s.async = false;  // scripts requested together run in the order they were requested
      s.onload = resolve;
      s.onerror = function () { delete ybLoaded[path]; reject(new Error("could not load " + path)); };
      document.head.appendChild(s);
    });
  }
  return ybLoaded[path];
}
function ybStyle(path) {
  if (!ybLoaded[path]) {
    ybLoaded[path] = new Promise(function (resolve) {
      var l = document.createElement("link");
      l.rel = "stylesheet";
      l.href = ybUrl(path);
      l.onload = l.onerror = resolve;  // without its styles the search still works
      document.head.appendChild(l);
    });
  }
  return ybLoaded[path];
}

/* Numbers for the comparison table: a cell's data-sort, empty when the edition has no number.
   Tablesort's own "number" sort reads an empty data-sort as the cell text (未报道) and then as 0,
   which would put "not reported" between real values; here a missing value stays missing and
   the afterSort handler below moves those rows to the bottom whichever way the column is sorted. */
function ybNumber(text) {
  var n = parseFloat(String(text).replace(/[^\-0-9.eE]/g, ""));
  return isNaN(n) ? null : n;
}

function ybRegisterSort() {
  if (!window.Tablesort || window.ybSortRegistered) return;
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

/* Chinese search. Pagefind indexes each page as tokens (yearbook/search_index.py): one per
   distinct pair of adjacent Han characters, plus the last character of each run, spelled in ASCII
   ("zq" + 5 hex digits per character) so no segmenter touches them; Latin words as they are.
   A query becomes the same tokens: 首钢园 → zq首钢 zq钢园, which Pagefind ANDs; a single
   character matches every pair it starts as a prefix. */
var YB_HAN_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
var YB_LATIN = /[A-Za-z0-9][A-Za-z0-9.+%-]*/g;
function ybHex(ch) { return ("0000" + ch.codePointAt(0).toString(16)).slice(-5); }
function ybProcessTerm(term) {
  var out = [];
  (term.match(YB_HAN_RUN) || []).forEach(function (run) {
    var chars = Array.from(run);
    if (chars.length === 1) { out.push("zq" + ybHex(chars[0])); return; }
    for (var i = 0; i + 1 < chars.length; i++) out.push("zq" + ybHex(chars[i]) + ybHex(chars[i + 1]));
  });
  (term.replace(YB_HAN_RUN, " ").match(YB_LATIN) || []).forEach(function (w) { out.push(w.toLowerCase()); });
  return out.join(" ");
}
/* The indexed copy holds tokens, not text: show the page's own description, as text (Pagefind's
   UI inserts the excerpt as HTML, and a description is article text). */
function ybText(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
function ybProcessResult(result) {
  result.excerpt = ybText(result.meta && result.meta.desc ? result.meta.desc : "");
  result.sub_results = [];
  return result;
}

/* The header holds a plain input (overrides/partials/header.html) until the reader focuses it,
   points at it or types in it; then Pagefind's UI is loaded and takes its place, keeping what was
   typed so far and the focus. */
var ybSearchStarted = false;
function ybStartSearch() {
  if (ybSearchStarted) return;
  ybSearchStarted = true;
  Promise.all([ybStyle("../../pagefind/pagefind-ui.css"), ybScript("../../pagefind/pagefind-ui.js")])
    .then(ybBuildSearch, function () { ybSearchStarted = false; });
}
function ybBuildSearch() {
  var box = document.getElementById("yb-search");
  if (!box || box.dataset.ready || !window.PagefindUI) return;
  box.dataset.ready = "1";
  var stub = box.querySelector(".yb-search__stub");
  var stubInput = stub && stub.querySelector("input");
  var typed = stubInput ? stubInput.value : "";
  var focused = stubInput && document.activeElement === stubInput;
  var ui = new PagefindUI({
    element: "#yb-search",
    bundlePath: new URL(ybUrl("../../pagefind/")).pathname,
    showSubResults: false,
    debounceTimeoutMs: 100,  // Pagefind waits 300 ms after each keystroke by default
    showImages: false,
    resetStyles: false,
    processTerm: ybProcessTerm,
    processResult: ybProcessResult,
    translations: { placeholder: "搜索报道、届次、指标", zero_results: "没有找到 [SEARCH_TERM]" },
  });
  var input = box.querySelector(".pagefind-ui input");
  if (input) input.setAttribute("aria-label", "搜索本站");
  // The header's #yb-search is already the search landmark; a second role="search" inside it
  // makes two landmarks with the same name (axe landmark-unique).
  var form = box.querySelector("form[role='search']");
  if (form) form.removeAttribute("role");
  if (stub) stub.remove();
  if (input && focused) {
    input.focus();
  }
  if (input && typed) {
    input.value = typed;
    input.setSelectionRange(typed.length, typed.length);
    ui.triggerSearch(typed);
  }
}
function ybWatchSearch() {
  var box = document.getElementById("yb-search");
  if (!box || box.dataset.watched) return;
  box.dataset.watched = "1";
  ["focusin", "pointerenter", "touchstart", "input", "keydown"].forEach(function (type) {
    box.addEventListener(type, ybStartSearch, { passive: true });
  });
  var stubInput = box.querySelector(".yb-search__stub input");
  if (stubInput && document.activeElement === stubInput) ybStartSearch();
}

/* Sortable comparison tables: Tablesort and its number sort, fetched on the pages that have one. */
function ybSortTables() {
  var tables = document.querySelectorAll("table.yb-compare");
  if (!tables.length) return;
  Promise.all([ybScript("vendor/tablesort.min.js"), ybScript("vendor/tablesort.number.min.js")]).then(function () {
    ybRegisterSort();
    // after instant navigation the tables may have been replaced: look them up again
    document.querySelectorAll("table.yb-compare").forEach(ybInitSortable);
  });
}

document$.subscribe(function () {
  ybWatchSearch();
  ybSortTables();
});
