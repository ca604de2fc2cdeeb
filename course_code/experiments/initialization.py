"""Initialization: zeros, large random and He weights on the circles data.

The course's W1A1 assignment: a [2, 10, 5, 1] network trained by full-batch gradient
descent (learning rate 0.01, 15000 iterations) from three initializations. The headline
run uses the course's own data and, with ``course_weights``, the course's own initial
weights (drawn as ``np.random.seed(3); randn``), so its numbers can be compared digit for
digit; the seed study then repeats every run from ``n_seeds`` other initial weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import datasets
from ..checks import check_fields
from ..initializers import initialize_parameters
from ..network import accuracy
from ..optimizers import gd
from ..report import FigureSpec, Report, markdown_table, seed_summary
from ..schedules import constant
from ..training import train_many

SEED = 1
#: Rough run time of the default config on a 2-core machine (the build starts long ones first).
EXPECTED_SECONDS = 7
METHODS = ("zeros", "random", "he")
LABELS = {"zeros": "zeros", "random": "large random (×10)", "he": "He"}
#: The course's train accuracies (COURSE_SPEC section 1.5).
COURSE_TRAIN = {"zeros": 0.50, "random": 0.83, "he": 0.9933}
COURSE_TEST = {"zeros": 0.50, "random": 0.86, "he": 0.96}


@dataclass(frozen=True)
class Config:
    layer_dims: tuple[int, ...] = (2, 10, 5, 1)
    learning_rate: float = 0.01
    num_iterations: int = 15000
    record_every: int = 100
    random_scale: float = 10.0
    n_seeds: int = 5
    course_weights: bool = True

    def __post_init__(self):
        check_fields(self, layer_dims="net", learning_rate="positive", num_iterations="count",
                     record_every="count", random_scale="positive", n_seeds="count", course_weights="bool")


#: Small enough for the tests.
TINY = Config(num_iterations=300, record_every=50, n_seeds=2)


@dataclass(frozen=True)
class Run:
    method: str
    iterations: np.ndarray      # recorded iteration numbers
    costs: np.ndarray           # cost at those iterations
    params: dict
    train_accuracy: float
    test_accuracy: float
    distinct_units: tuple[int, ...]  # distinct hidden units per hidden layer, after training


@dataclass(frozen=True)
class Result:
    config: Config
    data: datasets.Dataset
    runs: dict[str, Run]                 # the headline run of each method
    seed_accuracy: dict[str, np.ndarray]  # method -> (n_seeds, 2): train, test per seed


def distinct_units(params: dict, tol: float = 1e-9) -> tuple[int, ...]:
    """For each hidden layer, how many units differ (incoming weights and bias) from each other.

    Units that started equal and received equal gradients stay equal: a zero-initialized
    layer has 1 distinct unit however many it has.
    """
    L = len(params) // 2
    counts = []
    for l in range(1, L):
        rows = np.hstack([params[f"W{l}"], params[f"b{l}"]])
        counts.append(int(np.unique(np.round(rows / tol) * tol, axis=0).shape[0]))
    return tuple(counts)


def _train(config: Config, data, jobs: list[tuple[str, dict, object]]) -> list[Run]:
    """Full-batch GD from each ``(method, params0, rng)``, all in one ``train_many`` call.

    The runs share every hyperparameter, so training them together gives what one
    ``train`` call per run gives.
    """
    results = train_many(data.X_train, data.Y_train, list(config.layer_dims), optimizer=gd(),
                         schedule=constant(config.learning_rate), num_epochs=config.num_iterations,
                         inits=[p for _, p, _ in jobs], rngs=[r for _, _, r in jobs],
                         record_every=config.record_every)
    return [Run(method, r.epochs, r.costs, r.params, accuracy(data.X_train, data.Y_train, r.params),
                accuracy(data.X_test, data.Y_test, r.params), distinct_units(r.params))
            for (method, _, _), r in zip(jobs, results, strict=True)]


def _initial(method: str, config: Config, rng) -> dict:
    return initialize_parameters(list(config.layer_dims), method, rng=rng, scale=config.random_scale)


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """Train from each initialization: a headline run, then ``n_seeds`` other initial weights.

    All ``3 * (1 + n_seeds)`` runs train together (full batch: no run draws from its
    generator after its initial weights).
    """
    data = datasets.circles()  # the course's exact points
    jobs = []
    for method in METHODS:
        if config.course_weights:  # the course: np.random.seed(3) before drawing the weights
            init_rng = np.random.RandomState(3)
        else:
            init_rng = rng
        jobs.append((method, _initial(method, config, init_rng), rng))
    for method in METHODS:
        jobs += [(method, _initial(method, config, child), child) for child in rng.spawn(config.n_seeds)]
    trained = _train(config, data, jobs)
    runs = dict(zip(METHODS, trained[:len(METHODS)], strict=True))
    seeds = trained[len(METHODS):]
    seed_accuracy = {method: np.array([(r.train_accuracy, r.test_accuracy)
                                       for r in seeds[i * config.n_seeds:(i + 1) * config.n_seeds]])
                     for i, method in enumerate(METHODS)}
    return Result(config, data, runs, seed_accuracy)


# ---------------------------------------------------------------------- report
def _draw_costs(result: Result):
    from ..plotting import plot_costs

    def draw(fig):
        ax = fig.subplots()
        for method, run in result.runs.items():
            plot_costs(ax, run.iterations, run.costs, label=LABELS[method], xlabel="iteration", log=True)
        ax.axhline(np.log(2), color="0.5", lw=0.8, ls=":")
        ax.annotate("ln 2: a coin flip", (result.config.num_iterations * 0.55, np.log(2)),
                    xytext=(0, 4), textcoords="offset points", fontsize=8, color="0.5")
        ax.legend(loc="upper right")
        ax.set_title(f"Full-batch gradient descent, learning rate {result.config.learning_rate}")
    return draw


def _draw_boundaries(result: Result):
    from ..plotting import plot_decision_boundary

    def draw(fig):
        axes = fig.subplots(1, 3, sharex=True, sharey=True)
        for ax, (method, run) in zip(axes, result.runs.items(), strict=True):
            plot_decision_boundary(ax, run.params, result.data.X_train, result.data.Y_train,
                                   xlim=(-1.5, 1.5), ylim=(-1.5, 1.5), resolution=200)
            ax.set_title(f"{LABELS[method]}\ntrain {run.train_accuracy:.2f}, test {run.test_accuracy:.2f}")
        for ax in axes[1:]:
            ax.set_ylabel("")
    return draw


def _draw_seeds(result: Result):
    def draw(fig):
        ax = fig.subplots()
        for i, method in enumerate(METHODS):
            accs = result.seed_accuracy[method]
            for j, (what, marker) in enumerate((("train", "o"), ("test", "s"))):
                x = i + (j - 0.5) * 0.25 + np.linspace(-0.05, 0.05, len(accs))
                ax.scatter(x, accs[:, j], marker=marker, color=f"C{j}", s=22,
                           label=what if i == 0 else None, zorder=3)
        ax.set_xticks(range(len(METHODS)), [LABELS[m] for m in METHODS])
        ax.set_ylabel("accuracy")
        ax.set_ylim(0.4, 1.02)
        ax.legend(loc="lower right")
        ax.set_title(f"Accuracy from {result.config.n_seeds} other initial draws (one dot each)")
    return draw


def report(result: Result) -> Report:
    runs, seeds = result.runs, result.seed_accuracy
    rows = [[LABELS[m], f"{COURSE_TRAIN[m]:.3f} / {COURSE_TEST[m]:.3f}",
             f"{runs[m].train_accuracy:.3f} / {runs[m].test_accuracy:.3f}",
             seed_summary(seeds[m][:, 0]), seed_summary(seeds[m][:, 1])] for m in METHODS]
    accuracy_table = markdown_table(
        ["initialization", "course (train / test)", "this run (train / test)",
         f"train, {result.config.n_seeds} seeds: mean (range)", f"test, {result.config.n_seeds} seeds"],
        rows, align="lcccc")
    dims = result.config.layer_dims
    symmetry_rows = [[f"hidden layer {l + 1}", dims[l + 1]]
                     + [runs[m].distinct_units[l] for m in METHODS] for l in range(len(dims) - 2)]
    symmetry_table = markdown_table(["layer", "units"] + [f"distinct after training: {LABELS[m]}"
                                                          for m in METHODS], symmetry_rows)
    metrics = {
        m: {"train_accuracy": runs[m].train_accuracy, "test_accuracy": runs[m].test_accuracy,
            "first_cost": float(runs[m].costs[0]), "last_cost": float(runs[m].costs[-1]),
            "distinct_units": list(runs[m].distinct_units),
            "seed_train_mean": float(seeds[m][:, 0].mean()), "seed_train_min": float(seeds[m][:, 0].min()),
            "seed_train_max": float(seeds[m][:, 0].max()), "seed_test_mean": float(seeds[m][:, 1].mean()),
            "seed_test_min": float(seeds[m][:, 1].min()), "seed_test_max": float(seeds[m][:, 1].max())}
        for m in METHODS
    }
    figures = {
        "costs": FigureSpec(_draw_costs(result), (6.4, 3.6),
                            "Cost against iteration for zeros, large random and He initialization"),
        "boundaries": FigureSpec(_draw_boundaries(result), (9.0, 3.4),
                                 "Decision boundaries of the three trained networks on the circles data"),
        "seeds": FigureSpec(_draw_seeds(result), (6.4, 3.2),
                            "Train and test accuracy of each initialization over several seeds"),
    }
    return Report(figures, {"accuracy": accuracy_table, "symmetry": symmetry_table}, metrics,
                  thumbnail="boundaries")
