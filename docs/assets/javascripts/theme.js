/* What this site uses of Material's JavaScript, without Material's bundle (issue 8, performance).

   Material's bundle.js (about 45 KB gzip) cost every page one long task to evaluate (its top-level
   code forces the first layout) and one long initialisation task: 400–1,700 ms of total blocking
   time under Lighthouse's 4× CPU slowdown, the whole gap between ~80 and 100. Most of what it does
   here is already plain HTML and CSS in Material's templates (the drawer, navigation sections and
   the language menu are checkboxes and :focus-within); this file does the rest, with no layout read
   until the reader scrolls:

   - colour palette toggle: applies and remembers the choice in Material's own storage format (the
     inline script in overrides/partials/header.html restores it before the first paint);
   - navigation sections, the drawer (closes after a link in it is followed, or on Escape);
   - back-to-top button (navigation.top), page title in the header once the heading scrolls away;
   - table of contents: the current section highlighted (toc.follow keeps it in view; with
     navigation.tracking its anchor would go into the address bar, not enabled in mkdocs.yml);
   - <details> holding the target of a link are opened, and all are opened for printing;
   - the focus-visible class Material's styles use for keyboard focus rings.

   Not kept: instant navigation (a full page load of these small pages is fast, and the bundle it
   needs was the cost), and Material's styled tooltips (titles show as the browser's own). */
(function () {
  var features = [];
  try { features = JSON.parse(document.getElementById("__config").textContent).features || []; } catch (e) { /* defaults */ }
  function has(name) { return features.indexOf(name) >= 0; }
  function all(selector, root) { return [].slice.call((root || document).querySelectorAll(selector)); }

  /* Palette toggle. Each option is a radio input followed by the label that switches to the next one. */
  var palette = document.querySelector("form[data-md-component=palette]");
  function applyPalette(input, remember) {
    var color = {};
    ["media", "scheme", "primary", "accent"].forEach(function (key) {
      color[key] = input.getAttribute("data-md-color-" + key);
      document.body.setAttribute("data-md-color-" + key, color[key]);
    });
    var inputs = all("input", palette);
    inputs.forEach(function (other) {  // only the chosen option's label (the switch to the next) shows
      if (other.nextElementSibling) other.nextElementSibling.hidden = other !== input;
    });
    if (remember && window.__md_set) __md_set("__palette", { index: inputs.indexOf(input), color: color });
  }
  if (palette) {
    palette.addEventListener("change", function (ev) {
      if (ev.target.name === "__palette") applyPalette(ev.target, true);
    });
    palette.addEventListener("keydown", function (ev) {  // Enter on the focused option: the next one
      if (ev.key !== "Enter" || ev.target.name !== "__palette") return;
      ev.preventDefault();
      var inputs = all("input", palette);
      var next = inputs[(inputs.indexOf(ev.target) + 1) % inputs.length];
      next.click();
      next.focus();
    });
    // Until the reader chooses, follow the system's light/dark setting as it changes.
    all("input", palette).forEach(function (input) {
      var query = window.matchMedia && matchMedia(input.getAttribute("data-md-color-media"));
      if (!query || !query.addEventListener) return;
      query.addEventListener("change", function () {
        var chosen = null;
        try { chosen = __md_get("__palette"); } catch (e) { /* no storage */ }
        if (query.matches && !chosen) { input.checked = true; applyPalette(input, false); }
      });
    });
  }

  /* Navigation sections Material draws expanded ("indeterminate") until first toggled. */
  all(".md-toggle--indeterminate").forEach(function (toggle) {
    toggle.checked = false;
    toggle.addEventListener("change", function () {
      if (!toggle.classList.contains("md-toggle--indeterminate")) return;
      toggle.classList.remove("md-toggle--indeterminate");
      toggle.checked = false;  // it was shown open: the first click closes it
    });
  });

  /* The drawer (phone and tablet): close it when a link in it is followed, and on Escape. */
  var drawer = document.getElementById("__drawer");
  document.addEventListener("click", function (ev) {
    if (drawer && drawer.checked && ev.target.closest && ev.target.closest(".md-sidebar a[href]")) drawer.checked = false;
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && drawer && drawer.checked) { drawer.checked = false; }
  });

  /* Keyboard focus rings: Material's styles hide outlines unless the element has .focus-visible. */
  document.addEventListener("focusin", function (ev) {
    var el = ev.target;
    if (el && el.matches && el.matches(":focus-visible")) el.classList.add("focus-visible");
  });
  document.addEventListener("focusout", function (ev) {
    if (ev.target && ev.target.classList) ev.target.classList.remove("focus-visible");
  });

  /* Links into closed <details> (e.g. a chart's data table) open them; printing shows them all. */
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    var closed = false;
    for (var d = target && target.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      if (!d.open) { d.open = true; closed = true; }
    }
    if (closed) target.scrollIntoView();
  }
  if (location.hash) openTarget();
  window.addEventListener("hashchange", openTarget);
  var printed = [];
  window.addEventListener("beforeprint", function () {
    printed = all("details:not([open])");
    printed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    printed.forEach(function (d) { d.open = false; });
    printed = [];
  });

  /* Page title in the header once the page's heading has scrolled under it. */
  var title = document.querySelector("[data-md-component=header-title]");
  var heading = document.querySelector(".md-content h1");
  if (title && heading && window.IntersectionObserver) {
    new IntersectionObserver(function (entries) {
      var e = entries[entries.length - 1];
      title.classList.toggle("md-header__title--active", !e.isIntersecting && e.boundingClientRect.top < 0);
    }, { rootMargin: "-56px 0px 0px 0px" }).observe(heading);
  }

  /* Everything below reads layout, so it waits for the reader's first scroll. */
  var top = document.querySelector(".md-top");
  if (top) {
    top.addEventListener("click", function () {
      top.blur();
      window.scrollTo({ top: 0 });
    });
  }
  var header = document.querySelector(".md-header");
  var tocLinks = all(".md-sidebar--secondary .md-nav--secondary a.md-nav__link[href^='#']");
  var tocTargets = tocLinks.map(function (a) { return document.getElementById(decodeURIComponent(a.hash.slice(1))); });
  var active = null;
  var lastY = null;
  var queued = false;

  function onScroll() {
    queued = false;
    var y = window.scrollY;
    if (top) {
      // shown while scrolling back up, away from the top of the page; hidden otherwise
      top.hidden = !(lastY !== null && y < lastY && y > 400) || (drawer && drawer.checked);
    }
    lastY = y;
    if (!tocLinks.length) return;
    var offset = (header ? header.offsetHeight : 48) + 8;
    var current = null;
    for (var i = 0; i < tocTargets.length; i++) {
      if (!tocTargets[i]) continue;
      if (tocTargets[i].getBoundingClientRect().top > offset) break;
      current = tocLinks[i];
    }
    if (current === active) return;
    if (active) active.classList.remove("md-nav__link--active");
    if (current) current.classList.add("md-nav__link--active");
    active = current;
    if (has("navigation.tracking")) {
      var url = location.pathname + location.search + (current ? current.hash : "");
      if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, "", url);
    }
    if (current && has("toc.follow")) {
      var wrap = current.closest(".md-sidebar__scrollwrap");
      if (wrap && wrap.offsetParent) {
        var link = current.getBoundingClientRect(), box = wrap.getBoundingClientRect();
        if (link.top < box.top || link.bottom > box.bottom) {
          wrap.scrollTop += link.top - box.top - wrap.clientHeight / 2;
        }
      }
    }
  }
  window.addEventListener("scroll", function () {
    if (!queued) { queued = true; requestAnimationFrame(onScroll); }
  }, { passive: true });
})();
