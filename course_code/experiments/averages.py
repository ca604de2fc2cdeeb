"""Exponentially weighted averages of a real noisy series: the cost of each mini-batch.

Mini-batch gradient descent trains the ``[2, 10, 5, 1]`` ReLU network on the course's moons
(mini-batches of 64, as in the Optimization assignment) and records the cost of every
mini-batch it steps on: a series that falls and jitters. Each series is averaged with
several ``beta`` (the course's 0.5, 0.9 and 0.98), with and without bias correction, and the
experiment measures how smooth each average is, how far back it reaches, and how wrong the
uncorrected average is over the first steps. Every measurement is repeated over ``n_seeds``
training runs (each its own initial weights and mini-batch order).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import datasets
from ..averages import ewa, ewa_weights, step_response_steps
from ..checks import check_fields, check_value
from ..initializers import initialize_parameters
from ..losses import compute_cost
from ..minibatch import random_mini_batches
from ..network import backward, forward
from ..optimizers import gd

SEED = 2
#: Rough run time of the default config on a 2-core machine.
EXPECTED_SECONDS = 2


@dataclass(frozen=True)
class Config:
    layer_dims: tuple[int, ...] = (2, 10, 5, 1)
    learning_rate: float = 0.1
    mini_batch_size: int = 64
    num_epochs: int = 100
    betas: tuple[float, ...] = (0.5, 0.9, 0.98)
    #: the first steps over which the averages with and without bias correction are compared
    first_steps: int = 20
    #: the uncorrected average counts as caught up once within this fraction of the corrected one
    catch_up: float = 0.01
    n_seeds: int = 5

    def __post_init__(self):
        check_fields(self, layer_dims="net", learning_rate="positive", mini_batch_size="count",
                     num_epochs="count", betas="positives", first_steps="count", catch_up="probability",
                     n_seeds="count")
        for beta in self.betas:
            check_value("betas", beta, "beta")


#: Small enough for the tests.
TINY = Config(num_epochs=12, first_steps=10, n_seeds=2)


@dataclass(frozen=True)
class Result:
    config: Config
    costs: np.ndarray             # (n_seeds, T): the cost of each mini-batch step, seed 0 is the headline
    averages: np.ndarray          # (n_seeds, n_betas, T): ewa of each series
    corrected: np.ndarray         # (n_seeds, n_betas, T): the same, bias-corrected
    roughness: np.ndarray         # (n_seeds, n_betas): std of the step-to-step change over the raw series'
    start_error: np.ndarray       # (n_seeds, n_betas, 2): mean |average - mean so far| over the first steps,
    #                               uncorrected then corrected
    window_steps: np.ndarray      # (n_betas,): steps the average of a unit step needs to reach 1 - 1/e
    mean_age: np.ndarray          # (n_betas,): the weighted mean age (steps back) of the values averaged
    catch_up_steps: np.ndarray    # (n_betas,): steps until uncorrected is within catch_up of corrected


def minibatch_costs(data: datasets.Dataset, config: Config, rng: np.random.Generator) -> np.ndarray:
    """The cost of every mini-batch step of one run of mini-batch GD, shape (steps,)."""
    params = initialize_parameters(list(config.layer_dims), "he", rng=rng)
    opt = gd()
    state = opt.init(params)
    costs = []
    for _ in range(config.num_epochs):
        for X_b, Y_b in random_mini_batches(data.X_train, data.Y_train, config.mini_batch_size, rng=rng):
            AL, caches = forward(X_b, params)
            costs.append(compute_cost(AL, Y_b))
            grads = backward(AL, Y_b, caches)
            params, state = opt.update(params, grads, state, learning_rate=config.learning_rate)
    return np.array(costs)


def roughness(x: np.ndarray, v: np.ndarray) -> float:
    """How jagged ``v`` is next to ``x``: the std of its step-to-step change over ``x``'s.

    Measured over the second half of the series, where the cost has mostly stopped falling
    and what is left is jitter.
    """
    half = len(x) // 2
    return float(np.std(np.diff(v[half:])) / np.std(np.diff(x[half:])))


def start_error(x: np.ndarray, v: np.ndarray, steps: int) -> float:
    """Mean distance of ``v`` from the plain mean of the values so far, over the first ``steps``."""
    so_far = np.cumsum(x[:steps]) / np.arange(1, steps + 1)
    return float(np.mean(np.abs(v[:steps] - so_far)))


def catch_up_steps(beta: float, tolerance: float) -> int:
    """Steps until the uncorrected average is within ``tolerance`` (relative) of the corrected one.

    Their ratio is ``1 - beta**t`` whatever the series, so this is measured on a constant one.
    """
    if beta == 0:
        return 1
    n = int(np.ceil(np.log(tolerance) / np.log(beta))) + 2
    ones = np.ones(n)
    gap = 1 - ewa(ones, beta) / ewa(ones, beta, bias_correction=True)
    return int(np.argmax(gap <= tolerance)) + 1


def mean_age(beta: float, horizon: int = 100_000) -> float:
    """The mean of ``k`` (steps back) under the average's weights, over a long series."""
    w = ewa_weights(beta, horizon)
    return float(np.dot(np.arange(horizon), w) / w.sum())


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """Record ``n_seeds`` mini-batch cost series and average each with every ``beta``."""
    data = datasets.moons()  # the course's points
    costs = np.array([minibatch_costs(data, config, child) for child in rng.spawn(config.n_seeds)])
    betas = config.betas
    averages = np.array([[ewa(x, b) for b in betas] for x in costs])
    corrected = np.array([[ewa(x, b, bias_correction=True) for b in betas] for x in costs])
    rough = np.array([[roughness(x, v) for v in avs] for x, avs in zip(costs, averages, strict=True)])
    steps = min(config.first_steps, costs.shape[1])
    start = np.array([[[start_error(x, v, steps), start_error(x, c, steps)]
                       for v, c in zip(avs, cors, strict=True)]
                      for x, avs, cors in zip(costs, averages, corrected, strict=True)])
    return Result(config, costs, averages, corrected, rough, start,
                  window_steps=np.array([step_response_steps(b) for b in betas]),
                  mean_age=np.array([mean_age(b) for b in betas]),
                  catch_up_steps=np.array([catch_up_steps(b, config.catch_up) for b in betas]))
