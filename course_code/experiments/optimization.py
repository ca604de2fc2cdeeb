"""Optimization: GD, momentum, RMSprop and Adam on the moons; batch sizes; paths on a quadratic.

The course's W2A1 assignment: a [2, 5, 2, 1] network (He initialization) on the moons data
(300 points, no test set), 5000 epochs of mini-batches of 64 at learning rate 0.0007. The
headline run starts from the course's own initial weights (``np.random.seed(3); randn``);
the seed study repeats it from ``n_seeds`` fresh He draws, each shared by all optimizers.
RMSprop is not part of the course's notebook (only named in its text); it is added here.

Two additions the course only describes: batch vs mini-batch vs stochastic gradient
descent with the same number of updates, plotted against updates and against an
*estimated* time, and the paths of the four update rules on the ill-conditioned quadratic
:math:`f(w) = \\frac{1}{2}(w_1^2 + 25 w_2^2)`.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass

import numpy as np

from .. import datasets
from ..checks import check_fields
from ..initializers import initialize_parameters
from ..losses import cross_entropy_cost
from ..network import accuracy, forward
from ..optimizers import Optimizer, adam, gd, momentum, rmsprop
from ..paths import optimizer_path, quadratic_gradient
from ..schedules import constant
from ..training import train_many

SEED = 0  # the first seed tried, not tuned: every claim is checked across n_seeds other seeds
#: Rough run time of the default config on a 2-core machine (the build starts long ones first).
EXPECTED_SECONDS = 8
OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
#: The course's published train accuracies; RMSprop is not in the course.
COURSE = {"gd": 0.7167, "momentum": 0.7167, "rmsprop": None, "adam": 0.9433}


@dataclass(frozen=True)
class Config:
    """Settings; the defaults are the course's (its Optimization assignment) where it has one.

    The first block is the course's model. ``batch_*``, ``sgd_epochs`` and the time model
    set the batch-size comparison: every batch size makes ``sgd_epochs`` epochs' worth of
    updates of the smallest one (40 epochs of 300 single-example updates = 12000 updates).
    ``c_update`` and ``c_example`` (seconds per update and per example in it) were measured
    once on the build machine, a 2-core Xeon VM: ``timeit`` of ``train`` with plain GD for
    6000 updates at batch sizes 1, 64 and 300 (best of 7), then a least-squares line through
    the three seconds-per-update values against the mean batch size (1, 60, 300). They stay
    fixed so the figure is the same on every build. The ``path_*`` fields set the quadratic:
    five learning rates per optimizer, of which index ``path_shown`` is drawn.
    """

    layer_dims: tuple[int, ...] = (2, 5, 2, 1)
    learning_rate: float = 0.0007
    num_epochs: int = 5000
    mini_batch_size: int = 64
    record_every: int = 100
    beta: float = 0.9                 # momentum
    rms_beta: float = 0.999           # RMSprop
    beta1: float = 0.9                # Adam
    beta2: float = 0.999
    epsilon: float = 1e-8
    n_seeds: int = 5
    course_weights: bool = True
    stuck_accuracy: float = 0.55      # a run ending at or below this accuracy counts as stuck
    # Batch vs mini-batch vs stochastic GD: every variant makes sgd_epochs * m updates.
    batch_sizes: tuple[int, ...] = (300, 64, 1)
    batch_learning_rate: float = 0.05
    sgd_epochs: int = 40
    batch_points: int = 40            # checkpoints where the full-data cost is measured
    # Time model: an update on b examples takes c_update + c_example * b seconds. Measured
    # once on the build machine (2-core Xeon VM): best of 7 timeit runs of `train` with
    # 6000 updates each at batch sizes 1, 64 and 300, least-squares fit of seconds/update.
    c_update: float = 1.17e-5
    c_example: float = 2.4e-8
    # Paths on f(w) = 1/2 sum_i curvature_i w_i^2 from path_start; path_shown indexes the rates.
    curvature: tuple[float, ...] = (1.0, 25.0)
    path_start: tuple[float, ...] = (-4.0, 1.5)
    path_steps: int = 200
    path_lr_gd: tuple[float, ...] = (0.01, 0.03, 0.07, 0.079, 0.085)
    path_lr_momentum: tuple[float, ...] = (0.02, 0.05, 0.1, 0.3, 1.6)
    path_lr_rmsprop: tuple[float, ...] = (0.003, 0.01, 0.02, 0.05, 0.2)
    path_lr_adam: tuple[float, ...] = (0.01, 0.03, 0.1, 0.3, 1.0)
    path_shown: int = 2

    def __post_init__(self):
        check_fields(self, layer_dims="net", learning_rate="positive", num_epochs="count",
                     mini_batch_size="count", record_every="count", beta="beta", rms_beta="beta",
                     beta1="beta", beta2="beta", epsilon="nonnegative", n_seeds="count",
                     course_weights="bool", stuck_accuracy="fraction", batch_sizes="counts",
                     batch_learning_rate="positive",
                     sgd_epochs="count", batch_points="count", c_update="positive", c_example="nonnegative",
                     curvature="positives", path_start="finites", path_steps="count", path_lr_gd="positives",
                     path_lr_momentum="positives", path_lr_rmsprop="positives", path_lr_adam="positives",
                     path_shown="count0")
        if len(self.curvature) != 2 or len(self.path_start) != 2:
            raise ValueError(f"curvature and path_start must have 2 entries (a 2-D quadratic), got "
                             f"{len(self.curvature)} and {len(self.path_start)}")
        shortest = min(len(self.path_lr_gd), len(self.path_lr_momentum), len(self.path_lr_rmsprop),
                       len(self.path_lr_adam))
        if self.path_shown >= shortest:
            raise ValueError(f"path_shown must index the path_lr_* rates (0..{shortest - 1}), "
                             f"got {self.path_shown}")


#: Small enough for the tests.
TINY = Config(num_epochs=20, record_every=5, n_seeds=2, sgd_epochs=2, batch_points=4, path_steps=20)


@dataclass(frozen=True)
class BatchRun:
    batch_size: int
    epochs: np.ndarray        # (k,) epochs done at each checkpoint
    updates: np.ndarray       # (k,) updates done at each checkpoint
    seconds: np.ndarray       # (k,) estimated from the time model, never measured
    costs: np.ndarray         # (k,) cost on the whole training set at each checkpoint
    accuracy: float


@dataclass(frozen=True)
class Paths:
    learning_rates: np.ndarray  # (k,)
    points: np.ndarray          # (k, steps + 1, 2): w after each step, NaN once diverged


@dataclass(frozen=True)
class OptRun:
    name: str
    epochs: np.ndarray        # recorded epoch numbers
    costs: np.ndarray         # mean loss over each recorded epoch's mini-batches
    params: dict
    accuracy: float


@dataclass(frozen=True)
class Result:
    config: Config
    data: datasets.Dataset
    runs: dict[str, OptRun]               # headline run per optimizer
    seed_accuracy: dict[str, np.ndarray]  # optimizer -> (n_seeds,)
    seed_cost: dict[str, np.ndarray]      # optimizer -> (n_seeds,) last recorded cost
    batch: dict[int, BatchRun]          # batch size -> headline run
    batch_seed_cost: dict[int, np.ndarray]      # batch size -> (n_seeds,) final full-data cost
    batch_seed_accuracy: dict[int, np.ndarray]  # batch size -> (n_seeds,)
    paths: dict[str, Paths]            # optimizer -> paths at its grid of rates


# ---------------------------------------------------------------------- batch sizes
# Batch, mini-batch and stochastic gradient descent with one update budget: every variant
# makes the same number of plain GD updates; the cost on the whole training set is measured
# at checkpoints. The figure also plots it against an *estimated* time (a model, not a
# measurement: a measured time would change from build to build): an update on b examples
# costs c_update + c_example * b seconds, with both measured once (see Config).
def updates_per_epoch(batch_size: int, m: int) -> int:
    """:math:`\\lceil m / B \\rceil`: full batches plus a last, smaller one if ``B`` does not divide ``m``."""
    return -(-m // batch_size)


def seconds_per_epoch(batch_size: int, m: int, c_update: float, c_example: float) -> float:
    """Modelled time of one epoch: :math:`\\lceil m/B \\rceil\\, c_u + m\\, c_e`.

    Each update on :math:`b` examples costs :math:`c_u + c_e b`; summed over an epoch's
    batches the example terms add up to :math:`m\\, c_e` (the last batch may be smaller).
    When ``B`` divides ``m`` this is updates-per-epoch times :math:`(c_u + c_e B)`.
    """
    return updates_per_epoch(batch_size, m) * c_update + m * c_example


def train_batch_many(X, Y, layer_dims, batch_size: int, params0: list[dict], rngs: list, *,
                     learning_rate: float, total_updates: int, points: int, c_update: float,
                     c_example: float) -> list[BatchRun]:
    """Plain GD for about ``total_updates`` updates from each start, the full-data cost at checkpoints.

    Run ``i`` from ``params0[i]`` shuffled by ``rngs[i]``.

    ``X`` has shape (n_x, m), ``Y`` (1, m). Training is split into ``points`` chunks between
    checkpoints; plain GD has no optimizer state and each generator carries on from chunk to
    chunk, so the chunks together are exactly one uninterrupted run. The runs of a chunk train
    together (:func:`~course_code.training.train_many`), the same as one ``train`` call each.
    """
    m = X.shape[1]
    per_epoch = updates_per_epoch(batch_size, m)
    n_epochs = max(1, round(total_updates / per_epoch))
    marks = np.unique(np.linspace(0, n_epochs, points + 1).round().astype(int))
    params = list(params0)
    costs = [[cross_entropy_cost(forward(X, p)[0], Y)] for p in params]
    for a, b in itertools.pairwise(marks):
        results = train_many(X, Y, list(layer_dims), optimizer=gd(), schedule=constant(learning_rate),
                             num_epochs=int(b - a), mini_batch_size=batch_size, inits=params, rngs=rngs,
                             record_every=int(b - a))
        params = [r.params for r in results]
        for c, p in zip(costs, params, strict=True):
            c.append(cross_entropy_cost(forward(X, p)[0], Y))
    seconds = marks * seconds_per_epoch(batch_size, m, c_update, c_example)
    return [BatchRun(batch_size, marks, marks * per_epoch, seconds, np.array(c), accuracy(X, Y, p))
            for c, p in zip(costs, params, strict=True)]


# ---------------------------------------------------------------------- the runs
def make_optimizers(config: Config) -> dict[str, Optimizer]:
    """The four update rules with the config's hyperparameters."""
    return {"gd": gd(), "momentum": momentum(config.beta),
            "rmsprop": rmsprop(config.rms_beta, config.epsilon),
            "adam": adam(config.beta1, config.beta2, config.epsilon)}


def _train_optimizer(config: Config, data, name: str, opt: Optimizer, params0: dict, rng) -> OptRun:
    return _train_optimizer_many(config, data, name, opt, [params0], [rng])[0]


def _train_optimizer_many(config: Config, data, name: str, opt: Optimizer, params0: list[dict],
                          rngs: list) -> list[OptRun]:
    """Run ``i`` from ``params0[i]``, batches shuffled by ``rngs[i]``; all in one ``train_many`` call."""
    results = train_many(data.X_train, data.Y_train, list(config.layer_dims), optimizer=opt,
                         schedule=constant(config.learning_rate), num_epochs=config.num_epochs,
                         mini_batch_size=config.mini_batch_size, inits=params0, rngs=rngs,
                         record_every=config.record_every)
    return [OptRun(name, r.epochs, r.costs, r.params, accuracy(data.X_train, data.Y_train, r.params))
            for r in results]


def _train_batch(config: Config, data, batch_size: int, params0: list[dict], rngs: list) -> list[BatchRun]:
    """Plain GD with ``sgd_epochs`` epochs' worth of updates of the smallest batch size, one run per start."""
    m = data.X_train.shape[1]
    total = config.sgd_epochs * updates_per_epoch(min(config.batch_sizes), m)
    return train_batch_many(data.X_train, data.Y_train, config.layer_dims, batch_size, params0, rngs,
                               learning_rate=config.batch_learning_rate, total_updates=total,
                               points=config.batch_points, c_update=config.c_update,
                               c_example=config.c_example)


def _paths(config: Config, opts: dict[str, Optimizer]) -> dict[str, Paths]:
    rates = {n: getattr(config, f"path_lr_{n}") for n in opts}
    grad = quadratic_gradient(config.curvature)
    return {name: Paths(np.array(rates[name], dtype=float),
                        np.stack([optimizer_path(opt, grad, config.path_start, learning_rate=lr,
                                                 steps=config.path_steps) for lr in rates[name]]))
            for name, opt in opts.items()}


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """Train with each optimizer and batch size (headline, then ``n_seeds`` He draws); trace the paths.

    Within one seed every optimizer (and every batch size) starts from the same weights
    and sees the same mini-batch order, so differences come from the update rule alone.
    """
    if len(config.curvature) != 2 or len(config.path_start) != 2:
        raise ValueError(f"curvature and path_start need 2 entries (the paths are drawn in 2-D), got "
                         f"{config.curvature!r} and {config.path_start!r}")
    data = datasets.moons()  # the course's exact points
    dims, opts = list(config.layer_dims), make_optimizers(config)
    head_rng, batch_rng, seeds_rng = rng.spawn(3)
    params0 = initialize_parameters(dims, "he", rng=np.random.RandomState(3) if config.course_weights
                                    else head_rng)
    init_rng, shuffle_rng = batch_rng.spawn(2)
    batch_start = (initialize_parameters(dims, "he", rng=init_rng), shuffle_rng)
    seed_starts = []  # (initial weights, shuffling generator) per seed
    for child in seeds_rng.spawn(config.n_seeds):
        init_rng, shuffle_rng = child.spawn(2)
        seed_starts.append((initialize_parameters(dims, "he", rng=init_rng), shuffle_rng))
    # Each optimizer (batch size) trains its headline run and its seeds together; every run
    # gets its own copy of its generator, so all of them see the same batch order.
    seed_runs: list[dict] = [{} for _ in seed_starts]
    seed_batch: list[dict] = [{} for _ in seed_starts]
    runs = {}
    for n, o in opts.items():
        head, *seeds = _train_optimizer_many(
            config, data, n, o, [params0] + [p for p, _ in seed_starts],
            [copy.deepcopy(head_rng)] + [copy.deepcopy(r) for _, r in seed_starts])
        runs[n] = head
        for out, r in zip(seed_runs, seeds, strict=True):
            out[n] = r
    batch = {}
    for b in config.batch_sizes:
        starts = [batch_start, *seed_starts]
        head, *seeds = _train_batch(config, data, b, [p for p, _ in starts],
                                    [copy.deepcopy(r) for _, r in starts])
        batch[b] = head
        for out, r in zip(seed_batch, seeds, strict=True):
            out[b] = r
    return Result(
        config, data, runs,
        {n: np.array([s[n].accuracy for s in seed_runs]) for n in opts},
        {n: np.array([s[n].costs[-1] for s in seed_runs]) for n in opts},
        batch,
        {b: np.array([s[b].costs[-1] for s in seed_batch]) for b in config.batch_sizes},
        {b: np.array([s[b].accuracy for s in seed_batch]) for b in config.batch_sizes},
        _paths(config, opts))
