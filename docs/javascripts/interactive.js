// Interactive figures: plain SVG drawn in the browser from the JSON files the build writes
// (Report.data in course_code/report.py). No library, no kernel, nothing from another host.
//
// A page asks for one with a placeholder:
//   <div class="interactive-figure" data-kind="optimizer-paths"
//        data-src="generated/optimization/quadratic_paths.json"></div>
// data-src is relative to the site's root. Colours are CSS variables (stylesheets/interactive.css),
// so the figure follows the light/dark toggle without being redrawn.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var uid = 0;

  // ------------------------------------------------------------------ helpers
  function el(tag, attrs, parent) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function html(tag, attrs, parent, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function fmt(v) {  // like Python's "{:.3g}"
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a >= 1e-4 && a < 1e5) return String(Number(v.toPrecision(3)));
    return v.toExponential(2).replace(/\.?0+e/, "e").replace("e+", "e");
  }

  var SUPERSCRIPT = { "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶",
                     "7": "⁷", "8": "⁸", "9": "⁹" };

  function powerOfTen(v) {  // 0.001 -> "10⁻³"
    return "10" + String(Math.round(Math.log10(v))).replace(/./g, function (c) { return SUPERSCRIPT[c]; });
  }

  function niceTicks(lo, hi, count) {
    var raw = (hi - lo) / count, step = Math.pow(10, Math.floor(Math.log10(raw))), r = raw / step;
    step *= r >= 7.5 ? 10 : r >= 3.5 ? 5 : r >= 1.5 ? 2 : 1;
    var out = [];
    for (var v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
      out.push(Number(v.toFixed(10)));
    }
    return out;
  }

  // The site's root, from mkdocs-material's config block (else the page's folder).
  function siteRoot() {
    var config = document.getElementById("__config");
    var base = ".";
    if (config) {
      try { base = JSON.parse(config.textContent).base || "."; } catch (e) { /* keep "." */ }
    }
    return new URL(base.replace(/\/?$/, "/"), window.location.href);
  }

  // Axes in a <g>: frame, ticks, tick labels, axis labels. x/y map data to pixels.
  function drawAxes(g, box, x, y, xticks, yticks, xlabel, ylabel, yfmt) {
    var axes = el("g", { "class": "if-axes" }, g);
    xticks.forEach(function (t) {
      el("line", { x1: x(t), x2: x(t), y1: box.top, y2: box.bottom, "class": "if-grid" }, axes);
      el("text", { x: x(t), y: box.bottom + 15, "text-anchor": "middle", "class": "if-tick" }, axes)
        .textContent = fmt(t);
    });
    yticks.forEach(function (t) {
      el("line", { x1: box.left, x2: box.right, y1: y(t), y2: y(t), "class": "if-grid" }, axes);
      el("text", { x: box.left - 5, y: y(t) + 4, "text-anchor": "end", "class": "if-tick" }, axes)
        .textContent = (yfmt || fmt)(t);
    });
    el("rect", { x: box.left, y: box.top, width: box.right - box.left, height: box.bottom - box.top,
                 "class": "if-frame" }, axes);
    el("text", { x: (box.left + box.right) / 2, y: box.bottom + 32, "text-anchor": "middle",
                 "class": "if-label" }, axes).textContent = xlabel;
    el("text", { transform: "translate(" + (box.left - (box.left > 60 ? 50 : 30)) + "," +
                 (box.top + box.bottom) / 2 + ") rotate(-90)", "text-anchor": "middle",
                 "class": "if-label" }, axes).textContent = ylabel;
  }

  function clip(svg, box) {
    var id = "if-clip-" + (++uid);
    var cp = el("clipPath", { id: id }, el("defs", {}, svg));
    el("rect", { x: box.left, y: box.top, width: box.right - box.left, height: box.bottom - box.top }, cp);
    return "url(#" + id + ")";
  }

  function makeSvg(root, title) {
    var svg = el("svg", { role: "img", "class": "if-svg" });
    var id = "if-title-" + (++uid);
    el("title", { id: id }, svg).textContent = title;
    var desc = el("desc", { id: id + "-desc" }, svg);
    svg.setAttribute("aria-labelledby", id);
    svg.setAttribute("aria-describedby", id + "-desc");
    root.appendChild(svg);
    return { svg: svg, desc: desc };
  }

  // A labelled <input type=range> over the indices of `values`, with an <output>.
  function slider(parent, name, values, index, describe) {
    var id = "if-range-" + (++uid);
    var wrap = html("div", { "class": "if-slider" }, parent);
    var label = html("label", { "for": id }, wrap, name);
    var input = html("input", { type: "range", id: id, min: 0, max: values.length - 1, step: 1 }, wrap);
    input.value = index;
    var out = html("output", { "for": id, "aria-live": "polite" }, wrap);
    function show() {
      var text = describe(values[Number(input.value)]);
      out.textContent = text;
      input.setAttribute("aria-valuetext", text);
    }
    input.addEventListener("input", show);
    show();
    return { input: input, label: label, value: function () { return values[Number(input.value)]; } };
  }

  function toggle(parent, text, color, checked) {
    var label = html("label", { "class": "if-toggle" }, parent);
    var box = html("input", { type: "checkbox" }, label);
    box.checked = checked;
    html("span", { "class": "if-swatch if-c" + color, "aria-hidden": "true" }, label);
    html("span", {}, label, text);
    return box;
  }

  // Redraw when the column's width changes (the sidebar folds, the window turns).
  function onResize(root, draw) {
    var width = root.clientWidth;
    if (!window.ResizeObserver) return;
    new ResizeObserver(function () {
      if (Math.abs(root.clientWidth - width) >= 2) { width = root.clientWidth; draw(); }
    }).observe(root);
  }

  // ------------------------------------------------------------------ optimizer paths
  function optimizerPaths(root, data) {
    var svgParts = makeSvg(root, "Paths of the optimizers on the contours of f(w) = (" +
      data.curvature[0] + " w1² + " + data.curvature[1] + " w2²)/2");
    var controls = html("div", { "class": "if-controls", role: "group",
                                 "aria-label": "Optimizers and learning rates" }, root);
    var rows = data.optimizers.map(function (opt) {
      var row = html("div", { "class": "if-row" }, controls);
      var on = toggle(row, opt.label, opt.color, true);
      var rates = opt.paths.map(function (p) { return p.learning_rate; });
      var s = slider(row, "learning rate", opt.paths.map(function (p, i) { return i; }), data.shown,
        function (i) { return "α = " + fmt(rates[i]) + ": " + outcome(opt.paths[i]); });
      s.input.setAttribute("aria-label", "learning rate of " + opt.label);
      on.addEventListener("change", draw);
      s.input.addEventListener("input", draw);
      return { opt: opt, on: on, slider: s, row: row };
    });

    function outcome(p) {
      if (p.diverged) return "diverged at step " + p.diverged_at;
      var k = p["first_step_within_0.1"];
      return "|w| = " + fmt(p.final_distance) + " after " + data.steps + " steps" +
        (k === null ? "" : ", within 0.1 from step " + k);
    }

    function draw() {
      var svg = svgParts.svg;
      while (svg.lastChild !== svgParts.desc) svg.removeChild(svg.lastChild);
      var width = Math.max(280, root.clientWidth);
      var box = { left: 46, right: width - 10, top: 26 };
      var sx = (box.right - box.left) / (data.xlim[1] - data.xlim[0]);  // equal aspect
      box.bottom = box.top + sx * (data.ylim[1] - data.ylim[0]);
      var height = box.bottom + 40;
      svg.setAttribute("viewBox", "0 0 " + width + " " + height);
      svg.setAttribute("width", width);
      svg.setAttribute("height", height);
      function x(v) { return box.left + (v - data.xlim[0]) * sx; }
      function y(v) { return box.bottom - (v - data.ylim[0]) * sx; }
      drawAxes(svg, box, x, y, niceTicks(data.xlim[0], data.xlim[1], width < 500 ? 4 : 8),
               niceTicks(data.ylim[0], data.ylim[1], 4), "w₁", "w₂");
      var plot = el("g", { "clip-path": clip(svg, box) }, svg);
      data.levels.forEach(function (level) {
        el("ellipse", { cx: x(0), cy: y(0), rx: Math.sqrt(2 * level / data.curvature[0]) * sx,
                        ry: Math.sqrt(2 * level / data.curvature[1]) * sx, "class": "if-contour" }, plot);
      });
      var notes = [], described = [];
      rows.forEach(function (r) {
        var p = r.opt.paths[Number(r.slider.input.value)];
        r.row.classList.toggle("if-off", !r.on.checked);
        if (!r.on.checked) return;
        var d = p.points.map(function (pt, i) {
          return (i ? "L" : "M") + x(pt[0]).toFixed(1) + " " + y(pt[1]).toFixed(1);
        }).join("");
        var g = el("g", { "class": "if-c" + r.opt.color, "data-key": r.opt.key }, plot);
        el("path", { d: d, "class": "if-line" + (p.diverged ? " if-diverged" : "") }, g);
        p.points.forEach(function (pt) {
          if (Math.hypot(pt[0], pt[1]) > 0.05) {
            el("circle", { cx: x(pt[0]).toFixed(1), cy: y(pt[1]).toFixed(1), r: 1.7, "class": "if-dot" }, g);
          }
        });
        if (p.diverged) notes.push(r.opt.label + " diverged at step " + p.diverged_at);
        described.push(r.opt.label + " at α = " + fmt(p.learning_rate) + ": " + outcome(p));
      });
      el("rect", { x: x(data.start[0]) - 4, y: y(data.start[1]) - 4, width: 8, height: 8, "class": "if-mark" },
         svg);
      el("path", { d: star(x(0), y(0), 7), "class": "if-mark" }, svg);
      el("text", { x: box.left, y: 16, "class": "if-note" }, svg).textContent =
        notes.length ? "⚠ " + notes.join("; ") + " (dashed: leaves the plot)"
                     : "square: start, star: minimum";
      svgParts.desc.textContent = described.join(". ") || "No optimizer selected.";
    }

    draw();
    onResize(root, draw);
    return { draw: draw };
  }

  function star(cx, cy, r) {
    var pts = [];
    for (var i = 0; i < 10; i++) {
      var a = Math.PI / 2 + i * Math.PI / 5, rr = i % 2 ? r * 0.45 : r;
      pts.push((cx + rr * Math.cos(a)).toFixed(1) + " " + (cy - rr * Math.sin(a)).toFixed(1));
    }
    return "M" + pts.join("L") + "Z";
  }

  // ------------------------------------------------------------------ schedules
  // The formulas of course_code/schedules.py (epoch e counted from 0); the browser tests
  // compare them with Python's values.
  var SCHEDULES = {
    constant: function (e, p) { return p.lr0; },
    inverse_time: function (e, p) { return p.lr0 / (1 + p.decay_rate * e); },
    staircase: function (e, p) { return p.lr0 / (1 + p.decay_rate * Math.floor(e / p.time_interval)); },
    exponential: function (e, p) { return p.lr0 * Math.pow(p.gamma, e); }
  };

  function rates(key, params, epochs) {
    return epochs.map(function (e) { return SCHEDULES[key](e, params); });
  }

  function lrSchedules(root, data) {
    var svgParts = makeSvg(root, "Learning rate against epoch for each schedule");
    var controls = html("div", { "class": "if-controls", role: "group", "aria-label": "Schedule settings" },
                        root);
    var sliders = html("div", { "class": "if-sliders" }, controls);
    function pick(s) { return Math.max(0, s.values.indexOf(s["default"])); }
    var lr0 = slider(sliders, "α₀", data.lr0.values, pick(data.lr0), function (v) { return fmt(v); });
    var k = slider(sliders, "decay rate k", data.decay_rate.values, pick(data.decay_rate),
                   function (v) { return fmt(v); });
    var gamma = slider(sliders, "γ (exponential)", data.gamma.values, pick(data.gamma),
                       function (v) { return String(v); });
    var toggles = html("div", { "class": "if-toggles" }, controls);
    var shown = data.schedules.map(function (s) {
      return { s: s, on: toggle(toggles, s.label, s.color, true) };
    });
    var logLabel = html("label", { "class": "if-toggle if-log" }, toggles);
    var log = html("input", { type: "checkbox" }, logLabel);
    log.checked = true;
    html("span", {}, logLabel, "log scale");
    [lr0.input, k.input, gamma.input, log].concat(shown.map(function (t) { return t.on; }))
      .forEach(function (input) { input.addEventListener(input.type === "range" ? "input" : "change", draw); });

    var n = data.num_epochs, epochs = [];
    for (var e = 0; e < n; e++) epochs.push(e);
    var api = { series: {}, params: null };

    function draw() {
      var svg = svgParts.svg;
      while (svg.lastChild !== svgParts.desc) svg.removeChild(svg.lastChild);
      var width = Math.max(280, root.clientWidth), height = Math.round(Math.min(360, 0.55 * width + 60));
      var box = { left: 62, right: width - 12, top: 14, bottom: height - 42 };
      svg.setAttribute("viewBox", "0 0 " + width + " " + height);
      svg.setAttribute("width", width);
      svg.setAttribute("height", height);
      var p = { lr0: lr0.value(), decay_rate: k.value(), gamma: gamma.value(), time_interval: data.time_interval };
      api.params = p;
      var isLog = log.checked, ymin, ymax, yticks;
      if (isLog) {
        ymax = Math.pow(10, Math.ceil(Math.log10(p.lr0) + 0.15));
        ymin = ymax * 1e-6;
        yticks = [];
        for (var t = ymin; t <= ymax * 1.0001; t *= 10) yticks.push(Number(t.toPrecision(1)));
      } else {
        ymin = 0;
        ymax = p.lr0 * 1.1;
        yticks = niceTicks(0, ymax, 5);
      }
      function x(v) { return box.left + v / (n - 1) * (box.right - box.left); }
      function y(v) {
        var f = isLog ? (Math.log10(Math.max(v, ymin * 1e-3)) - Math.log10(ymin)) / Math.log10(ymax / ymin)
                      : (v - ymin) / (ymax - ymin);
        return box.bottom - f * (box.bottom - box.top);
      }
      drawAxes(svg, box, x, y, niceTicks(0, n - 1, width < 500 ? 3 : 6), yticks, "epoch", "learning rate",
               isLog ? powerOfTen : fmt);
      var plot = el("g", { "clip-path": clip(svg, box) }, svg);
      var described = [];
      api.series = {};
      shown.forEach(function (t) {
        if (!t.on.checked) return;
        var values = rates(t.s.key, p, epochs);
        api.series[t.s.key] = values;
        // steps: the rate holds for the whole epoch; equal neighbours merge into one segment
        var d = "M" + x(0).toFixed(2) + " " + y(values[0]).toFixed(2);
        for (var i = 1; i < n; i++) {
          if (values[i] !== values[i - 1]) {
            d += "H" + x(i).toFixed(2) + "V" + y(values[i]).toFixed(2);
          }
        }
        d += "H" + x(n - 1).toFixed(2);
        el("path", { d: d, "class": "if-line if-c" + t.s.color, "data-key": t.s.key }, plot);
        described.push(t.s.label + ": " + fmt(values[0]) + " at epoch 0, " + fmt(values[Math.min(1000, n - 1)]) +
                       " at epoch " + Math.min(1000, n - 1) + ", " + fmt(values[n - 1]) + " at epoch " + (n - 1));
      });
      svgParts.desc.textContent = described.join(". ") || "No schedule selected.";
      readout.textContent = described.length ? "Rates: " + described.join("; ") + "." : "";
    }

    var readout = html("p", { "class": "if-readout", "aria-live": "polite" }, root);
    draw();
    onResize(root, draw);
    api.draw = draw;
    return api;
  }

  // ------------------------------------------------------------------ set-up
  var KINDS = { "optimizer-paths": optimizerPaths, "lr-schedules": lrSchedules };

  function setUp(root) {
    var kind = KINDS[root.dataset.kind];
    if (!kind || root.dataset.state) return;
    root.dataset.state = "loading";
    var url = new URL(root.dataset.src, siteRoot());
    fetch(url).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status + " for " + url);
      return r.json();
    }).then(function (data) {
      root.textContent = "";
      root.interactive = kind(root, data);
      root.dataset.state = "ready";
    }).catch(function (error) {
      root.dataset.state = "failed";
      root.textContent = "The interactive figure could not be loaded (" + error.message + "); " +
        "the static figure above shows the same data.";
      console.error("interactive figure:", error);
    });
  }

  function setUpAll() {
    document.querySelectorAll(".interactive-figure[data-kind][data-src]").forEach(setUp);
  }

  // Another script adds a kind of figure with register(kind, draw): draw(root, data) builds
  // the figure into root from its JSON and returns its API (root.interactive).
  function register(kind, draw) {
    KINDS[kind] = draw;
    setUpAll();
  }

  window.courseInteractive = { schedules: SCHEDULES, rates: rates, setUpAll: setUpAll, register: register };
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUpAll);  // mkdocs-material: every page, instant navigation too
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
