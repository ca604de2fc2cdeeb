"""``train``: mini-batch (or full-batch) training with any optimizer and schedule."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from .engine import FlatMLP
from .initializers import initialize_parameters
from .losses import cross_entropy_from_logits
from .minibatch import batch_bounds, check_mini_batch_size
from .network import backward, check_params, check_XY, forward, layer_dims_of, param_keys, with_batchnorm
from .optimizers import Optimizer, check_learning_rate
from .regularization import check_keep_prob, check_lambd
from .schedules import Schedule

__all__ = ["TrainResult", "TrainingDiverged", "train"]


class TrainingDiverged(FloatingPointError):
    """Raised when the parameters stop being finite numbers during training."""


@dataclass(frozen=True)
class TrainResult:
    """What :func:`train` returns.

    Attributes
    ----------
    params : dict
        Final ``W1, b1, ...``.
    costs : ndarray of shape (k,)
        Cost recorded at each of the ``k`` recorded epochs: the mean loss over the
        epoch's mini-batches, each measured before its update (plus the L2 penalty).
    learning_rates : ndarray of shape (k,)
        Learning rate of each recorded epoch.
    epochs : ndarray of shape (k,)
        The recorded epoch numbers (0-based): ``0, record_every, 2 * record_every, ...``.
    seconds : float
        Wall-clock time of the training loop.
    steps : int
        Number of parameter updates made.
    running : tuple or None
        Batch-norm networks only: the running statistics for inference, one entry per hidden
        layer (``RunningStats`` or None); pass them to ``predict``/``accuracy`` as ``running=``.
        None without batch norm.
    """

    params: dict
    costs: np.ndarray
    learning_rates: np.ndarray
    epochs: np.ndarray
    seconds: float
    steps: int
    running: tuple | None = None


def _learning_rates(schedule, num_epochs: int) -> np.ndarray:
    """The rate of every epoch, checked once up front."""
    epochs = np.arange(num_epochs)
    if isinstance(schedule, Schedule):
        rates = np.asarray(schedule(epochs), dtype=float)
    else:
        rates = np.array([float(schedule(int(e))) for e in epochs])
    bad = np.flatnonzero(~np.isfinite(rates) | (rates < 0))
    if bad.size:
        e = int(bad[0])
        check_learning_rate(rates[e])  # raises with the value in the message
    return rates


def _check_finite(flat: FlatMLP, epoch: int, lr: float) -> None:
    if not math.isfinite(float(flat.theta.sum())):
        params = flat.get_params()
        bad = [k for k, v in params.items() if not np.all(np.isfinite(v))]
        value = "nan" if any(np.isnan(params[k]).any() for k in bad) else "inf"
        raise TrainingDiverged(
            f"training diverged: {value} in parameters {', '.join(bad)} by epoch {epoch} "
            f"(learning rate {lr:g}); try a smaller learning rate"
        )


def _check_arguments(X, Y, layer_dims, optimizer, num_epochs, record_every) -> None:
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(Y))):
        raise ValueError("X and Y must be finite: found nan or inf in the training data")
    if list(layer_dims)[-1] != 1:
        raise ValueError(f"the output layer must have 1 unit (sigmoid), got layer_dims={layer_dims!r}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must come from course_code.optimizers, got {optimizer!r}")
    for name, value in (("num_epochs", num_epochs), ("record_every", record_every)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")


def _batchnorm_layers(batch_norm, layer_dims) -> tuple[int, ...]:
    """The hidden layers (1-based) that ``batch_norm`` (a bool or one bool per hidden layer) selects."""
    hidden = len(layer_dims) - 2
    if isinstance(batch_norm, (bool, np.bool_)):
        return tuple(range(1, hidden + 1)) if batch_norm else ()
    flags = tuple(batch_norm) if isinstance(batch_norm, (tuple, list)) else None
    if flags is None or len(flags) != hidden or not all(isinstance(f, (bool, np.bool_)) for f in flags):
        raise ValueError(f"batch_norm must be a bool or one bool per hidden layer ({hidden}), "
                         f"got {batch_norm!r}")
    return tuple(l for l, f in enumerate(flags, start=1) if f)


def _initial_params(init, layer_dims, rng) -> dict[str, np.ndarray]:
    if isinstance(init, str):
        return initialize_parameters(layer_dims, init, rng=rng)
    check_params(init)
    if layer_dims_of(init) != list(layer_dims):
        raise ValueError(f"init params have layer sizes {layer_dims_of(init)}, expected {list(layer_dims)}")
    bad = [k for k, v in init.items() if not np.all(np.isfinite(v))]
    if bad:
        raise ValueError(f"init params contain nan or inf in {', '.join(bad)}")
    return init


def _l2_penalty(net: FlatMLP, lambd: float, m: int) -> float:
    """:math:`\\frac{\\lambda}{2m}\\sum_l \\lVert W^{[l]} \\rVert^2` of the current weights."""
    if not lambd:
        return 0.0
    weights = net.theta * net.weight_mask
    return lambd / (2 * m) * float(np.dot(weights, weights))


# --8<-- [start:train]
def train(X, Y, layer_dims, *, optimizer: Optimizer, schedule, num_epochs: int,
          mini_batch_size: int | None = None, lambd: float = 0.0, keep_prob: float = 1.0,
          init="he", rng: np.random.Generator, record_every: int = 100,
          batch_norm=False) -> TrainResult:
    """Train the network of :mod:`course_code.network` on ``(X, Y)``.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
        Labels in {0, 1}.
    layer_dims : list of int
        ``[n_x, n_1, ..., 1]``.
    optimizer : Optimizer
        From :mod:`course_code.optimizers`, e.g. ``adam()``.
    schedule : callable
        ``schedule(epoch) -> learning rate`` for each 0-based epoch, e.g. ``constant(0.01)``.
    num_epochs : int
        Passes over the data. With full-batch training one epoch is one update (the
        course's "iterations").
    mini_batch_size : int or None
        ``None`` means full batch. Otherwise the data are reshuffled every epoch and cut
        as in :func:`~course_code.minibatch.random_mini_batches`.
    lambd : float
        L2 strength :math:`\\lambda`. The penalty is :math:`\\frac{\\lambda}{2m}\\sum\\lVert W\\rVert^2`
        with ``m`` the training-set size, also for mini-batches, so every batch's gradient
        estimates the gradient of the same regularized cost.
    keep_prob : float in (0, 1]
        Inverted dropout on the hidden layers, a fresh mask for every update.
    init : str or dict
        An :func:`~course_code.initializers.initialize_parameters` method (drawn from
        ``rng``) or a ready ``W1, b1, ...`` dict (copied, not modified).
    rng : numpy.random.Generator
        The only source of randomness: initialization, then shuffling and dropout.
    record_every : int
        Record cost and learning rate at epochs ``0, record_every, 2 * record_every, ...``.
    batch_norm : bool or tuple of bool
        Batch-normalize every hidden layer (True), none (False), or those marked True in a
        tuple with one entry per hidden layer. Such a layer learns ``gamma{l}, beta{l}`` instead
        of the bias ``b{l}`` (see :mod:`course_code.network`); an ``init`` dict may hold either.
        Costs are measured in training mode (batch statistics); the result carries the running
        statistics for inference.

    Returns
    -------
    TrainResult
    """
    X, Y = check_XY(X, Y, n_x=layer_dims[0], n_y=1)
    _check_arguments(X, Y, layer_dims, optimizer, num_epochs, record_every)
    lambd, keep_prob = check_lambd(lambd), check_keep_prob(keep_prob)
    m = X.shape[1]
    size = m if mini_batch_size is None else check_mini_batch_size(mini_batch_size, m)
    rates = _learning_rates(schedule, num_epochs)
    bn_layers = _batchnorm_layers(batch_norm, layer_dims)
    if bn_layers:
        params = with_batchnorm(_initial_params(init, layer_dims, rng), bn_layers)
        return _train_batchnorm(X, Y, params, optimizer, rates, size, lambd, keep_prob, rng, record_every)

    net = FlatMLP(layer_dims)
    net.set_params(_initial_params(init, layer_dims, rng))
    state = optimizer.init({"theta": net.theta})           # running averages as flat vectors
    slots = tuple(state.slots[s]["theta"] for s in optimizer.slot_names)
    work = np.empty_like(net.theta)

    X1 = np.vstack([X, np.ones((1, m))])                   # inputs with the row of ones
    shuffle = size < m
    Xs, Ys = (np.empty_like(X1), np.empty_like(Y)) if shuffle else (X1, Y)
    batches = [(Xs[:, a:b], Ys[:, a:b], net.workspace(b - a, keep_prob))
               for a, b in batch_bounds(m, size)]          # views: refilled by each shuffle
    costs, recorded, t = [], [], 0

    start = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # see _check_finite
        for epoch in range(num_epochs):
            lr = float(rates[epoch])
            record = epoch % record_every == 0
            if shuffle:
                perm = rng.permutation(m)
                np.take(X1, perm, axis=1, out=Xs)
                np.take(Y, perm, axis=1, out=Ys)
            total = 0.0  # sum of the examples' losses, measured before each update
            penalty = _l2_penalty(net, lambd, m) if record else 0.0
            for Xb, Yb, ws in batches:
                ZL = net.forward(Xb, ws, keep_prob, rng)
                if record:
                    total += cross_entropy_from_logits(ZL, Yb) * ws.m
                net.backward(Xb, Yb, ws, keep_prob, lambd / m, work)
                t += 1
                optimizer.step(net.theta, net.grad, slots, t, lr, work)
            if record:
                costs.append(total / m + penalty)
                recorded.append(epoch)
            if epoch % min(record_every, 100) == 0 or epoch == num_epochs - 1:
                _check_finite(net, epoch, lr)
    seconds = time.perf_counter() - start

    epochs = np.array(recorded, dtype=int)
    return TrainResult(net.get_params(), np.array(costs), rates[epochs], epochs, seconds, t)
# --8<-- [end:train]


def _flat_views(params: dict) -> tuple[np.ndarray, dict]:
    """``theta`` (all parameters end to end, in ``param_keys`` order) and a dict of views into it."""
    keys = param_keys(params)
    theta = np.concatenate([params[k].ravel() for k in keys])
    views, offset = {}, 0
    for k in keys:
        views[k] = theta[offset:offset + params[k].size].reshape(params[k].shape)
        offset += params[k].size
    return theta, views


def _check_finite_params(theta: np.ndarray, params: dict, epoch: int, lr: float) -> None:
    if not math.isfinite(float(theta.sum())):
        bad = [k for k, v in params.items() if not np.all(np.isfinite(v))]
        value = "nan" if any(np.isnan(params[k]).any() for k in bad) else "inf"
        raise TrainingDiverged(f"training diverged: {value} in parameters {', '.join(bad)} by epoch "
                               f"{epoch} (learning rate {lr:g}); try a smaller learning rate")


def _train_batchnorm(X, Y, params, optimizer, rates, size, lambd, keep_prob, rng, record_every):
    """:func:`train` for a network with batch-norm layers.

    It runs the readable :func:`~course_code.network.forward` / ``backward`` (training mode)
    on parameters that are views into one flat vector, so the optimizer's flat in-place step
    (the same code the fast engine uses) updates them all at once. Mini-batches are cut as in
    the fast path: one permutation of the columns per epoch.
    """
    m = X.shape[1]
    theta, params = _flat_views(params)
    keys = param_keys(params)
    state = optimizer.init({"theta": theta})
    slots = tuple(state.slots[s]["theta"] for s in optimizer.slot_names)
    grad, work = np.empty_like(theta), np.empty_like(theta)
    running, costs, recorded, t = None, [], [], 0
    start = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(len(rates)):
            lr, record = float(rates[epoch]), epoch % record_every == 0
            perm = rng.permutation(m) if size < m else slice(None)
            Xs, Ys = X[:, perm], Y[:, perm]
            total = 0.0
            penalty = (lambd / (2 * m) * sum(float(np.sum(params[k] ** 2)) for k in keys if k[0] == "W")
                       if lambd and record else 0.0)
            for a, b in batch_bounds(m, size):
                AL, caches = forward(Xs[:, a:b], params, keep_prob=keep_prob, rng=rng,
                                     training=True, running=running)
                running = tuple(c.running for c in caches[:-1])
                if record:
                    total += cross_entropy_from_logits(caches[-1].linear_activation.Z, Ys[:, a:b]) * (b - a)
                grads = backward(AL, Ys[:, a:b], caches, lambd=lambd * (b - a) / m, keep_prob=keep_prob)
                np.concatenate([grads["d" + k].ravel() for k in keys], out=grad)
                t += 1
                optimizer.step(theta, grad, slots, t, lr, work)
            if record:
                costs.append(total / m + penalty)
                recorded.append(epoch)
            _check_finite_params(theta, params, epoch, lr)
    seconds = time.perf_counter() - start
    epochs = np.array(recorded, dtype=int)
    final = {k: v.copy() for k, v in params.items()}
    return TrainResult(final, np.array(costs), rates[epochs], epochs, seconds, t, running)
