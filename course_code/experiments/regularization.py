"""Regularization: no regularization, L2 and inverted dropout on the football stand-in; a lambda sweep.

The course's W1A2 assignment: a [2, 20, 3, 1] network (LeCun init, :math:`W \\sim
\\mathcal{N}(0, 1/n^{[l-1]})`, which the course calls Xavier) trained by full-batch gradient
descent, learning rate 0.3, 30000 iterations, with no regularization, with L2
(:math:`\\lambda = 0.7`) and with inverted dropout (``keep_prob = 0.86``). The course's
data are not distributable, so one data set is drawn from the synthetic stand-in
:func:`course_code.datasets.football`; the course's numbers do not apply to it.

The headline run and ``n_seeds`` more runs vary the initial weights and the dropout masks
on that one data set (the course also has one); within a seed all three variants start
from the same weights. Our dropout draws a fresh mask every step; the course reused one
frozen mask. The sweep trains the same network at several :math:`\\lambda` (``sweep_seeds``
initial draws, ``sweep_iterations`` each) to show the under- and over-regularization
the course only describes in words.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from .. import datasets
from ..checks import check_fields
from ..initializers import METHODS, initialize_parameters
from ..network import accuracy
from ..optimizers import gd
from ..schedules import constant
from ..training import train_many

SEED = 0  # the first seed tried, not tuned: every claim is checked across the other seeds
#: Rough run time of the default config on a 2-core machine (the build starts long ones first).
EXPECTED_SECONDS = 16
VARIANTS = ("none", "l2", "dropout")


@dataclass(frozen=True)
class Config:
    """Settings; the first block is the course's model (its Regularization assignment).

    ``sweep_lambdas`` must contain 0 and at least two positive values; ``strip_lambdas``
    (three of them) get a decision-boundary panel each. The sweep chooses lambda on a dev
    set of ``n_dev`` points drawn like the others, and the test set is scored once, at the
    chosen lambda. ``overfit_gap`` is the train-dev gap that counts as overfitting and
    ``over_drop`` the fall of mean dev accuracy below the best one that counts as
    over-regularization (both as fractions, 0.03 = 3 points).
    """

    layer_dims: tuple[int, ...] = (2, 20, 3, 1)
    init: str = "lecun"
    learning_rate: float = 0.3
    num_iterations: int = 30000
    record_every: int = 500
    lambd: float = 0.7
    keep_prob: float = 0.86
    n_seeds: int = 5
    sweep_lambdas: tuple[float, ...] = (0.0, 0.01, 0.03, 0.1, 0.3, 0.7, 1.5, 3.0)
    sweep_iterations: int = 10000
    sweep_seeds: int = 3
    n_dev: int = 200
    patches: int = 5          # mislabeled groups in each set of the football stand-in
    patch_size: int = 3
    strip_lambdas: tuple[float, ...] = (0.01, 0.7, 3.0)
    overfit_gap: float = 0.03
    over_drop: float = 0.02

    def __post_init__(self):
        check_fields(self, layer_dims="net", learning_rate="positive", num_iterations="count",
                     record_every="count", lambd="nonnegative", keep_prob="probability", n_seeds="count",
                     sweep_lambdas="nonnegatives", sweep_iterations="count", sweep_seeds="count",
                     strip_lambdas="nonnegatives", overfit_gap="fraction", over_drop="fraction",
                     n_dev="count", patches="count0", patch_size="count")
        if self.init not in METHODS:
            raise ValueError(f"init must be one of {', '.join(METHODS)}, got {self.init!r}")
        lams = np.asarray(self.sweep_lambdas, dtype=float)
        if not (np.all(np.diff(lams) > 0) and lams[0] == 0 and (lams > 0).sum() >= 2):
            raise ValueError("sweep_lambdas must increase, start at 0.0 and have at least two positive "
                             f"values, got {','.join(map(str, self.sweep_lambdas))}")
        if len(self.strip_lambdas) != 3 or not set(self.strip_lambdas) <= set(self.sweep_lambdas):
            raise ValueError(f"strip_lambdas must be three of sweep_lambdas ({self.sweep_lambdas}), "
                             f"got {','.join(map(str, self.strip_lambdas))}")


#: Small enough for the tests.
TINY = Config(num_iterations=300, record_every=100, n_seeds=2, sweep_lambdas=(0.0, 0.1, 0.7, 3.0),
              sweep_iterations=200, strip_lambdas=(0.1, 0.7, 3.0))


@dataclass(frozen=True)
class Run:
    variant: str
    iterations: np.ndarray      # recorded iteration numbers
    costs: np.ndarray           # cost at those iterations (with the L2 term; masked net for dropout)
    params: dict
    train_accuracy: float
    test_accuracy: float
    weight_sq: float            # sum of squared weights of the final network


@dataclass(frozen=True)
class Result:
    config: Config
    data: datasets.Dataset
    runs: dict[str, Run]                   # the headline run of each variant
    seed_accuracy: dict[str, np.ndarray]   # variant -> (n_seeds, 2): train, test
    seed_weight_sq: dict[str, np.ndarray]  # variant -> (n_seeds,)
    X_dev: np.ndarray                      # (2, n_dev): the dev set, drawn like the training set
    Y_dev: np.ndarray                      # (1, n_dev)
    sweep_accuracy: np.ndarray             # (sweep_seeds, len(sweep_lambdas), 3): train, dev, test
    sweep_weight_sq: np.ndarray            # (sweep_seeds, len(sweep_lambdas))
    strip_params: tuple[dict, ...]         # first sweep seed's network at each strip lambda


def weight_sq(params: dict) -> float:
    """:math:`\\sum_l \\lVert W^{[l]} \\rVert_F^2`, the quantity L2 penalizes (biases excluded)."""
    return float(sum(np.sum(v * v) for k, v in params.items() if k.startswith("W")))


def _fit(config: Config, data, params0: list[dict], rngs: list, *, lambd=0.0, keep_prob=1.0,
         iterations=None):
    """Full-batch GD runs, network ``i`` from ``params0[i]`` with ``rngs[i]`` drawing its dropout masks.

    One :func:`~course_code.training.train_many` call: the same as a ``train`` call per network.
    ``lambd`` is one value or one per network.
    """
    return train_many(data.X_train, data.Y_train, list(config.layer_dims), optimizer=gd(),
                      schedule=constant(config.learning_rate),
                      num_epochs=iterations or config.num_iterations, lambd=lambd, keep_prob=keep_prob,
                      inits=params0, rngs=rngs, record_every=config.record_every)


def _variants(config: Config, data, rngs: list) -> list[dict[str, Run]]:
    """The three variants for each of ``rngs``; each gives weights, then masks, to its own runs.

    Within one generator all three variants start from the same weights; the runs of one
    variant for all generators are trained together.
    """
    pairs = [rng.spawn(2) for rng in rngs]  # (init_rng, mask_rng) per generator
    params0 = [initialize_parameters(list(config.layer_dims), config.init, rng=init_rng)
               for init_rng, _ in pairs]
    settings = {"none": {}, "l2": {"lambd": config.lambd}, "dropout": {"keep_prob": config.keep_prob}}
    runs: list[dict[str, Run]] = [{} for _ in rngs]
    for variant, kwargs in settings.items():
        results = _fit(config, data, params0, [copy.deepcopy(mask_rng) for _, mask_rng in pairs], **kwargs)
        for out, r in zip(runs, results, strict=True):
            out[variant] = Run(variant, r.epochs, r.costs, r.params,
                               accuracy(data.X_train, data.Y_train, r.params),
                               accuracy(data.X_test, data.Y_test, r.params), weight_sq(r.params))
    return runs


def _sweep(config: Config, data, dev, rng):
    """Accuracies (S, K, 3) on train, dev and test, weights (S, K) and the first seed's strip networks.

    All S x K networks train together (one ``lambd`` per network); training without dropout
    never draws from a seed's generator after its initial weights.
    """
    lams, seeds = config.sweep_lambdas, rng.spawn(config.sweep_seeds)
    params0 = [initialize_parameters(list(config.layer_dims), config.init, rng=child) for child in seeds]
    results = _fit(config, data, [p for p in params0 for _ in lams],
                   [copy.deepcopy(child) for child in seeds for _ in lams],
                   lambd=[lam for _ in seeds for lam in lams], iterations=config.sweep_iterations)
    acc = np.empty((config.sweep_seeds, len(lams), 3))
    wsq = np.empty((config.sweep_seeds, len(lams)))
    strip = {}
    for s in range(config.sweep_seeds):
        for k, lam in enumerate(lams):
            p = results[s * len(lams) + k].params
            acc[s, k] = (accuracy(data.X_train, data.Y_train, p), accuracy(*dev, p),
                         accuracy(data.X_test, data.Y_test, p))
            wsq[s, k] = weight_sq(p)
            if s == 0 and lam in config.strip_lambdas:
                strip[lam] = p
    return acc, wsq, tuple(strip[lam] for lam in config.strip_lambdas)


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """Draw the data (train, dev, test); train the three variants (headline + ``n_seeds``);
    sweep lambda (scored on train, dev and test: the page chooses on dev)."""
    data_rng, head_rng, seeds_rng, sweep_rng, dev_rng = rng.spawn(5)
    noise = {"patches": config.patches, "patch_size": config.patch_size}
    data = datasets.football(rng=data_rng, **noise)
    dev_set = datasets.football(rng=dev_rng, n_train=config.n_dev, n_test=0, **noise)  # same distribution
    dev = (dev_set.X_train, dev_set.Y_train)
    runs, *seed_runs = _variants(config, data, [head_rng, *seeds_rng.spawn(config.n_seeds)])
    acc, wsq, strip = _sweep(config, data, dev, sweep_rng)
    return Result(
        config, data, runs,
        {v: np.array([[s[v].train_accuracy, s[v].test_accuracy] for s in seed_runs]) for v in VARIANTS},
        {v: np.array([s[v].weight_sq for s in seed_runs]) for v in VARIANTS},
        *dev, acc, wsq, strip)
