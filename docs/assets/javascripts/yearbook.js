/* Yearbook page behaviour. Runs once per page view, at the end of the body.
   What is not needed for the first paint loads later: Tablesort only on pages with a comparison
   table, search (search.js and the index in search/) only when the reader turns to the search box. */

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

/* Search: the header holds a plain input (overrides/partials/header.html); when the reader
   focuses it, points at it or types in it, search.js is loaded and turns it into the search box
   (it reads the static index in search/ and keeps what was typed so far). */
var ybSearchStarted = false;
function ybStartSearch() {
  if (ybSearchStarted) return;  // search.js attaches itself to the box when it has loaded
  ybSearchStarted = true;
  ybScript("search.js").catch(function () { ybSearchStarted = false; });
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
    document.querySelectorAll("table.yb-compare").forEach(ybInitSortable);
  });
}

/* At the end of the body, once per page (no instant navigation since issue 8): the page is there. */
ybWatchSearch();
ybSortTables();
