"""``train``: mini-batch (or full-batch) training with any optimizer and schedule.

``train_many`` trains K networks that differ only in their initial weights and random
streams (seeds) in one vectorized loop, giving what K ``train`` calls give. Both run the
same loop, :func:`_fit`, on the engine's network (:class:`~course_code.engine.FlatMLP`):
one network, or K of them side by side. Batch-normalized networks train in
:func:`course_code.batchnorm_network.train`. (A little over 300 lines: mostly the two
public functions' docstrings, which say exactly how they use their random generators.)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .engine import FlatMLP
from .initializers import initialize_parameters
from .losses import check_one_hot, cost_from_logits
from .minibatch import batch_bounds, check_mini_batch_size
from .network import check_output, check_params, check_XY, layer_dims_of
from .optimizers import Optimizer, check_learning_rate
from .regularization import check_keep_prob, check_lambd
from .schedules import Schedule

__all__ = ["TrainResult", "TrainingDiverged", "check_finite", "prepare", "train", "train_many"]


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
        Batch-norm networks only (:mod:`course_code.batchnorm_network`): the running
        statistics for inference, one entry per hidden layer. None otherwise.
    """

    params: dict
    costs: np.ndarray
    learning_rates: np.ndarray
    epochs: np.ndarray
    seconds: float
    steps: int
    running: tuple | None = None


# ---------------------------------------------------------------------- checks
def _learning_rates(schedule, num_epochs: int) -> np.ndarray:
    """The rate of every epoch, checked once up front."""
    epochs = np.arange(num_epochs)
    if isinstance(schedule, Schedule):
        rates = np.asarray(schedule(epochs), dtype=float)
    else:
        rates = np.array([float(schedule(int(e))) for e in epochs])
    bad = np.flatnonzero(~np.isfinite(rates) | (rates < 0))
    if bad.size:
        check_learning_rate(rates[int(bad[0])])  # raises with the value in the message
    return rates


def prepare(X, Y, layer_dims, optimizer, schedule, num_epochs, mini_batch_size, lambd, keep_prob,
            record_every, output="sigmoid"):
    """Check the arguments of a training call; return ``X, Y, rates, batch size, lambd, keep_prob``.

    ``rates`` holds the learning rate of every epoch; the batch size is ``m`` for full batch.
    ``lambd`` may be one value or one per network (``train_many``). With ``output="softmax"``
    ``Y`` must be one-hot of shape ``(C, m)`` with ``C`` the last layer's size.
    """
    n_out = int(list(layer_dims)[-1])
    check_output(output, n_out)
    if output == "sigmoid" and n_out != 1:
        raise ValueError(f"the output layer must have 1 unit (sigmoid), got layer_dims={layer_dims!r}; "
                         f"for C classes use output='softmax'")
    X, Y = check_XY(X, Y, n_x=layer_dims[0], n_y=n_out)
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(Y))):
        raise ValueError("X and Y must be finite: found nan or inf in the training data")
    if output == "softmax":
        check_one_hot(Y, n_out)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must come from course_code.optimizers, got {optimizer!r}")
    for name, value in (("num_epochs", num_epochs), ("record_every", record_every)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    m = X.shape[1]
    size = m if mini_batch_size is None else check_mini_batch_size(mini_batch_size, m)
    lambd = check_lambd(lambd) if np.ndim(lambd) == 0 else [check_lambd(v) for v in lambd]
    return X, Y, _learning_rates(schedule, num_epochs), size, lambd, check_keep_prob(keep_prob)


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


def check_finite(theta: np.ndarray, params: Callable[[], dict], epoch: int, lr: float) -> None:
    """Raise :class:`TrainingDiverged`, naming the parameters, if ``theta`` holds nan or inf.

    ``params()`` gives the parameters as a dict (called only when something is wrong).
    """
    if math.isfinite(float(theta.sum())):
        return
    p = params()
    bad = [k for k, v in p.items() if not np.all(np.isfinite(v))]
    value = "nan" if any(np.isnan(p[k]).any() for k in bad) else "inf"
    raise TrainingDiverged(f"training diverged: {value} in parameters {', '.join(bad)} by epoch {epoch} "
                           f"(learning rate {lr:g}); try a smaller learning rate")


def _l2_penalty(theta: np.ndarray, weight_mask: np.ndarray, lambd: float, m: int) -> float:
    """:math:`\\frac{\\lambda}{2m}\\sum_l \\lVert W^{[l]} \\rVert^2` of one network's flat vector (P,)."""
    if not lambd:
        return 0.0
    weights = theta * weight_mask
    return lambd / (2 * m) * float(np.dot(weights, weights))


# ---------------------------------------------------------------------- the loop
def _fit(net: FlatMLP, X, Y, rngs: list, *, optimizer: Optimizer, rates: np.ndarray, size: int,
         lambdas: list[float], keep_prob: float, record_every: int, on_diverge: str):
    """Train ``net`` (one network, or K of them) in place; ``(costs, epochs, steps, seconds, diverged)``.

    ``rngs`` holds one generator per network: each draws its network's permutation of the
    examples every epoch (when mini-batching), then its dropout masks, exactly as ``train``
    with that generator. ``costs`` has shape (recorded epochs, number of networks).
    """
    one = net.k is None
    K, m = len(rngs), X.shape[1]
    rows = [net.theta] if one else list(net.theta)              # each network's flat vector
    state = optimizer.init({"theta": net.theta})               # running averages, shaped like theta
    slots = tuple(state.slots[s]["theta"] for s in optimizer.slot_names)
    work = np.empty_like(net.theta)
    l2 = np.array(lambdas)[:, None] / m if len(set(lambdas)) > 1 else lambdas[0] / m
    X1 = np.vstack([X, np.ones((1, m))])                       # inputs with the row of ones
    shuffle = size < m
    if shuffle:  # shuffled copies laid out (n_x + 1, [K,] m); the products see ([K,] n_x + 1, m) views
        perms = np.empty(((m,) if one else (K, m)), dtype=np.intp)
        Xs_buf, Ys_buf = np.empty((X1.shape[0], *perms.shape)), np.empty((Y.shape[0], *perms.shape))
        Xs, Ys = np.moveaxis(Xs_buf, 0, -2), np.moveaxis(Ys_buf, 0, -2)
        perm_rows = perms[None] if one else perms                 # row i: network i's order
        batches = [(Xs[..., a:b], Ys[..., a:b], net.workspace(b - a, keep_prob))
                   for a, b in batch_bounds(m, size)]
    else:
        batches = [(X1, Y, net.workspace(m, keep_prob))]
    dropout_rng = rngs[0] if one else rngs
    costs, recorded, t, diverged = [], [], 0, [False] * K
    start = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # see the finite checks
        for epoch in range(len(rates)):
            lr, record = float(rates[epoch]), epoch % record_every == 0
            if shuffle:
                for i, rng in enumerate(rngs):
                    perm_rows[i] = rng.permutation(m)
                np.take(X1, perms, axis=1, out=Xs_buf)
                np.take(Y, perms, axis=1, out=Ys_buf)
            totals = [0.0] * K  # losses before each update; the L2 penalty before the epoch
            penalties = [_l2_penalty(rows[i], net.weight_mask, lambdas[i], m) for i in range(K)] if record \
                else None
            for Xb, Yb, ws in batches:
                ZL = net.forward(Xb, ws, keep_prob, dropout_rng)
                if record:
                    for i in range(K):  # Yb is shared (n_L, m) in full batch, else ([K,] n_L, m)
                        y = Yb if Yb.ndim == 2 else Yb[i]
                        totals[i] += cost_from_logits(ZL if one else ZL[i], y) * ws.m
                net.backward(Xb, Yb, ws, keep_prob, l2, work)
                t += 1
                theta, slots = optimizer.rule(net.theta, net.grad, slots, t, lr)
                net.theta[...] = theta                     # in place: the layers are views into it
            if record:
                costs.append([totals[i] / m + penalties[i] for i in range(K)])
                recorded.append(epoch)
            if epoch % min(record_every, 100) == 0 or epoch == len(rates) - 1:
                _check_networks(net, rows, epoch, lr, diverged, on_diverge)
    seconds = time.perf_counter() - start
    return np.array(costs).reshape(len(recorded), K), np.array(recorded, dtype=int), t, seconds, diverged


def _check_networks(net: FlatMLP, rows: list, epoch: int, lr: float, diverged: list, on_diverge: str):
    """Flag (or raise for) the networks whose parameters are no longer finite."""
    if math.isfinite(float(net.theta.sum())):
        return
    for i, row in enumerate(rows):
        if diverged[i] or math.isfinite(float(row.sum())):
            continue
        if on_diverge == "raise":
            try:
                check_finite(row, lambda i=i: net.get_params(None if net.k is None else i), epoch, lr)
            except TrainingDiverged as err:
                raise TrainingDiverged(err.args[0] if net.k is None else f"network {i}: {err}") from None
        diverged[i] = True


def train(X, Y, layer_dims, *, optimizer: Optimizer, schedule, num_epochs: int,
          mini_batch_size: int | None = None, lambd: float = 0.0, keep_prob: float = 1.0,
          init="he", rng: np.random.Generator, record_every: int = 100,
          output: str = "sigmoid") -> TrainResult:
    """Train the network of :mod:`course_code.network` on ``(X, Y)``.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m), or (C, m) with ``output="softmax"``
        Labels in {0, 1}; one-hot columns for a softmax output.
    layer_dims : list of int
        ``[n_x, n_1, ..., 1]``, or ``[n_x, n_1, ..., C]`` with ``output="softmax"``.
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
    output : {"sigmoid", "softmax"}
        The output layer: a sigmoid with the binary cross-entropy, or a softmax over ``C >= 2``
        classes with the categorical cross-entropy.

    Returns
    -------
    TrainResult

    Raises
    ------
    TrainingDiverged
        When the parameters stop being finite (checked every ``min(record_every, 100)``
        epochs and at the end).
    """
    X, Y, rates, size, lambd, keep_prob = prepare(X, Y, layer_dims, optimizer, schedule, num_epochs,
                                                  mini_batch_size, lambd, keep_prob, record_every, output)
    net = FlatMLP(layer_dims, output=output)
    net.set_params(_initial_params(init, layer_dims, rng))
    costs, epochs, steps, seconds, _ = _fit(net, X, Y, [rng], optimizer=optimizer, rates=rates, size=size,
                                            lambdas=[lambd], keep_prob=keep_prob, record_every=record_every,
                                            on_diverge="raise")
    return TrainResult(net.get_params(), costs[:, 0], rates[epochs], epochs, seconds, steps)


def train_many(X, Y, layer_dims, *, optimizer: Optimizer, schedule, num_epochs: int, inits, rngs,
               mini_batch_size: int | None = None, lambd=0.0, keep_prob: float = 1.0,
               record_every: int = 100, on_diverge: str = "raise",
               output: str = "sigmoid") -> list[TrainResult | None]:
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
    Y : ndarray of shape (1, m), or one-hot (C, m) with ``output="softmax"``
    layer_dims, optimizer, schedule, num_epochs, mini_batch_size, keep_prob, record_every, output
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
    """
    X, Y, rates, size, lambd, keep_prob = prepare(X, Y, layer_dims, optimizer, schedule, num_epochs,
                                                  mini_batch_size, lambd, keep_prob, record_every, output)
    K = len(rngs)
    if K < 1:
        raise ValueError("rngs must hold one generator per network, got none")
    inits = [inits] * K if isinstance(inits, str) else list(inits)
    lambdas = [lambd] * K if np.ndim(lambd) == 0 else list(lambd)
    if len(inits) != K or len(lambdas) != K:
        raise ValueError(f"inits and lambd need one entry per network ({K}), "
                         f"got {len(inits)} and {len(lambdas)}")
    if on_diverge not in ("raise", "none"):
        raise ValueError(f"on_diverge must be 'raise' or 'none', got {on_diverge!r}")
    net = FlatMLP(layer_dims, k=K, output=output)
    for i, (init, rng) in enumerate(zip(inits, rngs, strict=True)):
        net.set_params(_initial_params(init, layer_dims, rng), i)
    costs, epochs, steps, seconds, diverged = _fit(
        net, X, Y, list(rngs), optimizer=optimizer, rates=rates, size=size, lambdas=lambdas,
        keep_prob=keep_prob, record_every=record_every, on_diverge=on_diverge)
    return [None if diverged[i] else
            TrainResult(net.get_params(i), costs[:, i].copy(), rates[epochs], epochs.copy(), seconds / K,
                        steps) for i in range(K)]
