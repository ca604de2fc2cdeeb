"""Batch normalization: a 5-hidden-layer network on the moons, with and without, over learning rates.

The course teaches batch norm in its lectures only (no assignment). Its claims: batch norm
makes training faster and tolerates larger learning rates, because each layer's inputs keep
a steady mean and variance (less "covariate shift"). This experiment tests them on the moons
(the course's 300 training points; a dev set of ``n_dev`` points and 300 test points drawn the
same way) with a deeper network
than the course's, trained by full-batch gradient descent from He initial weights:

- a sweep over log-spaced learning rates, every rate from ``n_seeds`` initial draws, each draw
  shared by the plain and the batch-normalized network (batch norm drops the biases of the
  hidden layers and adds ``gamma = 1``, ``beta = 0``; the weights start equal). A run whose
  parameters become nan/inf is recorded as *diverged* (:class:`~course_code.training.TrainingDiverged`);
- the cost curves at ``curve_rate``;
- percentiles of the pre-activations of some hidden layers every ``track_every`` epochs at
  ``curve_rate`` (first seed): without batch norm :math:`Z = W a + b`; with it both
  :math:`Z = W a` and the ReLU's input :math:`\\tilde Z = \\gamma \\hat z + \\beta`.

Whether a run *trained* (``good_accuracy``), and every comparison built on it, is decided on
the dev set, drawn from ``rng`` like the training points; the test accuracy of every run is
kept so the page can report it once, at the rate the dev set chooses.

The first of the ``n_seeds`` draws is the headline run.

A second part trains the batch-normalized network with **mini-batches** (gradient descent at
``mb_rate``, the same ``mb_steps`` updates for every size in ``mb_sizes``, from the same
``n_seeds`` initial draws as above) and compares, on the dev set:

- predictions in inference mode (running averages) with predictions in training mode, where
  the dev points are normalized with the statistics of the batch they are predicted in
  (``eval_batch_sizes``, at the ``mb_headline`` training size; a batch of one gives every point
  the same output);
- dev accuracy against the training batch size (the noise of small batches).

The batch size with the highest mean dev accuracy is scored once on the test set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import datasets
from ..batchnorm_network import accuracy, batch_statistics_output, forward, predict, with_batchnorm
from ..batchnorm_network import train as train_batchnorm
from ..checks import check_fields
from ..initializers import initialize_parameters
from ..losses import cross_entropy_from_logits
from ..optimizers import gd
from ..schedules import constant
from ..training import TrainingDiverged, train

SEED = 0  # the first seed tried, not tuned: every claim is checked on all n_seeds draws
#: Rough run time of the default config on a 2-core machine (the build starts long ones first).
EXPECTED_SECONDS = 6
METHODS = ("plain", "bn")
LABELS = {"plain": "without batch norm", "bn": "with batch norm"}
PERCENTILES = (5, 25, 50, 75, 95)


@dataclass(frozen=True)
class Config:
    """Settings. ``good_accuracy`` is the DEV accuracy a run must reach to count as trained."""

    layer_dims: tuple[int, ...] = (2, 16, 16, 16, 16, 16, 1)
    learning_rates: tuple[float, ...] = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
    num_epochs: int = 120
    record_every: int = 4
    n_seeds: int = 5
    n_test: int = 300
    n_dev: int = 300
    good_accuracy: float = 0.9
    curve_rate: float = 1.0
    track_every: int = 6
    tracked_layers: tuple[int, ...] = (2, 5)
    # mini-batch part: sizes of at least the training set's size mean one full batch
    mb_sizes: tuple[int, ...] = (8, 32, 64, 300)
    mb_headline: int = 64
    mb_rate: float = 0.1
    mb_steps: int = 240
    eval_batch_sizes: tuple[int, ...] = (1, 2, 4, 16, 64, 300)

    def __post_init__(self):
        check_fields(self, layer_dims="net", learning_rates="positives", num_epochs="count",
                     record_every="count", n_seeds="count", n_test="count", n_dev="count",
                     good_accuracy="fraction",
                     curve_rate="positive", track_every="count", tracked_layers="counts")
        hidden = len(self.layer_dims) - 2
        if hidden < 1 or any(not 1 <= l <= hidden for l in self.tracked_layers):
            raise ValueError(f"tracked_layers must be hidden layers 1..{hidden}, got {self.tracked_layers}")
        if self.curve_rate not in self.learning_rates:
            raise ValueError(f"curve_rate must be one of learning_rates {self.learning_rates}, "
                             f"got {self.curve_rate}")
        check_fields(self, mb_sizes="counts", mb_headline="count", mb_rate="positive", mb_steps="count",
                     eval_batch_sizes="counts")
        if self.mb_headline not in self.mb_sizes:
            raise ValueError(f"mb_headline must be one of mb_sizes {self.mb_sizes}, got {self.mb_headline}")
        if 1 not in self.eval_batch_sizes:
            raise ValueError(f"eval_batch_sizes must include 1 (a batch of one), got {self.eval_batch_sizes}")


#: Small enough for the tests.
TINY = Config(layer_dims=(2, 6, 6, 6, 1), learning_rates=(0.1, 30.0), num_epochs=12, record_every=4,
              n_seeds=2, n_test=40, n_dev=40, curve_rate=0.1, track_every=6, tracked_layers=(1, 3),
              mb_sizes=(100, 300), mb_headline=100, mb_steps=6, eval_batch_sizes=(1, 8))


@dataclass(frozen=True)
class Result:
    """Sweep arrays are indexed ``[method, rate, seed]`` (methods in :data:`METHODS` order).

    ``costs[method, rate, seed]`` is the cost at the recorded ``epochs`` (nan after divergence).
    ``bands[method]`` has shape (snapshots, tracked layers, len(PERCENTILES)) at ``band_epochs``;
    ``bands["bn_raw"]`` holds :math:`Z = W a` of the batch-normalized net, ``bands["bn"]``
    its :math:`\\tilde Z`.
    """

    config: Config
    epochs: np.ndarray          # (k,) recorded epochs
    costs: np.ndarray           # (2, R, S, k)
    final_cost: np.ndarray      # (2, R, S): cost after the last update (nan if diverged)
    train_accuracy: np.ndarray  # (2, R, S) (nan if diverged)
    dev_accuracy: np.ndarray    # (2, R, S) on the dev set: decides "trained" (nan if diverged)
    test_accuracy: np.ndarray   # (2, R, S) on the test set: reported once, at the dev-chosen rate
    diverged: np.ndarray        # (2, R, S) bool
    weight_growth: np.ndarray   # (2, R, S): norm of the hidden layers' weights, final / initial
    band_epochs: np.ndarray     # (snapshots,)
    bands: dict                 # "plain", "bn_raw", "bn" -> (snapshots, tracked, 5)
    n_train: int = 0            # training examples
    n_dev: int = 0              # dev examples (drawn like the training set)
    selection_set: str = "dev"  # the set that decides "trained" and every comparison
    minibatch: MiniBatchResult | None = None  # the mini-batch part


@dataclass(frozen=True)
class MiniBatchResult:
    """The mini-batch part. ``[size, seed]`` arrays follow ``mb_sizes``; ``[eval size, seed]`` arrays
    follow ``eval_batch_sizes`` (training batch size ``mb_headline``). Accuracies are nan if diverged.
    """

    steps: np.ndarray            # (B,) updates made at each training batch size
    epochs: np.ndarray           # (B,) passes over the training set
    train_accuracy: np.ndarray   # (B, S) training set, inference mode
    dev_accuracy: np.ndarray     # (B, S) dev set, inference mode (running averages)
    dev_accuracy_batch: np.ndarray  # (B, S) dev set, training mode: the whole dev set as one batch
    test_accuracy: np.ndarray    # (B, S) test set, inference mode: reported once, at the dev-chosen size
    diverged: np.ndarray         # (B, S) bool
    eval_accuracy: np.ndarray    # (E, S) dev accuracy, training mode, predicted in batches of each size
    eval_agreement: np.ndarray   # (E, S) fraction of dev predictions equal to inference mode's
    single_spread: np.ndarray    # (S,) max - min of the dev outputs when each point is predicted alone
    dev_positive_share: float    # fraction of dev labels equal to 1


def _fit(data, config: Config, params0: dict, lr: float, batch_norm: bool, epochs: int, record_every: int):
    """One full-batch GD run from ``params0``; ``TrainingDiverged`` propagates."""
    args = (data.X_train, data.Y_train, list(config.layer_dims))
    common = {"optimizer": gd(), "schedule": constant(lr), "num_epochs": epochs, "init": params0,
              "rng": np.random.default_rng(0), "record_every": record_every}  # full batch: rng unused
    return train_batchnorm(*args, batch_norm=True, **common) if batch_norm else train(*args, **common)


def _final_cost(data, params, running) -> float:
    """Training cost of the final parameters (batch statistics for batch norm, as in training)."""
    _, caches = forward(data.X_train, params, training=True)
    return cross_entropy_from_logits(caches[-1].linear_activation.Z, data.Y_train)


def hidden_weight_norm(params: dict) -> float:
    """:math:`\\sqrt{\\sum_{l<L} \\lVert W^{[l]} \\rVert_F^2}` over the hidden layers."""
    L = sum(k.startswith("W") for k in params)
    return float(np.sqrt(sum(np.sum(params[f"W{l}"] ** 2) for l in range(1, L))))


def _sweep_one(data, dev, config: Config, params0: dict, lr: float, batch_norm: bool):
    """(costs, final cost, train, dev, test accuracy, weight growth, diverged) of one run."""
    k = len(range(0, config.num_epochs, config.record_every))
    try:
        r = _fit(data, config, params0, lr, batch_norm, config.num_epochs, config.record_every)
    except TrainingDiverged:
        return np.full(k, np.nan), np.nan, np.nan, np.nan, np.nan, np.nan, True
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # finite but huge weights
        scores = (_final_cost(data, r.params, r.running),
                  accuracy(data.X_train, data.Y_train, r.params, running=r.running),
                  accuracy(dev.X_train, dev.Y_train, r.params, running=r.running),
                  accuracy(data.X_test, data.Y_test, r.params, running=r.running),
                  hidden_weight_norm(r.params) / hidden_weight_norm(params0))
    return r.costs, *scores, False


def _percentiles(Z: np.ndarray) -> np.ndarray:
    return np.percentile(Z, PERCENTILES)


def _snapshot(data, params, layers) -> dict:
    """Percentiles of each tracked layer's pre-activations on the training set (training mode)."""
    _, caches = forward(data.X_train, params, training=True)
    out = {"relu_input": [], "raw": []}
    for l in layers:
        lin = caches[l - 1].linear_activation
        out["relu_input"].append(_percentiles(lin.Z))
        out["raw"].append(_percentiles(lin.linear.W @ lin.linear.A_prev))
    return {k: np.array(v) for k, v in out.items()}


def _track(data, config: Config, params0: dict, batch_norm: bool):
    """Pre-activation percentiles every ``track_every`` epochs at ``curve_rate`` (None if diverged)."""
    params, snaps = params0, []
    layers = config.tracked_layers
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for start in range(0, config.num_epochs + 1, config.track_every):
            if start:
                try:
                    params = _fit(data, config, params, config.curve_rate, batch_norm,
                                  config.track_every, config.track_every).params
                except TrainingDiverged:
                    break
            elif batch_norm:
                params = with_batchnorm(params, range(1, len(config.layer_dims) - 1))
            snaps.append(_snapshot(data, params, layers))
    return snaps


def _steps_and_epochs(size: int, m: int, steps: int) -> tuple[int, int]:
    """Whole epochs closest to ``steps`` updates at this batch size (at least one), and their updates."""
    per_epoch = -(-m // min(size, m))
    epochs = max(1, round(steps / per_epoch))
    return epochs * per_epoch, epochs


def _minibatch_one(data, dev, config: Config, params0: dict, size: int, rng):
    """One mini-batch run: (model or None if diverged, updates, epochs)."""
    steps, epochs = _steps_and_epochs(size, data.X_train.shape[1], config.mb_steps)
    try:
        r = train_batchnorm(data.X_train, data.Y_train, list(config.layer_dims), optimizer=gd(),
                            schedule=constant(config.mb_rate), num_epochs=epochs, batch_norm=True,
                            mini_batch_size=int(size), init=params0, rng=rng, record_every=epochs)
    except TrainingDiverged:
        return None, steps, epochs
    return r, steps, epochs


def _eval_modes(dev, r, sizes):
    """Dev accuracy and agreement with inference mode when predicting in batches of each size."""
    inference = predict(dev.X_train, r.params, running=r.running)
    acc, agree, spread = [], [], np.nan
    for k in sizes:
        out = batch_statistics_output(dev.X_train, r.params, int(k))
        pred = (out > 0.5).astype(int)
        acc.append(np.mean(pred == dev.Y_train))
        agree.append(np.mean(pred == inference))
        if k == 1:
            spread = float(out.max() - out.min())
    return acc, agree, spread


def run_minibatch(data, dev, config: Config, inits, rngs) -> MiniBatchResult:
    """The mini-batch part: every size in ``mb_sizes`` from every initial draw, one shuffling rng each."""
    B, S, E = len(config.mb_sizes), len(inits), len(config.eval_batch_sizes)
    train_acc, dev_acc, dev_batch, test_acc = (np.full((B, S), np.nan) for _ in range(4))
    diverged = np.zeros((B, S), dtype=bool)
    eval_acc, eval_agree, spread = np.full((E, S), np.nan), np.full((E, S), np.nan), np.full(S, np.nan)
    steps, epochs = np.zeros(B, dtype=int), np.zeros(B, dtype=int)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for s, (params0, seed_rng) in enumerate(zip(inits, rngs, strict=True)):
            for b, (size, run_rng) in enumerate(zip(config.mb_sizes, seed_rng.spawn(B), strict=True)):
                r, steps[b], epochs[b] = _minibatch_one(data, dev, config, params0, size, run_rng)
                if r is None:
                    diverged[b, s] = True
                    continue
                train_acc[b, s] = accuracy(data.X_train, data.Y_train, r.params, running=r.running)
                dev_acc[b, s] = accuracy(dev.X_train, dev.Y_train, r.params, running=r.running)
                test_acc[b, s] = accuracy(data.X_test, data.Y_test, r.params, running=r.running)
                whole = forward(dev.X_train, r.params, training=True)[0] > 0.5
                dev_batch[b, s] = np.mean(whole == dev.Y_train)
                if size == config.mb_headline:
                    eval_acc[:, s], eval_agree[:, s], spread[s] = _eval_modes(dev, r, config.eval_batch_sizes)
    return MiniBatchResult(steps, epochs, train_acc, dev_acc, dev_batch, test_acc, diverged, eval_acc,
                           eval_agree, spread, float(np.mean(dev.Y_train)))


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """Sweep the learning rates with and without batch norm, then track the pre-activations."""
    data = datasets.moons(n_test=config.n_test)  # the course's 300 points; test drawn like them
    inits = [initialize_parameters(list(config.layer_dims), "he", rng=child)
             for child in rng.spawn(config.n_seeds)]
    # the dev set: fresh moons drawn like the training points (same generator and noise)
    dev = datasets.moons(rng=rng.spawn(1)[0], n_train=config.n_dev)
    shape = (len(METHODS), len(config.learning_rates), config.n_seeds)
    k = len(range(0, config.num_epochs, config.record_every))
    costs = np.full((*shape, k), np.nan)
    final, train_acc, dev_acc, test_acc = (np.full(shape, np.nan) for _ in range(4))
    growth, diverged = np.full(shape, np.nan), np.zeros(shape, dtype=bool)
    for i, method in enumerate(METHODS):
        for j, lr in enumerate(config.learning_rates):
            for s, params0 in enumerate(inits):
                c, *scores, dv = _sweep_one(data, dev, config, params0, lr, method == "bn")
                costs[i, j, s] = c
                (final[i, j, s], train_acc[i, j, s], dev_acc[i, j, s], test_acc[i, j, s],
                 growth[i, j, s]) = scores
                diverged[i, j, s] = dv
    snaps = {m: _track(data, config, inits[0], m == "bn") for m in METHODS}
    n = min(len(v) for v in snaps.values())  # a diverged run stops early: keep the common epochs
    bands = {"plain": np.array([s["relu_input"] for s in snaps["plain"][:n]]),
             "bn_raw": np.array([s["raw"] for s in snaps["bn"][:n]]),
             "bn": np.array([s["relu_input"] for s in snaps["bn"][:n]])}
    band_epochs = np.arange(n) * config.track_every
    epochs = np.arange(0, config.num_epochs, config.record_every)
    # spawned after the dev set, so the full-batch part above is unchanged by this one
    minibatch = run_minibatch(data, dev, config, inits, rng.spawn(config.n_seeds))
    return Result(config, epochs, costs, final, train_acc, dev_acc, test_acc, diverged, growth,
                  band_epochs, bands, int(data.X_train.shape[1]), int(dev.X_train.shape[1]), "dev", minibatch)
