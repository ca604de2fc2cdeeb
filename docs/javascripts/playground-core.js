// The playground's network, in plain JavaScript: the course's L-layer network (ReLU hidden
// layers, a sigmoid output, binary cross-entropy) trained in float64 exactly as
// course_code.training.train trains it: same formulas, same order of operations, so the
// costs and weights agree with the Python package to about 1e-12 (tests/site/test_playground_core.py).
//
// Layout: X is (n_x, m), one example per column, stored row by row in a Float64Array
// (element [k, i] at k * m + i). W[l] is (n[l], n[l-1]) and b[l] is (n[l], 1), both views
// into one flat vector theta, so an optimizer updates every parameter in one loop.
//
// Works in a page and in a Web Worker: everything hangs off self.coursePlayground.
(function (root) {
  "use strict";

  // ------------------------------------------------------------------ checks
  // Every public function checks its input and throws an Error naming the bad value.
  function fail(message) { throw new Error(message); }
  function show(v) {  // a short readable form of a bad value, for the message
    if (typeof v === "number" || v === undefined || typeof v === "function") return String(v);
    let text;
    try { text = JSON.stringify(v); } catch (e) { text = String(v); }
    return text.length > 60 ? text.slice(0, 57) + "..." : text;
  }
  function isReal(v) { return typeof v === "number" && Number.isFinite(v); }
  function checkNumber(name, v, ok, rule) {
    if (!isReal(v) || !ok(v)) fail(name + " must be " + rule + ", got " + show(v));
    return v;
  }
  function isWhole(v, min) { return Number.isInteger(v) && v >= min; }

  // A matrix given as an array of rows -> {rows, cols, data: Float64Array row by row}.
  function matrix(name, rows, expectRows, expectCols) {
    if (!Array.isArray(rows) || rows.length === 0) fail(name + " must be a non-empty array of rows, got " + show(rows));
    const r = rows.length, c = Array.isArray(rows[0]) || ArrayBuffer.isView(rows[0]) ? rows[0].length : -1;
    if (c < 1) fail(name + " row 0 must be a non-empty array, got " + show(rows[0]));
    if (expectRows !== undefined && r !== expectRows) fail(name + " has " + r + " rows, expected " + expectRows);
    if (expectCols !== undefined && c !== expectCols) fail(name + " has " + c + " columns, expected " + expectCols);
    const data = new Float64Array(r * c);
    for (let i = 0; i < r; i++) {
      const row = rows[i];
      if (!row || row.length !== c) fail(name + " row " + i + " has length " + (row ? row.length : show(row)) + ", expected " + c);
      for (let j = 0; j < c; j++) {
        if (!isReal(row[j])) fail(name + "[" + i + "][" + j + "] must be a finite number, got " + show(row[j]));
        data[i * c + j] = row[j];
      }
    }
    return { rows: r, cols: c, data: data };
  }
  function toRows(data, r, c) {
    const out = [];
    for (let i = 0; i < r; i++) out.push(Array.from(data.subarray(i * c, (i + 1) * c)));
    return out;
  }

  // ------------------------------------------------------------------ random numbers
  // A small seedable generator (sfc32, 128 bits of state) seeded through splitmix32.
  // makeRng(seed, stream) gives independent streams for the same seed (init, shuffling, dropout).
  function splitmix32(x) {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return [x, (z ^ (z >>> 16)) >>> 0];
  }
  function makeRng(seed, stream) {
    checkNumber("seed", seed, Number.isInteger, "a whole number");
    let x = (seed | 0) ^ Math.imul((seed / 4294967296) | 0, 0x27d4eb2d) ^ Math.imul(stream | 0, 0x165667b1);
    const s = [];
    for (let i = 0; i < 4; i++) { const r = splitmix32(x); x = r[0]; s.push(r[1]); }
    let a = s[0], b = s[1], c = s[2], d = s[3];
    function next() {  // one 32-bit unsigned integer
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
    function random() { return ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992; }
    // standard normal N(0, 1), Box-Muller: sqrt(-2 ln u1) cos(2 pi u2), u1 in (0, 1]
    function normal() {
      const u1 = 1 - random(), u2 = random();
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
    return { random: random, normal: normal };
  }
  // rng given as a seed, a generator, or nothing (seed 0: the same masks every time)
  function asRng(rng, name) {
    if (rng === undefined || rng === null) return makeRng(0);
    if (typeof rng === "number") return makeRng(rng);
    if (typeof rng.random !== "function") fail(name + " must be a seed or an object with random(), got " + show(rng));
    return rng;
  }

  // A random order of 0..m-1 (Fisher-Yates), for shuffling an epoch's examples.
  function permutation(m, rng) {
    checkNumber("m", m, function (v) { return isWhole(v, 1); }, "a whole number >= 1");
    rng = asRng(rng, "rng");
    const p = Array.from({ length: m }, function (_, i) { return i; });
    for (let i = m - 1; i > 0; i--) {
      const j = Math.floor(rng.random() * (i + 1)), t = p[i];
      p[i] = p[j]; p[j] = t;
    }
    return p;
  }

  // ------------------------------------------------------------------ initialization
  // Biases 0; W[l] ~ N(0, 1) * std, drawn layer by layer (W1 first), row by row.
  const INIT_STD = {
    zeros: function () { return 0; },
    random: function (nPrev, n, scale) { return scale; },                // the course's "large random": scale 10
    he: function (nPrev) { return Math.sqrt(2 / nPrev); },               // He et al. 2015, for ReLU
    lecun: function (nPrev) { return Math.sqrt(1 / nPrev); },            // LeCun (the course's "Xavier")
    xavier: function (nPrev, n) { return Math.sqrt(2 / (nPrev + n)); },  // Glorot & Bengio 2010
  };
  function initialize(layerDims, method, rng, scale) {
    const dims = checkDims(layerDims, false);
    if (!Object.prototype.hasOwnProperty.call(INIT_STD, method)) {
      fail("unknown init method " + show(method) + "; expected one of " + Object.keys(INIT_STD).join(", "));
    }
    scale = scale === undefined ? 10 : checkNumber("scale", scale, function (v) { return v >= 0; }, "finite and >= 0");
    rng = asRng(rng, "rng");
    const params = {};
    for (let l = 1; l < dims.length; l++) {
      const std = INIT_STD[method](dims[l - 1], dims[l], scale), W = [], b = [];
      for (let j = 0; j < dims[l]; j++) {
        const row = [];
        for (let k = 0; k < dims[l - 1]; k++) row.push(method === "zeros" ? 0 : rng.normal() * std);
        W.push(row);
        b.push([0]);
      }
      params["W" + l] = W;
      params["b" + l] = b;
    }
    return params;
  }
  function checkDims(layerDims, outputOne) {
    if (!Array.isArray(layerDims) || layerDims.length < 2) fail("layerDims needs at least an input and an output size, got " + show(layerDims));
    layerDims.forEach(function (d) { if (!isWhole(d, 1)) fail("layerDims must be whole numbers >= 1, got " + show(d) + " in " + show(layerDims)); });
    if (outputOne && layerDims[layerDims.length - 1] !== 1) fail("the output layer must have 1 unit (sigmoid), got layerDims " + show(layerDims));
    return layerDims.slice();
  }

  // ------------------------------------------------------------------ the network
  // {W1, b1, ...} as rows -> a net: theta (all parameters end to end), views W[l], b[l].
  function makeNet(params, nx) {
    if (!params || typeof params !== "object") fail("params must be an object {W1, b1, ...}, got " + show(params));
    let L = 0;
    while (params["W" + (L + 1)] !== undefined) L++;
    const expected = [];
    for (let l = 1; l <= L; l++) expected.push("W" + l, "b" + l);
    const keys = Object.keys(params).sort(), want = expected.slice().sort();
    if (L === 0 || keys.join() !== want.join()) fail("params must have keys W1, b1, ..., WL, bL; got " + show(Object.keys(params)));
    const Ws = [null], bs = [null], dims = [];
    for (let l = 1; l <= L; l++) {
      const prev = l === 1 ? nx : Ws[l - 1].rows;
      const W = matrix("W" + l, params["W" + l], undefined, prev);
      Ws.push(W);
      bs.push(matrix("b" + l, params["b" + l], W.rows, 1));
      if (l === 1) dims.push(W.cols);
      dims.push(W.rows);
    }
    if (dims[L] !== 1) fail("the output layer must have 1 unit (sigmoid), got W" + L + " with " + dims[L] + " rows");
    const net = emptyNet(dims);
    for (let l = 1; l <= L; l++) { net.W[l].set(Ws[l].data); net.b[l].set(bs[l].data); }
    return net;
  }
  function emptyNet(dims) {
    const L = dims.length - 1;
    let P = 0;
    for (let l = 1; l <= L; l++) P += dims[l] * (dims[l - 1] + 1);
    const theta = new Float64Array(P), grad = new Float64Array(P);
    const net = { dims: dims, L: L, theta: theta, grad: grad, W: [null], b: [null], dW: [null], db: [null] };
    let o = 0;
    for (let l = 1; l <= L; l++) {
      const nW = dims[l] * dims[l - 1], nb = dims[l];
      net.W.push(theta.subarray(o, o + nW)); net.dW.push(grad.subarray(o, o + nW)); o += nW;
      net.b.push(theta.subarray(o, o + nb)); net.db.push(grad.subarray(o, o + nb)); o += nb;
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

  // Buffers for batches of m examples: Z[l], A[l], dropout masks D[l], dZ[l], dA[l] (each n[l] x m).
  function workspace(dims, m) {
    const L = dims.length - 1, ws = { m: m, Z: [null], A: [null], D: [null], dZ: [null], dA: [null] };
    for (let l = 1; l <= L; l++) {
      const size = dims[l] * m;
      ws.Z.push(new Float64Array(size));
      ws.dZ.push(new Float64Array(size));
      ws.A.push(new Float64Array(size));           // A[L] holds the sigmoid's output A_L
      ws.D.push(l < L ? new Float64Array(size) : null);
      ws.dA.push(l < L ? new Float64Array(size) : null);
    }
    return ws;
  }

  function sigmoid(z) { return 1 / (1 + Math.exp(-z)); }

  // Forward pass on X (n_x x m). Hidden layers: A = relu(Z), then inverted dropout when
  // keepProb < 1; output: A_L = sigmoid(Z_L). Leaves everything in ws; returns Z_L.
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
        const bj = b[j];
        for (let i = 0; i < m; i++) Z[zj + i] += bj;
      }
      if (l < L) {
        for (let q = 0; q < n * m; q++) A[q] = Z[q] > 0 ? Z[q] : 0;   // A = relu(Z)
        if (keepProb < 1) {
          // inverted dropout: D = (U < keepProb) / keepProb, A = A * D  (U uniform in [0, 1))
          const D = ws.D[l], scale = 1 / keepProb;
          for (let q = 0; q < n * m; q++) {
            D[q] = (rng.random() < keepProb ? 1 : 0) * scale;
            A[q] *= D[q];
          }
        }
      } else {
        for (let q = 0; q < m; q++) A[q] = sigmoid(Z[q]);           // A_L = sigmoid(Z_L)
      }
      Aprev = A;
    }
    return ws.Z[L];
  }

  // Sum over the batch of the cross-entropy from the logits, exactly (never log 0):
  // loss(z, y) = max(z, 0) - y z + log(1 + exp(-|z|)). Returned as mean * m, as train() does.
  function batchLoss(ZL, Y, m) {
    let sum = 0;
    for (let i = 0; i < m; i++) {
      const z = ZL[i];
      sum += Math.max(z, 0) - Y[i] * z + Math.log1p(Math.exp(-Math.abs(z)));
    }
    return (sum / m) * m;
  }

  // Backward pass: fills net.grad with the gradient of the batch's mean cost, plus
  // (lambda / m_train) W for L2 (l2 = lambda / m_train).
  function backward(net, X, Y, ws, keepProb, l2) {
    const m = ws.m, L = net.L, dims = net.dims;
    // output layer, sigmoid and cross-entropy combined: dZ_L = (A_L - Y) / m
    const dZL = ws.dZ[L], AL = ws.A[L], inv = 1 / m;
    for (let i = 0; i < m; i++) dZL[i] = (AL[i] - Y[i]) * inv;
    for (let l = L; l >= 1; l--) {
      const n = dims[l], nPrev = dims[l - 1], dZ = ws.dZ[l], Aprev = l > 1 ? ws.A[l - 1] : X;
      const dW = net.dW[l], db = net.db[l], W = net.W[l];
      // dW = dZ A_prev^T,  db = sum of dZ over the examples
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
        // dA_prev = W^T dZ; then the same dropout mask as forward; then dZ_prev = dA_prev * relu'(Z_prev)
        const dA = ws.dA[l - 1], Zp = ws.Z[l - 1], dZp = ws.dZ[l - 1];
        dA.fill(0);
        for (let j = 0; j < n; j++) {
          const zj = j * m;
          for (let k = 0; k < nPrev; k++) {
            const w = W[j * nPrev + k], ak = k * m;
            for (let i = 0; i < m; i++) dA[ak + i] += w * dZ[zj + i];
          }
        }
        if (keepProb < 1) { const D = ws.D[l - 1]; for (let q = 0; q < nPrev * m; q++) dA[q] *= D[q]; }
        for (let q = 0; q < nPrev * m; q++) dZp[q] = dA[q] * (Zp[q] > 0 ? 1 : 0);
      }
      if (l2) for (let q = 0; q < n * nPrev; q++) dW[q] += W[q] * l2;   // + (lambda / m) W
    }
  }

  // lambda / (2 m) * sum over layers of ||W[l]||^2  (the biases are not penalized)
  function l2Penalty(net, lambd, m) {
    if (!lambd) return 0;
    let s = 0;
    for (let l = 1; l <= net.L; l++) { const W = net.W[l]; for (let q = 0; q < W.length; q++) s += W[q] * W[q]; }
    return lambd / (2 * m) * s;
  }

  // ------------------------------------------------------------------ optimizers
  // One step on the flat vectors theta and g (t = number of this update, 1 for the first).
  const OPTIMIZERS = {
    // W = W - lr dW
    gd: function (o, theta, g, st, lr) {
      for (let q = 0; q < theta.length; q++) theta[q] -= g[q] * lr;
    },
    // v = beta v + (1 - beta) dW;  W = W - lr v
    momentum: function (o, theta, g, st, lr) {
      const v = st.v, c = 1 - o.beta;
      for (let q = 0; q < theta.length; q++) {
        v[q] = v[q] * o.beta + g[q] * c;
        theta[q] -= v[q] * lr;
      }
    },
    // s = beta s + (1 - beta) dW^2;  W = W - lr dW / (sqrt(s) + eps)
    rmsprop: function (o, theta, g, st, lr) {
      const s = st.s, c = 1 - o.beta;
      for (let q = 0; q < theta.length; q++) {
        s[q] = s[q] * o.beta + g[q] * g[q] * c;
        theta[q] -= g[q] / (Math.sqrt(s[q]) + o.epsilon) * lr;
      }
    },
    // v = beta1 v + (1 - beta1) dW,  s = beta2 s + (1 - beta2) dW^2,
    // W = W - lr v_hat / (sqrt(s_hat) + eps) with v_hat = v / (1 - beta1^t), s_hat = s / (1 - beta2^t)
    adam: function (o, theta, g, st, lr, t) {
      const v = st.v, s = st.s, c1 = 1 - o.beta1, c2 = 1 - o.beta2;
      const sHat = 1 / (1 - Math.pow(o.beta2, t)), step = lr / (1 - Math.pow(o.beta1, t));
      for (let q = 0; q < theta.length; q++) {
        v[q] = v[q] * o.beta1 + g[q] * c1;
        s[q] = s[q] * o.beta2 + g[q] * g[q] * c2;
        theta[q] -= v[q] / (Math.sqrt(s[q] * sHat) + o.epsilon) * step;
      }
    },
  };
  const OPT_DEFAULTS = { gd: {}, momentum: { beta: 0.9 }, rmsprop: { beta: 0.999, epsilon: 1e-8 },
                         adam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };
  function checkOptimizer(opt) {
    if (!opt || !Object.prototype.hasOwnProperty.call(OPT_DEFAULTS, opt.name)) {
      fail("optimizer.name must be one of gd, momentum, rmsprop, adam, got " + show(opt && opt.name));
    }
    const o = { name: opt.name }, defaults = OPT_DEFAULTS[opt.name];
    Object.keys(defaults).forEach(function (k) {
      const v = opt[k] === undefined || opt[k] === null ? defaults[k] : opt[k];
      o[k] = k === "epsilon" ? checkNumber("optimizer.epsilon", v, function (x) { return x >= 0; }, "finite and >= 0")
        : checkNumber("optimizer." + k, v, function (x) { return x >= 0 && x < 1; }, "in [0, 1)");
    });
    return o;
  }

  // ------------------------------------------------------------------ training
  // train(spec) -> {costs, params, state, steps}: course_code.training.train with record_every=1.
  //   spec.learningRates: one rate per epoch (their number is the number of epochs)
  //   spec.permutations: one order of the examples per epoch (mini-batches only)
  //   spec.state: optional optimizer state returned by an earlier call, to continue training
  function train(spec) {
    if (!spec || typeof spec !== "object") fail("train needs a spec object, got " + show(spec));
    const Xm = matrix("X", spec.X), nx = Xm.rows, m = Xm.cols;
    const Ym = matrix("Y", spec.Y, 1, m), X = Xm.data, Y = Ym.data;
    for (let i = 0; i < m; i++) if (Y[i] !== 0 && Y[i] !== 1) fail("Y[0][" + i + "] must be 0 or 1, got " + show(Y[i]));
    const net = makeNet(spec.params, nx), opt = checkOptimizer(spec.optimizer);
    const rates = spec.learningRates;
    if (!Array.isArray(rates) && !ArrayBuffer.isView(rates)) fail("learningRates must be an array (one rate per epoch), got " + show(rates));
    if (rates.length === 0) fail("learningRates must hold at least one rate (one per epoch), got []");
    for (let e = 0; e < rates.length; e++) checkNumber("learningRates[" + e + "]", rates[e], function (v) { return v >= 0; }, "finite and >= 0");
    const lambd = spec.lambd === undefined ? 0 : checkNumber("lambd", spec.lambd, function (v) { return v >= 0; }, "finite and >= 0");
    const keepProb = spec.keepProb === undefined ? 1 : checkNumber("keepProb", spec.keepProb, function (v) { return v > 0 && v <= 1; }, "in (0, 1]");
    const batch = spec.batchSize;
    if (batch !== null && batch !== undefined && !isWhole(batch, 1)) fail("batchSize must be null (full batch) or a whole number >= 1, got " + show(batch));
    const size = batch === null || batch === undefined ? m : Math.min(batch, m), shuffle = size < m;
    const epochs = rates.length;
    if (shuffle) checkPermutations(spec.permutations, epochs, m);
    const rng = keepProb < 1 ? asRng(spec.rng, "rng") : null;
    const state = optimizerState(spec.state, opt, net.theta.length);

    // the batches: (start, stop) column ranges, the last one the remainder; buffers per size
    const bounds = [];
    for (let a = 0; a < m; a += size) bounds.push([a, Math.min(a + size, m)]);
    const spaces = {}, Xb = {}, Yb = {};
    bounds.forEach(function (ab) {
      const mb = ab[1] - ab[0];
      if (!spaces[mb]) { spaces[mb] = workspace(net.dims, mb); Xb[mb] = new Float64Array(nx * mb); Yb[mb] = new Float64Array(mb); }
    });
    const l2 = lambd / m, step = OPTIMIZERS[opt.name], costs = [];

    for (let e = 0; e < epochs; e++) {
      const lr = rates[e], perm = shuffle ? spec.permutations[e] : null;
      const penalty = l2Penalty(net, lambd, m);   // L2 term of this epoch's cost, before its updates
      let total = 0;                               // sum of the examples' losses, each before its update
      for (let bi = 0; bi < bounds.length; bi++) {
        const a = bounds[bi][0], mb = bounds[bi][1] - a, ws = spaces[mb];
        let Xbatch = X, Ybatch = Y;
        if (shuffle) {  // columns perm[a], ..., perm[b - 1] of X and Y
          Xbatch = Xb[mb]; Ybatch = Yb[mb];
          for (let i = 0; i < mb; i++) {
            const c = perm[a + i];
            for (let k = 0; k < nx; k++) Xbatch[k * mb + i] = X[k * m + c];
            Ybatch[i] = Y[c];
          }
        }
        const ZL = forward(net, Xbatch, ws, keepProb, rng);
        total += batchLoss(ZL, Ybatch, mb);
        backward(net, Xbatch, Ybatch, ws, keepProb, l2);
        state.t += 1;
        step(opt, net.theta, net.grad, state, lr, state.t);
      }
      costs.push(total / m + penalty);
      checkFinite(net, e, lr);
    }
    return { costs: costs, params: netParams(net), state: state, steps: state.t };
  }

  function checkPermutations(perms, epochs, m) {
    if (!Array.isArray(perms) || perms.length < epochs) {
      fail("permutations must hold one order of the " + m + " examples per epoch (" + epochs + "), got " +
           (Array.isArray(perms) ? perms.length + " arrays" : show(perms)));
    }
    const seen = new Uint32Array(m);
    for (let e = 0; e < epochs; e++) {
      const p = perms[e];
      if (!p || p.length !== m) fail("permutations[" + e + "] must have length " + m + ", got " + (p ? p.length : show(p)));
      for (let i = 0; i < m; i++) {
        const c = p[i];
        if (!Number.isInteger(c) || c < 0 || c >= m || seen[c] === e + 1) {
          fail("permutations[" + e + "] must be a permutation of 0.." + (m - 1) + ": bad or repeated entry " + show(c) + " at " + i);
        }
        seen[c] = e + 1;
      }
    }
  }

  function optimizerState(given, opt, P) {
    const st = { name: opt.name, t: 0, v: new Float64Array(P), s: new Float64Array(P) };
    if (given === undefined || given === null) return st;
    if (given.name !== opt.name || !isWhole(given.t, 0) || given.v.length !== P || given.s.length !== P) {
      fail("state does not belong to this optimizer and network (" + opt.name + ", " + P + " parameters), got " +
           show({ name: given.name, t: given.t }));
    }
    st.t = given.t; st.v.set(given.v); st.s.set(given.s);   // copied: the caller's state is not changed
    return st;
  }

  function checkFinite(net, epoch, lr) {
    let sum = 0;
    for (let q = 0; q < net.theta.length; q++) sum += net.theta[q];
    if (Number.isFinite(sum)) return;
    const bad = [];
    let nan = false;
    for (let l = 1; l <= net.L; l++) {
      [["W", net.W[l]], ["b", net.b[l]]].forEach(function (pair) {
        const v = pair[1];
        if (v.some(function (x) { return !Number.isFinite(x); })) bad.push(pair[0] + l);
        if (v.some(Number.isNaN)) nan = true;
      });
    }
    fail("training diverged: " + (nan ? "nan" : "inf") + " in parameters " + bad.join(", ") + " by epoch " + epoch +
         " (learning rate " + lr + "); try a smaller learning rate");
  }

  // ------------------------------------------------------------------ using a trained network
  // One forward pass on X; with keepProb < 1 the masks are drawn from rng (for teaching and tests).
  // Returns {Z, A, D}: per layer 1..L, as rows (D only for hidden layers when keepProb < 1).
  function forwardPass(params, Xrows, keepProb, rng) {
    const Xm = matrix("X", Xrows), net = makeNet(params, Xm.rows), m = Xm.cols, ws = workspace(net.dims, m);
    keepProb = keepProb === undefined ? 1 : checkNumber("keepProb", keepProb, function (v) { return v > 0 && v <= 1; }, "in (0, 1]");
    forward(net, Xm.data, ws, keepProb, keepProb < 1 ? asRng(rng, "rng") : null);
    const out = { Z: [null], A: [null], D: [null] };
    for (let l = 1; l <= net.L; l++) {
      out.Z.push(toRows(ws.Z[l], net.dims[l], m));
      out.A.push(toRows(ws.A[l], net.dims[l], m));
      out.D.push(keepProb < 1 && l < net.L ? toRows(ws.D[l], net.dims[l], m) : null);
    }
    return out;
  }

  // Probabilities A_L (no dropout) of a packed net on Float64Array X (n_x x m).
  function probs(net, X, m) {
    const ws = workspace(net.dims, m);
    forward(net, X, ws, 1, null);
    return ws.A[net.L];
  }
  // probabilities(params, X) -> Float64Array of m outputs of the sigmoid
  function probabilities(params, Xrows) {
    const Xm = matrix("X", Xrows);
    return probs(makeNet(params, Xm.rows), Xm.data, Xm.cols);
  }
  // predict(params, X) -> array of 0/1: 1 where the probability exceeds 0.5
  function predict(params, Xrows) {
    return Array.from(probabilities(params, Xrows), function (p) { return p > 0.5 ? 1 : 0; });
  }
  // accuracy(params, X, Y) -> fraction of the examples predicted right
  function accuracy(params, Xrows, Yrows) {
    const pred = predict(params, Xrows), Ym = matrix("Y", Yrows, 1, pred.length);
    let right = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === Ym.data[i]) right++;
    return right / pred.length;
  }
  // Probabilities on an nx x ny grid over [xMin, xMax] x [yMin, yMax] (2 inputs only), for a
  // decision-boundary plot: Float64Array, row r (y = yMin + r dy) then column c (x = xMin + c dx).
  function probabilityGrid(params, grid) {
    const g = grid || {};
    ["xMin", "xMax", "yMin", "yMax"].forEach(function (k) { checkNumber("grid." + k, g[k], isReal, "a finite number"); });
    ["nx", "ny"].forEach(function (k) { checkNumber("grid." + k, g[k], function (v) { return isWhole(v, 2); }, "a whole number >= 2"); });
    const net = makeNet(params, 2), m = g.nx * g.ny, X = new Float64Array(2 * m);
    const dx = (g.xMax - g.xMin) / (g.nx - 1), dy = (g.yMax - g.yMin) / (g.ny - 1);
    for (let r = 0; r < g.ny; r++) {
      for (let c = 0; c < g.nx; c++) { X[r * g.nx + c] = g.xMin + c * dx; X[m + r * g.nx + c] = g.yMin + r * dy; }
    }
    return Float64Array.from(probs(net, X, m));
  }

  // ------------------------------------------------------------------ learning-rate schedules
  // course_code.schedules: each maps the 0-based epoch number to the rate of that epoch.
  function checkRate(name, v) { return checkNumber(name, v, function (x) { return x >= 0; }, "finite and >= 0"); }
  const schedules = {
    // lr = lr0
    constant: function (lr0) { checkRate("lr0", lr0); return function (epoch) { return lr0 * 1; }; },
    // lr = lr0 / (1 + k epoch)   (the course's update_lr)
    inverseTime: function (lr0, k) {
      checkRate("lr0", lr0); checkRate("decayRate", k);
      return function (epoch) { return lr0 / (1 + k * epoch); };
    },
    // lr = lr0 / (1 + k floor(epoch / T))   (the course's schedule_lr_decay, T epochs per step)
    staircase: function (lr0, k, T) {
      checkRate("lr0", lr0); checkRate("decayRate", k);
      T = T === undefined ? 1000 : checkNumber("timeInterval", T, function (v) { return isWhole(v, 1); }, "a whole number of epochs >= 1");
      return function (epoch) { return lr0 / (1 + k * Math.floor(epoch / T)); };
    },
    // lr = lr0 gamma^epoch, gamma in (0, 1]
    exponential: function (lr0, gamma) {
      checkRate("lr0", lr0);
      checkNumber("decayRate", gamma, function (v) { return v > 0 && v <= 1; }, "in (0, 1] (the factor per epoch)");
      return function (epoch) { return lr0 * Math.pow(gamma, epoch); };
    },
  };
  // schedule({name, lr0, decayRate, timeInterval}) -> function epoch -> rate
  function schedule(s) {
    if (!s || !Object.prototype.hasOwnProperty.call(schedules, s.name)) {
      fail("schedule.name must be one of " + Object.keys(schedules).join(", ") + ", got " + show(s && s.name));
    }
    return schedules[s.name](s.lr0, s.decayRate, s.timeInterval);
  }
  // The rates of epochs first, ..., first + count - 1.
  function learningRates(sched, count, first) {
    const f = typeof sched === "function" ? sched : schedule(sched), out = [];
    first = first || 0;
    for (let e = first; e < first + count; e++) out.push(f(e));
    return out;
  }

  root.coursePlayground = {
    train: train, initialize: initialize, makeRng: makeRng, permutation: permutation,
    forwardPass: forwardPass, probabilities: probabilities, predict: predict, accuracy: accuracy,
    probabilityGrid: probabilityGrid, schedules: schedules, schedule: schedule, learningRates: learningRates,
    INIT_METHODS: Object.keys(INIT_STD), OPTIMIZER_DEFAULTS: OPT_DEFAULTS,
  };
})(typeof self !== "undefined" ? self : globalThis);
