"""Signals through a deep network at initialization: how activations and gradients scale with depth.

Each ReLU layer multiplies the second moment of its input by about
:math:`\\frac{1}{2} n^{[l-1]} \\operatorname{Var}(W^{[l]})` on the way forward, and the gradient
by about :math:`\\frac{1}{2} n^{[l]} \\operatorname{Var}(W^{[l]})` on the way back. Over
:math:`L` layers these factors multiply: unless they are close to 1 (He initialization,
:math:`\\operatorname{Var}(W) = 2/n^{[l-1]}`), the signals grow or shrink geometrically.
"""

from __future__ import annotations

import numpy as np

from .activations import relu_backward
from .layers import linear_backward
from .losses import cost_from_logits
from .network import forward

__all__ = ["linear_chain", "signal_propagation"]


def _rms(A: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(A))))


def linear_chain(scale: float, depth: int, x) -> tuple[np.ndarray, np.ndarray]:
    """The course's linear example: ``depth`` layers with :math:`W^{[l]} = s I` and no activation.

    Returns the norm of each layer's output :math:`a^{[l]} = W^{[l]} a^{[l-1]}` (shape
    (depth,)) and the norm of :math:`\\partial \\hat y / \\partial a^{[l]}` for
    :math:`\\hat y = \\sum_j a^{[L]}_j` (shape (depth,)): :math:`s^l \\lVert x\\rVert` and
    :math:`s^{L-l}\\sqrt{n}`.
    """
    if depth < 1:
        raise ValueError(f"depth must be a whole number >= 1, got {depth!r}")
    x = np.asarray(x, dtype=float).reshape(-1, 1)
    W = scale * np.eye(x.shape[0])
    # --8<-- [start:linear]
    a, outputs = x, []
    for _ in range(depth):
        a = W @ a
        outputs.append(np.linalg.norm(a))
    g, grads = np.ones_like(x), []  # d yhat / d a[L]
    for _ in range(depth):
        grads.append(np.linalg.norm(g))
        g = W.T @ g  # d yhat / d a[l-1] = W[l]^T d yhat / d a[l]
    # --8<-- [end:linear]
    return np.array(outputs), np.array(grads[::-1])


def signal_propagation(params: dict, X, Y) -> dict[str, np.ndarray]:
    """Per-layer scales of one forward and backward pass of :func:`course_code.network.forward`.

    Parameters
    ----------
    params : dict
        ``W1, b1, ..., WL, bL`` (ReLU hidden layers, sigmoid output).
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)

    Returns
    -------
    dict
        ``"activation"``: root mean square of each hidden layer's output :math:`A^{[l]}`,
        shape (L - 1,); ``"grad_activation"``: root mean square of
        :math:`dA^{[l]} = \\partial J/\\partial A^{[l]}` times ``m`` (the per-example gradient),
        shape (L - 1,); ``"grad_weight"``: Frobenius norm of :math:`dW^{[l]}`, shape (L,);
        ``"weight"``: Frobenius norm of :math:`W^{[l]}`, shape (L,); ``"cost"``: the
        cross-entropy :math:`J` of this forward pass (a float, computed from the output's
        pre-activation :math:`Z^{[L]}`, so it stays finite when the sigmoid saturates).
    """
    AL, caches = forward(X, params)
    m, L = AL.shape[1], len(caches)
    act = [_rms(caches[l].linear_activation.Z.clip(min=0)) for l in range(L - 1)]
    # --8<-- [start:backward]
    dZ, dA, grad_act, grad_w = (AL - Y) / m, None, [], []
    for l in range(L, 0, -1):
        cache = caches[l - 1].linear_activation
        if l < L:
            grad_act.append(_rms(dA) * m)
            dZ = relu_backward(dA, cache.Z)
        dA, dW, _ = linear_backward(dZ, cache.linear)
        grad_w.append(np.linalg.norm(dW))
    # --8<-- [end:backward]
    weight = [np.linalg.norm(params[f"W{l}"]) for l in range(1, L + 1)]
    return {
        "activation": np.array(act),
        "grad_activation": np.array(grad_act[::-1]),
        "grad_weight": np.array(grad_w[::-1]),
        "weight": np.array(weight),
        "cost": cost_from_logits(caches[-1].linear_activation.Z, Y),
    }
