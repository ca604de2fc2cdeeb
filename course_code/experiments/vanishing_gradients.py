"""Vanishing and exploding gradients: a deep network at initialization.

First the course's linear example: ``depth`` layers with :math:`W = s I` (``s`` = 1.5 and 0.5)
and no activation, so each layer's output is :math:`s^l x`. Then a deep ReLU network (widths
alternating between ``width`` and ``narrow``, so that Glorot's and LeCun's scales differ)
initialized five ways: small random (N(0, 1) x ``small_scale``), unit random (N(0, 1)), He,
LeCun and Glorot. For each, over ``n_seeds`` draws of the weights and inputs, the scale of
every hidden layer's output and of the gradient flowing back into it, and the norm of every
weight gradient, from one forward and backward pass.

Then training: a deep ReLU network (``train_hidden`` hidden layers of ``train_width`` units,
sigmoid output) trained on the course's circles with each of the five initializations, on
the same ``n_seeds`` seeds, for a fixed budget (``train_epochs`` full-batch steps of Adam, or
of gradient descent, at ``learning_rate``). Recorded: the cost curve, the norm of every
weight gradient at the first step, and the train and dev accuracy at the end. A run whose
parameters stop being finite is kept as "diverged" (no accuracy), not an error. A run
"trained" when its dev accuracy reaches ``trained_accuracy``: the dev set (``n_dev`` fresh
circles points) only judges, it chooses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import datasets
from ..checks import check_fields
from ..depth import linear_chain, signal_propagation
from ..initializers import initialize_parameters
from ..network import accuracy
from ..optimizers import adam, gd
from ..schedules import constant
from ..training import train_many

SEED = 0
#: Rough run time of the default config on a 2-core machine (the build starts long ones first).
EXPECTED_SECONDS = 4
#: name -> (initializers method, scale of "random")
INITS = {
    "small": ("random", None),
    "unit": ("random", 1.0),
    "he": ("he", 1.0),
    "lecun": ("lecun", 1.0),
    "glorot": ("xavier", 1.0),
}
OPTIMIZERS = {"adam": adam, "gd": gd}


@dataclass(frozen=True)
class Config:
    depth: int = 50
    linear_scales: tuple[float, ...] = (1.5, 0.5)
    width: int = 100
    narrow: int = 50
    m: int = 128
    small_scale: float = 0.01
    n_seeds: int = 5
    # training: a deep network on the circles
    train_hidden: int = 20
    train_width: int = 12
    train_epochs: int = 200
    learning_rate: float = 0.01
    optimizer: str = "adam"
    record_every: int = 2
    n_dev: int = 300
    trained_accuracy: float = 0.9

    def __post_init__(self):
        check_fields(
            self,
            depth="count",
            linear_scales="positives",
            width="count",
            narrow="count",
            m="count",
            small_scale="positive",
            n_seeds="count",
            train_hidden="count",
            train_width="count",
            train_epochs="count",
            learning_rate="positive",
            record_every="count",
            n_dev="count",
            trained_accuracy="probability",
        )
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, got {self.optimizer!r}")
        if self.depth < 2:
            raise ValueError(f"depth must be at least 2 (one hidden layer and the output), got {self.depth}")


#: Small enough for the tests.
TINY = Config(depth=12, width=20, narrow=10, m=32, n_seeds=2, train_hidden=6, train_width=8,
              train_epochs=30, record_every=3, n_dev=60)


@dataclass(frozen=True)
class Result:
    config: Config
    layer_dims: tuple[int, ...]
    linear_outputs: np.ndarray  # (n_scales, depth) norm of a[l]
    linear_grads: np.ndarray  # (n_scales, depth) norm of d yhat / d a[l]
    activation: dict[str, np.ndarray]  # init -> (n_seeds, depth - 1) RMS of A[l]
    grad_activation: dict[str, np.ndarray]  # init -> (n_seeds, depth - 1) RMS of m dA[l]
    grad_weight: dict[str, np.ndarray]  # init -> (n_seeds, depth) norm of dW[l]
    weight: dict[str, np.ndarray]  # init -> (n_seeds, depth) norm of W[l]
    training: Training


@dataclass(frozen=True)
class Training:
    """The training runs: one per initialization and seed."""

    layer_dims: tuple[int, ...]
    epochs: np.ndarray  # (k,) the recorded epochs
    costs: dict[str, np.ndarray]  # init -> (n_seeds, k); nan for a diverged run
    initial_cost: dict[str, np.ndarray]  # init -> (n_seeds,) cost before the first step
    first_grad_weight: dict[str, np.ndarray]  # init -> (n_seeds, L) norm of dW[l] at the first step
    first_activation: dict[str, np.ndarray]  # init -> (n_seeds, L - 1) RMS of A[l] before training
    train_accuracy: dict[str, np.ndarray]  # init -> (n_seeds,); nan for a diverged run
    dev_accuracy: dict[str, np.ndarray]  # init -> (n_seeds,); nan for a diverged run
    diverged: dict[str, np.ndarray]  # init -> (n_seeds,) bool
    dead_layer: dict[str, np.ndarray]  # init -> (n_seeds,) bool: a hidden layer outputs 0 on every example
    n_train: int
    n_dev: int


def layer_dims(config: Config) -> list[int]:
    """``[width, width, narrow, width, narrow, ..., 1]``: ``depth`` layers, the last one the output."""
    hidden = [config.width if l % 2 == 0 else config.narrow for l in range(config.depth - 1)]
    return [config.width, *hidden, 1]


def train_dims(config: Config) -> list[int]:
    """``[2, train_width, ..., train_width, 1]``: the trained network on the 2-D circles."""
    return [2, *[config.train_width] * config.train_hidden, 1]


def trained(training: Training, threshold: float) -> dict[str, np.ndarray]:
    """Per init, (n_seeds,) bool: not diverged and dev accuracy at least ``threshold``."""
    return {n: ~training.diverged[n] & (np.nan_to_num(training.dev_accuracy[n], nan=0.0) >= threshold)
            for n in training.dev_accuracy}


def _initial(dims: list[int], name: str, config: Config, rng) -> dict:
    method, scale = INITS[name]
    return initialize_parameters(dims, method, rng=rng, scale=config.small_scale if scale is None else scale)


def train_runs(config: Config, rng: np.random.Generator) -> Training:
    """Train one network per init and seed, all side by side in one ``train_many`` call.

    Seed ``s`` gives every initialization its own stream (spawned from one child of ``rng``);
    full-batch training draws nothing after the initial weights.
    """
    data = datasets.circles()  # the course's training points
    dev_rng, *children = rng.spawn(1 + config.n_seeds)
    dev = datasets.circles(rng=dev_rng, n_train=config.n_dev, n_test=0)
    dims = train_dims(config)
    X, Y = data.X_train, data.Y_train
    # --8<-- [start:train]
    # every initialization on every seed; then the first step's gradients of each
    jobs = [(n, s, stream) for s, child in enumerate(children)
            for n, stream in zip(INITS, child.spawn(len(INITS)), strict=True)]
    params0 = [_initial(dims, n, config, stream) for n, _, stream in jobs]
    with np.errstate(over="ignore", invalid="ignore"):
        first = [signal_propagation(p, X, Y) for p in params0]
    fits = train_many(X, Y, dims, optimizer=OPTIMIZERS[config.optimizer](),
                      schedule=constant(config.learning_rate),
                      num_epochs=config.train_epochs, inits=params0,
                      rngs=[stream for _, _, stream in jobs],
                      record_every=config.record_every,
                      on_diverge="none")  # a diverged run gives None
    # --8<-- [end:train]
    epochs = np.arange(0, config.train_epochs, config.record_every)
    S = config.n_seeds
    costs = {n: np.full((S, len(epochs)), np.nan) for n in INITS}
    init_cost, train_acc, dev_acc = ({n: np.full(S, np.nan) for n in INITS} for _ in range(3))
    grads = {n: np.empty((S, len(dims) - 1)) for n in INITS}
    acts = {n: np.empty((S, len(dims) - 2)) for n in INITS}
    diverged, dead = ({n: np.zeros(S, dtype=bool) for n in INITS} for _ in range(2))
    for (n, s, _), f, fit in zip(jobs, first, fits, strict=True):
        init_cost[n][s], grads[n][s], acts[n][s] = f["cost"], f["grad_weight"], f["activation"]
        if fit is None or not np.all(np.isfinite(fit.costs)):
            diverged[n][s] = True
            continue
        costs[n][s] = fit.costs
        with np.errstate(over="ignore", invalid="ignore"):  # huge but finite weights may overflow here
            dead[n][s] = bool(np.any(signal_propagation(fit.params, X, Y)["activation"] == 0))
            train_acc[n][s] = accuracy(X, Y, fit.params)
            dev_acc[n][s] = accuracy(dev.X_train, dev.Y_train, fit.params)
    return Training(tuple(dims), epochs, costs, init_cost, grads, acts, train_acc, dev_acc, diverged, dead,
                    int(X.shape[1]), int(dev.X_train.shape[1]))


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """The linear chain for each scale, then one forward and backward pass per init and seed;
    then the training runs (:func:`train_runs`)."""
    lin = [linear_chain(s, config.depth, np.ones(2)) for s in config.linear_scales]
    dims = layer_dims(config)
    rows = {name: [] for name in INITS}
    for child in rng.spawn(config.n_seeds):
        X = child.standard_normal((dims[0], config.m))
        Y = child.integers(0, 2, (1, config.m)).astype(float)
        for name, (method, scale) in INITS.items():
            params = initialize_parameters(
                dims, method, rng=child, scale=config.small_scale if scale is None else scale
            )
            rows[name].append(signal_propagation(params, X, Y))
    stack = {
        key: {n: np.array([r[key] for r in rows[n]]) for n in INITS}
        for key in ("activation", "grad_activation", "grad_weight", "weight")
    }
    return Result(
        config,
        tuple(dims),
        np.array([o for o, _ in lin]),
        np.array([g for _, g in lin]),
        stack["activation"],
        stack["grad_activation"],
        stack["grad_weight"],
        stack["weight"],
        train_runs(config, rng),
    )
