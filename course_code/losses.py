"""Binary cross-entropy cost, with and without the L2 penalty.

``AL`` and ``Y`` have shape ``(1, m)``: one predicted probability and one 0/1 label per
example (column).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "PROBABILITY_CLIP",
    "compute_cost",
    "cross_entropy_cost",
    "cross_entropy_from_logits",
    "l2_cost",
]

#: Probabilities are clipped to ``[PROBABILITY_CLIP, 1 - PROBABILITY_CLIP]`` before the log.
PROBABILITY_CLIP = 1e-15


def _check_pair(A: np.ndarray, Y: np.ndarray, name: str) -> None:
    if A.ndim != 2 or A.shape[0] != 1:
        raise ValueError(f"{name} must have shape (1, m), got {A.shape}")
    if Y.shape != A.shape:
        raise ValueError(f"Y has shape {Y.shape} but {name} has shape {A.shape}; expected equal shapes")


def cross_entropy_cost(AL: np.ndarray, Y: np.ndarray) -> float:
    """Mean binary cross-entropy of predicted probabilities ``AL`` against labels ``Y``.

    Parameters
    ----------
    AL : ndarray of shape (1, m)
        Output of the sigmoid, :math:`a^{(i)} \\in [0, 1]`.
    Y : ndarray of shape (1, m)
        Labels in {0, 1}.

    Returns
    -------
    float
        .. math:: J = -\\frac{1}{m} \\sum_{i=1}^{m} \\Big( y^{(i)} \\log a^{(i)} +
                  (1 - y^{(i)}) \\log (1 - a^{(i)}) \\Big)

    Notes
    -----
    A saturated sigmoid returns exactly 0.0 or 1.0 in floating point, and
    :math:`\\log 0 = -\\infty`. The course sums with ``np.nansum``: that drops the
    ``nan`` of ``0 * log 0`` (a term whose true value is 0) but keeps the ``inf`` of a
    confidently *wrong* prediction, so its printed cost can be ``inf``. Here the
    probabilities are clipped to :math:`[10^{-15}, 1 - 10^{-15}]` first, so every term is
    finite (at most :math:`-\\log 10^{-15} \\approx 34.5`). When the pre-activation
    :math:`z` is available, :func:`cross_entropy_from_logits` is exact instead.
    """
    # --8<-- [start:cross_entropy]
    AL = np.asarray(AL, dtype=float)
    Y = np.asarray(Y, dtype=float)
    _check_pair(AL, Y, "AL")
    p = np.clip(AL, PROBABILITY_CLIP, 1.0 - PROBABILITY_CLIP)
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(p) + (1.0 - Y) * np.log1p(-p)) / m)
    # --8<-- [end:cross_entropy]


def cross_entropy_from_logits(Z: np.ndarray, Y: np.ndarray) -> float:
    """Mean binary cross-entropy computed from the logits ``Z`` (shape (1, m)), exactly.

    Notes
    -----
    With :math:`a = \\sigma(z)`, :math:`-\\log a = \\log(1 + e^{-z})` and
    :math:`-\\log(1 - a) = \\log(1 + e^{z})`, so the per-example loss is

    .. math:: \\ell(z, y) = \\max(z, 0) - y z + \\log\\big(1 + e^{-|z|}\\big),

    which never overflows and never takes the log of 0, however large :math:`|z|` is.
    """
    Z = np.asarray(Z, dtype=float)
    Y = np.asarray(Y, dtype=float)
    _check_pair(Z, Y, "Z")
    losses = np.maximum(Z, 0.0) - Y * Z + np.log1p(np.exp(-np.abs(Z)))
    return float(np.mean(losses))


def l2_cost(params: dict[str, np.ndarray], lambd: float, m: int) -> float:
    """L2 penalty on the weights (not the biases).

    Notes
    -----
    .. math:: \\frac{\\lambda}{2m} \\sum_{l=1}^{L} \\lVert W^{[l]} \\rVert_F^2
    """
    # --8<-- [start:l2_cost]
    if lambd < 0:
        raise ValueError(f"lambd must be >= 0, got {lambd!r}")
    if m < 1:
        raise ValueError(f"m must be a positive number of examples, got {m!r}")
    weights = [v for k, v in params.items() if k.startswith("W")]
    return float(lambd / (2 * m) * sum(np.sum(np.square(W)) for W in weights))
    # --8<-- [end:l2_cost]


def compute_cost(AL: np.ndarray, Y: np.ndarray, params=None, *, lambd: float = 0.0) -> float:
    """Cross-entropy plus, when ``lambd > 0``, the L2 penalty of ``params``.

    Returns :func:`cross_entropy_cost` ``+`` :func:`l2_cost` (the course's "regularized cost").
    """
    cost = cross_entropy_cost(AL, Y)
    if lambd != 0.0:
        if params is None:
            raise ValueError(f"lambd={lambd!r} needs the params whose weights it penalizes")
        cost += l2_cost(params, lambd, np.shape(Y)[1])
    return cost
