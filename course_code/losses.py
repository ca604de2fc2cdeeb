"""Cross-entropy costs, with and without the L2 penalty.

Binary: ``AL`` and ``Y`` have shape ``(1, m)``, one predicted probability and one 0/1 label
per example (column). Categorical (a softmax output): ``AL`` and ``Y`` have shape ``(C, m)``
with ``C >= 2``, one column of class probabilities and one one-hot label column per example.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "PROBABILITY_CLIP",
    "categorical_cross_entropy",
    "categorical_cross_entropy_from_logits",
    "check_one_hot",
    "compute_cost",
    "cost_from_logits",
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


def check_one_hot(Y, C: int | None = None) -> np.ndarray:
    """Return ``Y`` as a float array after checking it is one-hot labels of shape ``(C, m)``.

    Raises ``ValueError`` naming the problem: a shape that is not ``(C, m)`` with ``C >= 2``
    (or the expected class count ``C``), an entry that is not 0 or 1, or a column whose
    entries do not sum to 1 (its index is given).
    """
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 2 or Y.shape[0] < 2:
        raise ValueError(f"one-hot Y must have shape (C, m) with C >= 2 classes, got {Y.shape}")
    if C is not None and Y.shape[0] != C:
        raise ValueError(f"Y has {Y.shape[0]} classes (rows) but the output layer has {C} units: "
                         f"expected Y of shape ({C}, {Y.shape[1]}), got {Y.shape}")
    if not np.all((Y == 0) | (Y == 1)):
        raise ValueError("one-hot Y must hold only 0s and 1s; found other values")
    sums = Y.sum(axis=0)
    bad = np.flatnonzero(sums != 1)
    if bad.size:
        raise ValueError(f"every column of one-hot Y must sum to 1; column {int(bad[0])} sums to "
                         f"{sums[bad[0]]:g} ({bad.size} such columns)")
    return Y


def _check_categorical(A: np.ndarray, Y: np.ndarray, name: str) -> np.ndarray:
    if A.ndim != 2 or A.shape[0] < 2:
        raise ValueError(f"{name} must have shape (C, m) with C >= 2, got {A.shape}")
    if Y.ndim != 2 or Y.shape[1] != A.shape[1]:
        raise ValueError(f"Y has shape {Y.shape} but {name} has shape {A.shape}; expected equal shapes")
    return check_one_hot(Y, A.shape[0])


def categorical_cross_entropy(AL: np.ndarray, Y: np.ndarray) -> float:
    """Mean categorical cross-entropy of softmax probabilities ``AL`` against one-hot ``Y``.

    Parameters
    ----------
    AL : ndarray of shape (C, m)
        Class probabilities, each column summing to 1.
    Y : ndarray of shape (C, m)
        One-hot labels.

    Returns
    -------
    float
        .. math:: J = -\\frac{1}{m} \\sum_{i=1}^{m} \\sum_{k=1}^{C} y_k^{(i)} \\log a_k^{(i)}

    Only the true class's probability enters each example's loss. It is clipped below at
    :data:`PROBABILITY_CLIP` as in :func:`cross_entropy_cost`.
    """
    # --8<-- [start:categorical]
    AL = np.asarray(AL, dtype=float)
    Y = _check_categorical(AL, np.asarray(Y, dtype=float), "AL")
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(np.clip(AL, PROBABILITY_CLIP, 1.0))) / m)
    # --8<-- [end:categorical]


def categorical_cross_entropy_from_logits(Z: np.ndarray, Y: np.ndarray) -> float:
    """Mean categorical cross-entropy of ``softmax(Z)`` (``Z`` of shape (C, m)), exactly.

    Notes
    -----
    .. math:: -\\log \\mathrm{softmax}(z)_k = \\log \\sum_j e^{z_j} - z_k
              = \\max_j z_j + \\log \\sum_j e^{z_j - \\max_j z_j} - z_k

    Every exponent is at most 0, so nothing overflows and no log of 0 is taken.
    """
    Z = np.asarray(Z, dtype=float)
    Y = _check_categorical(Z, np.asarray(Y, dtype=float), "Z")
    top = Z.max(axis=0, keepdims=True)
    log_norm = top + np.log(np.sum(np.exp(Z - top), axis=0, keepdims=True))
    return float(np.sum(Y * (log_norm - Z)) / Z.shape[1])


def cost_from_logits(Z: np.ndarray, Y: np.ndarray) -> float:
    """The exact cost of the output layer's logits: binary for one row, categorical for ``C >= 2``."""
    return cross_entropy_from_logits(Z, Y) if np.shape(Z)[0] == 1 else \
        categorical_cross_entropy_from_logits(Z, Y)


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

    Returns :func:`cross_entropy_cost` (``AL`` of shape (1, m)) or, when ``AL`` has more than
    one row, :func:`categorical_cross_entropy` (``AL`` and one-hot ``Y`` of shape (C, m)),
    ``+`` :func:`l2_cost` (the course's "regularized cost").
    """
    multi = np.ndim(AL) == 2 and np.shape(AL)[0] > 1
    cost = categorical_cross_entropy(AL, Y) if multi else cross_entropy_cost(AL, Y)
    if lambd != 0.0:
        if params is None:
            raise ValueError(f"lambd={lambd!r} needs the params whose weights it penalizes")
        cost += l2_cost(params, lambd, np.shape(Y)[1])
    return cost
