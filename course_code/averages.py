"""Exponentially weighted averages: the running average behind momentum, RMSprop and Adam.

A noisy series ``x_1, x_2, ...`` (a temperature, or the cost of each mini-batch) is smoothed
by keeping one number, ``v``, and mixing each new value into it with weight ``1 - beta``.
The average "remembers" about ``1 / (1 - beta)`` values: a larger ``beta`` is smoother and
lags further behind. Started at ``v_0 = 0`` it is too small over the first steps; dividing by
``1 - beta**t`` (bias correction) removes that.
"""

from __future__ import annotations

import numpy as np

from .checks import check_value

__all__ = ["ewa", "ewa_weights", "step_response_steps"]


def _check_series(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-D series of shape (T,), got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x must hold finite numbers only (found NaN or infinity)")
    return x


def ewa(x, beta: float, *, bias_correction: bool = False) -> np.ndarray:
    """The exponentially weighted average of the 1-D series ``x``.

    Parameters
    ----------
    x : array of shape (T,)
        The series ``x_1, ..., x_T``.
    beta : float in [0, 1)
        Weight of the past. ``beta = 0`` returns ``x`` itself.
    bias_correction : bool
        Divide ``v_t`` by ``1 - beta**t``.

    Returns
    -------
    v : array of shape (T,)
        ``v[t - 1]`` is :math:`v_t` (or :math:`\\hat v_t` when corrected).

    Notes
    -----
    .. math::
        v_0 = 0, \\qquad v_t = \\beta v_{t-1} + (1 - \\beta)\\, x_t, \\qquad
        \\hat v_t = \\frac{v_t}{1 - \\beta^t} \\quad (t = 1, 2, \\dots)

    Unrolled, :math:`v_t = (1 - \\beta) \\sum_{k=0}^{t-1} \\beta^k x_{t-k}`: weights that shrink
    by :math:`\\beta` per step back and sum to :math:`1 - \\beta^t`, which is what the
    correction divides by.
    """
    x = _check_series(x)
    beta = check_value("beta", beta, "beta")
    check_value("bias_correction", bias_correction, "bool")
    # --8<-- [start:ewa]
    v = 0.0
    out = np.empty_like(x)
    for t in range(1, len(x) + 1):
        v = beta * v + (1 - beta) * x[t - 1]
        out[t - 1] = v / (1 - beta**t) if bias_correction else v
    # --8<-- [end:ewa]
    return out


def ewa_weights(beta: float, t: int) -> np.ndarray:
    """The weight :math:`v_t` gives each of ``x_t, x_{t-1}, ..., x_1`` (newest first), shape (t,).

    .. math:: w_k = (1 - \\beta)\\, \\beta^k, \\qquad k = 0, \\dots, t - 1
    """
    beta = check_value("beta", beta, "beta")
    t = check_value("t", t, "count")
    return (1 - beta) * beta ** np.arange(t)


def step_response_steps(beta: float, level: float = 1 - np.exp(-1)) -> int:
    """Steps the (uncorrected) average of a unit step ``0, ..., 0, 1, 1, ...`` takes to reach ``level``.

    The average of a series that jumps from 0 to 1 at step 1 is :math:`1 - \\beta^t`; it
    passes :math:`1 - 1/e` after about :math:`1 / (1 - \\beta)` steps. Measured by running
    :func:`ewa` on a step long enough to get there.
    """
    beta = check_value("beta", beta, "beta")
    check_value("level", level, "probability")
    if level >= 1:
        raise ValueError(f"level must be below 1 (the average never reaches 1), got {level}")
    n = int(np.ceil(np.log1p(-level) / np.log(beta))) + 2 if beta > 0 else 2
    v = ewa(np.ones(n), beta)
    return int(np.argmax(v >= level)) + 1
