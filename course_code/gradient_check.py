"""Gradient checking: compare backpropagation with centred finite differences."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from .losses import cost_from_logits, l2_cost
from .network import backward, forward, num_layers, param_keys

__all__ = [
    "gradient_check",
    "grads_to_vector",
    "numerical_gradient",
    "params_to_vector",
    "relative_difference",
    "vector_to_params",
]


def _param_keys(params) -> list[str]:
    keys = param_keys(params)  # W1, b1, ... (gamma{l}, beta{l} for b{l} with batch norm)
    if not keys or num_layers(params) == 0 or set(keys) != set(params):
        raise ValueError(f"params must hold W1, b1, ... (or gammal, betal), got {sorted(params)}")
    return keys


def params_to_vector(params: dict[str, np.ndarray]) -> np.ndarray:
    """All parameters as one vector ``theta``: W1, b1, W2, b2, ... each flattened row by row.

    For the course's [4, 5, 3, 1] network that is 20 + 5 + 15 + 3 + 3 + 1 = 47 numbers. A
    batch-normalized layer contributes ``W{l}, gamma{l}, beta{l}`` in that order.
    Returns a new float array of shape (n_params,).
    """
    return np.concatenate([np.asarray(params[k], dtype=float).ravel() for k in _param_keys(params)])


def grads_to_vector(grads: dict[str, np.ndarray], params: dict[str, np.ndarray]) -> np.ndarray:
    """``dW1, db1, ...`` laid out in the same order as :func:`params_to_vector` of ``params``."""
    return np.concatenate([np.asarray(grads["d" + k], dtype=float).ravel()
                           for k in _param_keys(params)])


def vector_to_params(theta: np.ndarray, like: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Inverse of :func:`params_to_vector`: cut ``theta`` into arrays shaped like ``like``."""
    keys = _param_keys(like)
    n = sum(like[k].size for k in keys)
    theta = np.asarray(theta, dtype=float)
    if theta.shape != (n,):
        raise ValueError(f"theta has shape {theta.shape}, expected ({n},) for these parameters")
    out, i = {}, 0
    for k in keys:
        out[k] = theta[i:i + like[k].size].reshape(like[k].shape).copy()
        i += like[k].size
    return out


def numerical_gradient(f: Callable[[np.ndarray], float], theta, *, epsilon: float = 1e-7):
    """Centred-difference estimate of the gradient of ``f`` at ``theta``.

    Parameters
    ----------
    f : callable
        Maps an array shaped like ``theta`` to a float.
    theta : ndarray
        Any shape; it is not modified.
    epsilon : float
        Step :math:`\\varepsilon`.

    Returns
    -------
    ndarray shaped like ``theta``
        .. math::
            \\tilde g_i = \\frac{f(\\theta + \\varepsilon e_i) - f(\\theta - \\varepsilon e_i)}
                              {2 \\varepsilon}

    Notes
    -----
    The error of the centred difference is :math:`O(\\varepsilon^2)` (truncation) plus
    about :math:`u\\,|f| / \\varepsilon` from rounding (:math:`u \\approx 10^{-16}`), so a
    very small :math:`\\varepsilon` is *less* accurate, not more.
    """
    # --8<-- [start:numerical_gradient]
    if not epsilon > 0:
        raise ValueError(f"epsilon must be > 0, got {epsilon!r}")
    theta = np.array(theta, dtype=float)  # a private copy we can perturb
    grad = np.empty_like(theta)
    flat, gflat = theta.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + epsilon
        plus = f(theta)
        flat[i] = old - epsilon
        minus = f(theta)
        flat[i] = old
        gflat[i] = (plus - minus) / (2 * epsilon)
    return grad
    # --8<-- [end:numerical_gradient]


def relative_difference(a, b) -> float:
    """Relative difference of two arrays (0 when both are 0).

    .. math:: \\frac{\\lVert a - b \\rVert_2}{\\lVert a \\rVert_2 + \\lVert b \\rVert_2}
    """
    # --8<-- [start:relative_difference]
    a = np.asarray(a, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    if a.shape != b.shape:
        raise ValueError(f"cannot compare arrays of {a.size} and {b.size} elements")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)
    # --8<-- [end:relative_difference]


def gradient_check(params, X, Y, *, lambd=0.0, epsilon=1e-7, keep_prob=1.0, masks=None,
                   backward_fn=backward, forward_fn=forward, output="sigmoid"):
    """Relative difference between backprop's gradient and the numerical gradient of the cost.

    Parameters
    ----------
    params : dict
        Network parameters (W1, b1, ...).
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m), or one-hot (C, m) with a softmax output
    lambd : float
        L2 strength, included in both the cost and the gradient.
    epsilon : float
        Finite-difference step.
    keep_prob, masks :
        Dropout can only be checked with *fixed* masks (one per hidden layer): a fresh
        random mask per evaluation would make the cost a different function each time.
    backward_fn : callable
        The backward pass under test (default :func:`course_code.network.backward`);
        pass a deliberately broken one to see the check catch it.
    forward_fn : callable
        The forward pass it belongs to, ``forward_fn(X, params, keep_prob=, masks=)`` (default
        :func:`course_code.network.forward`). For a batch-normalized network pass
        ``functools.partial(batchnorm_network.forward, training=True)`` and
        ``batchnorm_network.backward``: training mode, the batch's own mean and variance,
        which depend on every parameter below them.
    output : {"sigmoid", "softmax"}
        Passed to ``forward_fn`` when not ``"sigmoid"``. The cost is the binary or the
        categorical cross-entropy, computed exactly from the last layer's logits.

    Returns
    -------
    float
        :func:`relative_difference` of the two gradient vectors. Below about 1e-7 means
        the backward pass is right.
    """
    # --8<-- [start:gradient_check]
    if keep_prob < 1.0 and masks is None:
        raise ValueError("gradient_check with dropout needs fixed masks=, one per hidden layer")
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    if output != "sigmoid":
        forward_fn = partial(forward_fn, output=output)

    def cost(theta):  # exact cross-entropy from the logits, plus the L2 term
        p = vector_to_params(theta, params)
        _, caches = forward_fn(X, p, keep_prob=keep_prob, masks=masks)
        ZL = caches[-1].linear_activation.Z
        return cost_from_logits(ZL, Y) + (l2_cost(p, lambd, Y.shape[1]) if lambd else 0.0)

    AL, caches = forward_fn(X, params, keep_prob=keep_prob, masks=masks)
    grads = backward_fn(AL, Y, caches, lambd=lambd, keep_prob=keep_prob)
    approx = numerical_gradient(cost, params_to_vector(params), epsilon=epsilon)
    return relative_difference(grads_to_vector(grads, params), approx)
    # --8<-- [end:gradient_check]
