/* Full-text search over the public register, in the browser.
 *
 * Reads /search-index.json (one document per public request and per public
 * Modification Report, built by the generator from the public register
 * only) into MiniSearch, and answers the search form, including `?q=` in
 * the address so results can be linked to. Progressive enhancement: without
 * JavaScript the page shows a link to the register index instead. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var fallback = document.getElementById("search-fallback");
  if (!form || !input || !list || !status || typeof window.MiniSearch !== "function" || !window.fetch) {
    return;
  }
  form.hidden = false;
  if (fallback) {
    fallback.hidden = true;
  }
  var index = null;
  var docs = [];
  var MAX_RESULTS = 50;

  function say(text) {
    status.textContent = text;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  // A mitigation: its prefix and number, with a space, a hyphen or
  // nothing between them, in any case ("DEV 3.2", "dev3.2").
  var MITIGATION = /^\s*(DEV|VER|DEP)[\s\-]*([0-9]+(?:\.[0-9]+)*)\s*$/i;
  // A request id typed whole, in any case: letters, then groups of letters
  // and digits, each after a hyphen. (No example here: the theme's files
  // are screened like any published text, and an example could be the id
  // of a withheld request.)
  var REQUEST_ID = /^\s*[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\s*$/i;

  function words(query) {
    return query.toLowerCase().split(/[^a-z0-9.\-]+/).filter(function (w) { return w.length > 1; });
  }

  // The snippet as text nodes, each word of the query marked.
  function snippet(text, query) {
    var p = document.createElement("span");
    p.className = "search-snippet";
    var ws = words(query).map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    if (!ws.length) {
      p.textContent = text;
      return p;
    }
    var re = new RegExp("(" + ws.join("|") + ")", "ig");
    var last = 0;
    text.replace(re, function (m, _w, at) {
      p.appendChild(document.createTextNode(text.slice(last, at)));
      var mark = document.createElement("mark");
      mark.textContent = m;
      p.appendChild(mark);
      last = at + m.length;
      return m;
    });
    p.appendChild(document.createTextNode(text.slice(last)));
    return p;
  }

  function result(doc, query) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = doc.url;
    var prefix = doc.kind === "Modification Report" ? "Modification Report for " :
      doc.kind === "Interim decision" ? "Interim decision on " : "";
    a.textContent = prefix + doc.id + ": " + doc.title;
    li.appendChild(a);
    var meta = document.createElement("span");
    meta.className = "search-meta";
    meta.textContent = " " + doc.kind + " · " + doc.status;
    li.appendChild(meta);
    if (doc.snippet) {
      li.appendChild(snippet(doc.snippet, query));
    }
    return li;
  }

  // The documents of the request whose id is the query, page first.
  function byId(query) {
    if (!REQUEST_ID.test(query)) return null;
    var id = query.trim().toUpperCase();
    var page = docs.filter(function (d) { return d.id === id && d.url === "/requests/" + id + "/"; });
    return page.length ? page[0] : null;
  }

  // Documents naming the mitigation, before any loose match.
  function byMitigation(query) {
    var m = MITIGATION.exec(query);
    if (!m) return [];
    var ref = m[1].toUpperCase() + " " + m[2];
    return docs.filter(function (d) { return (d.mitigations || []).indexOf(ref) !== -1; });
  }

  function run(query) {
    clear(list);
    query = query.trim();
    if (!query) {
      say("");
      return;
    }
    var first = byMitigation(query);
    var seen = {};
    first.forEach(function (d) { seen[d.url] = true; });
    var loose = index.search(query, { prefix: true, fuzzy: 0.15, combineWith: "AND" })
      .filter(function (hit) { return !seen[hit.url]; });
    var hits = first.concat(loose);
    var shown = hits.slice(0, MAX_RESULTS);
    shown.forEach(function (hit) {
      list.appendChild(result(hit, query));
    });
    if (hits.length === 0) {
      say("No results for \u201c" + query + "\u201d.");
    } else if (hits.length > shown.length) {
      say(hits.length + " results for \u201c" + query + "\u201d; the first " + shown.length + " are shown.");
    } else {
      say(hits.length + (hits.length === 1 ? " result" : " results") + " for \u201c" + query + "\u201d" +
        (first.length ? ", those naming mitigation " + query.trim().toUpperCase() + " first." : "."));
    }
  }

  // An exact request id goes straight to the request's page.
  function goOrRun(query) {
    var doc = byId(query);
    if (doc) {
      window.location.assign(doc.url);
      return;
    }
    run(query);
  }

  function fromAddress() {
    var q = new URLSearchParams(window.location.search).get("q");
    return q || "";
  }

  say("Loading the search index\u2026");
  fetch("/search-index.json")
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
    .then(function (loaded) {
      docs = loaded;
      index = new window.MiniSearch({
        idField: "url",
        fields: ["id", "title", "text"],
        storeFields: ["id", "title", "url", "status", "kind", "snippet", "mitigations"],
        searchOptions: { boost: { id: 4, title: 2 } },
        // `text` is a list of the page's distinct words (never joined by
        // the generator, so that no two of them read as a name): one
        // word a token.
        extractField: function (doc, field) {
          var value = doc[field];
          return Array.isArray(value) ? value.join(" ") : value;
        }
      });
      index.addAll(docs);
      var q = fromAddress();
      input.value = q;
      if (q) {
        goOrRun(q);
      } else {
        say("");
      }
      var timer = null;
      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          run(input.value);
        }, 150);
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var url = new URL(window.location.href);
        url.searchParams.set("q", input.value);
        window.history.replaceState(null, "", url.toString());
        goOrRun(input.value);
      });
    })
    .catch(function () {
      say("The search index could not be loaded. Every request is listed in the register index.");
      if (fallback) {
        fallback.hidden = false;
      }
    });
})();
