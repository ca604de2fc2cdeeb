// Typesets the formulas with the MathJax 3 copy that the build puts in assets/mathjax/
// (scripts/mkdocs_hooks.py): nothing is fetched from another host.
//
// Pages: pymdownx.arithmatex (generic mode) wraps each formula in .arithmatex as \( \) or
// \[ \]. Report notebooks: markdown cells (.jp-MarkdownOutput) use $ $ and $$ $$.
// Everything else on the page is left alone. MathJax is only loaded on pages with math.
(function () {
  "use strict";
  var here = document.currentScript.src;
  var base = new URL("../assets/mathjax/", here).href.replace(/\/$/, "");
  var MATH = ".arithmatex, .jp-MarkdownOutput";

  window.MathJax = {
    loader: { load: ["input/tex", "output/chtml"], paths: { mathjax: base } },
    tex: {
      inlineMath: [["\\(", "\\)"], ["$", "$"]],
      displayMath: [["\\[", "\\]"], ["$$", "$$"]],
      processEscapes: true,
      processEnvironments: true
    },
    chtml: { fontURL: base + "/output/chtml/fonts/woff-v2" },
    // Only the elements in MATH are typeset (see typeset() below), so $ elsewhere is text.
    startup: { typeset: false }
  };

  var ready = null;
  function load() {
    if (!ready) {
      ready = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = base + "/startup.js";
        script.async = true;
        script.onload = function () { window.MathJax.startup.promise.then(resolve, reject); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return ready;
  }

  function typeset() {
    var root = document.documentElement;
    if (!document.querySelector(MATH)) {
      root.dataset.mathjax = "none";
      return;
    }
    root.dataset.mathjax = "loading";
    load().then(function () {
      var MJ = window.MathJax;
      MJ.typesetClear();
      MJ.texReset();
      return MJ.typesetPromise(Array.from(document.querySelectorAll(MATH)));
    }).then(function () {
      root.dataset.mathjax = "done";
    }, function (err) {
      root.dataset.mathjax = "failed";
      console.error("MathJax failed:", err);
    });
  }

  // Material's document$ emits on the first load and after each instant navigation.
  if (window.document$) {
    window.document$.subscribe(typeset);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", typeset);
  } else {
    typeset();
  }
})();
