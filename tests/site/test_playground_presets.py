"""Every Playground preset reproduces, in Chromium, the run its topic page reports.

For each preset the test opens the built Playground page, selects the preset and captures the
``configure`` message the page sends to its worker: the data, the network, the optimizer, the
schedule, the batch size, lambda, keep_prob and the epochs the preset really trains with. Then:

- **settings**: they equal the topic experiment's ``Config`` defaults (a preset must not drift
  from the page it links from), and the page's data are the arrays the topic trains on;
- **same run**: ``coursePlayground.train`` runs in the page with those settings, from the
  initial weights and with the mini-batch orders the topic experiment uses for its headline run
  (computed here with ``course_code``, as the experiment computes them); its costs and final
  weights equal ``course_code.training.train``'s to 1e-9 relative (most to 1e-13 or better;
  ``LOOSER`` lists the four that are not, with the measured difference and the reason). A long
  run can amplify a last-bit difference far beyond that, by an amount that depends on the CPU's
  rounding, so each preset's bound is also at least ``NUDGE_FACTOR`` times the run's own
  *sensitivity*: how far ``train`` itself moves when one initial weight moves by one ulp
  (:func:`_sensitivity`, measured on the machine running the test);
- **same accuracy**: the accuracies the browser computes from its weights equal the ones the
  topic page reports (``docs/generated/<topic>/metrics.json``, written by the site's build),
  and its cost at the last recorded epoch equals the reported one to 1e-9 relative.

Dropout: the page's trainer draws its masks from the browser's own generator, which cannot
redraw the topic's masks. For the comparison above the test hands ``train`` NumPy's generator
instead (PCG64, the ``numpy.random.Generator`` the experiment draws its masks from,
re-implemented below in JavaScript and checked draw for draw against NumPy), in the state the
experiment's is in: the browser then draws the very masks of the topic's run. A second test
runs the preset with the page's own masks, from the same initial weights: its train and test
accuracy must lie within the spread of the topic's dropout runs (headline and seeds), widened
by ``DROPOUT_MARGIN``.

The largest relative differences, the accuracies and the times are printed (``pytest -s``) and
written to screenshots/playground-presets.json. The site is test_browser.py's build (or
``COURSE_SITE_DIR``).
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
import test_browser
from test_browser import base_url, browser, site_dir  # noqa: F401 (fixtures)

from course_code import datasets, training
from course_code.experiments import initialization, lr_decay, optimization, regularization
from course_code.initializers import initialize_parameters
from course_code.optimizers import gd
from course_code.schedules import constant

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "docs" / "generated"
RECORD = ROOT / "screenshots" / "playground-presets.json"
TOLERANCE = 1e-9
#: The presets whose browser run is not the package's to TOLERANCE: preset -> (bound on the largest
#: element-wise relative difference, the first epoch whose cost is compared, why). Each bound is
#: about ten times what was measured, so that a change for the worse still fails. (Every other
#: preset agrees to 1e-9, most to 1e-13 or better.) The two trainers do the same operations, but a few sums in
#: another order: JavaScript adds in sequence, NumPy in pairs or in BLAS's order; these runs
#: grow that last-bit difference.
#: The browser may differ from the package by this many times what one ulp in one initial weight
#: does to the package's own run (the two trainers differ in a few sums' order at every step).
NUDGE_FACTOR = 10
LOOSER = {
    "zeros": (1e-2, 0, "every weight stays exactly 0 in both, and the output bias is rounding noise "
              "around 0 (0 in NumPy, about 2e-16 in the browser), so its relative difference is large; "
              "the costs agree to about 1e-15"),
    "random": (3e-3, 8000, "weights x 10 make the first thousands of iterations chaotic (the cost jumps "
               "up and down, between about 0.6 and 8 early on): a last-bit difference grows, the costs "
               "differ by up to 0.85 relative before epoch 8000 and 3e-4 after it, the final weights by "
               "2.4e-4; the accuracies still agree"),
    "dropout": (1e-5, 0, "30000 iterations with the same masks: the weights differ by up to 9e-7 "
                "relative, the costs by 6e-9"),
    "l2": (1e-6, 0, "30000 iterations of weight decay: a few hidden units shrink towards 0 and their small "
           "biases carry a difference of about 4e-8 relative (7e-11 absolute); the costs agree to 2e-14"),
}
DROPOUT_MARGIN = 0.03  # how far outside the topic's dropout runs the browser's own masks may land
FIGURES: dict[str, dict] = {}

# Records the page's configure messages to its worker (installed before the page's scripts run).
CAPTURE = """(() => {
  const sent = [], post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (msg, ...rest) {
    if (msg && msg.type === "configure") sent.push(JSON.parse(JSON.stringify(msg)));
    return post.call(this, msg, ...rest);
  };
  window.__configures = sent;
})();"""

# numpy.random.Generator(PCG64).random() in JavaScript: the 128-bit LCG step (state * multiplier
# + increment), the XSL-RR output, the top 53 bits as a float in [0, 1). 16-bit limbs keep every
# product and sum exact in float64.
PCG64 = """window.numpyPcg64 = function (stateHex, incHex) {
  const limbs = (hex) => {
    hex = hex.padStart(32, "0");
    return Array.from({ length: 8 }, (_, i) => parseInt(hex.slice(28 - 4 * i, 32 - 4 * i), 16));
  };
  let [s0, s1, s2, s3, s4, s5, s6, s7] = limbs(stateHex);
  const [i0, i1, i2, i3, i4, i5, i6, i7] = limbs(incHex);
  const [m0, m1, m2, m3, m4, m5, m6, m7] = limbs("2360ed051fc65da44385df649fccf645");
  function random() {
    let v, c;
    v = s0 * m0 + i0; c = Math.floor(v / 65536); const n0 = v - c * 65536;
    v = s0 * m1 + s1 * m0 + i1 + c; c = Math.floor(v / 65536); const n1 = v - c * 65536;
    v = s0 * m2 + s1 * m1 + s2 * m0 + i2 + c; c = Math.floor(v / 65536); const n2 = v - c * 65536;
    v = s0 * m3 + s1 * m2 + s2 * m1 + s3 * m0 + i3 + c; c = Math.floor(v / 65536); const n3 = v - c * 65536;
    v = s0 * m4 + s1 * m3 + s2 * m2 + s3 * m1 + s4 * m0 + i4 + c;
    c = Math.floor(v / 65536); const n4 = v - c * 65536;
    v = s0 * m5 + s1 * m4 + s2 * m3 + s3 * m2 + s4 * m1 + s5 * m0 + i5 + c;
    c = Math.floor(v / 65536); const n5 = v - c * 65536;
    v = s0 * m6 + s1 * m5 + s2 * m4 + s3 * m3 + s4 * m2 + s5 * m1 + s6 * m0 + i6 + c;
    c = Math.floor(v / 65536); const n6 = v - c * 65536;
    v = s0 * m7 + s1 * m6 + s2 * m5 + s3 * m4 + s4 * m3 + s5 * m2 + s6 * m1 + s7 * m0 + i7 + c;
    s0 = n0; s1 = n1; s2 = n2; s3 = n3; s4 = n4; s5 = n5; s6 = n6; s7 = v % 65536;
    let hi = ((s7 << 16) | s6) ^ ((s3 << 16) | s2), lo = ((s5 << 16) | s4) ^ ((s1 << 16) | s0);
    let rot = s7 >>> 10;
    if (rot >= 32) { const t = hi; hi = lo; lo = t; rot -= 32; }
    if (rot) { const h = (hi >>> rot) | (lo << (32 - rot)); lo = (lo >>> rot) | (hi << (32 - rot)); hi = h; }
    return ((hi >>> 0) * 2097152 + (lo >>> 11)) / 9007199254740992;
  }
  return { random };
};"""

# Train as the preset does (its data, optimizer, schedule, ...), from the given weights and orders.
TRAIN = """(text) => {  // one JSON text in, one out: much faster than Playwright's own conversion
  const [msg, params, perms, evals, epochs, pcg] = JSON.parse(text), core = window.coursePlayground;
  const rates = core.learningRates(core.schedule(msg.schedule), epochs);
  const spec = { X: msg.data.X, Y: msg.data.Y, params, optimizer: msg.optimizer, learningRates: rates,
                 batchSize: msg.batchSize, permutations: perms, lambd: msg.lambd, keepProb: msg.keepProb };
  if (pcg === "page") spec.rng = core.makeRng(msg.seed, 2);  // the worker's dropout stream
  else if (pcg) spec.rng = window.numpyPcg64(pcg[0], pcg[1]);
  const t0 = performance.now(), out = core.train(spec), ms = performance.now() - t0;
  const accuracy = {};
  for (const [k, [X, Y]] of Object.entries(evals)) accuracy[k] = core.accuracy(out.params, X, Y);
  return JSON.stringify({ costs: out.costs, params: out.params, steps: out.steps, accuracy, ms });
}"""


def rel_error(a, b) -> float:
    """Largest element-wise relative error (tests/conftest.py's measure)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape, f"shapes differ: {a.shape} and {b.shape}"
    return float(np.max(np.abs(a - b) / np.maximum(1e-12, np.abs(a) + np.abs(b))))


@dataclass
class Topic:
    """One topic page's headline run, as its experiment sets it up."""

    topic: str                   # docs/generated/<topic>/
    settings: dict               # what the preset's configure message must say
    data: tuple                  # (X_train, Y_train, X_dev, Y_dev): what the playground must export
    evals: dict                  # name -> (X, Y): where the page reports an accuracy
    reported: dict               # name -> the reported accuracy (same keys as evals)
    reported_cost: float         # the reported cost at the last recorded epoch
    record_every: int
    params0: dict
    optimizer: object
    schedule: object
    epochs: int
    batch: int | None = None
    lambd: float = 0.0
    keep_prob: float = 1.0
    rng: object = None           # what train draws from (batch orders, masks)
    perms: np.ndarray | None = None  # the batch orders train will draw, one row per epoch
    spread: dict = field(default_factory=dict)  # dropout: name -> (lowest, highest) reported


def metrics(topic: str) -> dict:
    path = GENERATED / topic / "metrics.json"
    assert path.exists(), f"{path} is missing: build the site first"
    return json.loads(path.read_text())


def _fixed(schedule_name: str, lr0: float, **extra) -> dict:
    return {"name": schedule_name, "lr0": lr0, **extra}


def initialization_topic(method: str) -> Topic:
    c, m = initialization.Config(), metrics("initialization")
    data = datasets.circles()
    assert c.course_weights, "the headline run starts from the course's weights"
    params0 = initialize_parameters(list(c.layer_dims), method, rng=np.random.RandomState(3),
                                    scale=c.random_scale)
    settings = {"layerDims": list(c.layer_dims), "init": method, "optimizer": {"name": "gd"},
                "schedule": _fixed("constant", c.learning_rate), "batchSize": None, "lambd": 0,
                "keepProb": 1, "epochs": c.num_iterations}
    if method == "random":
        settings["initScale"] = c.random_scale
    return Topic("initialization", settings, (data.X_train, data.Y_train, data.X_test, data.Y_test),
                 {"train": (data.X_train, data.Y_train), "test": (data.X_test, data.Y_test)},
                 {"train": m[method]["train_accuracy"], "test": m[method]["test_accuracy"]},
                 m[method]["last_cost"], c.record_every, params0, gd(), constant(c.learning_rate),
                 c.num_iterations, rng=np.random.default_rng(initialization.SEED))


def regularization_topic(variant: str) -> Topic:
    c, m = regularization.Config(), metrics("regularization")
    data_rng, head_rng, _, _, dev_rng = np.random.default_rng(regularization.SEED).spawn(5)
    noise = {"patches": c.patches, "patch_size": c.patch_size}
    data = datasets.football(rng=data_rng, **noise)
    dev = datasets.football(rng=dev_rng, n_train=c.n_dev, n_test=0, **noise)
    init_rng, mask_rng = head_rng.spawn(2)
    params0 = initialize_parameters(list(c.layer_dims), c.init, rng=init_rng)
    lambd = c.lambd if variant == "l2" else 0.0
    keep = c.keep_prob if variant == "dropout" else 1.0
    settings = {"layerDims": list(c.layer_dims), "init": c.init, "optimizer": {"name": "gd"},
                "schedule": _fixed("constant", c.learning_rate), "batchSize": None, "lambd": lambd,
                "keepProb": keep, "epochs": c.num_iterations}
    r = m[variant]
    spread = {k: (min(r[f"{k}_accuracy"], r[f"seed_{k}_min"]), max(r[f"{k}_accuracy"], r[f"seed_{k}_max"]))
              for k in ("train", "test")}
    return Topic("regularization", settings, (data.X_train, data.Y_train, dev.X_train, dev.Y_train),
                 {"train": (data.X_train, data.Y_train), "test": (data.X_test, data.Y_test)},
                 {"train": r["train_accuracy"], "test": r["test_accuracy"]}, r["last_cost"], c.record_every,
                 params0, gd(), constant(c.learning_rate), c.num_iterations, lambd=lambd, keep_prob=keep,
                 rng=mask_rng, spread=spread)


def _orders(rng, epochs: int, m: int) -> list:
    """The permutations ``train`` draws from ``rng`` (one per epoch), drawn from a copy."""
    g = copy.deepcopy(rng)
    return np.array([g.permutation(m) for _ in range(epochs)])


def optimization_topic(name: str) -> Topic:
    c, m = optimization.Config(), metrics("optimization")
    data = datasets.moons()
    head_rng, _, _ = np.random.default_rng(optimization.SEED).spawn(3)
    assert c.course_weights, "the headline run starts from the course's weights"
    params0 = initialize_parameters(list(c.layer_dims), "he", rng=np.random.RandomState(3))
    opt = {"gd": {"name": "gd"}, "momentum": {"name": "momentum", "beta": c.beta},
           "adam": {"name": "adam", "beta1": c.beta1, "beta2": c.beta2, "epsilon": c.epsilon}}[name]
    settings = {"layerDims": list(c.layer_dims), "init": "he", "optimizer": opt,
                "schedule": _fixed("constant", c.learning_rate), "batchSize": c.mini_batch_size, "lambd": 0,
                "keepProb": 1, "epochs": c.num_epochs}
    r = m["optimizers"][name]
    return Topic("optimization", settings, None, {"train": (data.X_train, data.Y_train)},
                 {"train": r["accuracy"]}, r["last_cost"], c.record_every, params0,
                 optimization.make_optimizers(c)[name], constant(c.learning_rate), c.num_epochs,
                 batch=c.mini_batch_size, rng=head_rng,
                 perms=_orders(head_rng, c.num_epochs, data.X_train.shape[1]))


def lr_decay_topic(decay: str) -> Topic:
    c, m = lr_decay.Config(), metrics("lr_decay")
    data = datasets.moons()
    assert c.course_weights and c.course_order, "the headline runs use the course's weights and batch order"
    params0 = initialize_parameters(list(c.layer_dims), "he", rng=np.random.RandomState(3))
    order = lr_decay.course_batch_order(c.num_epochs, data.X_train.shape[1])
    sched = {"staircase": _fixed("staircase", c.lr0, decayRate=c.decay_rate, timeInterval=c.time_interval),
             "per_epoch": _fixed("inverseTime", c.lr0, decayRate=c.decay_rate)}[decay]
    settings = {"layerDims": list(c.layer_dims), "init": "he", "optimizer": {"name": "gd"}, "schedule": sched,
                "batchSize": c.mini_batch_size, "lambd": 0, "keepProb": 1, "epochs": c.num_epochs}
    r = m["runs"][f"gd_{decay}"]
    return Topic("lr_decay", settings, None, {"train": (data.X_train, data.Y_train)},
                 {"train": r["accuracy"]}, r["final_cost"], c.record_every, params0, gd(),
                 lr_decay.schedule(c, "gd", decay), c.num_epochs, batch=c.mini_batch_size,
                 rng=lr_decay.Replay(order), perms=order)


#: preset -> its topic's headline run
PRESETS = {
    "zeros": lambda: initialization_topic("zeros"),
    "random": lambda: initialization_topic("random"),
    "he": lambda: initialization_topic("he"),
    "no-regularization": lambda: regularization_topic("none"),
    "l2": lambda: regularization_topic("l2"),
    "dropout": lambda: regularization_topic("dropout"),
    "mini-batch-gd": lambda: optimization_topic("gd"),
    "momentum": lambda: optimization_topic("momentum"),
    "adam": lambda: optimization_topic("adam"),
    "staircase-decay": lambda: lr_decay_topic("staircase"),
    "inverse-time-decay": lambda: lr_decay_topic("per_epoch"),
}


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def page(browser, base_url):  # noqa: F811 (the imported fixtures)
    """The built Playground page, ready, recording its configure messages; no console error."""
    context = browser.new_context()
    context.add_init_script(CAPTURE)
    context.add_init_script(PCG64)
    pg = context.new_page()
    problems = []
    test_browser.guard(pg, base_url, problems)
    pg.goto(base_url + "playground/", wait_until="load")
    pg.wait_for_selector("#pg-app[data-state='ready']", timeout=30_000)
    yield pg
    context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module", autouse=True)
def record_figures():
    yield
    test_browser.write_record(RECORD, FIGURES)


def configure_message(page, preset: str) -> dict:
    """The configure message the page sends its worker for ``preset`` (chosen from the menu)."""
    page.select_option("#pg-preset", preset)  # the page configures its worker at once (or keeps
    # the last configuration when the preset's settings are the ones already running)
    assert page.input_value("#pg-preset") == preset
    return page.evaluate("window.__configures[window.__configures.length - 1]")


# ------------------------------------------------------------------ tests
def test_every_preset_is_checked(page):
    assert set(page.evaluate("Object.keys(coursePlaygroundPage.PRESETS)")) == set(PRESETS)


def test_numpy_generator_in_javascript_draws_what_numpy_draws(page):
    g = np.random.default_rng(2024).spawn(3)[2]
    state = g.bit_generator.state["state"]
    js = page.evaluate("([s, i, n]) => Array.from({length: n}, numpyPcg64(s, i).random)",
                       [format(state["state"], "x"), format(state["inc"], "x"), 20000])
    assert js == g.random(20000).tolist()


def _check_settings(preset: str, msg: dict, t: Topic) -> None:
    got = {k: msg[k] for k in t.settings}
    if t.settings["schedule"]["name"] == "constant":  # a constant schedule ignores the decay fields
        got["schedule"] = {k: got["schedule"][k] for k in ("name", "lr0")}
    else:
        got["schedule"] = {k: got["schedule"][k] for k in t.settings["schedule"]}
    assert got == t.settings, f"preset {preset} drifted from its topic's Config: {got} != {t.settings}"
    X, Y, Xd, Yd = (np.asarray(msg["data"][k], dtype=float) for k in ("X", "Y", "Xtest", "Ytest"))
    if t.data is not None:
        want = t.data
        for name, a, b in zip(("X", "Y", "dev X", "dev Y"), (X, Y, Xd, Yd), want, strict=True):
            assert np.array_equal(a, b), f"{preset}: the playground's {name} is not the {t.topic} page's"
    else:  # the moons: the course's training points (the page adds its own dev points)
        tx, ty = t.evals["train"]
        assert np.array_equal(X, tx) and np.array_equal(Y, ty), f"{preset}: not the {t.topic} page's data"


def _python_run(t: Topic, epochs: int):
    rng = copy.deepcopy(t.rng)
    start = time.perf_counter()
    X, Y = t.evals["train"]
    out = training.train(X, Y, t.settings["layerDims"], optimizer=t.optimizer, schedule=t.schedule,
                         num_epochs=epochs, mini_batch_size=t.batch, lambd=t.lambd, keep_prob=t.keep_prob,
                         init=t.params0, rng=rng, record_every=t.record_every)
    if t.perms is not None and isinstance(rng, np.random.Generator):  # train drew exactly the orders given
        after = copy.deepcopy(t.rng)
        for _ in range(epochs):
            after.permutation(t.perms.shape[1])
        assert after.bit_generator.state == rng.bit_generator.state, "train drew other random numbers"
    return out, time.perf_counter() - start


def _browser_run(page, msg, t: Topic, epochs: int, pcg=None):
    params = {k: v.tolist() for k, v in t.params0.items()}
    evals = {k: [X.tolist(), Y.tolist()] for k, (X, Y) in t.evals.items()}
    perms = t.perms[:epochs].tolist() if t.perms is not None else []
    return json.loads(page.evaluate(TRAIN, json.dumps([msg, params, perms, evals, epochs, pcg])))


def _differences(py, costs, params, settle: int) -> dict:
    """Relative differences from ``py``: the costs of the epochs it recorded from ``settle`` on
    (``costs`` is indexed by epoch) and every final parameter."""
    kept = py.epochs >= settle
    diffs = {"costs": rel_error(py.costs[kept], np.asarray(costs)[py.epochs[kept]])}
    diffs.update({k: rel_error(py.params[k], params[k]) for k in py.params})
    return diffs


def _sensitivity(t: Topic, py, settle: int) -> float:
    """The largest relative difference between ``py`` and ``train`` from the same initial weights
    but one, the largest of ``W1``, moved by one ulp (same data, batch orders and masks): how
    much this run, on this machine, amplifies a last-bit difference. (One weight, not all: a
    bias that starts at 0 would move to a denormal, and the runs apart by far more than a
    rounding.)"""
    params0 = {k: v.copy() for k, v in t.params0.items()}
    W1 = params0["W1"].reshape(-1)
    i = int(np.argmax(np.abs(W1)))
    W1[i] = np.nextafter(W1[i], np.inf)
    nudged = copy.copy(t)
    nudged.params0 = params0
    other, _ = _python_run(nudged, t.epochs)
    full = np.full(t.epochs, np.nan)
    full[other.epochs] = other.costs
    return max(_differences(py, full, other.params, settle).values())


def _compare(preset: str, t: Topic, py, js) -> tuple[dict, float]:
    """The browser's differences from ``py``, checked against the preset's bound; and the bound."""
    floor, settle, _why = LOOSER.get(preset, (TOLERANCE, 0, ""))
    bound = max(floor, NUDGE_FACTOR * _sensitivity(t, py, settle))
    assert js["steps"] == py.steps
    diffs = _differences(py, js["costs"], js["params"], settle)
    worst = max(diffs, key=diffs.get)
    assert diffs[worst] < bound, f"{preset}: {worst} differs by {diffs[worst]:.3g} relative, more than " \
                                 f"the bound {bound:.3g} ({diffs})"
    return diffs, bound


@pytest.mark.parametrize("preset", list(PRESETS))
def test_preset_reproduces_its_topic_page(page, preset):
    t = PRESETS[preset]()
    msg = configure_message(page, preset)
    _check_settings(preset, msg, t)
    py, py_s = _python_run(t, t.epochs)
    pcg = None
    if t.keep_prob < 1:  # the topic's masks: NumPy's generator, from the state the experiment's is in
        state = t.rng.bit_generator.state["state"]
        pcg = [format(state["state"], "x"), format(state["inc"], "x")]
    js = _browser_run(page, msg, t, t.epochs, pcg)
    diffs, bound = _compare(preset, t, py, js)
    last = (t.epochs - 1) // t.record_every * t.record_every  # the last epoch the topic recorded
    cost_diff = rel_error(js["costs"][last], t.reported_cost)
    FIGURES[preset] = {"topic": t.topic, "epochs": t.epochs,
                       "largest_relative_difference": max(diffs.values()), "bound": bound,
                       "costs": diffs["costs"], "params": max(v for k, v in diffs.items() if k != "costs"),
                       "reported_cost": cost_diff, "browser_accuracy": js["accuracy"], "reported": t.reported,
                       "browser_seconds": js["ms"] / 1000, "python_seconds": py_s}
    print(f"\n{preset}: largest relative difference {max(diffs.values()):.2e} (params and costs), "
          f"{cost_diff:.2e} (reported cost); accuracy {js['accuracy']} vs reported {t.reported}; "
          f"browser {js['ms'] / 1000:.2f} s, Python {py_s:.2f} s")
    assert js["accuracy"] == t.reported, f"{preset}: browser accuracy {js['accuracy']} != page's {t.reported}"
    assert cost_diff < bound, f"{preset}: cost at epoch {last} differs from the page's by {cost_diff:.3g}"


def test_dropout_preset_with_the_pages_own_masks_lands_among_the_topics_runs(page):
    """The dropout preset as the page runs it, masks from the browser's generator (from the topic's
    initial weights): its accuracies lie within the topic's dropout runs, widened by DROPOUT_MARGIN."""
    t = PRESETS["dropout"]()
    msg = configure_message(page, "dropout")
    full = _browser_run(page, msg, t, t.epochs, pcg="page")
    FIGURES["dropout, the page's own masks"] = {
        "browser_accuracy": full["accuracy"], "reported_spread": t.spread, "seconds": full["ms"] / 1000}
    print(f"\ndropout, the page's own masks: accuracy {full['accuracy']}, the topic's runs {t.spread}; "
          f"browser {full['ms'] / 1000:.2f} s")
    for k, (lo, hi) in t.spread.items():
        acc = full["accuracy"][k]
        assert lo - DROPOUT_MARGIN <= acc <= hi + DROPOUT_MARGIN, \
            f"dropout: {k} accuracy {acc} outside the topic's runs [{lo}, {hi}] +- {DROPOUT_MARGIN}"
