// The course's L-layer network (ReLU hidden layers, sigmoid output, cross-entropy) in plain
// JavaScript, trained in float64 the way course_code.training.train trains it: same formulas,
// same order of operations, so costs and weights agree with the Python package to about 1e-13
// (tests/site/test_playground_core.py). Works in a page and in a Web Worker: self.coursePlayground.
//
// Layout: X is (n_x, m), one example per column, stored row by row in a Float64Array (element
// [k, i] at k * m + i). W[l] (n[l] x n[l-1]) and b[l] (n[l] x 1) are views into one flat vector
// theta, so an optimizer updates every parameter in one loop.
(function (root) {
  "use strict";

  // ---- checks
  // Every public function checks its input and throws an Error naming the bad value.
  const fail = (message) => { throw new Error(message); };
  function show(v) {  // a short readable form of a bad value
    if (typeof v === "number" || v === undefined || typeof v === "function") return String(v);
    let text;
    try { text = JSON.stringify(v); } catch (e) { text = String(v); }
    return text.length > 60 ? text.slice(0, 57) + "..." : text;
  }
  const isReal = (v) => typeof v === "number" && Number.isFinite(v);
  const isWhole = (v, min) => Number.isInteger(v) && v >= min;
  const has = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
  function check(name, v, ok, rule) {
    if (!isReal(v) || !ok(v)) fail(`${name} must be ${rule}, got ${show(v)}`);
    return v;
  }
  const atLeast0 = (name, v) => check(name, v, (x) => x >= 0, "finite and >= 0");
  const keepProbOf = (v) => v === undefined ? 1 : check("keepProb", v, (x) => x > 0 && x <= 1, "in (0, 1]");

  // A matrix given as an array of rows -> {rows, cols, data: Float64Array, row by row}.
  function matrix(name, rows, wantRows, wantCols) {
    if (!Array.isArray(rows) || !rows.length) fail(`${name} must be a non-empty array of rows, got ${show(rows)}`);
    const r = rows.length, c = rows[0] && rows[0].length > 0 ? rows[0].length : fail(`${name} row 0 must be a non-empty array, got ${show(rows[0])}`);
    if (wantRows !== undefined && r !== wantRows) fail(`${name} has ${r} rows, expected ${wantRows}`);
    if (wantCols !== undefined && c !== wantCols) fail(`${name} has ${c} columns, expected ${wantCols}`);
    const data = new Float64Array(r * c);
    for (let i = 0; i < r; i++) {
      const row = rows[i];
      if (!row || row.length !== c) fail(`${name} row ${i} has length ${row ? row.length : show(row)}, expected ${c}`);
      for (let j = 0; j < c; j++) {
        if (!isReal(row[j])) fail(`${name}[${i}][${j}] must be a finite number, got ${show(row[j])}`);
        data[i * c + j] = row[j];
      }
    }
    return { rows: r, cols: c, data };
  }
  const toRows = (data, r, c) => Array.from({ length: r }, (_, i) => Array.from(data.subarray(i * c, (i + 1) * c)));

  // ---- random numbers
  // A small seedable generator (sfc32, 128 bits of state) seeded through splitmix32;
  // makeRng(seed, stream): independent streams for one seed (weights, shuffling, dropout).
  function makeRng(seed, stream) {
    check("seed", seed, Number.isInteger, "a whole number");
    let x = (seed | 0) ^ Math.imul((seed / 4294967296) | 0, 0x27d4eb2d) ^ Math.imul(stream | 0, 0x165667b1);
    const s = [];
    for (let i = 0; i < 4; i++) {  // splitmix32
      x = (x + 0x9e3779b9) | 0;
      let z = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      s.push((z ^ (z >>> 16)) >>> 0);
    }
    let [a, b, c, d] = s;
    function next() {  // sfc32: one 32-bit unsigned integer
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      return t >>> 0;
    }
    for (let i = 0; i < 12; i++) next();  // mix the seed in
    // uniform in [0, 1) with 53 random bits, like NumPy's random()
    const random = () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
    // standard normal N(0, 1), Box-Muller: sqrt(-2 ln u1) cos(2 pi u2), u1 in (0, 1]
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return { random, normal };
  }
  // rng given as a seed, a generator ({random()}), or nothing (seed 0: the same draws every time)
  function asRng(rng) {
    if (rng === undefined || rng === null) return makeRng(0);
    if (typeof rng === "number") return makeRng(rng);
    return rng && typeof rng.random === "function" ? rng : fail(`rng must be a seed or an object with random(), got ${show(rng)}`);
  }

  // A random order of 0..m-1 (Fisher-Yates), to shuffle an epoch's examples.
  function permutation(m, rng) {
    check("m", m, (v) => isWhole(v, 1), "a whole number >= 1");
    rng = asRng(rng);
    const p = Array.from({ length: m }, (_, i) => i);
    for (let i = m - 1; i > 0; i--) {
      const j = Math.floor(rng.random() * (i + 1));
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }

  // ---- initialization
  // Biases 0; W[l] = N(0, 1) draws * std, layer by layer (W1 first), row by row.
  const INIT_STD = {
    zeros: () => 0,
    random: (nPrev, n, scale) => scale,               // the course's "large random": scale 10
    he: (nPrev) => Math.sqrt(2 / nPrev),              // He et al. 2015, made for ReLU
    lecun: (nPrev) => Math.sqrt(1 / nPrev),           // LeCun (the course's "Xavier")
    xavier: (nPrev, n) => Math.sqrt(2 / (nPrev + n)), // Glorot & Bengio 2010
  };
  function initialize(layerDims, method, rng, scale) {
    const dims = checkDims(layerDims);
    if (!has(INIT_STD, method)) fail(`unknown init method ${show(method)}; expected one of ${Object.keys(INIT_STD).join(", ")}`);
    scale = scale === undefined ? 10 : atLeast0("scale", scale);
    rng = asRng(rng);
    const params = {};
    for (let l = 1; l < dims.length; l++) {
      const std = INIT_STD[method](dims[l - 1], dims[l], scale);
      params["W" + l] = Array.from({ length: dims[l] }, () =>
        Array.from({ length: dims[l - 1] }, () => method === "zeros" ? 0 : rng.normal() * std));
      params["b" + l] = Array.from({ length: dims[l] }, () => [0]);
    }
    return params;
  }
  function checkDims(dims) {
    if (!Array.isArray(dims) || dims.length < 2) fail(`layerDims needs at least an input and an output size, got ${show(dims)}`);
    dims.forEach((d) => isWhole(d, 1) || fail(`layerDims must be whole numbers >= 1, got ${show(d)} in ${show(dims)}`));
    return dims.slice();
  }

  // ---- the network
  // {W1, b1, ...} as rows -> a net: theta (all parameters end to end) with views W[l], b[l].
  function makeNet(params, nx) {
    if (!params || typeof params !== "object") fail(`params must be an object {W1, b1, ...}, got ${show(params)}`);
    const L = Object.keys(params).filter((k) => k[0] === "W").length, keys = [];
    for (let l = 1; l <= L; l++) keys.push("W" + l, "b" + l);
    if (!L || Object.keys(params).sort().join() !== keys.slice().sort().join()) {
      fail(`params must have keys ${L ? keys.join(", ") : "W1, b1, ..."}; got ${show(Object.keys(params))}`);
    }
    const mats = [null], dims = [nx];
    let P = 0;
    for (let l = 1; l <= L; l++) {
      const W = matrix("W" + l, params["W" + l], undefined, dims[l - 1]);
      if (l === L && W.rows !== 1) fail(`the output layer must have 1 unit (sigmoid), got W${L} with ${W.rows} rows`);
      mats.push([W.data, matrix("b" + l, params["b" + l], W.rows, 1).data]);
      dims.push(W.rows);
      P += W.data.length + W.rows;
    }
    const theta = new Float64Array(P), grad = new Float64Array(P);
    const net = { dims, L, theta, grad, W: [null], b: [null], dW: [null], db: [null] };
    for (let l = 1, o = 0; l <= L; l++) {  // layer l: W (n[l] x n[l-1]) then b (n[l])
      for (const [k, values] of [["W", mats[l][0]], ["b", mats[l][1]]]) {
        net[k].push(theta.subarray(o, o + values.length));
        net["d" + k].push(grad.subarray(o, o + values.length));
        net[k][l].set(values);
        o += values.length;
      }
    }
    return net;
  }
  function netParams(net) {
    const out = {};
    for (let l = 1; l <= net.L; l++) {
      out["W" + l] = toRows(net.W[l], net.dims[l], net.dims[l - 1]);
      out["b" + l] = toRows(net.b[l], net.dims[l], 1);
    }
    return out;
  }

  // Buffers for batches of m examples: Z[l], A[l] (A[L] holds the sigmoid's output), dropout
  // masks D[l], dZ[l], dA[l]; each n[l] x m.
  function workspace(dims, m) {
    const L = dims.length - 1, ws = { m, Z: [null], A: [null], D: [null], dZ: [null], dA: [null] };
    for (let l = 1; l <= L; l++) {
      const size = dims[l] * m;
      for (const k of ["Z", "A", "dZ"]) ws[k].push(new Float64Array(size));
      for (const k of ["D", "dA"]) ws[k].push(l < L ? new Float64Array(size) : null);
    }
    return ws;
  }

  const sigmoid = (z) => 1 / (1 + Math.exp(-z));

  // Forward pass on X (n_x x m). Hidden layers: A = relu(Z), then inverted dropout when
  // keepProb < 1; output layer: A_L = sigmoid(Z_L). Leaves everything in ws; returns Z_L.
  function forward(net, X, ws, keepProb, rng) {
    const m = ws.m, L = net.L, dims = net.dims;
    let Aprev = X;
    for (let l = 1; l <= L; l++) {
      const n = dims[l], nPrev = dims[l - 1], W = net.W[l], b = net.b[l], Z = ws.Z[l], A = ws.A[l];
      // Z = W A_prev + b
      Z.fill(0);
      for (let j = 0; j < n; j++) {
        const zj = j * m;
        for (let k = 0; k < nPrev; k++) {
          const w = W[j * nPrev + k], ak = k * m;
          for (let i = 0; i < m; i++) Z[zj + i] += w * Aprev[ak + i];
        }
        for (let i = 0; i < m; i++) Z[zj + i] += b[j];
      }
      if (l < L) {
        for (let q = 0; q < n * m; q++) A[q] = Z[q] > 0 ? Z[q] : 0;   // A = relu(Z)
        if (keepProb < 1) {
          // inverted dropout: D = (U < keepProb) / keepProb, A = A * D, U uniform in [0, 1)
          const D = ws.D[l], scale = 1 / keepProb;
          for (let q = 0; q < n * m; q++) {
            D[q] = (rng.random() < keepProb ? 1 : 0) * scale;
            A[q] *= D[q];
          }
        }
      } else {
        for (let i = 0; i < m; i++) A[i] = sigmoid(Z[i]);            // A_L = sigmoid(Z_L)
      }
      Aprev = A;
    }
    return ws.Z[L];
  }

  // The batch's summed cross-entropy, from the logits, exactly (never log 0):
  // loss(z, y) = max(z, 0) - y z + log(1 + exp(-|z|)); as train() does: mean * m.
  function batchLoss(ZL, Y, m) {
    let sum = 0;
    for (let i = 0; i < m; i++) sum += Math.max(ZL[i], 0) - Y[i] * ZL[i] + Math.log1p(Math.exp(-Math.abs(ZL[i])));
    return (sum / m) * m;
  }

  // Backward pass: net.grad = the gradient of the batch's mean cost, plus (lambda / m) W for
  // L2 (l2 = lambda / m with m the whole training set).
  function backward(net, X, Y, ws, keepProb, l2) {
    const m = ws.m, L = net.L, dims = net.dims;
    // output layer, sigmoid and cross-entropy combined: dZ_L = (A_L - Y) / m
    const dZL = ws.dZ[L], AL = ws.A[L], inv = 1 / m;
    for (let i = 0; i < m; i++) dZL[i] = (AL[i] - Y[i]) * inv;
    for (let l = L; l >= 1; l--) {
      const n = dims[l], nPrev = dims[l - 1], dZ = ws.dZ[l], Aprev = l > 1 ? ws.A[l - 1] : X;
      const dW = net.dW[l], db = net.db[l], W = net.W[l];
      // dW = dZ A_prev^T,  db = dZ summed over the examples
      for (let j = 0; j < n; j++) {
        const zj = j * m;
        for (let k = 0; k < nPrev; k++) {
          const ak = k * m;
          let s = 0;
          for (let i = 0; i < m; i++) s += dZ[zj + i] * Aprev[ak + i];
          dW[j * nPrev + k] = s;
        }
        let s = 0;
        for (let i = 0; i < m; i++) s += dZ[zj + i];
        db[j] = s;
      }
      if (l > 1) {
        // dA_prev = W^T dZ; the forward pass's dropout mask; dZ_prev = dA_prev * relu'(Z_prev)
        const dA = ws.dA[l - 1], Zp = ws.Z[l - 1], dZp = ws.dZ[l - 1], D = ws.D[l - 1];
        dA.fill(0);
        for (let j = 0; j < n; j++) {
          const zj = j * m;
          for (let k = 0; k < nPrev; k++) {
            const w = W[j * nPrev + k], ak = k * m;
            for (let i = 0; i < m; i++) dA[ak + i] += w * dZ[zj + i];
          }
        }
        if (keepProb < 1) for (let q = 0; q < nPrev * m; q++) dA[q] *= D[q];
        for (let q = 0; q < nPrev * m; q++) dZp[q] = dA[q] * (Zp[q] > 0 ? 1 : 0);
      }
      if (l2) for (let q = 0; q < n * nPrev; q++) dW[q] += W[q] * l2;   // + (lambda / m) W
    }
  }

  // lambda / (2 m) * sum over layers of ||W[l]||^2  (biases are not penalized)
  function l2Penalty(net, lambd, m) {
    if (!lambd) return 0;
    let s = 0;
    for (let l = 1; l <= net.L; l++) for (const w of net.W[l]) s += w * w;
    return lambd / (2 * m) * s;
  }

  // ---- optimizers
  // One update of the flat vectors theta, with gradient g; t counts updates (1 for the first).
  const OPTIMIZERS = {
    // W = W - lr dW
    gd(o, theta, g, st, lr) {
      for (let q = 0; q < theta.length; q++) theta[q] -= g[q] * lr;
    },
    // v = beta v + (1 - beta) dW;  W = W - lr v
    momentum(o, theta, g, st, lr) {
      const v = st.v, c = 1 - o.beta;
      for (let q = 0; q < theta.length; q++) {
        v[q] = v[q] * o.beta + g[q] * c;
        theta[q] -= v[q] * lr;
      }
    },
    // s = beta s + (1 - beta) dW^2;  W = W - lr dW / (sqrt(s) + eps)
    rmsprop(o, theta, g, st, lr) {
      const s = st.s, c = 1 - o.beta;
      for (let q = 0; q < theta.length; q++) {
        s[q] = s[q] * o.beta + g[q] * g[q] * c;
        theta[q] -= g[q] / (Math.sqrt(s[q]) + o.epsilon) * lr;
      }
    },
    // v = beta1 v + (1 - beta1) dW,  s = beta2 s + (1 - beta2) dW^2,
    // W = W - lr v_hat / (sqrt(s_hat) + eps), v_hat = v / (1 - beta1^t), s_hat = s / (1 - beta2^t)
    adam(o, theta, g, st, lr, t) {
      const v = st.v, s = st.s, c1 = 1 - o.beta1, c2 = 1 - o.beta2;
      const sHat = 1 / (1 - Math.pow(o.beta2, t)), step = lr / (1 - Math.pow(o.beta1, t));
      for (let q = 0; q < theta.length; q++) {
        v[q] = v[q] * o.beta1 + g[q] * c1;
        s[q] = s[q] * o.beta2 + g[q] * g[q] * c2;
        theta[q] -= v[q] / (Math.sqrt(s[q] * sHat) + o.epsilon) * step;
      }
    },
  };
  const OPTIMIZER_DEFAULTS = { gd: {}, momentum: { beta: 0.9 }, rmsprop: { beta: 0.999, epsilon: 1e-8 },
                               adam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };
  function checkOptimizer(opt) {
    if (!opt || !has(OPTIMIZERS, opt.name)) fail(`optimizer.name must be one of ${Object.keys(OPTIMIZERS).join(", ")}, got ${show(opt && opt.name)}`);
    const o = { name: opt.name }, defaults = OPTIMIZER_DEFAULTS[opt.name];
    for (const k of Object.keys(defaults)) {
      const v = opt[k] === undefined || opt[k] === null ? defaults[k] : opt[k];
      o[k] = k === "epsilon" ? atLeast0("optimizer.epsilon", v) : check("optimizer." + k, v, (x) => x >= 0 && x < 1, "in [0, 1)");
    }
    return o;
  }

  // ---- training
  // train(spec) -> {costs, params, state, steps}: course_code.training.train with record_every=1.
  //   spec.learningRates: one rate per epoch (their number is the number of epochs)
  //   spec.permutations: the order of the examples in each epoch (mini-batches only)
  //   spec.state: the optimizer state an earlier call returned, to carry on training
  function train(spec) {
    if (!spec || typeof spec !== "object") fail(`train needs a spec object, got ${show(spec)}`);
    const Xm = matrix("X", spec.X), nx = Xm.rows, m = Xm.cols, X = Xm.data, Y = matrix("Y", spec.Y, 1, m).data;
    Y.forEach((y, i) => y === 0 || y === 1 || fail(`Y[0][${i}] must be 0 or 1, got ${show(y)}`));
    const net = makeNet(spec.params, nx), opt = checkOptimizer(spec.optimizer), rates = spec.learningRates;
    if (!rates || !rates.length || typeof rates === "string") fail(`learningRates must be a non-empty array (one rate per epoch), got ${show(rates)}`);
    rates.forEach((r, e) => atLeast0(`learningRates[${e}]`, r));
    const lambd = spec.lambd === undefined ? 0 : atLeast0("lambd", spec.lambd), keepProb = keepProbOf(spec.keepProb);
    const batch = spec.batchSize === undefined ? null : spec.batchSize;
    if (batch !== null && !isWhole(batch, 1)) fail(`batchSize must be null (full batch) or a whole number >= 1, got ${show(batch)}`);
    const size = batch === null ? m : Math.min(batch, m), shuffle = size < m, epochs = rates.length;
    if (shuffle) checkPermutations(spec.permutations, epochs, m);
    const rng = keepProb < 1 ? asRng(spec.rng) : null, state = optimizerState(spec.state, opt, net.theta.length);

    // the batches: (start, stop) column ranges, the last one the remainder; buffers per size
    const bounds = [], spaces = {};
    for (let a = 0; a < m; a += size) {
      const mb = Math.min(a + size, m) - a;
      bounds.push([a, mb]);
      if (!spaces[mb]) spaces[mb] = { ws: workspace(net.dims, mb), X: new Float64Array(nx * mb), Y: new Float64Array(mb) };
    }
    const l2 = lambd / m, step = OPTIMIZERS[opt.name], costs = [];

    for (let e = 0; e < epochs; e++) {
      const lr = rates[e], perm = shuffle ? spec.permutations[e] : null;
      const penalty = l2Penalty(net, lambd, m);   // this epoch's L2 term: the weights before its updates
      let total = 0;                               // sum of the examples' losses, each before its update
      for (const [a, mb] of bounds) {
        const buf = spaces[mb];
        let Xb = X, Yb = Y;
        if (shuffle) {  // columns perm[a], ..., perm[a + mb - 1] of X and Y
          Xb = buf.X; Yb = buf.Y;
          for (let i = 0; i < mb; i++) {
            const c = perm[a + i];
            for (let k = 0; k < nx; k++) Xb[k * mb + i] = X[k * m + c];
            Yb[i] = Y[c];
          }
        }
        total += batchLoss(forward(net, Xb, buf.ws, keepProb, rng), Yb, mb);
        backward(net, Xb, Yb, buf.ws, keepProb, l2);
        state.t += 1;
        step(opt, net.theta, net.grad, state, lr, state.t);
      }
      costs.push(total / m + penalty);
      checkFinite(net, e, lr);
    }
    return { costs, params: netParams(net), state, steps: state.t };
  }

  function checkPermutations(perms, epochs, m) {
    if (!Array.isArray(perms) || perms.length < epochs) {
      fail(`permutations must hold one order of the ${m} examples per epoch (${epochs}), got ` +
           (Array.isArray(perms) ? perms.length + " arrays" : show(perms)));
    }
    const seen = new Uint32Array(m);
    for (let e = 0; e < epochs; e++) {
      const p = perms[e];
      if (!p || p.length !== m) fail(`permutations[${e}] must have length ${m}, got ${p ? p.length : show(p)}`);
      for (let i = 0; i < m; i++) {
        if (!isWhole(p[i], 0) || p[i] >= m || seen[p[i]] === e + 1) {
          fail(`permutations[${e}] must be a permutation of 0..${m - 1}: bad or repeated entry ${show(p[i])} at ${i}`);
        }
        seen[p[i]] = e + 1;
      }
    }
  }

  // Optimizer state: t (updates so far) and the running averages v, s (copied, never shared).
  function optimizerState(given, opt, P) {
    const st = { name: opt.name, t: 0, v: new Float64Array(P), s: new Float64Array(P) };
    if (given === undefined || given === null) return st;
    if (given.name !== opt.name || !isWhole(given.t, 0) || !given.v || given.v.length !== P || !given.s || given.s.length !== P) {
      fail(`state must come from ${opt.name} on this network (${P} parameters), got ${show({ name: given.name, t: given.t })}`);
    }
    st.t = given.t; st.v.set(given.v); st.s.set(given.s);
    return st;
  }

  function checkFinite(net, epoch, lr) {
    if (net.theta.every(Number.isFinite)) return;
    const bad = [];
    for (let l = 1; l <= net.L; l++) for (const k of ["W", "b"]) if (!net[k][l].every(Number.isFinite)) bad.push(k + l);
    fail(`training diverged: ${net.theta.some(Number.isNaN) ? "nan" : "inf"} in parameters ${bad.join(", ")} by epoch ` +
         `${epoch} (learning rate ${lr}); try a smaller learning rate`);
  }

  // ---- using a network
  // One forward pass on X, with dropout drawn from rng when keepProb < 1 (to show and test it):
  // {Z, A, D}, per layer 1..L as rows (D for the hidden layers when keepProb < 1, else null).
  function forwardPass(params, Xrows, keepProb, rng) {
    const Xm = matrix("X", Xrows), net = makeNet(params, Xm.rows), m = Xm.cols, ws = workspace(net.dims, m);
    keepProb = keepProbOf(keepProb);
    forward(net, Xm.data, ws, keepProb, keepProb < 1 ? asRng(rng) : null);
    const rows = (k) => ws[k].map((v, l) => v && (k !== "D" || keepProb < 1) ? toRows(v, net.dims[l], m) : null);
    return { Z: rows("Z"), A: rows("A"), D: rows("D") };
  }
  function probs(net, X, m) {  // A_L of a net on X (Float64Array, n_x x m), without dropout
    const ws = workspace(net.dims, m);
    forward(net, X, ws, 1, null);
    return ws.A[net.L];
  }
  // probabilities(params, X) -> Float64Array: the sigmoid's output for each example
  function probabilities(params, Xrows) {
    const Xm = matrix("X", Xrows);
    return probs(makeNet(params, Xm.rows), Xm.data, Xm.cols);
  }
  // predict(params, X) -> 0/1 per example: 1 where the probability exceeds 0.5
  const predict = (params, Xrows) => Array.from(probabilities(params, Xrows), (p) => p > 0.5 ? 1 : 0);
  // accuracy(params, X, Y) -> the fraction of the examples predicted right
  function accuracy(params, Xrows, Yrows) {
    const pred = predict(params, Xrows), Y = matrix("Y", Yrows, 1, pred.length).data;
    return pred.filter((p, i) => p === Y[i]).length / pred.length;
  }
  // Probabilities on an nx x ny grid over [xMin, xMax] x [yMin, yMax] (networks with 2 inputs),
  // for a decision-boundary plot: Float64Array, row r (y = yMin + r dy), column c (x = xMin + c dx).
  function probabilityGrid(params, grid) {
    const g = grid || {};
    for (const k of ["xMin", "xMax", "yMin", "yMax"]) check("grid." + k, g[k], isReal, "a finite number");
    for (const k of ["nx", "ny"]) check("grid." + k, g[k], (v) => isWhole(v, 2), "a whole number >= 2");
    const net = makeNet(params, 2), m = g.nx * g.ny, X = new Float64Array(2 * m);
    const dx = (g.xMax - g.xMin) / (g.nx - 1), dy = (g.yMax - g.yMin) / (g.ny - 1);
    for (let r = 0; r < g.ny; r++) {
      for (let c = 0; c < g.nx; c++) { X[r * g.nx + c] = g.xMin + c * dx; X[m + r * g.nx + c] = g.yMin + r * dy; }
    }
    return Float64Array.from(probs(net, X, m));
  }

  // ---- learning-rate schedules
  // course_code.schedules: each maps the 0-based epoch number to that epoch's rate.
  const schedules = {
    // lr = lr0
    constant(lr0) { atLeast0("lr0", lr0); return () => lr0; },
    // lr = lr0 / (1 + k epoch)   (the course's update_lr)
    inverseTime(lr0, k) {
      atLeast0("lr0", lr0); atLeast0("decayRate", k);
      return (epoch) => lr0 / (1 + k * epoch);
    },
    // lr = lr0 / (1 + k floor(epoch / T))   (the course's schedule_lr_decay: steps every T epochs)
    staircase(lr0, k, T) {
      atLeast0("lr0", lr0); atLeast0("decayRate", k);
      T = T === undefined ? 1000 : check("timeInterval", T, (v) => isWhole(v, 1), "a whole number of epochs >= 1");
      return (epoch) => lr0 / (1 + k * Math.floor(epoch / T));
    },
    // lr = lr0 gamma^epoch, gamma in (0, 1]
    exponential(lr0, gamma) {
      atLeast0("lr0", lr0);
      check("decayRate", gamma, (v) => v > 0 && v <= 1, "in (0, 1] (the factor per epoch)");
      return (epoch) => lr0 * Math.pow(gamma, epoch);
    },
  };
  // schedule({name, lr0, decayRate, timeInterval}) -> function epoch -> rate
  function schedule(s) {
    if (!s || !has(schedules, s.name)) fail(`schedule.name must be one of ${Object.keys(schedules).join(", ")}, got ${show(s && s.name)}`);
    return schedules[s.name](s.lr0, s.decayRate, s.timeInterval);
  }
  // the rates of epochs first, ..., first + count - 1
  function learningRates(sched, count, first = 0) {
    const f = typeof sched === "function" ? sched : schedule(sched);
    return Array.from({ length: count }, (_, i) => f(first + i));
  }

  root.coursePlayground = {
    train, initialize, makeRng, permutation, forwardPass, probabilities, predict, accuracy,
    probabilityGrid, schedules, schedule, learningRates,
    INIT_METHODS: Object.keys(INIT_STD), OPTIMIZER_DEFAULTS,
  };
})(typeof self !== "undefined" ? self : globalThis);
