// The playground's trainer, in a Web Worker, so that the page never freezes while it trains.
//
//   const worker = new Worker("javascripts/playground-worker.js");
//   worker.postMessage({type: "configure", ...});   // data, network, optimizer, schedule, ...
//   worker.postMessage({type: "start"});            // train until paused or done
//   worker.onmessage = e => draw(e.data);           // "ready", "progress", "paused", "done", "error"
//
// Messages in (each answered by at least one message out):
//   configure {data: {X, Y, Xtest?, Ytest?}, layerDims, init ("he", "lecun", "random", "zeros"),
//              initScale?, seed, optimizer {name, ...}, schedule {name, lr0, decayRate, timeInterval?},
//              batchSize (null: full batch), lambd, keepProb, epochs (when to stop),
//              grid? {xMin, xMax, yMin, yMax, nx, ny}, chunkMs? (default 30)}
//              -> "ready": the new network before any training (a configure always restarts from epoch 0)
//   start      -> "progress" after every chunk of epochs (about chunkMs of work), then "done" at `epochs`
//   pause      -> "paused" (after the chunk that is running, if any)
//   step {epochs?: n (default 1)} -> trains exactly n epochs, then one "progress"
//   reset      -> "ready": the same configuration back at epoch 0 (same seed, so the same initial weights)
// Messages out carry {type, epoch, costs (the new epochs' costs), learningRate, trainAccuracy,
// testAccuracy, params, grid (Float64Array, or null), epochsPerSecond}; errors come as
// {type: "error", message} and leave the worker paused.
//
// Randomness: three streams of the core's generator from one seed: initial weights, the order of
// every epoch's mini-batches, the dropout masks. So a run does not depend on how it was cut into
// chunks: step 5 twice gives what step 10 gives.
/* global importScripts, coursePlayground */
"use strict";
importScripts("playground-core.js");

const core = coursePlayground;
let config = null;   // the last configuration (checked)
let run = null;      // the training in progress: params, optimizer state, epoch, random streams
let running = false; // true between "start" and "pause"/"done"
let timer = null;

function configure(msg) {
  const c = Object.assign({ init: "he", seed: 0, batchSize: null, lambd: 0, keepProb: 1, chunkMs: 30 }, msg);
  if (!c.data || !c.data.X || !c.data.Y) throw new Error("configure needs data: {X, Y}");
  if (!Number.isInteger(c.epochs) || c.epochs < 1) throw new Error("epochs must be a whole number >= 1, got " + c.epochs);
  c.rateOf = core.schedule(c.schedule);  // checks the schedule
  const dims = c.layerDims;
  if (!Array.isArray(dims) || dims[0] !== c.data.X.length) {
    throw new Error("layerDims must start with the number of inputs (" + c.data.X.length + "), got " + JSON.stringify(dims));
  }
  // One epoch of training on a throwaway copy checks every other value (data shapes, optimizer,
  // lambd, keepProb, ...), so that a bad value is reported now, not at "start". On an error the
  // previous configuration stays.
  const before = [config, run];
  config = c;
  let probe;
  try {
    reset();
    probe = trainEpochs(1, false);
  } catch (err) {
    probe = err;
  }
  if (probe instanceof Error) { [config, run] = before; throw probe; }
}

function reset() {
  const c = config;
  run = {
    epoch: 0, state: null,
    params: core.initialize(c.layerDims, c.init, core.makeRng(c.seed, 0), c.initScale),
    shuffleRng: core.makeRng(c.seed, 1),
    dropoutRng: core.makeRng(c.seed, 2),
  };
}

// Train n epochs from where the run is; keep the result only when `keep` (else only check).
function trainEpochs(n, keep) {
  const c = config, r = run, m = c.data.X[0].length;
  const size = c.batchSize === null || c.batchSize === undefined ? m : Math.min(c.batchSize, m);
  const perms = [];
  for (let e = 0; e < n && size < m; e++) perms.push(core.permutation(m, keep ? r.shuffleRng : core.makeRng(0)));
  try {
    const out = core.train({
      X: c.data.X, Y: c.data.Y, params: r.params, optimizer: c.optimizer, batchSize: c.batchSize,
      learningRates: core.learningRates(c.rateOf, n, r.epoch), permutations: perms,
      lambd: c.lambd, keepProb: c.keepProb, rng: keep ? r.dropoutRng : core.makeRng(0), state: r.state,
    });
    if (keep) { r.params = out.params; r.state = out.state; r.epoch += n; }
    return out;
  } catch (err) {
    return err;
  }
}

function report(type, costs, seconds) {
  const c = config, r = run, p = r.params;
  const msg = {
    type: type, epoch: r.epoch, costs: costs || [], params: p,
    learningRate: c.rateOf(Math.max(r.epoch - 1, 0)),
    trainAccuracy: core.accuracy(p, c.data.X, c.data.Y),
    testAccuracy: c.data.Xtest && c.data.Xtest[0].length ? core.accuracy(p, c.data.Xtest, c.data.Ytest) : null,
    grid: c.grid && c.layerDims[0] === 2 ? core.probabilityGrid(p, c.grid) : null,
    epochsPerSecond: seconds ? costs.length / seconds : null,
  };
  self.postMessage(msg, msg.grid ? [msg.grid.buffer] : []);
}

// One chunk: train in small calls until about chunkMs have passed (or the run is done).
// Returns the new epochs' costs; an error (say, divergence) comes back with the epochs before it.
function chunk(maxEpochs) {
  const t0 = performance.now(), costs = [];
  let n = run.n || 1, error = null;  // epochs per call of the core, tuned as we go
  while (costs.length < maxEpochs) {
    const take = Math.min(n, maxEpochs - costs.length), t = performance.now();
    const out = trainEpochs(take, true);
    if (out instanceof Error) { error = out; break; }
    costs.push.apply(costs, out.costs);
    const dt = performance.now() - t, left = config.chunkMs - (performance.now() - t0);
    if (left <= 0) break;
    n = Math.max(1, Math.min(4 * take, Math.floor(take * left / Math.max(dt, 0.01))));  // fill what is left
  }
  run.n = n;
  return { costs: costs, seconds: (performance.now() - t0) / 1000, error: error };
}

function tick() {
  timer = null;
  if (!running) return;
  const done = chunk(config.epochs - run.epoch);
  if (done.costs.length) report("progress", done.costs, done.seconds);
  if (done.error) { running = false; self.postMessage({ type: "error", message: done.error.message }); return; }
  if (run.epoch >= config.epochs) { running = false; report("done"); return; }
  timer = setTimeout(tick, 0);  // let the next message (pause, ...) in between chunks
}

self.onmessage = function (e) {
  const msg = e.data || {};
  try {
    if (msg.type !== "configure" && !config) throw new Error("send configure first (got " + msg.type + ")");
    switch (msg.type) {
      case "configure":
        running = false;
        configure(msg);
        report("ready");
        break;
      case "reset":
        running = false;
        reset();
        report("ready");
        break;
      case "start":
        if (run.epoch >= config.epochs) { report("done"); break; }
        running = true;
        if (timer === null) timer = setTimeout(tick, 0);
        break;
      case "pause":
        running = false;
        report("paused");
        break;
      case "step": {
        running = false;
        const n = msg.epochs === undefined ? 1 : msg.epochs;
        if (!Number.isInteger(n) || n < 1) throw new Error("step epochs must be a whole number >= 1, got " + n);
        const out = trainEpochs(n, true);
        if (out instanceof Error) throw out;
        report("progress", out.costs);
        break;
      }
      default:
        throw new Error("unknown message type " + JSON.stringify(msg.type));
    }
  } catch (err) {
    running = false;
    self.postMessage({ type: "error", message: err.message });
  }
};
