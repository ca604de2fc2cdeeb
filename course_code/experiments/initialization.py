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
from ..schedules import constant
from ..training import train_many

SEED = 1
#: Rough run time of the default config on a 2-core machine (the build starts long ones first).
EXPECTED_SECONDS = 7
METHODS = ("zeros", "random", "he")
#: The course's published train and test accuracies (its assignment's final printouts).
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
