// Framework switch: show PyTorch cells and prose, Keras cells and prose, or both.
// Cells tagged `pytorch` / `keras` carry the classes tag_pytorch / tag_keras (code cells: myst-nb;
// markdown cells: _ext/course_book.py, which also adds this script only to pages with such cells).
// The choice lives on <html data-framework="..."> and in localStorage, so it holds on every page.
(function () {
  "use strict";
  var KEY = "course-framework";
  // the page's language (<html lang>) picks the words: the Korean edition is built with language "ko"
  var KOREAN = (document.documentElement.lang || "").indexOf("ko") === 0;
  var CHOICES = [["both", KOREAN ? "둘 다" : "Both"], ["pytorch", "PyTorch"], ["keras", "Keras"]];
  var LABEL = KOREAN ? "코드와 설명 보기:" : "Show code and text for:";

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

  // "On this page" entries of a framework's headings get the framework's class, so they hide too.
  function tagTableOfContents() {
    ["pytorch", "keras"].forEach(function (framework) {
      var tagged = document.querySelectorAll("section.tag_" + framework + "[id], .tag_" + framework + " section[id]");
      for (var i = 0; i < tagged.length; i++) {
        var links = document.querySelectorAll('.bd-toc a[href="#' + tagged[i].id + '"]');
        for (var j = 0; j < links.length; j++) {
          (links[j].closest("li") || links[j]).classList.add("tag_" + framework);
        }
      }
      var headings = document.querySelectorAll("h1.tag_" + framework + ", h2.tag_" + framework + ", h3.tag_" + framework + ", h4.tag_" + framework);
      for (var k = 0; k < headings.length; k++) {
        var section = headings[k].closest("section[id]");
        var link = section && document.querySelector('.bd-toc a[href="#' + section.id + '"]');
        if (link) { (link.closest("li") || link).classList.add("tag_" + framework); }
      }
    });
  }

  function build() {
    tagTableOfContents();
    var article = document.querySelector("article.bd-article") || document.querySelector("main") || document.body;
    var box = document.createElement("div");
    box.className = "framework-switch";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", LABEL.replace(/:$/, ""));
    var label = document.createElement("span");
    label.textContent = LABEL;
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
