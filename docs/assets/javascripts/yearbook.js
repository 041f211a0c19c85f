/* Yearbook page behaviour. Runs on every page view, including after instant navigation. */
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
      translations: { placeholder: "搜索报道、届次、指标", zero_results: "没有找到 [SEARCH_TERM]" },
    });
    var input = box.querySelector("input");
    if (input) input.setAttribute("aria-label", "搜索本站");
  }
  // Sortable comparison tables.
  document.querySelectorAll("table.yb-compare").forEach(function (table) {
    if (!table.dataset.sortable) {
      table.dataset.sortable = "1";
      new Tablesort(table);
    }
  });
});
