"""Train, dev and test sets: how much choosing a model on the test set overstates its accuracy.

A pool of ``n_models`` networks (the Regularization page's ``[2, 20, 3, 1]`` network, each
with its own initial weights and its own L2 strength :math:`\\lambda`, drawn log-uniformly:
a small random search) is trained on one training set of the football stand-in
(:func:`course_code.datasets.football`). Every network is then scored on

- ``n_redraws`` pairs of a dev set and a test set, each of ``n_dev`` / ``n_test`` points,
  drawn independently from the stand-in's generator (so the choice can be repeated on many
  draws of the evaluation sets, for the same trained networks);
- ``n_fresh`` further sets of ``n_test`` points: the mean accuracy over them is the
  network's accuracy on fresh data (to within a few thousandths), the number a report
  should estimate.

The page then chooses the best of the first ``k`` networks by the test set or by the dev
set, for each ``k`` in ``model_counts``, and compares the reported number with the fresh
accuracy. All of this is repeated for ``n_seeds`` training sets (each with its own pool).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import datasets
from ..checks import check_fields
from ..initializers import METHODS, initialize_parameters
from ..network import forward
from ..optimizers import gd
from ..schedules import constant
from ..training import train_many

SEED = 0  # the first seed tried, not tuned: the claims are checked over every training draw
#: Rough run time of the default config on a 2-core machine (the build starts long ones first).
EXPECTED_SECONDS = 5


@dataclass(frozen=True)
class Config:
    """Settings. The network and its training are the Regularization page's, shortened.

    ``lambda_low`` and ``lambda_high`` bound the log-uniform L2 strengths of the pool;
    ``model_counts`` are the pool sizes the choice is made among (increasing, at most
    ``n_models``). ``patches`` and ``patch_size`` are the stand-in's label noise, the same
    in every set.
    """

    layer_dims: tuple[int, ...] = (2, 20, 3, 1)
    init: str = "lecun"
    learning_rate: float = 0.3
    num_iterations: int = 1500
    n_models: int = 40
    lambda_low: float = 1e-3
    lambda_high: float = 3.0
    model_counts: tuple[int, ...] = (1, 2, 5, 10, 20, 40)
    n_seeds: int = 3
    n_train: int = 211
    n_dev: int = 200
    n_test: int = 200
    n_redraws: int = 200
    n_fresh: int = 100
    patches: int = 5
    patch_size: int = 3

    def __post_init__(self):
        check_fields(self, layer_dims="net", learning_rate="positive", num_iterations="count",
                     n_models="count", lambda_low="positive", lambda_high="positive",
                     model_counts="counts", n_seeds="count", n_train="count", n_dev="count",
                     n_test="count", n_redraws="count", n_fresh="count", patches="count0",
                     patch_size="count")
        if self.init not in METHODS:
            raise ValueError(f"init must be one of {', '.join(METHODS)}, got {self.init!r}")
        if self.lambda_low >= self.lambda_high:
            raise ValueError(f"lambda_low must be below lambda_high ({self.lambda_high}), "
                             f"got {self.lambda_low}")
        counts = np.asarray(self.model_counts)
        if not (np.all(np.diff(counts) > 0) and counts[-1] <= self.n_models):
            raise ValueError(f"model_counts must increase and not exceed n_models ({self.n_models}), "
                             f"got {','.join(map(str, self.model_counts))}")


#: Small enough for the tests.
TINY = Config(num_iterations=200, n_models=6, model_counts=(1, 3, 6), n_seeds=2, n_redraws=20, n_fresh=10)


@dataclass(frozen=True)
class Result:
    config: Config
    lambdas: np.ndarray         # (n_seeds, n_models): each network's L2 strength
    train_accuracy: np.ndarray  # (n_seeds, n_models)
    dev_accuracy: np.ndarray    # (n_seeds, n_redraws, n_models): on each redrawn dev set
    test_accuracy: np.ndarray   # (n_seeds, n_redraws, n_models): on each redrawn test set
    fresh_accuracy: np.ndarray  # (n_seeds, n_models): mean over n_fresh fresh sets of n_test points


def _draw(rng, n: int, config: Config):
    """One set of ``n`` points from the stand-in's generator (its own patches of flipped labels)."""
    d = datasets.football(rng=rng, n_train=n, n_test=0, patches=config.patches, patch_size=config.patch_size)
    return d.X_train, d.Y_train


def _correct(params: dict, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """(m,) booleans: the network's 0/1 prediction equals the label."""
    AL, _ = forward(X, params)
    return (AL[0] > 0.5) == (Y[0] > 0.5)


def _one_seed(config: Config, rng: np.random.Generator):
    data_rng, lam_rng, init_rng, eval_rng = rng.spawn(4)
    X, Y = _draw(data_rng, config.n_train, config)
    lambdas = np.exp(lam_rng.uniform(np.log(config.lambda_low), np.log(config.lambda_high), config.n_models))
    children = init_rng.spawn(config.n_models)
    inits = [initialize_parameters(list(config.layer_dims), config.init, rng=c) for c in children]
    fits = train_many(X, Y, list(config.layer_dims), optimizer=gd(), schedule=constant(config.learning_rate),
                      num_epochs=config.num_iterations, lambd=list(lambdas), inits=inits, rngs=children,
                      record_every=config.num_iterations)
    R, n_dev, n_test = config.n_redraws, config.n_dev, config.n_test
    streams = eval_rng.spawn(2 * R + config.n_fresh)
    dev = [_draw(streams[i], n_dev, config) for i in range(R)]
    test = [_draw(streams[R + i], n_test, config) for i in range(R)]
    fresh = [_draw(streams[2 * R + i], n_test, config) for i in range(config.n_fresh)]
    Xall = np.hstack([X] + [x for x, _ in dev + test + fresh])
    Yall = np.hstack([Y] + [y for _, y in dev + test + fresh])
    cuts = np.cumsum([config.n_train, R * n_dev, R * n_test])
    train_acc, fresh_acc = np.empty(config.n_models), np.empty(config.n_models)
    dev_acc, test_acc = np.empty((R, config.n_models)), np.empty((R, config.n_models))
    for j, fit in enumerate(fits):
        ok = _correct(fit.params, Xall, Yall)
        train_acc[j] = ok[:cuts[0]].mean()
        dev_acc[:, j] = ok[cuts[0]:cuts[1]].reshape(R, n_dev).mean(axis=1)
        test_acc[:, j] = ok[cuts[1]:cuts[2]].reshape(R, n_test).mean(axis=1)
        fresh_acc[j] = ok[cuts[2]:].mean()
    return lambdas, train_acc, dev_acc, test_acc, fresh_acc


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """Train a pool per training draw and score every network on every redrawn and fresh set."""
    parts = [_one_seed(config, child) for child in rng.spawn(config.n_seeds)]
    return Result(config, *(np.stack(p) for p in zip(*parts, strict=True)))


def choose(scores: np.ndarray, k: int) -> np.ndarray:
    """Index of the best of the first ``k`` models along the last axis (the first one on ties).

    ``scores`` has shape (..., n_models); the result has shape (...).
    """
    return np.argmax(scores[..., :k], axis=-1)


# --8<-- [start:choice]
def overstatement(result: Result, k: int, *, choose_on: str) -> dict[str, np.ndarray]:
    """Choose among the first ``k`` models on ``"dev"`` or ``"test"``; (n_seeds, n_redraws) arrays."""
    # reported: the chosen model's test accuracy (what a report gives); selection: its accuracy on
    # the set that chose it; fresh: its accuracy on fresh data.
    if choose_on not in ("dev", "test"):
        raise ValueError(f"choose_on must be 'dev' or 'test', got {choose_on!r}")
    chooser = result.dev_accuracy if choose_on == "dev" else result.test_accuracy
    j = choose(chooser, k)                                         # (S, R)
    pick = lambda a: np.take_along_axis(a, j[..., None], axis=-1)[..., 0]  # noqa: E731
    fresh = np.take_along_axis(result.fresh_accuracy, j, axis=-1)  # (S, R)
    reported = pick(result.test_accuracy)
    return {"reported": reported, "selection": pick(chooser), "fresh": fresh, "test_over": reported - fresh}
# --8<-- [end:choice]
