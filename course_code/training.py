"""``train``: mini-batch (or full-batch) training with any optimizer and schedule.

``train_many`` trains K networks that differ only in their initial weights and random
streams (seeds) in one vectorized loop, giving what K ``train`` calls give.
"""

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

__all__ = ["TrainResult", "TrainingDiverged", "train", "train_many"]


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
    return _l2_penalty_of(net.theta, net.weight_mask, lambd, m)


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


# --8<-- [start:train_many]
def train_many(X, Y, layer_dims, *, optimizer: Optimizer, schedule, num_epochs: int, inits, rngs,
               mini_batch_size: int | None = None, lambd=0.0, keep_prob: float = 1.0,
               record_every: int = 100, on_diverge: str = "raise") -> list[TrainResult | None]:
    """Train K networks side by side: K calls of :func:`train` in one vectorized loop.

    The K networks share the architecture, data, optimizer, schedule and batch size; they
    differ in their initial weights and in their random streams (mini-batch order, dropout
    masks). Network ``i`` gives what ``train(..., init=inits[i], rng=rngs[i])`` gives: its
    generator is used exactly as ``train`` uses it (one permutation per epoch, then the masks
    of each update) and the arithmetic is the same. The results are bitwise equal on the
    course's workloads; a batched product may round its last bit differently (seen with
    mini-batches of one example, 2e-16 relative), so the tests allow 1e-10.
    Every step is one batched product per layer (``np.matmul`` on ``(K, n, m)`` stacks) and
    one call per elementwise operation for all K networks, so the per-call overhead that
    dominates small networks is paid once instead of K times.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
    layer_dims, optimizer, schedule, num_epochs, mini_batch_size, keep_prob, record_every
        As in :func:`train`, shared by the K networks.
    inits : str or sequence of (str or dict)
        One initialization per network (a method name drawn from that network's generator,
        or a ready ``W1, b1, ...`` dict), or one method name for all.
    rngs : sequence of numpy.random.Generator
        One generator per network; K is ``len(rngs)``. Only ``permutation`` and ``random``
        are called, as in :func:`train`.
    lambd : float or sequence of float
        L2 strength, one for all or one per network (networks may differ here only).
    on_diverge : {"raise", "none"}
        What to do when a network's parameters stop being finite (where :func:`train` would
        raise :class:`TrainingDiverged`): ``"raise"`` raises it, naming the network's index;
        ``"none"`` carries on with the others and returns None in that network's place.

    Returns
    -------
    list of TrainResult or None
        One per network, in order. ``seconds`` is the shared loop's time divided by K.

    Raises
    ------
    TrainingDiverged
        With ``on_diverge="raise"``, at the first check (every ``min(record_every, 100)``
        epochs and at the end, as in :func:`train`) where a network is no longer finite; the
        message starts with ``"network i:"``.

    Notes
    -----
    Batch norm is not supported here: use :func:`train`.
    """
    X, Y = check_XY(X, Y, n_x=layer_dims[0], n_y=1)
    _check_arguments(X, Y, layer_dims, optimizer, num_epochs, record_every)
    K = len(rngs)
    if K < 1:
        raise ValueError("rngs must hold one generator per network, got none")
    inits = [inits] * K if isinstance(inits, str) else list(inits)
    lambdas = [check_lambd(v) for v in (np.broadcast_to(lambd, (K,)) if np.ndim(lambd) == 0 else lambd)]
    if len(inits) != K or len(lambdas) != K:
        raise ValueError(f"inits and lambd need one entry per network ({K}), "
                         f"got {len(inits)} and {len(lambdas)}")
    if on_diverge not in ("raise", "none"):
        raise ValueError(f"on_diverge must be 'raise' or 'none', got {on_diverge!r}")
    keep_prob = check_keep_prob(keep_prob)
    m = X.shape[1]
    size = m if mini_batch_size is None else check_mini_batch_size(mini_batch_size, m)
    rates = _learning_rates(schedule, num_epochs)

    net = FlatMLP(layer_dims, k=K)
    for i, (init, rng) in enumerate(zip(inits, rngs, strict=True)):
        net.set_params(_initial_params(init, layer_dims, rng), i)
    state = optimizer.init({"theta": net.theta})           # (K, P) running averages
    slots = tuple(state.slots[s]["theta"] for s in optimizer.slot_names)
    work = np.empty_like(net.theta)
    l2 = np.array(lambdas)[:, None] / m if len(set(lambdas)) > 1 else lambdas[0] / m

    X1 = np.vstack([X, np.ones((1, m))])
    shuffle = size < m
    if shuffle:  # shuffled copies laid out (n_x + 1, K, m); the matmul sees (K, n_x + 1, m) views
        perms = np.empty((K, m), dtype=np.intp)
        Xs_buf, Ys_buf = np.empty((X1.shape[0], K, m)), np.empty((1, K, m))
        Xs, Ys = Xs_buf.transpose(1, 0, 2), Ys_buf.transpose(1, 0, 2)
        batches = [(Xs[:, :, a:b], Ys[:, :, a:b], net.workspace(b - a, keep_prob))
                   for a, b in batch_bounds(m, size)]
    else:
        batches = [(X1, Y, net.workspace(m, keep_prob))]
    costs, recorded, t = [], [], 0
    diverged = [False] * K

    start = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(num_epochs):
            lr = float(rates[epoch])
            record = epoch % record_every == 0
            if shuffle:
                for i, rng in enumerate(rngs):
                    perms[i] = rng.permutation(m)
                np.take(X1, perms, axis=1, out=Xs_buf)
                np.take(Y, perms, axis=1, out=Ys_buf)
            totals = [0.0] * K  # as in train: losses before each update, penalty before the epoch
            penalties = ([_l2_penalty_of(net.theta[i], net.weight_mask, lambdas[i], m) for i in range(K)]
                         if record else None)
            for Xb, Yb, ws in batches:
                ZL = net.forward(Xb, ws, keep_prob, rngs)
                if record:
                    for i in range(K):
                        totals[i] += cross_entropy_from_logits(ZL[i], Yb if Yb.ndim == 2 else Yb[i]) * ws.m
                net.backward(Xb, Yb, ws, keep_prob, l2, work)
                t += 1
                optimizer.step(net.theta, net.grad, slots, t, lr, work)
            if record:
                costs.append([totals[i] / m + penalties[i] for i in range(K)])
                recorded.append(epoch)
            if epoch % min(record_every, 100) == 0 or epoch == num_epochs - 1:
                _check_finite_many(net, epoch, lr, diverged, on_diverge)
    seconds = (time.perf_counter() - start) / K
    epochs, costs = np.array(recorded, dtype=int), np.array(costs).reshape(len(recorded), K)
    return [None if diverged[i] else
            TrainResult(net.get_params(i), costs[:, i].copy(), rates[epochs], epochs.copy(), seconds, t)
            for i in range(K)]
# --8<-- [end:train_many]


def _l2_penalty_of(theta: np.ndarray, weight_mask: np.ndarray, lambd: float, m: int) -> float:
    """:func:`_l2_penalty` of one network's flat vector ``theta`` (shape (P,))."""
    if not lambd:
        return 0.0
    weights = theta * weight_mask
    return lambd / (2 * m) * float(np.dot(weights, weights))


def _check_finite_many(net: FlatMLP, epoch: int, lr: float, diverged: list, on_diverge: str) -> None:
    """Flag (or raise for) the networks whose parameters are no longer finite, as ``train`` would."""
    sums = net.theta.sum(axis=1)
    if np.all(np.isfinite(sums)):
        return
    for i in np.flatnonzero(~np.isfinite(sums)):
        if diverged[i] or math.isfinite(float(net.theta[i].sum())):
            continue
        if on_diverge == "raise":
            try:
                _check_finite_params(net.theta[i], net.get_params(i), epoch, lr)
            except TrainingDiverged as err:
                raise TrainingDiverged(f"network {i}: {err}") from None
        diverged[i] = True


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
