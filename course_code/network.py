"""The course's L-layer network: ReLU hidden layers, a sigmoid output, binary cross-entropy.

This is the readable reference implementation: the pages show it and the gradient checks
test it. :mod:`course_code.engine` runs the same computation in preallocated buffers for
training speed, and the tests require the two to agree. Batch-normalized layers (week 3)
live in :mod:`course_code.batchnorm_network`, built on the layers of this one.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .activations import relu_backward
from .layers import LinearActivationCache, linear_activation_forward, linear_backward
from .regularization import (
    check_keep_prob,
    check_lambd,
    dropout_backward,
    dropout_forward,
    l2_gradient,
)

__all__ = [
    "LayerCache",
    "accuracy",
    "backward",
    "check_XY",
    "check_params",
    "forward",
    "layer_dims_of",
    "num_layers",
    "param_keys",
    "predict",
]


class LayerCache(NamedTuple):
    """Everything the backward pass needs from one layer of :func:`forward`."""

    linear_activation: LinearActivationCache  # its Z is the activation's input
    dropout_mask: np.ndarray | None  # 0/1 mask of this layer's output, or None


def num_layers(params: dict[str, np.ndarray]) -> int:
    """Number of layers ``L`` (weight matrices) in ``params``."""
    return len([k for k in params if k.startswith("W")])


def param_keys(params: dict[str, np.ndarray]) -> list[str]:
    """The parameter names of ``params`` layer by layer: ``W1, b1, W2, b2, ...``.

    Layer ``l`` lists ``W{l}``, then whichever of ``b{l}``, ``gamma{l}``, ``beta{l}`` it has
    (a batch-normalized layer has ``gamma``, ``beta`` and no ``b``).
    :mod:`course_code.gradient_check` lays vectors out in this order.
    """
    return [f"{name}{l}" for l in range(1, num_layers(params) + 1)
            for name in ("W", "b", "gamma", "beta") if f"{name}{l}" in params]


def check_params(params: dict[str, np.ndarray]) -> int:
    """Check that ``params`` holds ``W1, b1, ..., WL, bL`` with consistent shapes; return ``L``."""
    L = num_layers(params)
    if L == 0 or sorted(params) != sorted(f"{k}{l}" for l in range(1, L + 1) for k in "Wb"):
        raise ValueError(f"params must have keys W1, b1, ..., WL, bL; got {sorted(params)}")
    for l in range(1, L + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        if W.ndim != 2:
            raise ValueError(f"W{l} must be 2-D, got shape {W.shape}")
        if b.shape != (W.shape[0], 1):
            raise ValueError(f"b{l} has shape {b.shape}, expected {(W.shape[0], 1)}")
        if l > 1 and W.shape[1] != params[f"W{l - 1}"].shape[0]:
            raise ValueError(
                f"W{l} has shape {W.shape} but layer {l - 1} has {params[f'W{l - 1}'].shape[0]} units"
            )
    return L


def layer_dims_of(params: dict[str, np.ndarray]) -> list[int]:
    """``[n_x, n_1, ..., n_L]`` read off the weight shapes."""
    L = check_params(params)
    return [params["W1"].shape[1]] + [params[f"W{l}"].shape[0] for l in range(1, L + 1)]


def check_XY(X, Y=None, *, n_x: int | None = None, n_y: int | None = None):
    """Return ``X`` (and ``Y``) as float arrays after checking the course's column layout.

    Raises ``ValueError`` naming the expected and actual shapes when ``X`` is not
    ``(n_x, m)`` or ``Y`` is not ``(n_y, m)``.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or (n_x is not None and X.shape[0] != n_x):
        raise ValueError(
            f"X must have shape ({n_x if n_x is not None else 'n_x'}, m) with one example "
            f"per column, got {X.shape}"
        )
    if Y is None:
        return X
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 2 or Y.shape[1] != X.shape[1] or (n_y is not None and Y.shape[0] != n_y):
        raise ValueError(
            f"Y must have shape ({n_y if n_y is not None else 'n_y'}, {X.shape[1]}) to match "
            f"X of shape {X.shape}, got {Y.shape}"
        )
    return X, Y


def forward(X, params, *, keep_prob=1.0, rng=None, masks=None):
    """Forward pass: ``L - 1`` LINEAR->RELU layers (with optional dropout), then LINEAR->SIGMOID.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    params : dict
        ``W1, b1, ..., WL, bL`` (see :func:`~course_code.initializers.initialize_parameters`).
    keep_prob : float in (0, 1]
        Inverted dropout on the hidden layers' outputs when below 1.
    rng : numpy.random.Generator, optional
        Draws the dropout masks; needed when ``keep_prob < 1`` and ``masks`` is None.
    masks : list of ndarray, optional
        Fixed dropout masks, one per hidden layer (shape ``(n[l], m)``), e.g. for a
        gradient check.

    Returns
    -------
    AL : ndarray of shape (1, m)
        Predicted probabilities.
    caches : list of LayerCache
        One per layer, for :func:`backward`.
    """
    # --8<-- [start:forward]
    L = check_params(params)
    keep_prob = check_keep_prob(keep_prob)
    A = check_XY(X, n_x=params["W1"].shape[1])
    caches = []
    for l in range(1, L):
        A, linear_activation = linear_activation_forward(A, params[f"W{l}"], params[f"b{l}"], "relu")
        mask = None
        if keep_prob < 1.0:
            A, mask = dropout_forward(A, keep_prob, rng=rng, mask=None if masks is None else masks[l - 1])
        caches.append(LayerCache(linear_activation, mask))
    AL, linear_activation = linear_activation_forward(A, params[f"W{L}"], params[f"b{L}"], "sigmoid")
    caches.append(LayerCache(linear_activation, None))
    return AL, caches
    # --8<-- [end:forward]


def backward(AL, Y, caches, *, lambd=0.0, keep_prob=1.0):
    """Gradients of the mean cross-entropy (plus the L2 penalty) with respect to every parameter.

    Parameters
    ----------
    AL : ndarray of shape (1, m)
        Output of :func:`forward`.
    Y : ndarray of shape (1, m)
        Labels in {0, 1}.
    caches : list of LayerCache
        From :func:`forward` (with the dropout masks it used).
    lambd : float
        L2 strength :math:`\\lambda`; adds :math:`\\frac{\\lambda}{m} W^{[l]}` to each ``dW``.
    keep_prob : float
        Must be the value :func:`forward` used.

    Returns
    -------
    dict
        ``dW1, db1, ..., dWL, dbL`` with the shapes of the parameters.

    Notes
    -----
    For a sigmoid output with cross-entropy the two derivatives combine into
    :math:`dZ^{[L]} = \\frac{1}{m}(A^{[L]} - Y)`, which never divides by
    :math:`a` or :math:`1 - a`. Then, for :math:`l = L, \\dots, 1`:

    .. math::
        dW^{[l]} = dZ^{[l]} A^{[l-1]T} + \\frac{\\lambda}{m} W^{[l]}, \\quad
        db^{[l]} = \\textstyle\\sum_i dZ^{[l]}_{:,i}, \\quad
        dA^{[l-1]} = W^{[l]T} dZ^{[l]}
    """
    # --8<-- [start:backward]
    lambd = check_lambd(lambd)
    keep_prob = check_keep_prob(keep_prob)
    AL = np.asarray(AL, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if Y.shape != AL.shape:
        raise ValueError(f"Y has shape {Y.shape} but AL has shape {AL.shape}; expected equal shapes")
    m = AL.shape[1]
    L = len(caches)
    grads = {}
    dZ, dA = (AL - Y) / m, None  # output layer: sigmoid and cross-entropy combined
    for l in range(L, 0, -1):
        cache = caches[l - 1]
        if l < L:  # hidden layer: undo dropout, then the ReLU
            if cache.dropout_mask is not None:
                dA = dropout_backward(dA, cache.dropout_mask, keep_prob)
            dZ = relu_backward(dA, cache.linear_activation.Z)
        dA, dW, db = linear_backward(dZ, cache.linear_activation.linear)
        if lambd:
            dW = dW + l2_gradient(cache.linear_activation.linear.W, lambd, m)
        grads[f"dW{l}"] = dW
        grads[f"db{l}"] = db
    return grads
    # --8<-- [end:backward]


def predict(X, params) -> np.ndarray:
    """Class predictions (shape (1, m), dtype int): 1 where the output exceeds 0.5, else 0.

    Dropout is never applied at prediction time.
    """
    AL, _ = forward(X, params)
    return (AL > 0.5).astype(int)


def accuracy(X, Y, params) -> float:
    """Fraction of the columns of ``X`` whose prediction equals the label in ``Y`` (shape (1, m))."""
    X, Y = check_XY(X, Y, n_x=params["W1"].shape[1], n_y=1)
    return float(np.mean(predict(X, params) == Y))
