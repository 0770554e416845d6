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
  var MAX_RESULTS = 50;

  function say(text) {
    status.textContent = text;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function result(doc) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = doc.url;
    a.textContent = (doc.kind === "Modification Report" ? "Modification Report for " : "") + doc.id + ": " + doc.title;
    li.appendChild(a);
    var meta = document.createElement("span");
    meta.className = "search-meta";
    meta.textContent = " " + doc.kind + " · " + doc.status;
    li.appendChild(meta);
    return li;
  }

  function run(query) {
    clear(list);
    query = query.trim();
    if (!query) {
      say("");
      return;
    }
    var hits = index.search(query, { prefix: true, fuzzy: 0.15, combineWith: "AND" });
    var shown = hits.slice(0, MAX_RESULTS);
    shown.forEach(function (hit) {
      list.appendChild(result(hit));
    });
    if (hits.length === 0) {
      say("No results for \u201c" + query + "\u201d.");
    } else if (hits.length > shown.length) {
      say(hits.length + " results for \u201c" + query + "\u201d; the first " + shown.length + " are shown.");
    } else {
      say(hits.length + (hits.length === 1 ? " result" : " results") + " for \u201c" + query + "\u201d.");
    }
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
    .then(function (docs) {
      index = new window.MiniSearch({
        idField: "url",
        fields: ["id", "title", "text"],
        storeFields: ["id", "title", "url", "status", "kind"],
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
        run(q);
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
        run(input.value);
      });
    })
    .catch(function () {
      say("The search index could not be loaded. Every request is listed in the register index.");
      if (fallback) {
        fallback.hidden = false;
      }
    });
})();
