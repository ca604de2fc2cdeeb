// Keyboard and screen-reader fixes that the theme and the notebook HTML leave to the site.
//
// - Boxes that scroll sideways (wide tables, notebook code cells, long formulas) take the
//   keyboard focus while, and only while, they overflow, so a reader without a mouse can
//   scroll them with the arrow keys; each is a named region so the focus says what it is
//   on. (Chromium already makes such boxes focusable; Safari does not.)
// - The search dialog gets an accessible name, and its list of results leaves the Tab
//   order: the theme makes the list a Tab stop, but the search closes as the focus leaves
//   the search box, so Tab landed on a collapsed, invisible list. The results are reached
//   with the arrow keys from the search box (the theme's own keys), as before.
// - The scheme toggle: when the scheme comes from the reader's system setting, the theme
//   checks neither of its two radio buttons, so Tab landed on the first one, whose name
//   ("Switch to dark mode") and focus ring belong to the light scheme: in the dark scheme
//   the focus was invisible and misnamed. The button of the scheme shown is checked.
// The focus ring of these boxes is in stylesheets/extra.css (.a11y-scroll).
(function () {
  "use strict";

  // What scrolls, and what a screen reader hears when the focus lands on it.
  var SCROLLERS = [
    [".md-typeset__scrollwrap", "Table (scrolls sideways)"],
    [".jupyter-wrapper .highlight-ipynb", "Code cell (scrolls sideways)"],
    [".jupyter-wrapper .jp-OutputArea-output pre", "Output (scrolls sideways)"],
    [".md-typeset math[display='block']", null]  // a formula keeps its own role and reading
  ];
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])";

  function mark(el, label) {
    var wide = el.scrollWidth > el.clientWidth + 1;
    var ours = el.classList.contains("a11y-scroll");
    if (wide && !ours && !el.hasAttribute("tabindex") && !el.querySelector(FOCUSABLE)) {
      el.classList.add("a11y-scroll");
      el.setAttribute("tabindex", "0");
      if (label) {
        el.setAttribute("role", "region");
        el.setAttribute("aria-label", label);
      }
    } else if (!wide && ours && document.activeElement !== el) {
      el.classList.remove("a11y-scroll");
      el.removeAttribute("tabindex");
      if (label) {
        el.removeAttribute("role");
        el.removeAttribute("aria-label");
      }
    }
  }

  var observer = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { mark(entry.target, entry.target.a11yLabel); });
  }) : null;

  function scrollers() {
    SCROLLERS.forEach(function (pair) {
      document.querySelectorAll(pair[0]).forEach(function (el) {
        el.a11yLabel = pair[1];
        mark(el, pair[1]);
        if (observer) observer.observe(el);  // the window or the sidebar changes its width
      });
    });
  }

  function searchDialog() {
    var dialog = document.querySelector(".md-search[role='dialog']");
    if (dialog && !dialog.hasAttribute("aria-label") && !dialog.hasAttribute("aria-labelledby")) {
      dialog.setAttribute("aria-label", "Search");
    }
    var results = document.querySelector(".md-search__scrollwrap[tabindex='0']");
    if (results) results.setAttribute("tabindex", "-1");
  }

  function schemeToggle() {
    var inputs = [].slice.call(document.querySelectorAll("input.md-option[name='__palette']"));
    if (inputs.some(function (input) { return input.checked; })) return;
    var scheme = document.body.getAttribute("data-md-color-scheme");
    var shown = inputs.filter(function (input) { return input.getAttribute("data-md-color-scheme") === scheme; });
    if (shown.length) shown[0].checked = true;  // no change event: the theme need not redraw
  }

  function setUp() {
    schemeToggle();
    searchDialog();
    scrollers();
    // The theme wraps tables in .md-typeset__scrollwrap from its own script: look again
    // once it has run, and once the fonts (which change the widths) are in.
    window.requestAnimationFrame(scrollers);
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(scrollers);
  }

  window.courseA11y = { refresh: scrollers };
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);  // mkdocs-material: every page, instant navigation too
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
