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
from dataclasses import dataclass

import numpy as np

from .. import datasets
from ..checks import check_fields
from ..initializers import initialize_parameters
from ..network import accuracy
from ..optimizers import Optimizer, adam, gd, momentum, rmsprop
from ..report import FigureSpec, Report, markdown_table, seed_summary
from ..schedules import constant
from ..training import train_many
from . import _batch_sizes as bs
from . import _quadratic_paths as qp

SEED = 0  # the first seed tried, not tuned: every claim is checked across n_seeds other seeds
#: Rough run time of the default config on a 2-core machine (the build starts long ones first).
EXPECTED_SECONDS = 8
OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
LABELS = {"gd": "gradient descent", "momentum": "momentum", "rmsprop": "RMSprop", "adam": "Adam"}
#: The course's train accuracies (COURSE_SPEC section 4.7); RMSprop is not in the course.
COURSE = {"gd": 0.7167, "momentum": 0.7167, "rmsprop": None, "adam": 0.9433}


@dataclass(frozen=True)
class Config:
    """Settings; the defaults are the course's (COURSE_SPEC section 4.6) where it has one.

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
    batch: dict[int, bs.BatchRun]          # batch size -> headline run
    batch_seed_cost: dict[int, np.ndarray]      # batch size -> (n_seeds,) final full-data cost
    batch_seed_accuracy: dict[int, np.ndarray]  # batch size -> (n_seeds,)
    paths: dict[str, qp.Paths]            # optimizer -> paths at its grid of rates


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


def _train_batch(config: Config, data, batch_size: int, params0: list[dict], rngs: list) -> list[bs.BatchRun]:
    """Plain GD with ``sgd_epochs`` epochs' worth of updates of the smallest batch size, one run per start."""
    m = data.X_train.shape[1]
    total = config.sgd_epochs * bs.updates_per_epoch(min(config.batch_sizes), m)
    return bs.train_batch_many(data.X_train, data.Y_train, config.layer_dims, batch_size, params0, rngs,
                               learning_rate=config.batch_learning_rate, total_updates=total,
                               points=config.batch_points, c_update=config.c_update,
                               c_example=config.c_example)


def _paths(config: Config, opts: dict[str, Optimizer]) -> dict[str, qp.Paths]:
    rates = {n: getattr(config, f"path_lr_{n}") for n in opts}
    return qp.trace(opts, rates, config.path_start, config.curvature, config.path_steps)


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


# ---------------------------------------------------------------------- report
def _draw_costs(result: Result):
    from ..plotting import plot_costs

    def draw(fig):
        ax = fig.subplots()
        for name, run in result.runs.items():
            plot_costs(ax, run.epochs, run.costs, label=LABELS[name], ls="--" if name == "momentum" else "-")
        ax.legend(loc="center right")
        c = result.config
        ax.set_title(f"Mini-batches of {c.mini_batch_size}, learning rate {c.learning_rate}"
                     + (", the course's initial weights" if c.course_weights else ""))
    return draw


def _draw_boundaries(result: Result):
    from ..plotting import plot_decision_boundary

    def draw(fig):
        axes = fig.subplots(2, 2, sharex=True, sharey=True)
        for ax, (name, run) in zip(axes.flat, result.runs.items(), strict=True):
            plot_decision_boundary(ax, run.params, result.data.X_train, result.data.Y_train,
                                   xlim=(-1.5, 2.5), ylim=(-1, 1.5), resolution=200)
            ax.set_title(f"{LABELS[name]}: train accuracy {run.accuracy:.3f}")
        for ax in axes[0]:
            ax.set_xlabel("")
        for ax in axes[:, 1]:
            ax.set_ylabel("")
    return draw


def _draw_seeds(result: Result):
    def draw(fig):
        ax = fig.subplots()
        accs = np.array([result.seed_accuracy[n] for n in OPTIMIZERS])  # (4, n_seeds)
        x = np.arange(len(OPTIMIZERS))
        ax.plot(x, accs, color="0.6", lw=0.8, zorder=2)  # one line per seed: the same initial weights
        ax.scatter(np.repeat(x, accs.shape[1]), accs.ravel(), color="C0", s=22, zorder=3,
                   label="one seed (fresh He weights, joined by a line)")
        ax.scatter(x, [result.runs[n].accuracy for n in OPTIMIZERS], marker="D", color="C1", s=30,
                   zorder=4, label="headline run (the course's weights)")
        ax.axhline(result.config.stuck_accuracy, color="0.5", lw=0.8, ls=":")
        ax.set_xticks(x, [LABELS[n] for n in OPTIMIZERS])
        ax.set_ylabel("train accuracy")
        ax.set_ylim(0.45, 1.0)
        fig.legend(loc="outside lower center", ncols=2)
        ax.set_title(f"Train accuracy from {result.config.n_seeds} other initial weights "
                     f"(dotted: stuck at ≤ {result.config.stuck_accuracy})")
    return draw


def _accuracy_table(result: Result) -> str:
    c = result.config
    rows = []
    for n in OPTIMIZERS:
        accs = result.seed_accuracy[n]
        live = accs[accs > c.stuck_accuracy]
        rows.append([LABELS[n], "not in the course" if COURSE[n] is None else f"{COURSE[n]:.4f}",
                     f"{result.runs[n].accuracy:.4f}", seed_summary(accs),
                     f"{int((accs <= c.stuck_accuracy).sum())} of {accs.size}",
                     f"{live.mean():.3f}" if live.size else "–"])
    return markdown_table(["optimizer", "course", "this run (course's weights)",
                           f"{c.n_seeds} seeds: mean (range)", f"seeds stuck at ≤ {c.stuck_accuracy}",
                           "mean of the other seeds"], rows, align="lccccc")


def _summary(values: np.ndarray, prefix: str) -> dict:
    return {f"{prefix}_mean": float(values.mean()), f"{prefix}_min": float(values.min()),
            f"{prefix}_max": float(values.max())}


def _metrics(result: Result) -> dict:
    c, m = result.config, result.data.X_train.shape[1]
    stuck = {n: result.seed_accuracy[n] <= c.stuck_accuracy for n in OPTIMIZERS}
    optimizers = {n: {"accuracy": result.runs[n].accuracy, "first_cost": float(result.runs[n].costs[0]),
                      "last_cost": float(result.runs[n].costs[-1]), "stuck_seeds": int(stuck[n].sum()),
                      **_summary(result.seed_accuracy[n], "seed_accuracy"),
                      **_summary(result.seed_cost[n], "seed_cost")} for n in OPTIMIZERS}
    for n in OPTIMIZERS:
        if COURSE[n] is not None:
            optimizers[n]["course_accuracy"] = COURSE[n]
    gap = result.seed_accuracy["adam"] - result.seed_accuracy["gd"]
    batch = {bs.batch_label(b, m): {"batch_size": min(b, m), "final_cost": float(run.costs[-1]),
                                 "accuracy": run.accuracy, "estimated_seconds": float(run.seconds[-1]),
                                 "updates": int(run.updates[-1]),
                                 **_summary(result.batch_seed_cost[b], "seed_final_cost"),
                                 **_summary(result.batch_seed_accuracy[b], "seed_accuracy")}
             for b, run in result.batch.items()}
    return {"optimizers": optimizers, "n_seeds": c.n_seeds, "stuck_accuracy": c.stuck_accuracy,
            "seeds_stuck_for_every_optimizer": int(np.logical_and.reduce(list(stuck.values())).sum()),
            "adam_minus_gd_min": float(gap.min()), "adam_minus_gd_max": float(gap.max()),
            "seeds_adam_above_gd": int((gap > 0).sum()),
            "gd_momentum_max_difference": float(np.abs(result.seed_accuracy["gd"]
                                                       - result.seed_accuracy["momentum"]).max()),
            "batch": batch, "c_update": c.c_update, "c_example": c.c_example,
            "paths": qp.metrics(result.paths, c.path_shown)}


def report(result: Result) -> Report:
    c, m = result.config, result.data.X_train.shape[1]
    figures = {
        "costs": FigureSpec(_draw_costs(result), (6.4, 3.6),
                            "Cost against epoch of gradient descent, momentum, RMSprop and Adam"),
        "boundaries": FigureSpec(_draw_boundaries(result), (8.0, 5.4),
                                 "Decision boundaries of the four trained networks on the moons data"),
        "seeds": FigureSpec(_draw_seeds(result), (6.4, 3.4),
                            "Train accuracy of each optimizer from several initial weights"),
        "batch_sizes": FigureSpec(bs.draw_factory(result.batch, m, c.batch_learning_rate), (9.0, 3.6),
                            "Cost of batch, mini-batch and stochastic gradient descent against "
                            "updates and against estimated time"),
        "paths": FigureSpec(qp.draw_factory(result.paths, LABELS, c.path_shown, c.path_start, c.curvature),
                            (8.0, 5.2),
                            f"Paths of the four optimizers over {c.path_steps} steps on the contours "
                            "of an ill-conditioned quadratic"),
    }
    batch_table = bs.table(result.batch, result.batch_seed_cost, result.batch_seed_accuracy, m,
                           c.c_update, c.c_example)
    tables = {"accuracy": _accuracy_table(result), "batch_comparison": batch_table,
              "path_distances": qp.table(result.paths, LABELS, c.path_shown, c.path_steps)}
    data = {"quadratic_paths": qp.data(result.paths, LABELS, c.path_shown, c.path_start, c.curvature)}
    return Report(figures, tables, _metrics(result), data, thumbnail="paths")
