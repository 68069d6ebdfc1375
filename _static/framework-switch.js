// Framework switch: show PyTorch cells, Keras cells, or both.
// Code cells tagged `pytorch` / `keras` carry the classes tag_pytorch / tag_keras (myst-nb);
// the choice lives on <html data-framework="..."> and in localStorage, so it holds on every page.
(function () {
  "use strict";
  var KEY = "course-framework";
  var CHOICES = [["both", "Both"], ["pytorch", "PyTorch"], ["keras", "Keras"]];

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return CHOICES.some(function (c) { return c[0] === value; }) ? value : "both";
    } catch (e) {
      return "both"; // storage blocked: fall back to showing everything
    }
  }

  function apply(choice) {
    document.documentElement.setAttribute("data-framework", choice);
    var buttons = document.querySelectorAll(".framework-switch button");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].value === choice));
    }
  }

  function choose(choice) {
    try { window.localStorage.setItem(KEY, choice); } catch (e) { /* private mode */ }
    apply(choice);
  }

  function build() {
    var article = document.querySelector("article.bd-article") || document.querySelector("main") || document.body;
    var box = document.createElement("div");
    box.className = "framework-switch";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Show code for");
    var label = document.createElement("span");
    label.textContent = "Show code for:";
    box.appendChild(label);
    CHOICES.forEach(function (c) {
      var button = document.createElement("button");
      button.type = "button";
      button.value = c[0];
      button.textContent = c[1];
      button.addEventListener("click", function () { choose(c[0]); });
      box.appendChild(button);
    });
    article.insertBefore(box, article.firstChild);
    apply(stored());
  }

  apply(stored()); // before the page paints: no flash of hidden cells
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", build);
  } else {
    build();
  }
})();
