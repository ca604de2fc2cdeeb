"""Gradient checking: backprop against centred differences, a caught bug, and how epsilon sets the error.

The course's W1A3 assignment: the 1-D check of ``J(theta) = theta * x``, then the N-D check of
a [4, 5, 3, 1] network (47 parameters) on the course's test tensors, with a correct backward
pass and with the course's two injected bugs (``dW2`` doubled, ``db1`` quadrupled). The
course computes the cost as ``-log(a)`` and ``-log(1 - a)`` from the sigmoid output; the
package's :func:`~course_code.gradient_check.gradient_check` uses the exact cost from the
logits. Both are run, per parameter block and over a sweep of the step epsilon, where the
error is truncation (about ``C1 eps^2``) for large steps and round-off (about ``C2 u / eps``)
for small ones. The seed study repeats everything on ``n_seeds`` random networks and data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..checks import check_fields
from ..gradient_check import (
    gradient_check,
    grads_to_vector,
    numerical_gradient,
    params_to_vector,
    relative_difference,
    vector_to_params,
)
from ..losses import cross_entropy_from_logits
from ..network import backward, forward

SEED = 0
#: Rough run time of the default config on a 2-core machine (the build starts long ones first).
EXPECTED_SECONDS = 3
#: The course's printed values: 1-D, buggy N-D, correct N-D (from the assignment's test cells).
COURSE = {"one_d": 7.814075313343006e-11, "buggy": 0.2850931567761623, "correct": 1.1890913024229996e-07}
THRESHOLDS = (1e-7, 2e-7)  # the course's text, and its code
BUG = {"dW2": 2.0, "db1": 4.0}  # the course's deliberate mistakes
COSTS = ("course", "stable")
COST_LABELS = {"course": "course cost: −log a, −log(1−a)", "stable": "exact cost from the logits"}
UNIT_ROUNDOFF = np.finfo(float).eps / 2  # u = 2^-53


@dataclass(frozen=True)
class Config:
    x: float = 3.0
    theta: float = 4.0
    epsilon: float = 1e-7
    layer_dims: tuple[int, ...] = (4, 5, 3, 1)
    m: int = 3
    course_case: bool = True
    eps_max: float = 1e-1
    eps_min: float = 1e-12
    n_eps: int = 23
    n_seeds: int = 5

    def __post_init__(self):
        check_fields(self, x="finite", theta="finite", epsilon="positive", layer_dims="layers", m="count",
                     course_case="bool", eps_max="positive", eps_min="positive", n_eps="count",
                     n_seeds="count")
        if self.eps_min >= self.eps_max:
            raise ValueError(f"eps_min must be below eps_max ({self.eps_max}), got {self.eps_min}")


#: Small enough for the tests (one epsilon per decade).
TINY = Config(n_eps=12, n_seeds=2)


@dataclass(frozen=True)
class Result:
    config: Config
    epsilons: np.ndarray               # (n_eps,) the sweep, largest first
    one_d: float                       # 1-D relative difference at config.epsilon
    one_d_sweep: np.ndarray            # (n_eps,)
    nd: dict[str, float]               # headline relative differences at config.epsilon
    blocks: dict[str, np.ndarray]      # "correct" / "buggy" -> (n_blocks,), course cost
    block_names: tuple[str, ...]
    block_sizes: tuple[int, ...]
    sweep: dict[str, np.ndarray]       # cost -> (n_eps,), correct backprop
    model: dict[str, float]            # error-model fit and slopes of the course-cost sweep
    min_one_minus_a: float             # smallest 1 - a over the examples labelled 0 (1 if none)
    seeds: dict[str, np.ndarray]       # quantity -> (n_seeds,)
    seed_sweeps: np.ndarray            # (n_seeds, n_eps), correct backprop, course cost


def buggy_backward(AL, Y, caches, **kwargs):
    """:func:`course_code.network.backward` with the course's bugs: ``dW2 * 2`` and ``db1 * 4``."""
    grads = dict(backward(AL, Y, caches, **kwargs))
    for key, factor in BUG.items():
        grads[key] = grads[key] * factor
    return grads


def cost_function(kind: str, params, X, Y):
    """``f(theta)``: the mean cross-entropy of the network ``vector_to_params(theta, params)``.

    ``"course"`` evaluates :math:`\\frac{1}{m}\\sum -y\\log a - (1-y)\\log(1-a)` from the
    sigmoid output, as the course does; for ``a`` near 1, ``1 - a`` loses digits to
    cancellation. ``"stable"`` is :func:`~course_code.losses.cross_entropy_from_logits`,
    the cost :func:`~course_code.gradient_check.gradient_check` uses.
    """
    m = Y.shape[1]

    def course(theta):
        AL, _ = forward(X, vector_to_params(theta, params))
        return 1.0 / m * np.sum(np.multiply(-np.log(AL), Y) + np.multiply(-np.log(1 - AL), 1 - Y))

    def stable(theta):
        _, caches = forward(X, vector_to_params(theta, params))
        return cross_entropy_from_logits(caches[-1].linear_activation.Z, Y)

    return {"course": course, "stable": stable}[kind]


def block_differences(grad, approx, params) -> np.ndarray:
    """:func:`relative_difference` restricted to each block W1, b1, ... (shape (2L,))."""
    ends = np.cumsum([v.size for v in params.values()])
    return np.array([relative_difference(grad[e - v.size:e], approx[e - v.size:e])
                     for e, v in zip(ends, params.values(), strict=True)])


def error_sweep(f, theta, grad, epsilons) -> np.ndarray:
    """Relative difference between ``grad`` and the centred difference of ``f`` at each epsilon."""
    return np.array([relative_difference(grad, numerical_gradient(f, theta, epsilon=e)) for e in epsilons])


def fit_error_model(epsilons, errors) -> dict[str, float]:
    """Fit :math:`e(\\varepsilon) \\approx C_1 \\varepsilon^2 + C_2 u / \\varepsilon` and log-log slopes.

    :math:`C_1` is the geometric mean of :math:`e/\\varepsilon^2` over
    :math:`3\\cdot10^{-4} \\le \\varepsilon \\le 10^{-2}` (truncation), :math:`C_2` that of
    :math:`e\\varepsilon/u` over :math:`\\varepsilon \\le 10^{-8}` (round-off); the model's
    minimum is at :math:`\\varepsilon^* = (C_2 u / 2C_1)^{1/3}`.
    """
    eps, err = np.asarray(epsilons), np.asarray(errors)
    trunc, rnd = (eps >= 3e-4) & (eps <= 1e-2), eps <= 1e-8
    c1 = float(np.exp(np.mean(np.log(err[trunc] / eps[trunc] ** 2))))
    c2 = float(np.exp(np.mean(np.log(err[rnd] * eps[rnd] / UNIT_ROUNDOFF))))
    best = (c2 * UNIT_ROUNDOFF / (2 * c1)) ** (1 / 3)
    slope = {k: float(np.polyfit(np.log10(eps[s]), np.log10(err[s]), 1)[0])
             for k, s in (("slope_truncation", trunc), ("slope_roundoff", rnd))}
    return {"c1": c1, "c2": c2, "best_eps": best, "best_err": c1 * best**2 + c2 * UNIT_ROUNDOFF / best,
            **slope}


def draw_case(config: Config, rng):
    """``(params, X, Y)``: the course's test tensors, or a random network and data from ``rng``."""
    dims = config.layer_dims
    if config.course_case:  # the course: np.random.seed(1); x, then W1, b1, ... with randn
        if config.m != 3:
            raise ValueError(f"course_case needs m=3 (y = [1, 1, 0]), got m={config.m}")
        draw, Y = np.random.RandomState(1), np.array([[1.0, 1.0, 0.0]])
        X = draw.standard_normal((dims[0], config.m))
    else:
        draw = rng
        X = rng.standard_normal((dims[0], config.m))
        Y = rng.integers(0, 2, (1, config.m)).astype(float)
    shapes = {f"{p}{l}": (dims[l], dims[l - 1] if p == "W" else 1) for l in range(1, len(dims)) for p in "Wb"}
    return {k: draw.standard_normal(shape) for k, shape in shapes.items()}, X, Y


def one_d(x: float, theta: float, epsilon: float) -> float:
    """Relative difference of ``dJ/dtheta = x`` and the centred difference of ``J = theta * x``."""
    approx = numerical_gradient(lambda t: float(t * x), np.array(theta), epsilon=epsilon)
    return relative_difference(x, approx)


def _study(config: Config, params, X, Y, epsilons, costs=COSTS) -> dict:
    """Every number of one network: headline differences, per-block ones, a sweep per cost."""
    theta, eps = params_to_vector(params), config.epsilon
    AL, caches = forward(X, params)
    grad = grads_to_vector(backward(AL, Y, caches), params)
    bad = grads_to_vector(buggy_backward(AL, Y, caches), params)
    f = {k: cost_function(k, params, X, Y) for k in COSTS}
    approx = numerical_gradient(f["course"], theta, epsilon=eps)
    nd = {"correct_course": relative_difference(grad, approx),
          "buggy_course": relative_difference(bad, approx),
          "correct_stable": gradient_check(params, X, Y, epsilon=eps),
          "buggy_stable": gradient_check(params, X, Y, epsilon=eps, backward_fn=buggy_backward)}
    return {"nd": nd, "sweep": {k: error_sweep(f[k], theta, grad, epsilons) for k in costs},
            "blocks": {"correct": block_differences(grad, approx, params),
                       "buggy": block_differences(bad, approx, params)},
            "min_one_minus_a": float(np.min(1 - AL[Y == 0], initial=1.0))}


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """The 1-D and N-D checks with the course's tensors, the epsilon sweep, then ``n_seeds`` random cases."""
    if config.n_seeds < 1:
        raise ValueError(f"n_seeds must be >= 1, got {config.n_seeds}")
    epsilons = np.logspace(np.log10(config.eps_max), np.log10(config.eps_min), config.n_eps)
    params, X, Y = draw_case(config, rng)
    head = _study(config, params, X, Y, epsilons)
    rows, sweeps = [], []  # per seed; only the course cost is swept, to keep the run fast
    for child in rng.spawn(config.n_seeds):
        x, theta = child.uniform(1.0, 5.0, size=2)
        s = _study(config, *draw_case(replace(config, course_case=False), child), epsilons, ("course",))
        sweeps.append(s["sweep"]["course"])
        i = int(np.argmin(sweeps[-1]))
        rows.append({"one_d": one_d(x, theta, config.epsilon), **s["nd"], "best_eps_course": epsilons[i],
                     "best_err_course": sweeps[-1][i], "min_one_minus_a": s["min_one_minus_a"]})
    return Result(config, epsilons, one_d(config.x, config.theta, config.epsilon),
                  np.array([one_d(config.x, config.theta, e) for e in epsilons]), head["nd"],
                  head["blocks"], tuple(params), tuple(v.size for v in params.values()), head["sweep"],
                  fit_error_model(epsilons, head["sweep"]["course"]), head["min_one_minus_a"],
                  {k: np.array([r[k] for r in rows]) for k in rows[0]}, np.array(sweeps))
