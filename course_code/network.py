"""The course's L-layer network: ReLU hidden layers, a sigmoid output, binary cross-entropy.

With ``output="softmax"`` the last layer has ``C >= 2`` units and a softmax, the labels are
one-hot columns of shape ``(C, m)`` and the cost is the categorical cross-entropy (week 3's
softmax regression). The backward pass is the same code for both outputs: see :func:`backward`.

This is the readable reference implementation: the pages show it and the gradient checks
test it. :mod:`course_code.engine` runs the same computation in preallocated buffers for
training speed, and the tests require the two to agree. Batch-normalized layers (week 3)
live in :mod:`course_code.batchnorm_network`, built on the layers of this one.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .activations import hardmax, relu_backward
from .layers import LinearActivationCache, linear_activation_forward, linear_backward
from .losses import check_one_hot
from .regularization import (
    check_keep_prob,
    check_lambd,
    dropout_backward,
    dropout_forward,
    l2_gradient,
)

__all__ = [
    "OUTPUTS",
    "LayerCache",
    "accuracy",
    "backward",
    "check_XY",
    "check_output",
    "check_params",
    "forward",
    "layer_dims_of",
    "num_layers",
    "param_keys",
    "predict",
]


#: The output layers :func:`forward` knows.
OUTPUTS = ("sigmoid", "softmax")


def check_output(output: str, n_out: int) -> str:
    """Check an ``output`` name against the last layer's ``n_out`` units; return it.

    A softmax needs at least 2 classes (with one unit it would always output 1).
    """
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {OUTPUTS}, got {output!r}")
    if output == "softmax" and n_out < 2:
        raise ValueError(f"output='softmax' needs a last layer of C >= 2 units, got {n_out}")
    return output


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


def forward(X, params, *, keep_prob=1.0, rng=None, masks=None, output="sigmoid"):
    """Forward pass: ``L - 1`` LINEAR->RELU layers (with optional dropout), then LINEAR->SIGMOID
    (or LINEAR->SOFTMAX).

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
    output : {"sigmoid", "softmax"}
        The output layer's activation. ``"softmax"`` needs ``C >= 2`` output units.

    Returns
    -------
    AL : ndarray of shape (1, m), or (C, m) with a softmax
        Predicted probabilities (with a softmax, each column sums to 1).
    caches : list of LayerCache
        One per layer, for :func:`backward`.
    """
    # --8<-- [start:forward]
    L = check_params(params)
    keep_prob = check_keep_prob(keep_prob)
    output = check_output(output, params[f"W{L}"].shape[0])
    A = check_XY(X, n_x=params["W1"].shape[1])
    caches = []
    for l in range(1, L):
        A, linear_activation = linear_activation_forward(A, params[f"W{l}"], params[f"b{l}"], "relu")
        mask = None
        if keep_prob < 1.0:
            A, mask = dropout_forward(A, keep_prob, rng=rng, mask=None if masks is None else masks[l - 1])
        caches.append(LayerCache(linear_activation, mask))
    AL, linear_activation = linear_activation_forward(A, params[f"W{L}"], params[f"b{L}"], output)
    caches.append(LayerCache(linear_activation, None))
    return AL, caches
    # --8<-- [end:forward]


def backward(AL, Y, caches, *, lambd=0.0, keep_prob=1.0):
    """Gradients of the mean cross-entropy (plus the L2 penalty) with respect to every parameter.

    Parameters
    ----------
    AL : ndarray of shape (1, m), or (C, m) for a softmax output
        Output of :func:`forward`.
    Y : ndarray shaped like AL
        Labels in {0, 1}; one-hot columns when ``AL`` has ``C >= 2`` rows (a softmax).
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
    :math:`a` or :math:`1 - a`. A softmax output with the categorical cross-entropy gives the
    same :math:`dZ^{[L]} = \\frac{1}{m}(A^{[L]} - Y)`, column by column, because each one-hot
    column of ``Y`` sums to 1 (derived on the softmax page). Then, for :math:`l = L, \\dots, 1`:

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
    if AL.ndim == 2 and AL.shape[0] > 1:  # softmax: C classes, one-hot labels
        Y = check_one_hot(Y, AL.shape[0])
    if Y.shape != AL.shape:
        raise ValueError(f"Y has shape {Y.shape} but AL has shape {AL.shape}; expected equal shapes")
    m = AL.shape[1]
    L = len(caches)
    grads = {}
    dZ, dA = (AL - Y) / m, None  # output layer: sigmoid (or softmax) and cross-entropy combined
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


def predict(X, params, *, output="sigmoid") -> np.ndarray:
    """Class predictions; dropout is never applied at prediction time.

    Sigmoid output: shape (1, m), dtype int, 1 where the output exceeds 0.5, else 0.
    Softmax output: the hardmax of the probabilities, one-hot of shape (C, m), dtype int
    (1 at each column's most probable class), laid out like the labels ``Y``.
    """
    AL, _ = forward(X, params, output=output)
    if output == "softmax":
        return hardmax(AL).astype(int)
    return (AL > 0.5).astype(int)


def accuracy(X, Y, params, *, output="sigmoid") -> float:
    """Fraction of the columns of ``X`` whose prediction equals the label in ``Y``.

    ``Y`` has shape (1, m) for a sigmoid output, one-hot (C, m) for a softmax output.
    """
    n_out = params[f"W{num_layers(params)}"].shape[0]
    X, Y = check_XY(X, Y, n_x=params["W1"].shape[1], n_y=n_out if output == "softmax" else 1)
    if output == "softmax":
        check_one_hot(Y, n_out)
    return float(np.mean(np.all(predict(X, params, output=output) == Y, axis=0)))
