"""Activation functions and their backward passes.

Every forward function returns ``(A, cache)`` and every backward function takes
``(dA, cache)`` and returns ``dZ``, so a layer can be checked on its own.
Arrays follow the course's layout: one example per column.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "hardmax",
    "relu",
    "relu_backward",
    "sigmoid",
    "sigmoid_backward",
    "softmax",
    "softmax_backward",
]


def sigmoid(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Logistic sigmoid, computed without overflow.

    Parameters
    ----------
    Z : ndarray of shape (n, m)
        Pre-activations.

    Returns
    -------
    A : ndarray of shape (n, m)
        :math:`\\sigma(Z)`, in :math:`[0, 1]`.
    cache : ndarray of shape (n, m)
        ``Z``, kept for the backward pass.

    Notes
    -----
    .. math:: \\sigma(z) = \\frac{1}{1 + e^{-z}} = \\frac{e^{z}}{1 + e^{z}}

    The first form overflows for very negative :math:`z` (``exp(800)`` is ``inf``),
    the second for very positive :math:`z`. Using :math:`e^{-|z|}`, which never
    exceeds 1, and picking the form by the sign of :math:`z` avoids both.
    """
    Z = np.asarray(Z, dtype=float)
    e = np.exp(-np.abs(Z))  # in (0, 1]: cannot overflow
    A = np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return A, Z


def sigmoid_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Backward pass of :func:`sigmoid`.

    Notes
    -----
    .. math::
        \\frac{\\partial J}{\\partial Z} = \\frac{\\partial J}{\\partial A}\\,\\sigma(Z)\\,(1-\\sigma(Z))
    """
    s, _ = sigmoid(cache)
    return dA * s * (1.0 - s)


def relu(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rectified linear unit, :math:`\\max(0, z)` element-wise.

    Returns ``(A, cache)`` with ``A`` and the cached ``Z`` of the same shape as ``Z``.
    """
    Z = np.asarray(Z, dtype=float)
    return np.maximum(Z, 0.0), Z


def relu_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Backward pass of :func:`relu`: pass the gradient where :math:`z > 0`, block it elsewhere.

    Notes
    -----
    .. math:: \\frac{\\partial J}{\\partial Z} = \\frac{\\partial J}{\\partial A} \\odot \\mathbb{1}[Z > 0]

    At :math:`z = 0` exactly the derivative is taken as 0, as in the course.
    """
    return dA * (cache > 0)


def softmax(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column-wise softmax of ``Z`` (shape ``(C, m)``: one column of class scores per example).

    Returns ``(A, cache)`` where each column of ``A`` sums to 1 and ``cache`` is ``A``.

    Notes
    -----
    .. math:: \\mathrm{softmax}(z)_k = \\frac{e^{z_k - \\max_j z_j}}{\\sum_i e^{z_i - \\max_j z_j}}

    Subtracting the column maximum changes nothing mathematically and keeps every
    exponent at most 0, so nothing overflows.
    """
    # --8<-- [start:softmax]
    Z = np.asarray(Z, dtype=float)
    e = np.exp(Z - Z.max(axis=0, keepdims=True))  # every exponent <= 0: no overflow
    A = e / e.sum(axis=0, keepdims=True)
    return A, A
    # --8<-- [end:softmax]


def softmax_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Backward pass of :func:`softmax` for an arbitrary upstream gradient ``dA`` of shape (C, m).

    Notes
    -----
    With :math:`a = \\mathrm{softmax}(z)`, the Jacobian is :math:`\\mathrm{diag}(a) - a a^T`, so
    :math:`dz = a \\odot (da - a^T da)` column by column.
    """
    A = cache
    return A * (dA - np.sum(dA * A, axis=0, keepdims=True))


def hardmax(Z: np.ndarray) -> np.ndarray:
    """One-hot of each column's largest score: 1 at :math:`\\arg\\max_k z_k`, 0 elsewhere.

    ``Z`` has shape (C, m); so does the result. A tie goes to the first (lowest) class.
    The hardmax is what a prediction does with the softmax's probabilities: softmax is
    increasing in each score, so ``hardmax(Z) == hardmax(softmax(Z)[0])``. It is flat almost
    everywhere (a small change of ``Z`` leaves it unchanged), so its gradient is 0 and it cannot
    be trained through.
    """
    Z = np.asarray(Z, dtype=float)
    if Z.ndim != 2:
        raise ValueError(f"Z must have shape (C, m), got {Z.shape}")
    # --8<-- [start:hardmax]
    out = np.zeros_like(Z)
    out[np.argmax(Z, axis=0), np.arange(Z.shape[1])] = 1.0
    return out
    # --8<-- [end:hardmax]
