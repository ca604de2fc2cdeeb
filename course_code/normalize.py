"""Normalizing inputs: statistics fitted on the training set, applied to every set.

The course's recipe, per feature (row of ``X``, examples in columns):

.. math::

    \\mu = \\frac{1}{m}\\sum_{i=1}^m x^{(i)}, \\qquad
    \\sigma^2 = \\frac{1}{m}\\sum_{i=1}^m \\left(x^{(i)} - \\mu\\right)^2, \\qquad
    x \\leftarrow \\frac{x - \\mu}{\\sigma}

with ``m`` the number of **training** examples. The dev and test sets are transformed with
the same :math:`\\mu` and :math:`\\sigma`: they are part of the model, like its weights.

Also here: the Hessian of a logistic-regression cost, whose condition number measures how
elongated the cost's contours are, and how fast gradient descent can go on it.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["InputStats", "condition_number", "fit_input_stats", "logistic_hessian", "normalize_inputs"]


class InputStats(NamedTuple):
    """Per-feature statistics of a training set: ``mu`` and ``sigma``, each of shape (n_x, 1)."""

    mu: np.ndarray
    sigma: np.ndarray


def _check_X(X, name: str = "X") -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] < 1:
        raise ValueError(f"{name} must have shape (n_x, m) with m >= 1, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} must hold finite numbers only")
    return X


def fit_input_stats(X_train, *, epsilon: float = 1e-8) -> InputStats:
    """The mean and standard deviation of each feature over the training examples.

    Parameters
    ----------
    X_train : ndarray of shape (n_x, m)
        Training examples in columns.
    epsilon : float
        Added to the variance before the square root, so a constant feature gives
        :math:`\\sigma = \\sqrt{\\varepsilon}` instead of a division by zero.

    Returns
    -------
    InputStats
        ``mu`` and ``sigma``, each of shape (n_x, 1).

    Notes
    -----
    :math:`\\mu = \\frac{1}{m}\\sum_i x^{(i)}`,
    :math:`\\sigma = \\sqrt{\\frac{1}{m}\\sum_i (x^{(i)} - \\mu)^2 + \\varepsilon}`
    (the population variance, dividing by ``m`` as the course does).
    """
    X = _check_X(X_train, "X_train")
    if not (np.isfinite(epsilon) and epsilon >= 0):
        raise ValueError(f"epsilon must be a finite number >= 0, got {epsilon!r}")
    # --8<-- [start:fit]
    m = X.shape[1]
    mu = np.sum(X, axis=1, keepdims=True) / m
    sigma2 = np.sum((X - mu) ** 2, axis=1, keepdims=True) / m
    sigma = np.sqrt(sigma2 + epsilon)
    # --8<-- [end:fit]
    return InputStats(mu, sigma)


def normalize_inputs(X, stats: InputStats) -> np.ndarray:
    """``(X - mu) / sigma`` with the statistics of the training set (shape (n_x, m) in and out).

    Use the same ``stats`` for the training, dev and test sets: a test set normalized with
    its own statistics is a different transformation from the one the network learned on.
    """
    X = _check_X(X)
    mu, sigma = stats
    if mu.shape != (X.shape[0], 1) or sigma.shape != (X.shape[0], 1):
        raise ValueError(
            f"stats must have shape ({X.shape[0]}, 1) for X of shape {X.shape}, "
            f"got mu {mu.shape} and sigma {sigma.shape}"
        )
    if np.any(sigma <= 0):
        raise ValueError("sigma must be positive")
    # --8<-- [start:apply]
    return (X - mu) / sigma
    # --8<-- [end:apply]


def logistic_hessian(X, *, bias: bool = True) -> np.ndarray:
    """Hessian of the logistic-regression cost at zero weights.

    For :math:`J(w, b) = \\frac{1}{m}\\sum_i \\mathcal{L}(\\sigma(w^\\top x^{(i)} + b), y^{(i)})`
    the Hessian is :math:`\\frac{1}{m}\\sum_i a^{(i)}(1 - a^{(i)})\\,\\tilde x^{(i)}\\tilde x^{(i)\\top}`
    with :math:`\\tilde x = (x, 1)`. At :math:`w = 0, b = 0` every :math:`a = 1/2`, so it is
    :math:`\\frac{1}{4m}\\tilde X\\tilde X^\\top`, whatever the labels.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    bias : bool
        Include the bias as a last parameter (shape (n_x + 1, n_x + 1)), or not ((n_x, n_x)).
    """
    X = _check_X(X)
    m = X.shape[1]
    Xt = np.vstack([X, np.ones((1, m))]) if bias else X
    return Xt @ Xt.T / (4 * m)


def condition_number(H) -> float:
    """:math:`\\lambda_{\\max} / \\lambda_{\\min}` of a symmetric positive-definite matrix.

    The ratio of the largest to the smallest curvature: the contours of the quadratic
    :math:`\\frac{1}{2}\\theta^\\top H\\theta` are ellipses whose axes differ by its square root.
    Gradient descent converges only for a learning rate below :math:`2/\\lambda_{\\max}`, and
    then needs about :math:`\\lambda_{\\max}/\\lambda_{\\min}` steps along the flattest direction.
    """
    H = np.asarray(H, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or not np.allclose(H, H.T):
        raise ValueError(f"H must be a symmetric square matrix, got shape {H.shape}")
    eig = np.linalg.eigvalsh(H)
    if eig[0] <= 0:
        raise ValueError(f"H must be positive definite, smallest eigenvalue {eig[0]:.3g}")
    return float(eig[-1] / eig[0])
