"""The path an optimizer takes on a function of a few variables, given its gradient.

A network's cost is a function of thousands of parameters; a function of two shows what
an update rule does, step by step: on the quadratic :math:`f(w) = \\frac{1}{2}\\sum_i c_i w_i^2`
with very different curvatures :math:`c_i`, a step size that suits the steep direction
crawls along the shallow one. Each rule runs through its public ``opt.update``, the same
code that trains the networks.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .optimizers import Optimizer, check_learning_rate

__all__ = ["ESCAPE", "final_distance", "optimizer_path", "quadratic_gradient", "steps_to"]

ESCAPE = 1e6  # a path whose |w_i| passes this has diverged: its later points are NaN


def quadratic_gradient(curvature) -> Callable[[np.ndarray], np.ndarray]:
    """The gradient :math:`c \\odot w` of :math:`f(w) = \\frac{1}{2}\\sum_i c_i w_i^2`."""
    c = np.asarray(curvature, dtype=float)
    return lambda w: c * w


def optimizer_path(opt: Optimizer, gradient: Callable[[np.ndarray], np.ndarray], start, *,
                   learning_rate: float, steps: int, escape: float = ESCAPE) -> np.ndarray:
    """Iterates of ``opt`` from ``start`` on a function whose gradient at ``w`` is ``gradient(w)``.

    Returns an array of shape ``(steps + 1, len(start))``: the start, then ``w`` after each
    ``opt.update``. Once some :math:`|w_i|` exceeds ``escape`` the path has diverged and the
    remaining rows are NaN.
    """
    learning_rate = check_learning_rate(learning_rate)
    params = {"w": np.asarray(start, dtype=float)}
    state = opt.init(params)
    out = np.full((steps + 1, params["w"].size), np.nan)
    out[0] = params["w"]
    for k in range(1, steps + 1):
        params, state = opt.update(params, {"dw": gradient(params["w"])}, state, learning_rate=learning_rate)
        if not np.all(np.abs(params["w"]) < escape):
            break
        out[k] = params["w"]
    return out


def final_distance(path: np.ndarray, minimum=0.0) -> float:
    """Distance from ``minimum`` after the last step; inf if the path diverged."""
    last = path[-1]
    return float(np.linalg.norm(last - minimum)) if np.all(np.isfinite(last)) else float("inf")


def steps_to(path: np.ndarray, radius: float = 0.1, minimum=0.0) -> int | None:
    """First step at which the path is within ``radius`` of ``minimum`` (None if never)."""
    distance = np.linalg.norm(np.nan_to_num(path - minimum, nan=np.inf), axis=1)
    inside = np.flatnonzero(distance < radius)
    return int(inside[0]) if inside.size else None
