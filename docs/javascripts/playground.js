// The Playground page: builds the controls into <div id="pg-app">, keeps the whole state in
// the URL (?dataset=moons&layers=5,2&...; ?preset=<key> loads a preset), trains in a Web Worker
// (playground-worker.js, which runs playground-core.js) and draws the decision boundary and the
// train/dev cost and accuracy curves on canvases. Plain JavaScript, no library.
(function () {
  "use strict";
  const root = document.getElementById("pg-app");
  if (!root) return;
  const script = document.currentScript && document.currentScript.src;
  const base = script ? new URL(".", script) : new URL("../javascripts/", location.href);
  const core = window.coursePlayground;

  // ---- the controls: key (the URL parameter), label, kind, default, check (-> error text or "")
  const num = (min, max, minOk, note) => (v) => {
    const x = Number(v);
    if (v === "" || !Number.isFinite(x)) return `${JSON.stringify(v)} is not a number`;
    if (minOk ? x < min : x <= min) return `${v} is too small: must be ${minOk ? ">=" : ">"} ${min}${note || ""}`;
    if (max !== undefined && x > max) return `${v} is too large: must be <= ${max}`;
    return "";
  };
  const whole = (min, max) => (v) => /^\d+$/.test(String(v)) ? num(min, max, true)(v) : `${JSON.stringify(v)} is not a whole number`;
  const FIELDS = [
    { key: "dataset", label: "Data set", kind: "select", def: "circles",
      options: [["circles", "circles"], ["moons", "moons"], ["football", "football (stand-in)"]] },
    { key: "layers", label: "Hidden layer sizes", kind: "text", def: "10,5", hint: "comma-separated, e.g. 20,3",
      check: (v) => {
        const parts = String(v).split(",").map((s) => s.trim());
        if (!String(v).trim()) return "give at least one hidden layer, e.g. 5";
        if (parts.length > 6) return `${parts.length} layers: at most 6`;
        for (const p of parts) {
          if (!/^\d+$/.test(p)) return `layer size ${JSON.stringify(p)} is not a whole number`;
          if (+p < 1) return `a layer of size ${p}: sizes must be >= 1`;
          if (+p > 64) return `a layer of size ${p}: at most 64 units`;
        }
        return "";
      } },
    { key: "init", label: "Initialization", kind: "select", def: "he",
      options: [["zeros", "zeros"], ["random", "random x scale"], ["he", "He"], ["lecun", "LeCun"]] },
    { key: "scale", label: "Random scale", kind: "number", def: "10", step: "any", check: num(0, 1000, false), when: (s) => s.init === "random" },
    { key: "seed", label: "Seed", kind: "number", def: "1", step: "1", check: whole(0, 1e9) },
    { key: "optimizer", label: "Optimizer", kind: "select", def: "gd",
      options: [["gd", "gradient descent"], ["momentum", "momentum"], ["rmsprop", "RMSprop"], ["adam", "Adam"]] },
    { key: "lr", label: "Learning rate", kind: "number", def: "0.01", step: "any", check: num(0, 100, false) },
    { key: "beta", label: "beta", kind: "number", def: "0.9", step: "any", check: num(0, 0.999999, true),
      when: (s) => s.optimizer === "momentum" || s.optimizer === "rmsprop" },
    { key: "beta1", label: "beta1", kind: "number", def: "0.9", step: "any", check: num(0, 0.999999, true), when: (s) => s.optimizer === "adam" },
    { key: "beta2", label: "beta2", kind: "number", def: "0.999", step: "any", check: num(0, 0.999999, true), when: (s) => s.optimizer === "adam" },
    { key: "epsilon", label: "epsilon", kind: "number", def: "1e-8", step: "any", check: num(0, 1, false),
      when: (s) => s.optimizer === "rmsprop" || s.optimizer === "adam" },
    { key: "batch", label: "Mini-batch size", kind: "text", def: "full", hint: "a whole number, or full",
      check: (v) => String(v).trim() === "full" ? "" : whole(1, 100000)(String(v).trim()) },
    { key: "schedule", label: "Learning-rate schedule", kind: "select", def: "constant",
      options: [["constant", "constant"], ["inverseTime", "inverse-time"], ["staircase", "staircase"], ["exponential", "exponential"]] },
    { key: "decay", label: "Decay rate", kind: "number", def: "1", step: "any",
      check: (v, s) => s.schedule === "exponential" ? num(0, 1, false)(v) : num(0, 1e6, true)(v), when: (s) => s.schedule !== "constant" },
    { key: "interval", label: "Decay interval (epochs)", kind: "number", def: "1000", step: "1", check: whole(1, 1e7),
      when: (s) => s.schedule === "staircase" },
    { key: "lambda", label: "L2 lambda", kind: "number", def: "0", step: "any", check: num(0, 1e4, true) },
    { key: "keep", label: "Dropout keep_prob", kind: "number", def: "1", step: "any", check: num(0, 1, false, " (0 would drop every unit)") },
    { key: "epochs", label: "Epochs", kind: "number", def: "15000", step: "1", check: whole(1, 1000000) },
  ];
  const BY_KEY = Object.fromEntries(FIELDS.map((f) => [f.key, f]));

  // ---- presets: each assignment's headline setting (the topic pages link here with ?preset=)
  const circles = { dataset: "circles", layers: "10,5", lr: "0.01", epochs: "15000" };
  const football = { dataset: "football", layers: "20,3", init: "lecun", lr: "0.3", epochs: "30000" };
  const moons = { dataset: "moons", layers: "5,2", lr: "0.0007", batch: "64", epochs: "5000" };
  const PRESETS = {
    zeros: ["Initialization: zeros", { ...circles, init: "zeros" }],
    random: ["Initialization: large random (x 10)", { ...circles, init: "random", scale: "10" }],
    he: ["Initialization: He", { ...circles, init: "he" }],
    "no-regularization": ["Regularization: none", { ...football }],
    l2: ["Regularization: L2 lambda 0.7", { ...football, lambda: "0.7" }],
    dropout: ["Regularization: dropout keep_prob 0.86", { ...football, keep: "0.86" }],
    "mini-batch-gd": ["Optimization: mini-batch GD", { ...moons }],
    momentum: ["Optimization: momentum", { ...moons, optimizer: "momentum" }],
    adam: ["Optimization: the course's Adam run", { ...moons, optimizer: "adam" }],
    "staircase-decay": ["Learning-rate decay: staircase, GD", { ...moons, lr: "0.1", schedule: "staircase", decay: "1", interval: "1000" }],
    "inverse-time-decay": ["Learning-rate decay: every epoch, GD", { ...moons, lr: "0.1", schedule: "inverseTime", decay: "1" }],
  };

  // ---- state <-> URL
  const defaults = () => Object.fromEntries(FIELDS.map((f) => [f.key, f.def]));
  function fromUrl() {
    const q = new URLSearchParams(location.search), s = defaults();
    let preset = q.get("preset");
    if (preset && PRESETS[preset]) Object.assign(s, PRESETS[preset][1]); else preset = "";
    for (const f of FIELDS) if (q.has(f.key)) s[f.key] = q.get(f.key);
    return { s, preset };
  }
  function toUrl(s, preset) {
    const q = new URLSearchParams();
    if (preset) q.set("preset", preset);
    const ref = preset ? { ...defaults(), ...PRESETS[preset][1] } : defaults();
    for (const f of FIELDS) if (s[f.key] !== ref[f.key]) q.set(f.key, s[f.key]);
    const text = q.toString();
    history.replaceState(null, "", location.pathname + (text ? "?" + text : "") + location.hash);
  }

  // ---- building the page
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") e.textContent = v; else if (v !== null && v !== undefined) e.setAttribute(k, v);
    }
    kids.forEach((k) => k && e.appendChild(k));
    return e;
  };
  const { s: state, preset: firstPreset } = fromUrl();
  let preset = firstPreset;
  const inputs = {}, wraps = {}, errors = {};

  const presetSelect = el("select", { id: "pg-preset" }, el("option", { value: "", text: "(your own settings)" }),
    ...Object.entries(PRESETS).map(([k, [label]]) => el("option", { value: k, text: label })));
  const form = el("form", { class: "pg-controls", "aria-label": "Playground settings", novalidate: "" });
  form.appendChild(el("div", { class: "pg-field pg-wide" }, el("label", { for: "pg-preset", text: "Preset" }), presetSelect));
  for (const f of FIELDS) {
    const id = "pg-" + f.key, err = el("span", { class: "pg-error", id: id + "-error", "aria-live": "polite" });
    let input;
    if (f.kind === "select") {
      input = el("select", { id, name: f.key }, ...f.options.map(([v, t]) => el("option", { value: v, text: t })));
    } else {
      input = el("input", { id, name: f.key, type: f.kind === "number" ? "text" : "text",
                            inputmode: f.kind === "number" ? "decimal" : null, autocomplete: "off",
                            spellcheck: "false", "aria-describedby": id + "-error" + (f.hint ? " " + id + "-hint" : "") });
    }
    const hint = f.hint ? el("span", { class: "pg-hint", id: id + "-hint", text: f.hint }) : null;
    wraps[f.key] = el("div", { class: "pg-field" }, el("label", { for: id, text: f.label }), input, hint, err);
    inputs[f.key] = input; errors[f.key] = err;
    form.appendChild(wraps[f.key]);
  }
  const button = (id, text, title) => el("button", { type: "button", id, class: "md-button", title, text });
  const playBtn = button("pg-play", "Play", "Train until paused (keyboard: the button, or Space on it)");
  const stepBtn = button("pg-step", "Step", "Train one epoch");
  const resetBtn = button("pg-reset", "Reset", "Back to epoch 0 (the same initial weights)");
  const shareLink = el("a", { id: "pg-share", href: location.href, text: "Link to these settings" });
  const status = el("p", { class: "pg-status", id: "pg-status", role: "status", "aria-live": "polite", text: "Loading the data…" });
  const readout = el("p", { class: "pg-readout", id: "pg-readout", "aria-live": "off" });
  const boundary = el("canvas", { id: "pg-boundary", width: "360", height: "360", role: "img",
                                  "aria-label": "Decision boundary: the network's probability of label 1 over the plane, with the training points" });
  const costChart = el("canvas", { id: "pg-cost", width: "360", height: "170", role: "img", "aria-label": "Train and dev cost against epoch" });
  const accChart = el("canvas", { id: "pg-acc", width: "360", height: "170", role: "img", "aria-label": "Train and dev accuracy against epoch" });
  const legend = el("p", { class: "pg-legend" }, el("span", { class: "pg-key pg-train", text: "train" }),
                    el("span", { class: "pg-key pg-dev", text: "dev" }),
                    el("span", { class: "pg-key pg-dots", text: "points: training set (orange 0, blue 1)" }));
  root.textContent = "";
  root.append(
    el("div", { class: "pg-buttons" }, playBtn, stepBtn, resetBtn, shareLink),
    status,
    el("div", { class: "pg-panels" },
      el("figure", { class: "pg-figure" }, boundary, el("figcaption", { text: "Decision boundary (shading: probability of label 1)" })),
      el("figure", { class: "pg-figure" }, costChart, accChart, legend, readout)),
    form);

  // ---- reading and checking the controls
  function show() {
    presetSelect.value = preset;
    for (const f of FIELDS) {
      inputs[f.key].value = state[f.key];
      wraps[f.key].hidden = f.when ? !f.when(state) : false;
    }
  }
  // the active fields whose value is refused (each gets its message next to it)
  function refused(s) {
    const bad = [];
    for (const f of FIELDS) {
      const active = !f.when || f.when(s);
      let msg = "";
      if (f.kind === "select") msg = f.options.some(([v]) => v === s[f.key]) ? "" : `unknown value ${JSON.stringify(s[f.key])}`;
      else if (active && f.check) msg = f.check(String(s[f.key]).trim(), s);
      errors[f.key].textContent = msg ? "Refused: " + msg : "";
      inputs[f.key].setAttribute("aria-invalid", msg ? "true" : "false");
      if (msg) bad.push(f.key);
    }
    return bad;
  }

  // ---- the data and the worker
  let data = null, worker = null, running = false, curves = null, lastGrid = null, lastParams = null, applied = null;
  const dataUrl = new URL("../generated/playground/datasets.json", base);
  function spec(s) {
    const d = data[s.dataset], dims = [2, ...s.layers.split(",").map((x) => +x.trim()), 1];
    const o = { name: s.optimizer };
    if (s.optimizer === "momentum" || s.optimizer === "rmsprop") o.beta = +s.beta;
    if (s.optimizer === "adam") { o.beta1 = +s.beta1; o.beta2 = +s.beta2; }
    if (s.optimizer === "rmsprop" || s.optimizer === "adam") o.epsilon = +s.epsilon;
    const [xMin, xMax, yMin, yMax] = d.extent;
    return {
      type: "configure", data: { X: d.X, Y: d.Y, Xtest: d.Xdev, Ytest: d.Ydev }, layerDims: dims,
      init: s.init, initScale: +s.scale, seed: +s.seed, optimizer: o,
      schedule: { name: s.schedule, lr0: +s.lr, decayRate: +s.decay, timeInterval: +s.interval },
      batchSize: s.batch.trim() === "full" ? null : +s.batch, lambd: +s.lambda, keepProb: +s.keep,
      epochs: +s.epochs, grid: { xMin, xMax, yMin, yMax, nx: 72, ny: 72 },
    };
  }
  // Run the settings; a refused value is replaced by the last valid one (the default at first),
  // so the run, the URL and the share link only ever hold valid settings.
  let lastGood = null;
  function apply() {
    const bad = refused(state), good = { ...state };
    for (const k of bad) good[k] = lastGood ? lastGood[k] : (preset && PRESETS[preset][1][k]) || BY_KEY[k].def;
    if (bad.length && refused(good).length) return;  // (cannot happen: defaults are valid)
    refused(state);
    const same = lastGood && JSON.stringify(good) === JSON.stringify(lastGood);
    lastGood = good;
    toUrl(good, bad.length ? "" : preset);
    shareLink.href = location.href;
    if (bad.length) status.textContent = "Refused: " + bad.map((k) => BY_KEY[k].label).join(", ") +
      " (see the message next to it); the last valid value stays in use.";
    if (!data || (same && applied)) return;
    setRunning(false);
    applied = spec(good);
    curves = { epoch: [], cost: [], devCost: [], acc: [], devAcc: [] };
    worker.postMessage(applied);
  }
  function setRunning(on) {
    running = on;
    playBtn.textContent = on ? "Pause" : "Play";
    playBtn.setAttribute("aria-pressed", on ? "true" : "false");
    root.dataset.running = on ? "true" : "false";
  }

  // dev cost: the cross-entropy of the current weights on the dev set (no dropout, plus the L2 term)
  function devCost(params) {
    const d = data[lastGood.dataset], p = core.probabilities(params, d.Xdev), Y = d.Ydev[0];
    let sum = 0;
    for (let i = 0; i < p.length; i++) {
      const q = Math.min(Math.max(p[i], 1e-15), 1 - 1e-15);
      sum -= Y[i] ? Math.log(q) : Math.log(1 - q);
    }
    return sum / p.length;
  }
  function onMessage(e) {
    const m = e.data;
    if (m.type === "error") {
      setRunning(false);
      status.textContent = "Stopped: " + m.message;
      return;
    }
    if (m.type === "ready") { curves = { epoch: [], cost: [], devCost: [], acc: [], devAcc: [] }; }
    if (m.costs && m.costs.length) {
      curves.epoch.push(m.epoch); curves.cost.push(m.costs[m.costs.length - 1]);
      curves.devCost.push(devCost(m.params)); curves.acc.push(m.trainAccuracy); curves.devAcc.push(m.testAccuracy);
    }
    if (m.type === "done" || m.type === "paused") setRunning(false);
    lastGrid = m.grid; lastParams = m.params;
    root.dataset.epoch = String(m.epoch);
    root.dataset.state = "ready";
    const cost = curves.cost.length ? curves.cost[curves.cost.length - 1] : null;
    readout.textContent = `Epoch ${m.epoch}` + (cost === null ? "" : `; train cost ${cost.toFixed(4)}`) +
      `; train accuracy ${(100 * m.trainAccuracy).toFixed(1)}%; dev accuracy ${(100 * m.testAccuracy).toFixed(1)}%` +
      `; learning rate ${Number(m.learningRate.toPrecision(3))}`;
    if (!running && !(m.type === "ready" && refused(state).length)) status.textContent = (m.type === "done" ? "Done. " : m.type === "ready" ? "Ready. " : "Paused. ") + readout.textContent;
    draw();
  }

  // ---- drawing
  function colors() {
    const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
    return dark ? { fg: "#e3e5e8", grid: "#4a5058", c0: [230, 120, 60], c1: [86, 180, 233], train: "#56B4E9", dev: "#E69F00", ring: "#1e2129" }
                : { fg: "#1f2328", grid: "#d0d7de", c0: [213, 94, 0], c1: [0, 114, 178], train: "#0072B2", dev: "#B35900", ring: "#ffffff" };
  }
  function sizeCanvas(c, aspect) {  // the canvas's pixels follow its CSS width (sharp at any zoom)
    const w = Math.max(200, Math.round(c.clientWidth || 360)), r = window.devicePixelRatio || 1;
    c.width = Math.round(w * r); c.height = Math.round(w * aspect * r);
    const ctx = c.getContext("2d");
    ctx.setTransform(r, 0, 0, r, 0, 0);
    return [ctx, w, w * aspect];
  }
  function drawBoundary(col) {
    const [ctx, w, h] = sizeCanvas(boundary, 1), d = data[lastGood.dataset], [x0, x1, y0, y1] = d.extent;
    ctx.clearRect(0, 0, w, h);
    if (lastGrid) {
      const n = 72, img = new ImageData(n, n);
      for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
        const p = lastGrid[r * n + c], k = 4 * ((n - 1 - r) * n + c), t = p > 0.5 ? col.c1 : col.c0;
        img.data[k] = t[0]; img.data[k + 1] = t[1]; img.data[k + 2] = t[2];
        img.data[k + 3] = Math.round(40 + 150 * Math.abs(p - 0.5));
      }
      const off = document.createElement("canvas");
      off.width = n; off.height = n; off.getContext("2d").putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(off, 0, 0, w, h);
    }
    const X = d.X, Y = d.Y[0];
    for (let i = 0; i < Y.length; i++) {
      const px = (X[0][i] - x0) / (x1 - x0) * w, py = h - (X[1][i] - y0) / (y1 - y0) * h, t = Y[i] ? col.c1 : col.c0;
      ctx.beginPath(); ctx.arc(px, py, 3.2, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${t})`; ctx.fill();
      ctx.lineWidth = 1; ctx.strokeStyle = col.ring; ctx.stroke();
    }
  }
  function drawChart(canvas, title, ys, fixed, col) {
    const [ctx, w, h] = sizeCanvas(canvas, 0.47), L = 44, R = 8, T = 18, B = 22;
    ctx.clearRect(0, 0, w, h);
    ctx.font = "12px system-ui, sans-serif"; ctx.fillStyle = col.fg;
    ctx.fillText(title, L, 12);
    const xs = curves ? curves.epoch : [], xMax = Math.max(1, xs.length ? xs[xs.length - 1] : 1);
    let lo = fixed ? fixed[0] : 0, hi = fixed ? fixed[1] : 0;
    if (!fixed) for (const [v] of ys) for (const y of v) if (Number.isFinite(y)) hi = Math.max(hi, y);
    if (hi <= lo) hi = lo + 1;
    const px = (x) => L + x / xMax * (w - L - R), py = (y) => T + (1 - (y - lo) / (hi - lo)) * (h - T - B);
    ctx.strokeStyle = col.grid; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(L, T); ctx.lineTo(L, h - B); ctx.lineTo(w - R, h - B); ctx.stroke();
    ctx.fillText(fixed ? "100%" : hi.toPrecision(2), 2, T + 4);
    ctx.fillText(fixed ? "0%" : "0", 2, h - B);
    ctx.fillText("epoch " + xMax, w - R - ctx.measureText("epoch " + xMax).width, h - 6);
    for (const [v, color] of ys) {
      ctx.strokeStyle = color; ctx.lineWidth = 2; ctx.beginPath();
      v.forEach((y, i) => { const X = px(xs[i]), Yp = py(Math.min(y, hi)); i ? ctx.lineTo(X, Yp) : ctx.moveTo(X, Yp); });
      ctx.stroke();
    }
  }
  let pending = false;
  function draw() {
    if (pending || !data) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const col = colors();
      drawBoundary(col);
      drawChart(costChart, "cost", [[curves.cost, col.train], [curves.devCost, col.dev]], null, col);
      drawChart(accChart, "accuracy", [[curves.acc, col.train], [curves.devAcc, col.dev]], [0, 1], col);
    });
  }

  // ---- events
  form.addEventListener("submit", (e) => e.preventDefault());
  form.addEventListener("change", (e) => {
    const key = e.target.name;
    if (!BY_KEY[key]) return;
    state[key] = e.target.value.trim();
    preset = "";
    show();
    apply();
  });
  form.addEventListener("keydown", (e) => { if (e.key === "Enter" && e.target.tagName === "INPUT") { e.preventDefault(); e.target.dispatchEvent(new Event("change", { bubbles: true })); } });
  presetSelect.addEventListener("change", () => {
    preset = presetSelect.value;
    Object.assign(state, defaults(), preset ? PRESETS[preset][1] : {});
    show();
    apply();
  });
  playBtn.addEventListener("click", () => {
    if (!worker || !applied) return;
    if (running) { worker.postMessage({ type: "pause" }); setRunning(false); }
    else { setRunning(true); status.textContent = "Training…"; worker.postMessage({ type: "start" }); }
  });
  stepBtn.addEventListener("click", () => { if (worker && applied) { setRunning(false); worker.postMessage({ type: "step", epochs: 1 }); } });
  resetBtn.addEventListener("click", () => {
    if (!worker || !applied) return;
    setRunning(false);
    curves = { epoch: [], cost: [], devCost: [], acc: [], devAcc: [] };
    worker.postMessage({ type: "reset" });
  });
  new MutationObserver(draw).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  window.addEventListener("resize", draw);

  show();
  root.dataset.state = "loading";
  fetch(dataUrl).then((r) => { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); }).then((d) => {
    data = d;
    worker = new Worker(new URL("playground-worker.js", base));
    worker.onmessage = onMessage;
    worker.onerror = (e) => { status.textContent = "The trainer failed: " + e.message; };
    apply();
  }).catch((err) => { status.textContent = "Could not load the data (" + err.message + ")."; });

  // for the tests and the curious
  window.coursePlaygroundPage = { PRESETS, FIELDS: FIELDS.map((f) => f.key), state: () => ({ ...state }), curves: () => curves };
})();
