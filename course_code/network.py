"""The course's L-layer network: ReLU hidden layers, a sigmoid output, binary cross-entropy.

This is the readable reference implementation: the pages show it and the gradient checks
test it. :mod:`course_code.engine` runs the same computation in preallocated buffers for
training speed, and the tests require the two to agree.

Any hidden layer can be batch-normalized (LINEAR -> BATCHNORM -> RELU). Such a layer ``l``
has the parameters ``W{l}, gamma{l}, beta{l}`` and **no bias** ``b{l}``: batch norm subtracts
each unit's mean over the batch, so a constant added before it cancels exactly (its gradient
is zero) and the shift ``beta{l}`` takes its role. Keeping ``b{l}`` would add a parameter that
gradient descent never moves, and rounding noise for adaptive optimizers to amplify.
Its running statistics (for inference) are not parameters; they travel separately as a
tuple with one entry per hidden layer (``RunningStats`` or ``None``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .activations import relu, relu_backward
from .batchnorm import BatchNormCache, RunningStats, batchnorm_backward, batchnorm_forward
from .layers import LinearActivationCache, LinearCache, linear_activation_forward, linear_backward
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
    "batchnorm_layers",
    "check_XY",
    "check_params",
    "check_running",
    "forward",
    "layer_dims_of",
    "num_layers",
    "param_keys",
    "predict",
    "with_batchnorm",
]


class LayerCache(NamedTuple):
    """Everything the backward pass needs from one layer of :func:`forward`."""

    linear_activation: LinearActivationCache  # its Z is the ReLU's input (after batch norm)
    dropout_mask: np.ndarray | None  # 0/1 mask of this layer's output, or None
    batchnorm: BatchNormCache | None = None  # batch-normalized layers only
    running: RunningStats | None = None      # their running statistics after this pass


def num_layers(params: dict[str, np.ndarray]) -> int:
    """Number of layers ``L`` (weight matrices) in ``params``."""
    return len([k for k in params if k.startswith("W")])


def batchnorm_layers(params: dict[str, np.ndarray]) -> tuple[int, ...]:
    """The hidden layers ``l`` that are batch-normalized (they hold ``gamma{l}``), in order."""
    return tuple(sorted(int(k[5:]) for k in params if k.startswith("gamma")))


def param_keys(params: dict[str, np.ndarray]) -> list[str]:
    """The parameter names layer by layer: ``W1, b1, ...``, with ``gamma{l}, beta{l}`` for ``b{l}``
    in batch-normalized layers. :mod:`course_code.gradient_check` lays vectors out in this order."""
    L = num_layers(params)
    return [k for l in range(1, L + 1)
            for k in ((f"W{l}", f"gamma{l}", f"beta{l}") if f"gamma{l}" in params else (f"W{l}", f"b{l}"))]


def check_params(params: dict[str, np.ndarray]) -> int:
    """Check that ``params`` holds ``W1, b1, ..., WL, bL`` with consistent shapes; return ``L``.

    A batch-normalized hidden layer ``l`` holds ``gamma{l}, beta{l}`` instead of ``b{l}``.
    """
    L = num_layers(params)
    if L == 0 or set(params) != set(param_keys(params)) or f"gamma{L}" in params:
        raise ValueError(
            f"params must have keys W1, b1, ..., WL, bL (gammal, betal instead of bl in a "
            f"batch-normalized hidden layer l < L); got {sorted(params)}"
        )
    for l in range(1, L + 1):
        W = params[f"W{l}"]
        if W.ndim != 2:
            raise ValueError(f"W{l} must be 2-D, got shape {W.shape}")
        for k in (f"gamma{l}", f"beta{l}") if f"gamma{l}" in params else (f"b{l}",):
            if params[k].shape != (W.shape[0], 1):
                raise ValueError(f"{k} has shape {params[k].shape}, expected {(W.shape[0], 1)}")
        if l > 1 and W.shape[1] != params[f"W{l - 1}"].shape[0]:
            raise ValueError(
                f"W{l} has shape {W.shape} but layer {l - 1} has {params[f'W{l - 1}'].shape[0]} units"
            )
    return L


def with_batchnorm(params: dict[str, np.ndarray], layers) -> dict[str, np.ndarray]:
    """A copy of ``params`` with the hidden ``layers`` batch-normalized.

    Each such layer's bias ``b{l}`` is dropped and ``gamma{l} = 1``, ``beta{l} = 0`` are added
    (batch norm then starts as a plain standardization). Layers that already have ``gamma{l}``
    keep it. The weights are copied unchanged.
    """
    L = check_params(params)
    out = {k: np.array(v, dtype=float) for k, v in params.items()}
    for l in layers:
        if isinstance(l, bool) or not isinstance(l, (int, np.integer)) or not 1 <= l < L:
            raise ValueError(f"batch norm goes on hidden layers 1..{L - 1}, got layer {l!r}")
        if f"gamma{l}" not in out:
            n = out.pop(f"b{l}").shape[0]
            out[f"gamma{l}"], out[f"beta{l}"] = np.ones((n, 1)), np.zeros((n, 1))
    return out


def check_running(params: dict[str, np.ndarray], training, running):
    """Check the batch-norm mode and running statistics; return ``running`` as a tuple.

    For a network without batch-norm layers both are ignored (and ``running`` must be None).
    With them, ``training`` must be True (batch statistics; ``running`` None means mean 0,
    variance 1) or False (the running statistics, which must then be given). The tuple has
    one entry per hidden layer: ``RunningStats`` with arrays of shape (n[l], 1), or None.
    """
    L, bn = check_params(params), batchnorm_layers(params)
    if not bn:
        if running is not None and any(r is not None for r in running):
            raise ValueError("running statistics were given but params have no batch-norm layer")
        return (None,) * (L - 1)
    if not isinstance(training, bool):
        raise ValueError(f"params have batch-norm layers {bn}: pass training=True (batch statistics) "
                         f"or training=False with running= (running statistics), got training={training!r}")
    if running is None:
        if not training:
            raise ValueError("inference (training=False) needs the running statistics: pass "
                             "running= (e.g. TrainResult.running)")
        return (None,) * (L - 1)
    running = tuple(running)
    if len(running) != L - 1:
        raise ValueError(f"running needs one entry per hidden layer ({L - 1}), got {len(running)}")
    for l in range(1, L):
        r, shape = running[l - 1], (params[f"W{l}"].shape[0], 1)
        if r is not None and l not in bn:
            raise ValueError(f"running[{l - 1}] is given but layer {l} is not batch-normalized")
        if r is None and l in bn and not training:
            raise ValueError(f"running[{l - 1}] is None but layer {l} is batch-normalized")
        if r is not None and (np.shape(r[0]) != shape or np.shape(r[1]) != shape):
            raise ValueError(f"running[{l - 1}] has shapes {np.shape(r[0])} and {np.shape(r[1])}, "
                             f"expected {shape}")
    return running


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


# --8<-- [start:forward]
def forward(X, params, *, keep_prob=1.0, rng=None, masks=None, training=None, running=None):
    """Forward pass: ``L - 1`` LINEAR->RELU layers (with optional dropout), then LINEAR->SIGMOID.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    params : dict
        ``W1, b1, ..., WL, bL`` (see :func:`~course_code.initializers.initialize_parameters`);
        a batch-normalized hidden layer has ``gamma{l}, beta{l}`` instead of ``b{l}``.
    keep_prob : float in (0, 1]
        Inverted dropout on the hidden layers' outputs when below 1.
    rng : numpy.random.Generator, optional
        Draws the dropout masks; needed when ``keep_prob < 1`` and ``masks`` is None.
    masks : list of ndarray, optional
        Fixed dropout masks, one per hidden layer (shape ``(n[l], m)``), e.g. for a
        gradient check.
    training : bool, optional
        Batch-norm networks only: normalize with the batch's statistics (True) or with
        ``running`` (False). See :func:`check_running`.
    running : tuple, optional
        Running statistics, one entry per hidden layer (``RunningStats`` or None).

    Returns
    -------
    AL : ndarray of shape (1, m)
        Predicted probabilities.
    caches : list of LayerCache
        One per layer, for :func:`backward`; a batch-normalized layer's cache also holds
        its updated running statistics.
    """
    L = check_params(params)
    keep_prob = check_keep_prob(keep_prob)
    A = check_XY(X, n_x=params["W1"].shape[1])
    running = check_running(params, training, running)
    caches = []
    for l in range(1, L):
        if f"gamma{l}" in params:
            A, cache = batchnorm_relu_forward(A, params, l, running[l - 1], training=training)
        else:
            A, linear_activation = linear_activation_forward(A, params[f"W{l}"], params[f"b{l}"], "relu")
            cache = LayerCache(linear_activation, None)
        if keep_prob < 1.0:
            given = None if masks is None else masks[l - 1]
            A, mask = dropout_forward(A, keep_prob, rng=rng, mask=given)
            cache = cache._replace(dropout_mask=mask)
        caches.append(cache)
    AL, cache = linear_activation_forward(A, params[f"W{L}"], params[f"b{L}"], "sigmoid")
    caches.append(LayerCache(cache, None))
    return AL, caches
# --8<-- [end:forward]


# --8<-- [start:batchnorm_layer]
def batchnorm_relu_forward(A_prev, params, l: int, running, *, training: bool):
    """Hidden layer ``l`` with batch norm: LINEAR (no bias) -> BATCHNORM -> RELU.

    Returns ``(A, cache)``; the cache's ``linear_activation.Z`` is :math:`\\tilde Z` (the
    ReLU's input) and its ``running`` the updated running statistics.
    """
    W = params[f"W{l}"]
    Z = W @ A_prev                          # no "+ b": the mean subtraction would cancel it
    Z_tilde, bn_cache, running = batchnorm_forward(Z, params[f"gamma{l}"], params[f"beta{l}"],
                                                   running, training=training)
    A, _ = relu(Z_tilde)
    linear_activation = LinearActivationCache(LinearCache(A_prev, W, None), Z_tilde)
    return A, LayerCache(linear_activation, None, bn_cache, running)
# --8<-- [end:batchnorm_layer]


# --8<-- [start:backward]
# --8<-- [start:backward_def]
def backward(AL, Y, caches, *, lambd=0.0, keep_prob=1.0):
    # --8<-- [end:backward_def]
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
        ``dW1, db1, ..., dWL, dbL`` with the shapes of the parameters (``dgamma{l}, dbeta{l}``
        instead of ``db{l}`` in a batch-normalized layer).

    Notes
    -----
    For a sigmoid output with cross-entropy the two derivatives combine into
    :math:`dZ^{[L]} = \\frac{1}{m}(A^{[L]} - Y)`, which never divides by
    :math:`a` or :math:`1 - a`. Then, for :math:`l = L, \\dots, 1`:

    .. math::
        dW^{[l]} = dZ^{[l]} A^{[l-1]T} + \\frac{\\lambda}{m} W^{[l]}, \\quad
        db^{[l]} = \\textstyle\\sum_i dZ^{[l]}_{:,i}, \\quad
        dA^{[l-1]} = W^{[l]T} dZ^{[l]}

    In a batch-normalized layer the ReLU's gradient is :math:`d\\tilde Z^{[l]}`, and
    :func:`~course_code.batchnorm.batchnorm_backward` turns it into :math:`dZ^{[l]}`,
    :math:`d\\gamma^{[l]}` and :math:`d\\beta^{[l]}`.
    """
    # --8<-- [start:backward_body]
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
            if cache.batchnorm is not None:           # dZ so far is d(Z tilde)
                dZ, grads[f"dgamma{l}"], grads[f"dbeta{l}"] = batchnorm_backward(dZ, cache.batchnorm)
        dA, dW, db = linear_backward(dZ, cache.linear_activation.linear)
        if lambd:
            dW = dW + l2_gradient(cache.linear_activation.linear.W, lambd, m)
        grads[f"dW{l}"] = dW
        if cache.batchnorm is None:
            grads[f"db{l}"] = db
    return grads
    # --8<-- [end:backward_body]
# --8<-- [end:backward]


# --8<-- [start:predict]
def predict(X, params, *, running=None) -> np.ndarray:
    """Class predictions (shape (1, m), dtype int): 1 where the output exceeds 0.5, else 0.

    Dropout is never applied at prediction time, and batch-normalized layers use the
    ``running`` statistics (inference mode; required for such networks, e.g.
    ``TrainResult.running``), so a prediction never depends on the other examples in ``X``.
    """
    AL, _ = forward(X, params, training=False, running=running)
    return (AL > 0.5).astype(int)
# --8<-- [end:predict]


def accuracy(X, Y, params, *, running=None) -> float:
    """Fraction of the columns of ``X`` whose prediction equals the label in ``Y`` (shape (1, m)).

    ``running``: the running statistics of a batch-norm network (see :func:`predict`).
    """
    X, Y = check_XY(X, Y, n_x=params["W1"].shape[1], n_y=1)
    return float(np.mean(predict(X, params, running=running) == Y))
