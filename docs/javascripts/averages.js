// The beta slider of the "Exponentially weighted averages" page: the average of a recorded
// series, computed here in the browser by the same recursion as course_code/averages.py
// (tests/site/test_averages_slider.py checks the two agree). Plain SVG, no library.
//
// The page asks for it with
//   <div class="interactive-figure" data-kind="ewa" data-src="generated/averages/ewa_slider.json"></div>
// and reuses the colours and controls of stylesheets/interactive.css.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var uid = 0;

  // v_0 = 0, v_t = beta v_{t-1} + (1 - beta) x_t, divided by 1 - beta^t when corrected (t from 1).
  function ewa(x, beta, biasCorrection) {
    var v = 0, out = new Array(x.length);
    for (var t = 1; t <= x.length; t++) {
      v = beta * v + (1 - beta) * x[t - 1];
      out[t - 1] = biasCorrection ? v / (1 - Math.pow(beta, t)) : v;
    }
    return out;
  }

  function el(tag, attrs, parent) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    parent.appendChild(node);
    return node;
  }

  function html(tag, attrs, parent, text) {
    var node = document.createElement(tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    parent.appendChild(node);
    return node;
  }

  function path(xs, ys, x, y) {
    return xs.map(function (v, i) { return (i ? "L" : "M") + x(v).toFixed(1) + "," + y(ys[i]).toFixed(1); })
      .join("");
  }

  function figure(root, data) {
    var series = data.series, betas = data.betas;
    var svg = el("svg", { role: "img", "class": "if-svg" }, root);
    var title = el("title", { id: "ewa-title-" + (++uid) }, svg);
    svg.setAttribute("aria-labelledby", title.id);
    var controls = html("div", { "class": "if-controls" }, root);
    var row = html("div", { "class": "if-sliders" }, controls);
    var wrap = html("div", { "class": "if-slider" }, row);
    var id = "ewa-beta-" + uid;
    html("label", { "for": id }, wrap, "β");
    var input = html("input", { type: "range", id: id, min: 0, max: betas.length - 1, step: 1 }, wrap);
    input.value = Math.max(0, betas.indexOf(data["default"]));
    var out = html("output", { "for": id, "aria-live": "polite" }, wrap);
    var toggles = html("div", { "class": "if-toggles" }, controls);
    function toggle(text, checked) {
      var label = html("label", { "class": "if-toggle" }, toggles);
      var box = html("input", { type: "checkbox" }, label);
      box.checked = checked;
      html("span", {}, label, text);
      return box;
    }
    var corrected = toggle("bias correction", true);
    var zoom = toggle("first " + data.zoom_steps + " steps only", false);

    function draw() {
      var beta = betas[Number(input.value)];
      var n = zoom.checked ? Math.min(data.zoom_steps, series.length) : series.length;
      var avg = ewa(series, beta, corrected.checked).slice(0, n), raw = series.slice(0, n);
      var text = "β = " + beta + (beta > 0 ? ": about the last " + Math.round(1 / (1 - beta)) +
        " values, lag " + (beta / (1 - beta)).toFixed(1) + " steps" : ": the series itself");
      out.textContent = text;
      input.setAttribute("aria-valuetext", text);
      title.textContent = "Cost of each mini-batch step and its exponentially weighted average, " + text +
        (corrected.checked ? ", bias-corrected" : ", not corrected");
      var width = Math.max(300, Math.min(760, root.clientWidth || 760)), height = width < 500 ? 240 : 300;
      svg.setAttribute("viewBox", "0 0 " + width + " " + height);
      svg.setAttribute("width", width);
      svg.setAttribute("height", height);
      while (svg.lastChild !== title) svg.removeChild(svg.lastChild);
      var box = { left: 48, right: width - 12, top: 10, bottom: height - 40 };
      var hi = Math.max.apply(null, raw.concat(avg)) * 1.05;
      var steps = raw.map(function (v, i) { return i + 1; });
      function x(s) { return box.left + (s - 1) / Math.max(1, n - 1) * (box.right - box.left); }
      function y(v) { return box.bottom - v / hi * (box.bottom - box.top); }
      var axes = el("g", {}, svg);
      [0, 0.25, 0.5, 0.75, 1].forEach(function (f) {
        var v = Number((hi * f).toPrecision(2));
        el("line", { x1: box.left, x2: box.right, y1: y(v), y2: y(v), "class": "if-grid" }, axes);
        el("text", { x: box.left - 5, y: y(v) + 4, "text-anchor": "end", "class": "if-tick" }, axes)
          .textContent = String(v);
      });
      [1, Math.round(n / 2), n].forEach(function (s) {
        el("text", { x: x(s), y: box.bottom + 15, "text-anchor": "middle", "class": "if-tick" }, axes)
          .textContent = String(s);
      });
      el("rect", { x: box.left, y: box.top, width: box.right - box.left, height: box.bottom - box.top,
                   "class": "if-frame" }, axes);
      el("text", { x: (box.left + box.right) / 2, y: box.bottom + 32, "text-anchor": "middle",
                   "class": "if-label" }, axes).textContent = "mini-batch step";
      el("path", { d: path(steps, raw, x, y), "class": "if-line if-raw", style: "stroke: var(--if-muted); stroke-width: 0.8; opacity: 0.6" }, svg);
      el("path", { d: path(steps, avg, x, y), "class": "if-line if-c5 if-average" }, svg);
    }
    [input, corrected, zoom].forEach(function (c) { c.addEventListener(c.type === "range" ? "input" : "change", draw); });
    draw();
    var lastWidth = root.clientWidth;
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        if (Math.abs(root.clientWidth - lastWidth) >= 2) { lastWidth = root.clientWidth; draw(); }
      }).observe(root);
    }
    return { input: input, corrected: corrected, zoom: zoom, average: function () {
      return ewa(series, betas[Number(input.value)], corrected.checked);
    } };
  }

  // Loading the data, failures and re-drawing on page changes: interactive.js, shared by
  // every interactive figure (it is loaded first; see extra_javascript in mkdocs.yml).
  window.courseAverages = { ewa: ewa };
  window.courseInteractive.register("ewa", figure);
})();
