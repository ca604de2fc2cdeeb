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
from .network import check_params, check_XY, layer_dims_of
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
    """

    params: dict
    costs: np.ndarray
    learning_rates: np.ndarray
    epochs: np.ndarray
    seconds: float
    steps: int


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
          init="he", rng: np.random.Generator, record_every: int = 100) -> TrainResult:
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
