"""Fully connected layers: a linear step, and a linear step followed by an activation.

Each ``*_forward`` returns ``(out, cache)``; each ``*_backward(dout, cache)`` returns the
gradients. Examples are columns: ``A_prev.shape == (n_prev, m)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .activations import relu, relu_backward, sigmoid, sigmoid_backward, softmax, softmax_backward

__all__ = [
    "LinearActivationCache",
    "LinearCache",
    "linear_activation_backward",
    "linear_activation_forward",
    "linear_backward",
    "linear_forward",
]



def _softmax_backward_from_Z(dA, Z):
    return softmax_backward(dA, softmax(Z)[1])  # the layer caches Z; softmax's cache is A


_ACTIVATIONS = {"relu": (relu, relu_backward), "sigmoid": (sigmoid, sigmoid_backward),
                "softmax": (softmax, _softmax_backward_from_Z)}


class LinearCache(NamedTuple):
    """What :func:`linear_backward` needs: the layer's input and its weights."""

    A_prev: np.ndarray
    W: np.ndarray
    b: np.ndarray


class LinearActivationCache(NamedTuple):
    """The linear cache plus the pre-activation ``Z`` (the activation's cache)."""

    linear: LinearCache
    Z: np.ndarray


def linear_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray):
    """Affine step :math:`Z = W A_{prev} + b`.

    Parameters
    ----------
    A_prev : ndarray of shape (n_prev, m)
    W : ndarray of shape (n, n_prev)
    b : ndarray of shape (n, 1)

    Returns
    -------
    Z : ndarray of shape (n, m)
    cache : LinearCache
    """
    if W.ndim != 2 or A_prev.ndim != 2 or W.shape[1] != A_prev.shape[0]:
        raise ValueError(
            f"W has shape {W.shape} but A_prev has shape {A_prev.shape}: "
            f"expected W of shape (n, {A_prev.shape[0] if A_prev.ndim == 2 else '?'})"
        )
    if b.shape != (W.shape[0], 1):
        raise ValueError(f"b has shape {b.shape}, expected {(W.shape[0], 1)}")
    Z = W @ A_prev + b
    return Z, LinearCache(A_prev, W, b)


def linear_backward(dZ: np.ndarray, cache: LinearCache):
    """Backward pass of :func:`linear_forward`.

    Parameters
    ----------
    dZ : ndarray of shape (n, m)
        Gradient of the cost with respect to ``Z``. The cost is a mean over the ``m``
        examples, so the :math:`1/m` is already inside ``dZ``.

    Returns
    -------
    dA_prev : ndarray of shape (n_prev, m)
    dW : ndarray of shape (n, n_prev)
    db : ndarray of shape (n, 1)

    Notes
    -----
    .. math::
        dW = dZ\\, A_{prev}^T, \\qquad db = \\sum_{i=1}^{m} dZ_{:, i}, \\qquad
        dA_{prev} = W^T dZ
    """
    A_prev, W, _ = cache
    dW = dZ @ A_prev.T
    db = np.sum(dZ, axis=1, keepdims=True)
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


def linear_activation_forward(A_prev, W, b, activation: str):
    """:func:`linear_forward` followed by ``activation`` (``"relu"``, ``"sigmoid"`` or ``"softmax"``).

    Returns ``(A, cache)`` with ``A`` of shape (n, m).
    """
    if activation not in _ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; expected one of {sorted(_ACTIVATIONS)}")
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, _ = _ACTIVATIONS[activation][0](Z)
    return A, LinearActivationCache(linear_cache, Z)


def linear_activation_backward(dA, cache: LinearActivationCache, activation: str):
    """Backward pass of :func:`linear_activation_forward`: returns ``(dA_prev, dW, db)``."""
    if activation not in _ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; expected one of {sorted(_ACTIVATIONS)}")
    dZ = _ACTIVATIONS[activation][1](dA, cache.Z)
    return linear_backward(dZ, cache.linear)
