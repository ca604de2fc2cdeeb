"""The playground's JavaScript trainer (docs/javascripts/playground-core.js and its worker) in a
real headless Chromium, checked against course_code.

A minimal page (written to a temporary folder, loading the two scripts from docs/javascripts/)
is served by a thread on 127.0.0.1. Then:

- equivalence: for every optimizer, full batch and mini-batches, with and without L2, the
  JavaScript costs and final weights agree with ``course_code.training.train`` to 1e-9
  relative; with dropout too, the JavaScript drawing its masks from the very uniforms NumPy drew;
- dropout: the masks' statistics (mean of masked passes, scaling, fraction kept), with
  tolerances from the binomial standard deviation;
- bad specs throw an Error naming the bad value;
- speed: full-batch epochs per second, and no long task on the page while the worker trains;
- the worker's messages (configure, step, reset, start, pause) and the scripts' size budget.

Outside CI the tests are skipped when chromium or Playwright is missing (CI=true: failure),
through test_browser's shared ``browser`` fixture. The largest relative differences and the
speed figures are printed (``pytest -s``) and written to screenshots/playground-core.json.
"""

from __future__ import annotations

import functools
import json
import math
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

import numpy as np
import pytest
import test_browser
from test_browser import browser  # noqa: F401 (fixture: skips without chromium, fails in CI)

from course_code import datasets, initializers, network, optimizers, schedules, training

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
JS_DIR = ROOT / "docs" / "javascripts"
CORE, WORKER = JS_DIR / "playground-core.js", JS_DIR / "playground-worker.js"
RECORD = ROOT / "screenshots" / "playground-core.json"
TOLERANCE = 1e-9
FIGURES: dict[str, object] = {}  # what the report quotes, written at the end of the module

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>playground core test</title></head>
<body><canvas id="boundary" width="60" height="60"></canvas>
<script src="javascripts/playground-core.js"></script>
</body></html>
"""


def rel_error(a, b) -> float:
    """Largest element-wise relative error (tests/conftest.py's measure)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape, f"shapes differ: {a.shape} and {b.shape}"
    return float(np.max(np.abs(a - b) / np.maximum(1e-12, np.abs(a) + np.abs(b))))


# ------------------------------------------------------------------ fixtures
class _Handler(SimpleHTTPRequestHandler):
    """The temporary folder, and /javascripts/ from the repository's docs/javascripts/."""

    def translate_path(self, path):
        parts = unquote(urlparse(path).path).split("/")
        if len(parts) == 3 and parts[1] == "javascripts" and parts[2] in (CORE.name, WORKER.name):
            return str(JS_DIR / parts[2])
        return super().translate_path(path)

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("playground")
    (folder / "index.html").write_text(PAGE)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def page(browser, base_url):  # noqa: F811 (the imported fixture)
    """The test page with the core loaded; at teardown, no console error and no off-site request."""
    context = browser.new_context()
    pg = context.new_page()
    problems = []
    test_browser.guard(pg, base_url, problems)
    pg.goto(base_url, wait_until="load")
    assert pg.evaluate("typeof coursePlayground.train") == "function"
    yield pg
    context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module", autouse=True)
def record_figures():
    yield
    test_browser.write_record(RECORD, FIGURES)


def js_params(params: dict) -> dict:
    return {k: v.tolist() for k, v in params.items()}


def js_train(page, spec: dict) -> dict:
    return page.evaluate("spec => coursePlayground.train(spec)", spec)


# ------------------------------------------------------------------ equivalence with course_code
@functools.cache
def moons() -> datasets.Dataset:
    """The course's 300 training points (scikit-learn's generator: made on first use)."""
    return datasets.moons()


OPTIMIZERS = {  # (Python optimizer, the JavaScript spec, a schedule: some decay)
    "gd": (optimizers.gd(), {"name": "gd"}, schedules.inverse_time_decay(0.5, 0.01)),
    "momentum": (optimizers.momentum(beta=0.8), {"name": "momentum", "beta": 0.8},
                 schedules.staircase_decay(0.3, 0.5, time_interval=50)),
    "rmsprop": (optimizers.rmsprop(), {"name": "rmsprop"}, schedules.constant(0.001)),
    "adam": (optimizers.adam(), {"name": "adam"}, schedules.exponential_decay(0.01, 0.99)),
}
CASES = [(name, batch, lambd) for name in OPTIMIZERS for batch in (None, 64) for lambd in (0.0, 0.7)]


def _uniform_stream(seed: int, layer_dims, m: int, size: int, epochs: int, keep_prob: float):
    """The draws ``train`` makes from ``default_rng(seed)``, reproduced on a copy: one permutation
    per epoch when mini-batching, then (with dropout) one uniform per hidden unit and example of
    each batch, layer by layer. Returns (generator after the draws, permutations, uniforms)."""
    g = np.random.default_rng(seed)
    perms, uniforms = [], []
    for _ in range(epochs):
        if size < m:
            perms.append(g.permutation(m).tolist())
        if keep_prob < 1:
            for a in range(0, m, size):
                for n in layer_dims[1:-1]:
                    uniforms.append(g.random((n, min(a + size, m) - a)).ravel())
    return g, perms, (np.concatenate(uniforms).tolist() if uniforms else [])


def _compare(page, name, batch, lambd, keep_prob=1.0, dims=(2, 20, 3, 1), epochs=None):
    X, Y = moons().X_train, moons().Y_train
    m, dims = X.shape[1], list(dims)
    epochs = epochs or (300 if batch is None else 60)
    opt, js_opt, schedule = OPTIMIZERS[name]
    init = initializers.initialize_parameters(dims, "he", rng=np.random.default_rng(1))
    rng = np.random.default_rng(11)
    py = training.train(X, Y, dims, optimizer=opt, schedule=schedule, num_epochs=epochs,
                        mini_batch_size=batch, lambd=lambd, keep_prob=keep_prob, init=init, rng=rng,
                        record_every=1)
    after, perms, uniforms = _uniform_stream(11, dims, m, batch or m, epochs, keep_prob)
    # train drew exactly what _uniform_stream drew: the two generators are in the same state
    assert after.bit_generator.state == rng.bit_generator.state, "train drew other random numbers"
    rates = schedule(np.arange(epochs)).tolist()
    spec = {"X": X.tolist(), "Y": Y.tolist(), "params": js_params(init), "optimizer": js_opt,
            "learningRates": rates, "batchSize": batch, "permutations": perms, "lambd": lambd,
            "keepProb": keep_prob}
    js = page.evaluate("""([spec, uniforms]) => {
      let used = 0;  // dropout masks from NumPy's uniforms, in the order train drew them
      spec.rng = {random: () => {
        if (used >= uniforms.length) throw new Error("out of uniforms");
        return uniforms[used++];
      }};
      const out = coursePlayground.train(spec);
      out.uniformsUsed = used;
      return out;
    }""", [spec, uniforms])
    assert js["uniformsUsed"] == len(uniforms)
    assert len(js["costs"]) == epochs and js["steps"] == py.steps
    diffs = {"costs": rel_error(py.costs, js["costs"])}
    diffs.update({k: rel_error(py.params[k], js["params"][k]) for k in py.params})
    worst = max(diffs, key=diffs.get)
    label = f"{name}, batch {batch or 'full'}, lambd {lambd}"
    label += f", keep_prob {keep_prob}" if keep_prob < 1 else ""
    FIGURES.setdefault("equivalence", {})[label] = {
        "costs": diffs["costs"], "params": max(v for k, v in diffs.items() if k != "costs"),
        "epochs": epochs, "steps": py.steps, "layer_dims": dims,
        "first_cost": float(py.costs[0]), "last_cost": float(py.costs[-1])}
    print(f"\n{label}: largest relative difference costs {diffs['costs']:.2e}, "
          f"params {FIGURES['equivalence'][label]['params']:.2e} ({worst} worst)")
    assert diffs[worst] < TOLERANCE, f"{label}: {worst} differs by {diffs[worst]:.3g} relative ({diffs})"
    # a run that learns (a dead network would compare rounding noise around a fixed point)
    learned = network.accuracy(X, Y, py.params)
    assert py.costs[-1] < py.costs[0] and learned > 0.8, f"{label}: the Python run did not learn " \
        f"(cost {py.costs[0]:.3f} -> {py.costs[-1]:.3f}, training accuracy {learned:.2f})"


@pytest.mark.parametrize("name, batch, lambd", CASES)
def test_same_costs_and_weights_as_course_code(page, name, batch, lambd):
    _compare(page, name, batch, lambd, dims=(2, 20, 3, 1) if lambd == 0 else (2, 5, 2, 1))


@pytest.mark.parametrize("name, batch, lambd, keep_prob", [
    ("gd", None, 0.0, 0.86), ("adam", 64, 0.3, 0.7), ("momentum", 50, 0.0, 0.5)])
def test_dropout_training_matches_given_the_same_uniforms(page, name, batch, lambd, keep_prob):
    _compare(page, name, batch, lambd, keep_prob=keep_prob, epochs=40)


def test_optimizer_state_carries_over_between_calls(page):
    """Training 30 epochs in one call or in calls of 10, 15 and 5 (passing ``state`` on) is the same."""
    init = initializers.initialize_parameters([2, 5, 2, 1], "he", rng=np.random.default_rng(3))
    perms = [np.random.default_rng(e).permutation(300).tolist() for e in range(30)]
    spec = {"X": moons().X_train.tolist(), "Y": moons().Y_train.tolist(), "params": js_params(init),
            "optimizer": {"name": "adam"}, "learningRates": [0.01] * 30, "batchSize": 64,
            "permutations": perms, "lambd": 0.1}
    whole, pieces = page.evaluate("""spec => {
      const whole = coursePlayground.train(spec);
      let params = spec.params, state = undefined, costs = [];
      for (const [a, b] of [[0, 10], [10, 25], [25, 30]]) {
        const out = coursePlayground.train(Object.assign({}, spec, {params, state,
          learningRates: spec.learningRates.slice(a, b), permutations: spec.permutations.slice(a, b)}));
        params = out.params; state = out.state; costs = costs.concat(out.costs);
      }
      return [whole, {costs, params, steps: state.t}];
    }""", spec)
    assert whole["costs"] == pieces["costs"] and whole["params"] == pieces["params"]
    assert pieces["steps"] == 30 * 5
    # without the state Adam would restart its averages (and t): a different result
    restarted = page.evaluate("""spec => {
      const a = coursePlayground.train(Object.assign({}, spec, {
        learningRates: spec.learningRates.slice(0, 10), permutations: spec.permutations.slice(0, 10)}));
      return coursePlayground.train(Object.assign({}, spec, {params: a.params,
        learningRates: spec.learningRates.slice(10), permutations: spec.permutations.slice(10)})).params;
    }""", spec)
    assert rel_error(restarted["W1"], whole["params"]["W1"]) > 1e-6


def test_floats_cross_to_the_page_unchanged(page):
    values = [0.1, 1 / 3, 2.0**-1074, 1.7976931348623157e308, -0.0, 5e-324, np.nextafter(1.0, 2.0)]
    back = page.evaluate("v => v.map(x => [x, Object.is(x, -0)])", values)
    assert [b[0] for b in back] == values and [b[1] for b in back] == [False] * 4 + [True, False, False]


# ------------------------------------------------------------------ the other pieces of the core
def test_schedules_match_course_code(page):
    epochs = list(range(0, 3001, 7))
    cases = [("constant", schedules.constant(0.02), [0.02]),
             ("inverseTime", schedules.inverse_time_decay(0.1, 0.3), [0.1, 0.3]),
             ("staircase", schedules.staircase_decay(0.1, 1.0, time_interval=1000), [0.1, 1.0, 1000]),
             ("staircase", schedules.staircase_decay(0.5, 0.25, time_interval=9), [0.5, 0.25, 9]),
             ("exponential", schedules.exponential_decay(0.01, 0.95), [0.01, 0.95])]
    for name, py, args in cases:
        js = page.evaluate("([name, args, epochs]) => epochs.map(coursePlayground.schedules[name](...args))",
                           [name, args, epochs])
        assert rel_error(py(np.array(epochs)), js) < 1e-14, name
    # the default interval is the package's (1000 epochs), and schedule({...}) is the same function
    same = page.evaluate("""() => {
      const a = coursePlayground.schedules.staircase(0.1, 1), b = coursePlayground.schedule(
        {name: "staircase", lr0: 0.1, decayRate: 1});
      return [a(999), a(1000), coursePlayground.learningRates(b, 3, 999)];
    }""")
    assert same == [0.1, 0.05, [0.1, 0.05, 0.05]]


def test_initializers(page):
    dims = [400, 300, 50, 1]
    out = page.evaluate("""dims => {
      const c = coursePlayground, r = {};
      for (const m of c.INIT_METHODS) r[m] = c.initialize(dims, m, c.makeRng(5), 3);
      r.again = c.initialize(dims, "he", c.makeRng(5));
      r.other = c.initialize(dims, "he", c.makeRng(6));
      return r;
    }""", dims)
    assert out["again"] == out["he"] and out["other"]["W1"] != out["he"]["W1"]
    for method in ("zeros", "random", "he", "lecun", "xavier"):
        params = {k: np.array(v) for k, v in out[method].items()}
        assert network.layer_dims_of(params) == dims
        assert all(not params[f"b{l}"].any() for l in range(1, 4))
        for l in (1, 2):
            W = params[f"W{l}"]
            std = initializers.weight_std(method, dims[l - 1], dims[l], scale=3)
            if std == 0:
                assert not W.any()
                continue
            # sample mean and variance of N = W.size normal draws: standard errors
            # std / sqrt(N) and std^2 sqrt(2 / N)
            n = W.size
            assert abs(W.mean()) < 5 * std / math.sqrt(n), (method, l)
            assert abs(W.var() - std**2) < 5 * std**2 * math.sqrt(2 / n), (method, l, W.std(), std)
            # normal: about 68.27% within one std (binomial standard deviation)
            inside = np.mean(np.abs(W) < std)
            assert abs(inside - 0.682689) < 5 * math.sqrt(0.682689 * 0.317311 / n), (method, l, inside)


def test_permutation_and_uniforms(page):
    out = page.evaluate("""() => {
      const c = coursePlayground, g = c.makeRng(1), u = [];
      for (let i = 0; i < 100000; i++) u.push(g.random());
      return {p: c.permutation(1000, c.makeRng(2)), q: c.permutation(1000, c.makeRng(2)),
              r: c.permutation(1000, c.makeRng(3)), u};
    }""")
    assert sorted(out["p"]) == list(range(1000)) and out["p"] == out["q"] and out["p"] != out["r"]
    u = np.array(out["u"])
    assert u.min() >= 0 and u.max() < 1
    counts = np.histogram(u, bins=20, range=(0, 1))[0]  # each bin Binomial(N, 1/20)
    sd = math.sqrt(len(u) * 0.05 * 0.95)
    assert np.max(np.abs(counts - len(u) * 0.05)) < 5 * sd, counts


def test_predict_accuracy_and_grid_match_course_code(page):
    data = datasets.football(rng=np.random.default_rng(0))
    params = initializers.initialize_parameters([2, 20, 3, 1], "he", rng=np.random.default_rng(4))
    grid = {"xMin": -0.8, "xMax": 0.5, "yMin": -0.8, "yMax": 0.7, "nx": 31, "ny": 23}
    js = page.evaluate("""([p, X, Y, grid]) => ({
      prob: Array.from(coursePlayground.probabilities(p, X)), pred: coursePlayground.predict(p, X),
      acc: coursePlayground.accuracy(p, X, Y),
      grid: Array.from(coursePlayground.probabilityGrid(p, grid))})""",
        [js_params(params), data.X_test.tolist(), data.Y_test.tolist(), grid])
    AL, _ = network.forward(data.X_test, params)
    assert rel_error(AL[0], js["prob"]) < 1e-12
    assert js["pred"] == network.predict(data.X_test, params)[0].tolist()
    assert js["acc"] == network.accuracy(data.X_test, data.Y_test, params)
    xs = grid["xMin"] + np.arange(grid["nx"]) * (grid["xMax"] - grid["xMin"]) / (grid["nx"] - 1)
    ys = grid["yMin"] + np.arange(grid["ny"]) * (grid["yMax"] - grid["yMin"]) / (grid["ny"] - 1)
    gx, gy = np.meshgrid(xs, ys)  # row r: y = ys[r]; column c: x = xs[c]
    AL, _ = network.forward(np.vstack([gx.ravel(), gy.ravel()]), params)
    assert rel_error(AL[0], js["grid"]) < 1e-12


# ------------------------------------------------------------------ dropout statistics
DROPOUT_PASSES = """([params, X, p, N, seed]) => {
  const c = coursePlayground, rng = c.makeRng(seed), n1 = params.W1.length, n2 = params.W2.length;
  const m = X[0].length, sumA1 = new Float64Array(n1 * m), sumZ2 = new Float64Array(n2 * m);
  const kept = [0, 0], total = [0, 0], dValues = new Set();
  let mismatches = 0;
  for (let pass = 0; pass < N; pass++) {
    const f = c.forwardPass(params, X, p, rng);
    for (let l = 1; l <= 2; l++) {
      for (let j = 0; j < f.A[l].length; j++) for (let i = 0; i < m; i++) {
        const d = f.D[l][j][i], z = f.Z[l][j][i];
        dValues.add(d);
        total[l - 1]++; if (d !== 0) kept[l - 1]++;
        if (f.A[l][j][i] !== (z > 0 ? z : 0) * d) mismatches++;   // A = relu(Z) * D exactly
        if (l === 1) sumA1[j * m + i] += f.A[1][j][i];
      }
    }
    for (let q = 0; q < n2 * m; q++) sumZ2[q] += f.Z[2][Math.floor(q / m)][q % m];
  }
  return {sumA1: Array.from(sumA1), sumZ2: Array.from(sumZ2), kept, total, mismatches,
          dValues: Array.from(dValues).sort((a, b) => a - b)};
}"""


@pytest.mark.parametrize("keep_prob", [0.5, 0.8])
def test_dropout_statistics(page, keep_prob):
    p, N = keep_prob, 2000
    X = moons().X_train[:, :50]
    params = initializers.initialize_parameters([2, 20, 3, 1], "he", rng=np.random.default_rng(9))
    params["b1"] = np.full((20, 1), 0.3)  # more units active, more entries to test
    out = page.evaluate(DROPOUT_PASSES, [js_params(params), X.tolist(), p, N, 17])
    m = X.shape[1]
    A1 = np.maximum(params["W1"] @ X + params["b1"], 0)  # the unmasked pass
    Z2 = params["W2"] @ A1 + params["b2"]

    # every mask entry is 0 or 1 / keep_prob, and a kept unit is relu(Z) scaled by it, exactly
    assert out["dValues"] == [0.0, 1 / p] and out["mismatches"] == 0

    # fraction kept ~ keep_prob: the count is Binomial(total, p)
    figures = FIGURES.setdefault("dropout", {}).setdefault(f"keep_prob {p}", {})
    for layer, (kept, total) in enumerate(zip(out["kept"], out["total"], strict=True), start=1):
        frac, sd = kept / total, math.sqrt(p * (1 - p) / total)
        figures[f"fraction kept, layer {layer}"] = {"value": frac, "z": (frac - p) / sd, "units": total}
        assert abs(frac - p) < 5 * sd, f"layer {layer}: kept {frac:.5f} of {total}, expected {p} +- {sd:.2g}"

    # mean of N masked passes -> the unmasked A1: each entry's mean is A1 / p * Binomial(N, p) / N,
    # standard deviation |A1| sqrt((1 - p) / (p N)); the entries are independent
    mean_A1 = np.array(out["sumA1"]).reshape(20, m) / N
    active = A1 > 0
    sd_A1 = A1[active] * math.sqrt((1 - p) / (p * N))
    z = (mean_A1[active] - A1[active]) / sd_A1
    assert np.all(mean_A1[~active] == 0)
    K = z.size
    figures["A1 mean"] = {"entries": K, "max |z|": float(np.max(np.abs(z))), "mean z^2": float(np.mean(z**2))}
    assert np.max(np.abs(z)) < 5, f"masked mean off the unmasked A1 by {np.max(np.abs(z)):.2f} sd"
    assert abs(np.mean(z**2) - 1) < 5 * math.sqrt(2 / K), f"spread of the means: mean z^2 {np.mean(z**2):.3f}"
    # the same measure rejects dropout that is not inverted (no division by keep_prob)
    z_plain = (p * mean_A1[active] - A1[active]) / sd_A1
    assert np.max(np.abs(z_plain)) > 5
    figures["A1 mean"]["max |z| if not inverted"] = float(np.max(np.abs(z_plain)))

    # the next layer's pre-activation Z2 = W2 (A1 D / p) + b2 is linear in the masks: its mean
    # -> the unmasked Z2, variance per pass sum_k W2[j, k]^2 A1[k, i]^2 (1 - p) / p
    mean_Z2 = np.array(out["sumZ2"]).reshape(3, m) / N
    sd_Z2 = np.sqrt((params["W2"] ** 2) @ (A1**2) * (1 - p) / (p * N))
    z2 = (mean_Z2 - Z2) / sd_Z2
    figures["Z2 mean"] = {"entries": z2.size, "max |z|": float(np.max(np.abs(z2)))}
    assert np.max(np.abs(z2)) < 5, f"Z2 mean off by {np.max(np.abs(z2)):.2f} sd"
    print(f"\ndropout keep_prob {p}: {json.dumps(figures)}")


def test_no_dropout_means_no_random_numbers(page):
    """keepProb 1 never calls the generator (so full-batch training is deterministic)."""
    params = initializers.initialize_parameters([2, 4, 1], "he", rng=np.random.default_rng(1))
    calls = page.evaluate("""p => {
      let calls = 0;
      coursePlayground.train({X: [[0, 1, 2], [1, 0, 1]], Y: [[0, 1, 1]], params: p, optimizer: {name: "gd"},
        learningRates: [0.1, 0.1], batchSize: null, lambd: 0, keepProb: 1,
        rng: {random: () => { calls++; return 0.5; }}});
      return calls;
    }""", js_params(params))
    assert calls == 0


# ------------------------------------------------------------------ bad specs
def _base_spec():
    params = initializers.initialize_parameters([2, 3, 1], "he", rng=np.random.default_rng(0))
    X = [[0.0, 1.0, 2.0, 3.0], [1.0, 0.0, 1.0, 0.5]]
    return {"X": X, "Y": [[0, 1, 1, 0]], "params": js_params(params), "optimizer": {"name": "adam"},
            "learningRates": [0.1, 0.1, 0.1], "batchSize": 2, "permutations": [[0, 1, 2, 3]] * 3,
            "lambd": 0.0, "keepProb": 1.0}


def _set(path, value):
    def change(spec):
        target = spec
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


BAD_SPECS = [  # (what is changed, the words the message must contain)
    (_set(["X", 1], [1.0, 0.0, 1.0]), ["X row 1", "length 3", "expected 4"]),
    (_set(["X", 1, 2], math.inf), ["X[1][2]", "Infinity"]),
    (_set(["X"], [[0.0, 1.0, 2.0, 3.0]]), ["W1", "2 columns", "expected 1"]),
    (_set(["Y"], [[0, 1, 1]]), ["Y", "3 columns", "expected 4"]),
    (_set(["Y", 0, 2], 2), ["Y[0][2]", "0 or 1", "got 2"]),
    (_set(["params", "W2"], [[0.1, 0.2]]), ["W2", "2 columns", "expected 3"]),
    (_set(["params", "b1"], [[0.0], [0.0]]), ["b1", "2 rows", "expected 3"]),
    (_set(["params", "W1", 0, 1], math.nan), ["W1[0][1]", "NaN"]),
    (_set(["params", "W2"], [[0.1, 0.2, 0.3], [0.0, 0.0, 0.0]]), ["output layer", "1 unit"]),
    (_set(["params", "b2"], None), ["params must have keys", "b2"]),
    (_set(["learningRates", 1], -0.5), ["learningRates[1]", "-0.5"]),
    (_set(["learningRates", 2], math.nan), ["learningRates[2]", "NaN"]),
    (_set(["learningRates"], []), ["learningRates", "[]"]),
    (_set(["keepProb"], 0), ["keepProb", "(0, 1]", "got 0"]),
    (_set(["keepProb"], 1.5), ["keepProb", "1.5"]),
    (_set(["lambd"], -1), ["lambd", "got -1"]),
    (_set(["batchSize"], 0), ["batchSize", "got 0"]),
    (_set(["batchSize"], 2.5), ["batchSize", "2.5"]),
    (_set(["optimizer"], {"name": "sgd"}), ["optimizer.name", '"sgd"']),
    (_set(["optimizer"], {"name": "momentum", "beta": 1}), ["optimizer.beta", "[0, 1)", "got 1"]),
    (_set(["optimizer"], {"name": "adam", "epsilon": -1e-8}), ["optimizer.epsilon", "-1e-8"]),
    (_set(["optimizer"], {"name": "adam", "beta2": -0.1}), ["optimizer.beta2", "-0.1"]),
    (_set(["permutations"], [[0, 1, 2, 3]] * 2), ["permutations", "per epoch (3)", "2 arrays"]),
    (_set(["permutations", 1], [0, 1, 1, 3]), ["permutations[1]", "repeated entry 1"]),
    (_set(["permutations", 2], [0, 1, 2]), ["permutations[2]", "length 4", "got 3"]),
    (_set(["rng"], "seed"), ["rng", '"seed"']),
]


def test_valid_base_spec_trains(page):
    out = js_train(page, _base_spec())
    assert len(out["costs"]) == 3 and all(math.isfinite(c) for c in out["costs"])


@pytest.mark.parametrize("change, words", BAD_SPECS, ids=[" ".join(w[:2]) for _, w in BAD_SPECS])
def test_bad_spec_throws_naming_the_value(page, change, words):
    spec = _base_spec()
    if words[0] == "rng":
        spec["keepProb"] = 0.5  # the generator is used only with dropout
    change(spec)
    spec = {k: v for k, v in spec.items() if v is not None}
    spec["params"] = {k: v for k, v in spec["params"].items() if v is not None}
    error = page.evaluate("""spec => {
      try { coursePlayground.train(spec); return null; }
      catch (e) { return {isError: e instanceof Error, message: e.message}; }
    }""", spec)
    assert error is not None, f"no error for {words}"
    assert error["isError"]
    missing = [w for w in words if w not in error["message"]]
    assert not missing, f"message {error['message']!r} lacks {missing}"


@pytest.mark.parametrize("call, words", [
    ("c.initialize([2, 3, 1], 'glorot', c.makeRng(1))", ["init method", '"glorot"']),
    ("c.initialize([2, 0, 1], 'he', c.makeRng(1))", ["layerDims", "got 0"]),
    ("c.schedules.exponential(0.1, 0)", ["decayRate", "(0, 1]", "got 0"]),
    ("c.schedules.staircase(0.1, 1, 0)", ["timeInterval", "got 0"]),
    ("c.schedules.inverseTime(-0.1, 1)", ["lr0", "-0.1"]),
    ("c.schedule({name: 'cosine', lr0: 0.1})", ["schedule.name", '"cosine"']),
    ("c.makeRng(1.5)", ["seed", "1.5"]),
    ("c.probabilityGrid({W1: [[1, 2]], b1: [[0]]}, {xMin: 0, xMax: 1, yMin: 0, yMax: 1, nx: 1, ny: 5})",
     ["grid.nx", "got 1"]),
])
def test_bad_arguments_of_the_helpers(page, call, words):
    message = page.evaluate(f"""() => {{
      const c = coursePlayground;
      try {{ {call}; return null; }} catch (e) {{ return e.message; }}
    }}""")
    assert message is not None and all(w in message for w in words), (call, message)


def test_divergence_is_reported(page):
    spec = _base_spec()
    spec["optimizer"] = {"name": "gd"}
    spec["learningRates"] = [1e300] * 3
    message = page.evaluate("""spec => {
      try { coursePlayground.train(spec); return null; } catch (e) { return e.message; } }""", spec)
    assert message is not None and message.startswith("training diverged") and "epoch" in message


# ------------------------------------------------------------------ speed
def test_full_batch_epochs_per_second(page):
    data = datasets.football(rng=np.random.default_rng(0))
    assert data.X_train.shape == (2, 211)
    params = initializers.initialize_parameters([2, 20, 3, 1], "he", rng=np.random.default_rng(1))
    rates = page.evaluate("""([X, Y, p]) => {
      const spec = {X, Y, params: p, optimizer: {name: "adam"}, batchSize: null, lambd: 0.1};
      coursePlayground.train(Object.assign({learningRates: new Array(300).fill(0.01)}, spec));  // warm-up
      const out = [];
      for (let r = 0; r < 3; r++) {
        const t0 = performance.now();
        coursePlayground.train(Object.assign({learningRates: new Array(3000).fill(0.01)}, spec));
        out.push(3000 / ((performance.now() - t0) / 1000));
      }
      return out;
    }""", [data.X_train.tolist(), data.Y_train.tolist(), js_params(params)])
    best = max(rates)
    FIGURES["speed"] = {"epochs per second (adam, L2, full batch, [2, 20, 3, 1], 211 points)": rates}
    print(f"\nfull-batch epochs per second: {', '.join(f'{r:.0f}' for r in rates)}")
    assert best >= 2000, f"{best:.0f} epochs/s, expected >= 2000"


# ------------------------------------------------------------------ the worker
WORKER_HARNESS = """cfg => {
  window.msgs = [];
  window.worker && window.worker.terminate();
  window.worker = new Worker("javascripts/playground-worker.js");
  window.worker.onmessage = e => window.msgs.push(e.data);
  window.worker.onerror = e => window.msgs.push({type: "worker error", message: e.message});
  window.worker.postMessage(cfg);
}"""


def _football_config(**changes):
    data = datasets.football(rng=np.random.default_rng(0))
    cfg = {"type": "configure", "data": {"X": data.X_train.tolist(), "Y": data.Y_train.tolist(),
                                         "Xtest": data.X_test.tolist(), "Ytest": data.Y_test.tolist()},
           "layerDims": [2, 20, 3, 1], "init": "he", "seed": 42, "optimizer": {"name": "adam"},
           "schedule": {"name": "constant", "lr0": 0.01}, "batchSize": 32, "lambd": 0.05,
           "keepProb": 0.9, "epochs": 40,
           "grid": {"xMin": -0.75, "xMax": 0.4, "yMin": -0.8, "yMax": 0.7, "nx": 60, "ny": 60}}
    cfg.update(changes)
    return cfg


def _wait_messages(page, n: int, timeout=20_000):
    page.wait_for_function("n => window.msgs.length >= n", arg=n, timeout=timeout)
    msgs = page.evaluate("window.msgs")
    errors = [m for m in msgs if m["type"] in ("error", "worker error")]
    assert not errors, errors
    return msgs


def _post(page, msg):
    page.evaluate("msg => window.worker.postMessage(msg)", msg)


def test_worker_messages(page):
    page.evaluate(WORKER_HARNESS, _football_config())
    ready = _wait_messages(page, 1)[0]
    assert ready["type"] == "ready" and ready["epoch"] == 0 and ready["costs"] == []
    assert len(ready["grid"]) == 3600 and 0 <= ready["trainAccuracy"] <= 1 and 0 <= ready["testAccuracy"] <= 1
    initial = page.evaluate("() => { const c = coursePlayground; return c.initialize([2, 20, 3, 1], 'he', "
                            "c.makeRng(42, 0)); }")
    assert ready["params"] == initial

    # step 5 twice == reset then step 10 (adam's state, the shuffles and the masks carry over)
    _post(page, {"type": "step", "epochs": 5})
    _post(page, {"type": "step", "epochs": 5})
    _post(page, {"type": "reset"})
    _post(page, {"type": "step", "epochs": 10})
    msgs = _wait_messages(page, 5)
    a, b, again, ten = msgs[1:5]
    assert [a["type"], a["epoch"], b["epoch"], again["type"], again["epoch"], ten["epoch"]] == \
        ["progress", 5, 10, "ready", 0, 10]
    assert again["params"] == initial
    assert a["costs"] + b["costs"] == ten["costs"] and b["params"] == ten["params"]

    # start runs to `epochs` (40) in chunks, then says done
    _post(page, {"type": "start"})
    page.wait_for_function("() => window.msgs.some(m => m.type === 'done' || m.type === 'error')")
    msgs = _wait_messages(page, 6)
    run = [m for m in msgs[5:] if m["type"] == "progress"]
    assert msgs[-1]["type"] == "done" and msgs[-1]["epoch"] == 40
    assert [m["epoch"] for m in run] == sorted(m["epoch"] for m in run) and run[-1]["epoch"] == 40
    assert sum(len(m["costs"]) for m in run) == 30

    # a bad value is reported at configure, naming it; the previous configuration stays
    for bad, words in [({"keepProb": 0}, ["keepProb", "got 0"]), ({"init": "glorot"}, ["glorot"]),
                       ({"layerDims": [2, 20, 3, 2]}, ["output layer"]), ({"batchSize": 0}, ["batchSize"]),
                       ({"schedule": {"name": "constant", "lr0": -1}}, ["lr0", "-1"])]:
        count = page.evaluate("window.msgs.length")
        _post(page, dict(_football_config(), **bad))
        page.wait_for_function("n => window.msgs.length > n", arg=count)
        answer = page.evaluate("window.msgs.at(-1)")
        assert answer["type"] == "error" and all(w in answer["message"] for w in words), (bad, answer)
        page.evaluate("window.msgs.pop()")
    _post(page, {"type": "reset"})
    back = _wait_messages(page, len(msgs) + 1)[-1]
    assert back["type"] == "ready" and back["epoch"] == 0 and back["params"] == initial


def test_worker_full_batch_equals_the_core(page):
    """Chunked training in the worker is the core's training: same costs to the last bit."""
    cfg = _football_config(optimizer={"name": "momentum"}, batchSize=None, keepProb=1, lambd=0.2,
                           schedule={"name": "inverseTime", "lr0": 0.2, "decayRate": 0.01}, epochs=500)
    page.evaluate(WORKER_HARNESS, cfg)
    _post(page, {"type": "start"})
    page.wait_for_function("() => window.msgs.some(m => m.type === 'done' || m.type === 'error')")
    msgs = _wait_messages(page, 2)
    costs = [c for m in msgs if m["type"] == "progress" for c in m["costs"]]
    direct = page.evaluate("""cfg => {
      const c = coursePlayground, params = c.initialize(cfg.layerDims, cfg.init, c.makeRng(cfg.seed, 0));
      return c.train({X: cfg.data.X, Y: cfg.data.Y, params, optimizer: cfg.optimizer, batchSize: null,
                      lambd: cfg.lambd,
                      learningRates: c.learningRates(c.schedule(cfg.schedule), cfg.epochs)});
    }""", cfg)
    assert costs == direct["costs"] and msgs[-2]["params"] == direct["params"]
    chunks = sum(m["type"] == "progress" for m in msgs)
    assert chunks >= 1


def test_worker_keeps_the_page_responsive(page):
    """While the worker trains (and the page paints its decision boundary after every message), no
    task on the page's main thread lasts over 50 ms (PerformanceObserver 'longtask'); a 120 ms busy
    loop on the main thread, afterwards, is seen by the same observer.

    A loaded machine can stall the page's main thread by itself: on 2 cores with a load average
    of 6, one window once held a 315 ms task while the page's longest message handler took 4 ms.
    A long task that the playground causes (big messages, work on the main thread) comes with
    every batch of messages, so training is measured in up to 3 windows of 20000 epochs (about
    70 messages each) and one of them must be free of long tasks. Every window is recorded."""
    assert page.evaluate("PerformanceObserver.supportedEntryTypes.includes('longtask')")
    page.evaluate("""() => {
      window.longTasks = [];
      new PerformanceObserver(list => { for (const e of list.getEntries())
        window.longTasks.push({start: e.startTime, duration: e.duration}); }).observe({type: "longtask"});
      window.handlerMs = [];
      const ctx = document.getElementById("boundary").getContext("2d");  // made once, as a page would
      window.paint = msg => {  // what a page does with a progress message: draw the probabilities
        const t0 = performance.now();
        if (msg.grid) {
          const img = ctx.createImageData(60, 60);
          msg.grid.forEach((p, i) => { img.data.set([255 * p, 80, 255 * (1 - p), 255], 4 * i); });
          ctx.putImageData(img, 0, 0);
        }
        window.handlerMs.push(performance.now() - t0);
      };
      window.paint({grid: new Float64Array(3600).fill(0.5)});
      // event-loop heartbeat: the largest gap between 10 ms timer callbacks
      window.beat = {last: performance.now(), maxGap: 0};
      window.beatTimer = setInterval(() => {
        const now = performance.now();
        window.beat.maxGap = Math.max(window.beat.maxGap, now - window.beat.last);
        window.beat.last = now;
      }, 10);
    }""")
    cfg = _football_config(epochs=10**9, batchSize=None, keepProb=1, optimizer={"name": "adam"})
    page.evaluate(WORKER_HARNESS, cfg)
    page.evaluate("""() => { const inner = window.worker.onmessage;
      window.worker.onmessage = e => { inner(e); window.paint(e.data); }; }""")
    _wait_messages(page, 1)
    windows = []
    for _ in range(3):
        t0, first, epoch0 = page.evaluate("""() => { window.beat.maxGap = 0; window.handlerMs = [];
          window.beat.last = performance.now();
          return [performance.now(), window.msgs.length, window.msgs.at(-1).epoch]; }""")
        _post(page, {"type": "start"})
        page.wait_for_function("e => window.msgs.some(m => m.epoch >= e || m.type === 'error')",
                               arg=epoch0 + 20_000, timeout=60_000)
        _post(page, {"type": "pause"})
        page.wait_for_function("() => ['paused', 'error'].includes(window.msgs.at(-1).type)")
        _wait_messages(page, 1)  # no error message
        windows.append(page.evaluate("""([t0, first]) => ({
          longTasks: window.longTasks.filter(t => t.start >= t0),
          heartbeatMaxGapMs: window.beat.maxGap, longestHandlerMs: Math.max(...window.handlerMs),
          messages: window.msgs.length - first, epochs: window.msgs.at(-1).epoch - window.msgs[first].epoch,
          seconds: (performance.now() - t0) / 1000})""", [t0, first]))
        if not windows[-1]["longTasks"]:
            break
    page.evaluate("clearInterval(window.beatTimer)")
    FIGURES["main thread while the worker trains"] = windows
    print(f"\nmain thread while the worker trains: {json.dumps(windows)}")
    assert not windows[-1]["longTasks"], f"long tasks in each of {len(windows)} windows: {windows}"

    # paused means stopped: the next message is the answer to one step, one epoch further
    paused = page.evaluate("window.msgs.length")
    _post(page, {"type": "step"})
    msgs = _wait_messages(page, paused + 1)
    assert [m["type"] for m in msgs[paused - 1:]] == ["paused", "progress"]
    assert msgs[paused]["epoch"] == msgs[paused - 1]["epoch"] + 1 and len(msgs[paused]["costs"]) == 1

    # the control: a 120 ms task on the main thread is seen
    page.evaluate("() => setTimeout(() => { const t0 = performance.now(); "
                  "while (performance.now() - t0 < 120); })")
    page.wait_for_function("() => window.longTasks.some(t => t.duration >= 100)")


# ------------------------------------------------------------------ size budget
def test_playground_scripts_stay_small():
    """The whole playground (core, worker and a later UI: docs/javascripts/playground*.js) <= 60 kB
    unminified, and the core <= 25 kB."""
    sizes = {p.name: p.stat().st_size for p in sorted(JS_DIR.glob("playground*.js"))}
    FIGURES["sizes (bytes)"] = sizes
    assert CORE.name in sizes and WORKER.name in sizes
    assert sizes[CORE.name] <= 25_000, sizes
    assert sum(sizes.values()) <= 60_000, sizes
