// register serve: reloads the page after a rebuild, shows failed rebuilds.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="register-generation"]');
  var seen = meta ? Number(meta.getAttribute("content")) : null;
  var box = null;
  var shownKey = "";
  var hiddenKey = null;

  function addStyle() {
    if (document.getElementById("register-serve-style")) return;
    var link = document.createElement("link");
    link.id = "register-serve-style";
    link.rel = "stylesheet";
    link.href = "/__register/reload.css";
    (document.head || document.documentElement).appendChild(link);
  }

  function hide() {
    if (box) box.remove();
    box = null;
    shownKey = "";
  }

  // Each error is {at, help}: where it is and what is wrong, and how to
  // fix it, with every value quoted from the content already replaced by
  // the server (the page may be open on a shared screen).
  function show(errors) {
    var key = JSON.stringify(errors);
    if (key === hiddenKey || (box && key === shownKey)) return;
    hide();
    addStyle();
    box = document.createElement("section");
    box.id = "register-serve-errors";
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", "register-serve-errors-title");
    var h = document.createElement("h2");
    h.id = "register-serve-errors-title";
    h.textContent = "The last rebuild failed: " + errors.length +
      (errors.length === 1 ? " error" : " errors");
    var p = document.createElement("p");
    p.textContent = "This page is from the last good build. Fix the problems " +
      "and save: the page reloads by itself.";
    var list = document.createElement("ul");
    errors.forEach(function (e) {
      var item = document.createElement("li");
      var code = document.createElement("code");
      code.textContent = String(e.at);
      item.appendChild(code);
      if (e.help) {
        var help = document.createElement("code");
        help.className = "register-serve-help";
        help.textContent = "help: " + e.help;
        item.appendChild(help);
      }
      list.appendChild(item);
    });
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Hide";
    button.addEventListener("click", function () {
      hiddenKey = key;
      hide();
    });
    box.appendChild(h);
    box.appendChild(p);
    box.appendChild(list);
    box.appendChild(button);
    document.body.appendChild(box);
    shownKey = key;
  }

  function poll() {
    fetch("/__register/status", { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) return;
        if (seen === null) seen = s.generation;
        if (s.generation !== seen) {
          window.location.reload();
          return;
        }
        if (s.errors && s.errors.length) {
          show(s.errors);
        } else {
          hiddenKey = null;
          hide();
        }
      })
      .catch(function () { /* the server is stopped or restarting: try again */ });
  }

  poll();
  window.setInterval(poll, 1000);
})();
