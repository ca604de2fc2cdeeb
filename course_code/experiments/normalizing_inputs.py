"""Normalizing inputs: the same network on raw and on normalized features.

Two parts. **The picture**: a logistic regression with two weights (no bias) on a 2-D set
whose second feature is stretched by ``stretch``; the cost's contours, the condition number
of its Hessian, and gradient descent's path and step count, raw against normalized, over
``n_seeds`` draws of the data. **The network**: a ``[13, 8, 1]`` ReLU network trained by
full-batch gradient descent on scikit-learn's bundled wine data (class 0 against the other
two; the 13 features range from below 1 to over 1000), over a grid of learning rates and
``n_seeds`` initial weights, on raw and on normalized inputs. The learning rate of each input
kind is chosen by the dev-set cost; the test set is scored once, at that rate. The dev and
test sets are normalized with the training set's statistics.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..checks import check_fields
from ..losses import cross_entropy_from_logits
from ..network import accuracy, forward
from ..normalize import condition_number, fit_input_stats, logistic_hessian, normalize_inputs
from ..optimizers import gd
from ..schedules import constant
from ..training import train_many

SEED = 0
#: Rough run time of the default config on a 2-core machine (the build starts long ones first).
EXPECTED_SECONDS = 4
KINDS = ("raw", "normalized")


@dataclass(frozen=True)
class Config:
    hidden_units: int = 8
    num_epochs: int = 1000
    record_every: int = 10
    rate_min: float = 1e-6
    rate_max: float = 10.0
    n_rates: int = 15
    target_cost: float = 0.1
    dev_fraction: float = 0.2
    test_fraction: float = 0.2
    n_seeds: int = 5
    # the 2-D picture
    stretch: float = 10.0
    n_points: int = 200
    gd_steps: int = 3000
    rate_factor: float = 0.9  # gradient descent at rate_factor * 2 / lambda_max
    tolerance: float = 0.01  # "reached": cost within this of the model's minimum
    grid: int = 81

    def __post_init__(self):
        check_fields(
            self,
            hidden_units="count",
            num_epochs="count",
            record_every="count",
            rate_min="positive",
            rate_max="positive",
            n_rates="count",
            target_cost="positive",
            dev_fraction="fraction",
            test_fraction="fraction",
            n_seeds="count",
            stretch="positive",
            n_points="count",
            gd_steps="count",
            rate_factor="probability",
            tolerance="positive",
            grid="count",
        )
        if self.rate_min >= self.rate_max:
            raise ValueError(f"rate_min must be below rate_max ({self.rate_max}), got {self.rate_min}")
        if not 0 < self.dev_fraction + self.test_fraction < 0.8:
            raise ValueError(
                f"dev_fraction + test_fraction must be in (0, 0.8), got "
                f"{self.dev_fraction + self.test_fraction}"
            )


#: Small enough for the tests.
TINY = Config(num_epochs=200, n_rates=5, rate_min=1e-4, rate_max=1.0, n_seeds=2, gd_steps=400, grid=21)


@dataclass(frozen=True)
class Picture:
    """The 2-D logistic regression of one input kind (arrays over the ``n_seeds`` draws)."""

    condition: np.ndarray  # (n_seeds,) condition number of the Hessian at w = 0
    rate: np.ndarray  # (n_seeds,) the learning rate used, rate_factor * 2 / lambda_max
    steps: np.ndarray  # (n_seeds,) steps to come within tolerance of the minimum (-1: never)
    path: np.ndarray  # (gd_steps + 1, 2) the first draw's weights, step by step
    costs: np.ndarray  # (gd_steps + 1,) the first draw's cost, step by step
    w_star: np.ndarray  # (2,) the first draw's minimum
    grid_w1: np.ndarray  # (grid,)
    grid_w2: np.ndarray  # (grid,)
    grid_cost: np.ndarray  # (grid, grid) cost at (w1, w2), rows along w2
    X: np.ndarray  # (2, n_points) the first draw's inputs (as the model sees them)
    Y: np.ndarray  # (1, n_points)


@dataclass(frozen=True)
class Result:
    config: Config
    rates: np.ndarray  # (n_rates,)
    n_split: tuple[int, int, int]  # train, dev, test sizes
    condition: dict[str, float]  # kind -> condition number of the wine logistic Hessian
    linear_rate_limit: dict[str, float]  # kind -> 2 / lambda_max of that Hessian
    feature_range: dict[str, np.ndarray]  # kind -> (13, 2) min and max of each training feature
    initial_cost: np.ndarray  # (2, n_seeds)
    final_cost: np.ndarray  # (2, n_rates, n_seeds) training cost (NaN: diverged)
    dev_cost: np.ndarray  # (2, n_rates, n_seeds) (NaN: diverged)
    epochs_to_target: np.ndarray  # (2, n_rates, n_seeds) first recorded epoch at or below target (-1: never)
    chosen: dict[str, int]  # kind -> index of the dev-chosen rate
    curves: np.ndarray  # (2, n_seeds, n_records) training cost at the chosen rate
    epochs: np.ndarray  # (n_records,)
    test_accuracy: np.ndarray  # (2, n_seeds) at the chosen rate, scored once
    dev_mean_abs: dict[str, float]  # mean |feature mean| of the normalized dev / test / train sets
    constant_cost: float  # training cost of the best constant prediction (the base rate)
    pictures: dict[str, Picture]


def load_wine() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled wine data, ``(data (178, 13), target (178,))``, read from its CSV file.

    The same numbers as ``sklearn.datasets.load_wine()``, without importing scikit-learn
    (which takes seconds): nothing is downloaded.
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the wine data ship with scikit-learn: install scikit-learn")
    table = np.loadtxt(
        Path(spec.origin).parent / "datasets" / "data" / "wine_data.csv", delimiter=",", skiprows=1
    )
    return table[:, :-1], table[:, -1].astype(int)


def wine_split(config: Config, rng):
    """Wine class 0 against the rest, as ``(X, Y)`` pairs for train, dev and test (shuffled by ``rng``)."""
    data, target = load_wine()
    m = target.size
    order = rng.permutation(m)
    X, Y = data[order].T.copy(), (target[order] == 0).astype(float)[None, :]
    n_dev, n_test = round(config.dev_fraction * m), round(config.test_fraction * m)
    cut1, cut2 = m - n_dev - n_test, m - n_test
    return (X[:, :cut1], Y[:, :cut1]), (X[:, cut1:cut2], Y[:, cut1:cut2]), (X[:, cut2:], Y[:, cut2:])


def stretched_blobs(n: int, stretch: float, rng):
    """Two Gaussian classes at :math:`\\pm(1, 1)` (unit variance), the second axis times ``stretch``."""
    Y = (np.arange(n) % 2).astype(float)[None, :]
    X = (2 * Y - 1) * np.ones((2, 1)) + rng.standard_normal((2, n))
    return X * np.array([[1.0], [stretch]]), Y


def logistic_cost(W, X, Y) -> np.ndarray:
    """Mean cross-entropy of :math:`\\sigma(w^\\top x)` for each row of ``W`` (shape (k, 2)) -> (k,)."""
    Z = np.atleast_2d(W) @ X
    return np.mean(np.maximum(Z, 0) - Y * Z + np.log1p(np.exp(-np.abs(Z))), axis=1)


def _logistic_grad(w, X, Y):
    a = 1 / (1 + np.exp(-(w @ X)))
    return X @ (a - Y[0]) / X.shape[1]


def _minimum(X, Y, iterations: int = 50) -> np.ndarray:
    """The logistic regression's minimum by Newton's method (the classes overlap: it is finite)."""
    w = np.zeros(X.shape[0])
    for _ in range(iterations):
        a = 1 / (1 + np.exp(-(w @ X)))
        H = (X * (a * (1 - a))) @ X.T / X.shape[1]
        w = w - np.linalg.solve(H, X @ (a - Y[0]) / X.shape[1])
    return w


def _picture_run(config: Config, X, Y):
    """Gradient descent from w = 0 at rate_factor * 2 / lambda_max: path, costs, steps to the minimum."""
    H = logistic_hessian(X, bias=False)
    rate = config.rate_factor * 2 / np.linalg.eigvalsh(H)[-1]
    path = np.zeros((config.gd_steps + 1, 2))
    for t in range(config.gd_steps):
        path[t + 1] = path[t] - rate * _logistic_grad(path[t], X, Y)
    w_star = _minimum(X, Y)
    costs = logistic_cost(path, X, Y)
    hit = np.flatnonzero(costs <= logistic_cost(w_star, X, Y)[0] + config.tolerance)
    return condition_number(H), rate, int(hit[0]) if hit.size else -1, path, costs, w_star


def picture(config: Config, rng) -> dict[str, Picture]:
    """The 2-D study, raw and normalized, over ``n_seeds`` draws of the data."""
    rows = {k: [] for k in KINDS}
    first = {}
    for child in rng.spawn(config.n_seeds):
        X_raw, Y = stretched_blobs(config.n_points, config.stretch, child)
        for kind, X in (("raw", X_raw), ("normalized", normalize_inputs(X_raw, fit_input_stats(X_raw)))):
            out = _picture_run(config, X, Y)
            rows[kind].append(out[:3])
            first.setdefault(kind, (out, X, Y))
    pictures = {}
    for kind in KINDS:
        (_cond, _rate, _steps, path, costs, w_star), X, Y = first[kind]
        reach = np.abs(np.vstack([path, w_star[None]])).max(axis=0) * 1.25
        w1, w2 = (np.linspace(-r, r, config.grid) for r in reach)
        G1, G2 = np.meshgrid(w1, w2)
        grid_cost = logistic_cost(np.column_stack([G1.ravel(), G2.ravel()]), X, Y).reshape(G1.shape)
        cols = np.array(rows[kind], dtype=float).T
        pictures[kind] = Picture(
            cols[0], cols[1], cols[2].astype(int), path, costs, w_star, w1, w2, grid_cost, X, Y
        )
    return pictures


def _train_all(config: Config, X, Y, X_dev, Y_dev, rates, rng):
    """Every rate, ``n_seeds`` initial weights each (the same ones at every rate)."""
    dims = [X.shape[0], config.hidden_units, 1]
    seeds = rng.spawn(config.n_seeds)
    final, dev, hit, curves, _params = [], [], [], [], []
    for rate in rates:
        runs = train_many(
            X,
            Y,
            dims,
            optimizer=gd(),
            schedule=constant(rate),
            num_epochs=config.num_epochs,
            inits="he",
            rngs=[np.random.default_rng(s.bit_generator.seed_seq) for s in seeds],
            record_every=config.record_every,
            on_diverge="none",
        )
        final.append([np.nan if r is None else r.costs[-1] for r in runs])
        dev.append([np.nan if r is None else _cost(X_dev, Y_dev, r.params) for r in runs])
        hit.append([_first(r, config.target_cost) for r in runs])
        curves.append(runs)
    return np.array(final), np.array(dev), np.array(hit), curves


def _cost(X, Y, params) -> float:
    _, caches = forward(X, params)
    return cross_entropy_from_logits(caches[-1].linear_activation.Z, Y)


def _first(run, target: float) -> int:
    if run is None:
        return -1
    hit = np.flatnonzero(run.costs <= target)
    return int(run.epochs[hit[0]]) if hit.size else -1


def _choose(dev: np.ndarray) -> int:
    """The rate with the lowest mean dev cost over seeds, among those where no seed diverged."""
    mean = np.where(np.isnan(dev).any(axis=1), np.inf, np.nanmean(np.where(np.isnan(dev), 0, dev), axis=1))
    return int(np.argmin(mean))


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """The 2-D picture, then the wine network on raw and normalized inputs at every rate."""
    split_rng, init_rng, picture_rng = rng.spawn(3)
    # --8<-- [start:normalize]
    (X_tr, Y_tr), (X_dev, Y_dev), (X_te, Y_te) = wine_split(config, split_rng)
    stats = fit_input_stats(X_tr)  # the training set's statistics, for all three sets
    sets = {
        "raw": (X_tr, X_dev, X_te),
        "normalized": tuple(normalize_inputs(X, stats) for X in (X_tr, X_dev, X_te)),
    }
    # --8<-- [end:normalize]
    rates = np.logspace(np.log10(config.rate_min), np.log10(config.rate_max), config.n_rates)
    out = {k: [] for k in ("final", "dev", "hit", "curves", "test", "initial")}
    chosen, condition, limit, ranges = {}, {}, {}, {}
    for kind in KINDS:
        Xa, Xb, Xc = sets[kind]
        H = logistic_hessian(Xa)
        condition[kind], limit[kind] = condition_number(H), float(2 / np.linalg.eigvalsh(H)[-1])
        ranges[kind] = np.column_stack([Xa.min(axis=1), Xa.max(axis=1)])
        final, dev, hit, runs = _train_all(config, Xa, Y_tr, Xb, Y_dev, rates, init_rng)
        j = chosen[kind] = _choose(dev)
        out["final"].append(final)
        out["dev"].append(dev)
        out["hit"].append(hit)
        out["curves"].append([r.costs for r in runs[j]])
        out["test"].append([accuracy(Xc, Y_te, r.params) for r in runs[j]])
        out["initial"].append([r.costs[0] for r in runs[0]])
        epochs = runs[j][0].epochs
    Xn_tr, Xn_dev, Xn_te = sets["normalized"]
    mean_abs = {
        "train": float(np.mean(np.abs(Xn_tr.mean(axis=1)))),
        "dev": float(np.mean(np.abs(Xn_dev.mean(axis=1)))),
        "test": float(np.mean(np.abs(Xn_te.mean(axis=1)))),
    }
    return Result(
        config,
        rates,
        (X_tr.shape[1], X_dev.shape[1], X_te.shape[1]),
        condition,
        limit,
        ranges,
        np.array(out["initial"]),
        np.array(out["final"]),
        np.array(out["dev"]),
        np.array(out["hit"]),
        chosen,
        np.array(out["curves"]),
        epochs,
        np.array(out["test"]),
        mean_abs,
        _entropy(float(Y_tr.mean())),
        picture(config, picture_rng),
    )


def _entropy(p: float) -> float:
    return float(-p * np.log(p) - (1 - p) * np.log(1 - p))
