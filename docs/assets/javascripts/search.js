/* Site search, loaded by yearbook.js when the reader first turns to the header's search box.

   It reads the static index yearbook/search_index.py writes to search/ (see its docstring): a
   query becomes tokens, each token's bucket file gives its postings (page numbers in rank order,
   with a bit for "in the title"), the postings are intersected, title matches rank first, and
   each shown result's title and description come from a small file of 50 pages. The box in the
   header stays the search input; results open below it (class names as in Pagefind UI, which
   the site used before). A query is searched at once, and keystrokes that arrive while a search
   is running are folded into one search when it ends. */
(function () {
  var HERE = (document.currentScript && document.currentScript.src) || location.href;
  var ROOT = new URL("../../", HERE).href;
  var INDEX = ROOT + "search/";
  var PAGE = 5;  // results shown at first and per "load more"

  /* Chinese search. Each page is indexed as tokens (yearbook/search_index.py): one per distinct
     pair of adjacent Han characters and one per character, spelled in ASCII ("zq" + 5 hex digits
     per character); Latin words as they are and, for the word being typed, "~" + its start.
     A query becomes the same tokens: 首钢园 → zq首钢 zq钢园; a page must hold them all. */
  var HAN_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var LATIN = /[A-Za-z0-9][A-Za-z0-9.+%-]*/g;
  function hex(ch) { return ("0000" + ch.codePointAt(0).toString(16)).slice(-5); }
  function processTerm(term) {
    var out = [];
    (term.match(HAN_RUN) || []).forEach(function (run) {
      var chars = Array.from(run);
      if (chars.length === 1) { out.push("zq" + hex(chars[0])); return; }
      for (var i = 0; i + 1 < chars.length; i++) out.push("zq" + hex(chars[i]) + hex(chars[i + 1]));
    });
    var rest = term.replace(HAN_RUN, " ");
    var words = rest.match(LATIN) || [];
    words.forEach(function (w, i) {
      w = w.toLowerCase();
      // the last word, still being typed: any word it starts (prefixes are indexed from 2 letters)
      var typing = i === words.length - 1 && !/\s$/.test(rest) && w.length >= 2;
      out.push(typing ? "~" + w.slice(0, 20) : w);
    });
    return out.filter(function (t, i) { return out.indexOf(t) === i; }).join(" ");
  }

  /* FNV-1a, 32 bit: the bucket a token's postings are in (search_index.bucket). */
  function bucketOf(token, buckets) {
    var h = 0x811c9dc5;
    for (var i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 0x01000193) >>> 0;
    return h % buckets;
  }

  var files = {};
  function fetchJSON(path) {
    if (!files[path]) {
      files[path] = fetch(INDEX + path).then(function (r) {
        if (!r.ok) throw new Error("search index: " + path + " " + r.status);
        return r.json();
      });
      files[path].catch(function () { delete files[path]; });
    }
    return files[path];
  }
  var index = fetchJSON("index.json");
  index.catch(function () {});  // reported when a search needs it

  /* Pages holding every token, best first: title matches, then the index's page order. */
  function find(terms) {
    var list = terms.split(" ");
    return index.then(function (ix) {
      return Promise.all(list.map(function (t) {
        return fetchJSON("t/" + bucketOf(t, ix.buckets) + ".json").then(function (b) { return b[t] || []; });
      })).then(function (postings) {
        postings.sort(function (a, b) { return a.length - b.length; });
        var score = new Map(), v = 0, i, k;
        for (i = 0; i < postings[0].length; i++) { v += postings[0][i]; score.set(v >> 1, v & 1); }
        for (k = 1; k < postings.length && score.size; k++) {
          var next = new Map();
          v = 0;
          for (i = 0; i < postings[k].length; i++) {
            v += postings[k][i];
            var s = score.get(v >> 1);
            if (s !== undefined) next.set(v >> 1, s + (v & 1));
          }
          score = next;
        }
        var ids = Array.from(score.keys());
        ids.sort(function (a, b) { return (score.get(b) - score.get(a)) || (a - b); });
        return ids.map(function (id) {
          return { data: function () {
            return fetchJSON("p/" + Math.floor(id / ix.shard) + ".json").then(function (shard) {
              var p = shard[id % ix.shard];
              return { url: ROOT + p[0], meta: { title: p[1], desc: p[2] } };
            });
          } };
        });
      });
    });
  }

  var STYLE = [
    ".yb-search .pagefind-ui__search-clear{position:absolute;top:0;right:4px;height:44.8px;padding:0 10px;border:0;background:none;color:var(--md-default-fg-color);font:inherit;font-size:11px;opacity:.8;cursor:pointer}",
    ".yb-search .pagefind-ui__drawer{font-size:14px}",
    ".yb-search [hidden]{display:none!important}",
    ".yb-search .pagefind-ui__message{margin:0;padding:14px 0 12px;font-size:11.2px;font-weight:700}",
    ".yb-search .pagefind-ui__results{margin:0;padding:0;list-style:none}",
    ".yb-search .pagefind-ui__result{margin:0;padding:14px 0;border-top:2px solid var(--md-default-fg-color--lightest)}",
    ".yb-search .pagefind-ui__result-title{margin:0;font-size:14px;font-weight:700;line-height:1.4}",
    ".yb-search .pagefind-ui__result-link{text-decoration:none}",
    ".yb-search .pagefind-ui__result-link:hover{text-decoration:underline}",
    ".yb-search .pagefind-ui__result-excerpt{margin:4px 0 0;font-size:11.2px;line-height:1.5;overflow-wrap:anywhere}",
    ".yb-search .pagefind-ui__button{display:block;width:100%;margin:4px 0 14px;padding:8px;border:2px solid var(--md-default-fg-color--lighter);border-radius:6px;background:var(--md-default-bg-color);color:var(--md-default-fg-color);font:inherit;font-size:12px;font-weight:700;cursor:pointer}",
  ].join("\n");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function attach() {
    var box = document.getElementById("yb-search");
    var input = box && box.querySelector("input");
    if (!input || box.dataset.ready) return;
    box.dataset.ready = "1";
    if (!document.getElementById("yb-search-style")) {
      var style = el("style", null, STYLE);
      style.id = "yb-search-style";
      document.head.appendChild(style);
    }
    var stub = input.parentNode;
    var clear = el("button", "pagefind-ui__search-clear", "清除");
    clear.type = "button";
    clear.hidden = true;
    stub.appendChild(clear);
    var drawer = el("div", "pagefind-ui__drawer");
    drawer.hidden = true;
    var area = el("div", "pagefind-ui__results-area");
    var message = el("p", "pagefind-ui__message");
    message.setAttribute("role", "status");
    var list = el("ol", "pagefind-ui__results");
    var more = el("button", "pagefind-ui__button", "加载更多结果");
    more.type = "button";
    more.hidden = true;
    area.append(message, list, more);
    drawer.appendChild(area);
    box.appendChild(drawer);

    var shown = "";     // the query whose results are on screen
    var results = [];   // its Pagefind results
    var count = 0;      // how many of them are listed
    var running = false, pending = false, seq = 0;

    function reset() {
      seq++;
      shown = "";
      results = [];
      count = 0;
      list.textContent = "";
      drawer.hidden = true;
      more.hidden = true;
      clear.hidden = !input.value;
    }

    /* The next PAGE results, in rank order, each shown as soon as its fragment (title and
       description) has arrived. */
    function list_more(id) {
      var next = results.slice(count, count + PAGE);
      count += next.length;
      more.hidden = count >= results.length;
      return Promise.all(next.map(function (r) {
        var li = el("li", "pagefind-ui__result");
        li.hidden = true;
        list.appendChild(li);
        return r.data().then(function (data) {
          if (id !== seq) return;
          var meta = data.meta || {};
          var inner = el("div", "pagefind-ui__result-inner");
          var title = el("p", "pagefind-ui__result-title");
          var link = el("a", "pagefind-ui__result-link", meta.title || data.url);
          link.href = data.url;
          title.appendChild(link);
          inner.appendChild(title);
          if (meta.desc) inner.appendChild(el("p", "pagefind-ui__result-excerpt", meta.desc));
          li.appendChild(inner);
          li.hidden = false;
        });
      }));
    }

    function search() {
      var query = input.value.trim();
      var terms = processTerm(query);
      clear.hidden = !input.value;
      if (!terms) { reset(); return; }
      if (query === shown) return;
      if (running) { pending = true; return; }
      running = true;
      var id = ++seq;
      find(terms).then(function (found) {
        if (id !== seq || !found) return;
        shown = query;
        results = found;
        count = 0;
        list.textContent = "";
        message.textContent = results.length
          ? "找到 " + results.length + " 个 " + query + " 的相关结果"
          : "没有找到 " + query;
        drawer.hidden = false;
        more.hidden = true;
        return list_more(id);
      }).catch(function (err) {
        message.textContent = "搜索暂时不可用";
        drawer.hidden = false;
        if (window.console) console.error(err);
      }).then(function () {
        running = false;
        if (pending) { pending = false; search(); }
      });
    }

    input.addEventListener("input", search);
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { input.value = ""; reset(); }
    });
    clear.addEventListener("click", function () { input.value = ""; reset(); input.focus(); });
    more.addEventListener("click", function () { list_more(seq); });
    if (input.value.trim()) search();
  }

  window.ybSearch = { processTerm: processTerm };  // the browser tests compare its spelling with the index
  attach();
})();
