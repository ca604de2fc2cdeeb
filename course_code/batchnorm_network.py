"""The course's network with batch-normalized hidden layers (week 3), and how it trains.

Any hidden layer ``l`` can be LINEAR -> BATCHNORM -> RELU. Such a layer has the parameters
``W{l}, gamma{l}, beta{l}`` and **no bias** ``b{l}``: batch norm subtracts each unit's mean
over the batch, so a constant added before it cancels exactly (its gradient is zero) and the
shift ``beta{l}`` takes its role. Keeping ``b{l}`` would add a parameter that gradient
descent never moves, and rounding noise for adaptive optimizers to amplify.

The network runs in one of two modes. **Training mode** normalizes with the batch's own mean
and variance and updates running averages of them; **inference mode** uses those running
averages, so a prediction never depends on the other examples. The running statistics are
not parameters: they travel as a tuple with one entry per hidden layer (``RunningStats``, or
None for a layer without batch norm).

The plain network (:mod:`course_code.network`) is unchanged: this module builds on its
layers, and the tests check that a network without batch-norm layers gives what it gives.
"""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np

from .activations import relu, relu_backward
from .batchnorm import BatchNormCache, RunningStats, batchnorm_backward, batchnorm_forward
from .initializers import initialize_parameters
from .layers import LinearActivationCache, LinearCache, linear_activation_forward, linear_backward
from .losses import cross_entropy_from_logits
from .minibatch import batch_bounds
from .network import check_XY, num_layers, param_keys
from .regularization import check_keep_prob, check_lambd, dropout_backward, dropout_forward, l2_gradient
from .training import TrainResult, check_finite, prepare

__all__ = ["BNLayerCache", "accuracy", "backward", "batch_statistics_output", "batchnorm_layers",
           "check_params", "check_running", "forward", "predict", "train", "with_batchnorm"]


class BNLayerCache(NamedTuple):
    """What :func:`backward` needs from one layer of :func:`forward`."""

    linear_activation: LinearActivationCache  # its Z is the ReLU's input (after batch norm)
    dropout_mask: np.ndarray | None = None    # this layer's dropout mask, or None
    batchnorm: BatchNormCache | None = None   # batch-normalized layers only
    running: RunningStats | None = None       # their running statistics after this pass


def batchnorm_layers(params: dict[str, np.ndarray]) -> tuple[int, ...]:
    """The hidden layers ``l`` that are batch-normalized (they hold ``gamma{l}``), in order."""
    return tuple(sorted(int(k[5:]) for k in params if k.startswith("gamma")))


def check_params(params: dict[str, np.ndarray]) -> int:
    """Check ``W1, ...`` with ``b{l}``, or ``gamma{l}, beta{l}`` in a batch-normalized hidden layer."""
    L = num_layers(params)
    expected = [k for l in range(1, L + 1)
                for k in ((f"W{l}", f"gamma{l}", f"beta{l}") if f"gamma{l}" in params and l < L
                          else (f"W{l}", f"b{l}"))]
    if L == 0 or sorted(params) != sorted(expected):
        raise ValueError("params must have keys W1, b1, ..., WL, bL, with gammal, betal instead of bl in "
                         f"a batch-normalized hidden layer l < L; got {sorted(params)}")
    for l in range(1, L + 1):
        W = params[f"W{l}"]
        if W.ndim != 2 or (l > 1 and W.shape[1] != params[f"W{l - 1}"].shape[0]):
            raise ValueError(f"W{l} has shape {W.shape}, which does not fit the layer below")
        for k in (f"gamma{l}", f"beta{l}") if f"gamma{l}" in params else (f"b{l}",):
            if params[k].shape != (W.shape[0], 1):
                raise ValueError(f"{k} has shape {params[k].shape}, expected {(W.shape[0], 1)}")
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
    return {k: out[k] for k in param_keys(out)}


def check_running(params: dict[str, np.ndarray], training, running) -> tuple:
    """Check the mode and the running statistics; return ``running`` as a tuple (one per hidden layer).

    ``training`` must be True (batch statistics; ``running`` None means mean 0, variance 1)
    or False (the running statistics, which must then be given, with arrays of shape (n[l], 1)).
    """
    L, bn = check_params(params), batchnorm_layers(params)
    if not isinstance(training, bool):
        raise ValueError("pass training=True (batch statistics) or training=False with running= "
                         f"(running statistics), got training={training!r}")
    if running is None:
        if not training and bn:
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


def batchnorm_relu_forward(A_prev, W, gamma, beta, running, *, training: bool):
    """Hidden layer with batch norm: LINEAR (no bias) -> BATCHNORM -> RELU; ``(A, cache)``."""
    # --8<-- [start:batchnorm_layer]
    Z = W @ A_prev                          # no "+ b": the mean subtraction would cancel it
    Z_tilde, bn_cache, running = batchnorm_forward(Z, gamma, beta, running, training=training)
    A, _ = relu(Z_tilde)
    linear_activation = LinearActivationCache(LinearCache(A_prev, W, None), Z_tilde)
    return A, BNLayerCache(linear_activation, None, bn_cache, running)
    # --8<-- [end:batchnorm_layer]


def forward(X, params, *, training: bool, running=None, keep_prob=1.0, rng=None, masks=None):
    """Forward pass: hidden layers (batch-normalized where ``params`` says so), then LINEAR->SIGMOID.

    ``X`` has shape (n_x, m); returns ``(AL, caches)`` with ``AL`` of shape (1, m). ``training``
    and ``running`` as in :func:`check_running`; dropout (``keep_prob``, ``rng``, ``masks``) as in
    :func:`course_code.network.forward`. A batch-normalized layer's cache holds its updated
    running statistics.
    """
    L = check_params(params)
    keep_prob = check_keep_prob(keep_prob)
    A = check_XY(X, n_x=params["W1"].shape[1])
    running = check_running(params, training, running)
    caches = []
    for l in range(1, L):
        if f"gamma{l}" in params:
            A, cache = batchnorm_relu_forward(A, params[f"W{l}"], params[f"gamma{l}"], params[f"beta{l}"],
                                              running[l - 1], training=training)
        else:
            A, linear_activation = linear_activation_forward(A, params[f"W{l}"], params[f"b{l}"], "relu")
            cache = BNLayerCache(linear_activation)
        if keep_prob < 1.0:
            A, mask = dropout_forward(A, keep_prob, rng=rng, mask=None if masks is None else masks[l - 1])
            cache = cache._replace(dropout_mask=mask)
        caches.append(cache)
    AL, cache = linear_activation_forward(A, params[f"W{L}"], params[f"b{L}"], "sigmoid")
    caches.append(BNLayerCache(cache))
    return AL, caches


def backward(AL, Y, caches, *, lambd=0.0, keep_prob=1.0):
    """Gradients of the mean cross-entropy (plus L2) for :func:`forward` in training mode."""
    # --8<-- [start:backward]
    lambd, keep_prob = check_lambd(lambd), check_keep_prob(keep_prob)
    m, L, grads = AL.shape[1], len(caches), {}
    dZ, dA = (AL - Y) / m, None  # output layer: sigmoid and cross-entropy combined
    for l in range(L, 0, -1):
        cache = caches[l - 1]
        if l < L:  # hidden layer: undo dropout, then the ReLU (and batch norm)
            if cache.dropout_mask is not None:
                dA = dropout_backward(dA, cache.dropout_mask, keep_prob)
            dZ = relu_backward(dA, cache.linear_activation.Z)
            if cache.batchnorm is not None:           # dZ so far is d(Z tilde)
                dZ, grads[f"dgamma{l}"], grads[f"dbeta{l}"] = batchnorm_backward(dZ, cache.batchnorm)
        dA, dW, db = linear_backward(dZ, cache.linear_activation.linear)
        grads[f"dW{l}"] = dW + l2_gradient(cache.linear_activation.linear.W, lambd, m) if lambd else dW
        if cache.batchnorm is None:
            grads[f"db{l}"] = db
    return grads
    # --8<-- [end:backward]


def predict(X, params, *, running) -> np.ndarray:
    """Class predictions (1, m) of 0/1 in inference mode (the running statistics, no dropout)."""
    AL, _ = forward(X, params, training=False, running=running)
    return (AL > 0.5).astype(int)


def accuracy(X, Y, params, *, running) -> float:
    """Fraction of the columns of ``X`` whose prediction (inference mode) equals the label in ``Y``."""
    X, Y = check_XY(X, Y, n_x=params["W1"].shape[1], n_y=1)
    return float(np.mean(predict(X, params, running=running) == Y))


def batch_statistics_output(X, params, batch_size: int) -> np.ndarray:
    """Outputs (1, m) when ``X`` is predicted in TRAINING mode, ``batch_size`` columns at a time.

    Each consecutive group of ``batch_size`` columns (the last one may be smaller) is
    normalized with its own mean and variance, so a column's output depends on its
    neighbours. This is the mistake of using batch statistics at test time. With
    ``batch_size=1`` every batch-normalized unit sees :math:`z - \\mu = 0`, hence
    :math:`\\hat z = 0` and :math:`\\tilde z = \\beta`: every column gets the same output.
    """
    check_params(params)
    X = check_XY(X, n_x=params["W1"].shape[1])
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a whole number >= 1, got {batch_size!r}")
    # --8<-- [start:batch_statistics_output]
    outputs = []
    for a, b in batch_bounds(X.shape[1], int(batch_size)):
        AL, _ = forward(X[:, a:b], params, training=True)  # this batch's own mean and variance
        outputs.append(AL)
    return np.concatenate(outputs, axis=1)
    # --8<-- [end:batch_statistics_output]


def _selected_layers(batch_norm, layer_dims) -> tuple[int, ...]:
    """The hidden layers (1-based) that ``batch_norm`` (a bool or one bool per hidden layer) selects."""
    hidden = len(layer_dims) - 2
    if isinstance(batch_norm, (bool, np.bool_)):
        return tuple(range(1, hidden + 1)) if batch_norm else ()
    flags = tuple(batch_norm) if isinstance(batch_norm, (tuple, list)) else None
    if flags is None or len(flags) != hidden or not all(isinstance(f, (bool, np.bool_)) for f in flags):
        raise ValueError(f"batch_norm must be a bool or one bool per hidden layer ({hidden}), "
                         f"got {batch_norm!r}")
    return tuple(l for l, f in enumerate(flags, start=1) if f)


def _flat_views(params: dict) -> tuple[np.ndarray, dict]:
    """``theta`` (all parameters end to end, in ``param_keys`` order) and a dict of views into it."""
    keys = param_keys(params)
    theta = np.concatenate([params[k].ravel() for k in keys])
    views, offset = {}, 0
    for k in keys:
        views[k] = theta[offset:offset + params[k].size].reshape(params[k].shape)
        offset += params[k].size
    return theta, views


def _init(init, layer_dims, batch_norm, rng) -> dict:
    if isinstance(init, str):
        params = initialize_parameters(layer_dims, init, rng=rng)
    else:
        L = check_params(init)
        dims = [init["W1"].shape[1]] + [init[f"W{l}"].shape[0] for l in range(1, L + 1)]
        if dims != list(layer_dims):
            raise ValueError(f"init params have layer sizes {dims}, expected {list(layer_dims)}")
        params = init
    return with_batchnorm(params, _selected_layers(batch_norm, layer_dims))


def train(X, Y, layer_dims, *, optimizer, schedule, num_epochs: int, batch_norm=True,
          mini_batch_size=None, lambd=0.0, keep_prob=1.0, init="he", rng, record_every: int = 100):
    """:func:`course_code.training.train` for a network with batch-normalized layers.

    ``batch_norm`` selects the layers: True (every hidden layer) or one bool per hidden layer;
    ``init`` is a method name or a ``W1, b1, ...`` dict (a batch-normalized layer's bias is
    replaced by ``gamma = 1, beta = 0``; one that already has ``gamma`` keeps it). The other
    arguments are those of ``train``. Costs are measured in training mode (batch statistics);
    ``TrainResult.running`` holds the running statistics for :func:`predict` and :func:`accuracy`.

    The loop is the readable one: :func:`forward` and :func:`backward` on parameters that are
    views into one flat vector, which the optimizer's rule updates at once.
    """
    X, Y, rates, size, lambd, keep_prob = prepare(X, Y, layer_dims, optimizer, schedule, num_epochs,
                                                  mini_batch_size, lambd, keep_prob, record_every)
    m = X.shape[1]
    theta, params = _flat_views(_init(init, layer_dims, batch_norm, rng))
    keys = param_keys(params)
    state = optimizer.init({"theta": theta})
    slots = tuple(state.slots[s]["theta"] for s in optimizer.slot_names)
    grad = np.empty_like(theta)
    running, costs, recorded, t = None, [], [], 0
    start = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(num_epochs):
            lr, record = float(rates[epoch]), epoch % record_every == 0
            perm = rng.permutation(m) if size < m else slice(None)
            Xs, Ys = X[:, perm], Y[:, perm]
            total = 0.0
            penalty = (lambd / (2 * m) * sum(float(np.sum(params[k] ** 2)) for k in keys if k[0] == "W")
                       if lambd and record else 0.0)
            for a, b in batch_bounds(m, size):
                AL, caches = forward(Xs[:, a:b], params, keep_prob=keep_prob, rng=rng, training=True,
                                     running=running)
                running = tuple(c.running for c in caches[:-1])
                if record:
                    total += cross_entropy_from_logits(caches[-1].linear_activation.Z, Ys[:, a:b]) * (b - a)
                grads = backward(AL, Ys[:, a:b], caches, lambd=lambd * (b - a) / m, keep_prob=keep_prob)
                np.concatenate([grads["d" + k].ravel() for k in keys], out=grad)
                t += 1
                new_theta, slots = optimizer.rule(theta, grad, slots, t, lr)
                theta[...] = new_theta                     # in place: params are views into it
            if record:
                costs.append(total / m + penalty)
                recorded.append(epoch)
            check_finite(theta, lambda: params, epoch, lr)
    epochs = np.array(recorded, dtype=int)
    return TrainResult({k: v.copy() for k, v in params.items()}, np.array(costs), rates[epochs], epochs,
                       time.perf_counter() - start, t, running)
