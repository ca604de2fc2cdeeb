"""Update rules: gradient descent, momentum, RMSprop and Adam, with one interface.

Every factory returns an :class:`Optimizer` used the same way (the optax pattern)::

    opt = adam(beta1=0.9, beta2=0.999, epsilon=1e-8)
    state = opt.init(params)
    params, state = opt.update(params, grads, state, learning_rate=0.01)

``update`` never changes its inputs: it returns new parameters and a new state whose
``count`` is the number of updates taken so far.

Each rule is written once, in the plain form of its formula: ``rule(w, dw, state, t, lr)``
returns the new ``w`` and the new running averages, for arrays of any shape. ``update``
runs it on all parameters laid end to end in one vector; the training engine runs the same
function on its flat parameter buffer, so the formula tested here is the one that trains.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

__all__ = ["OptState", "Optimizer", "adam", "check_learning_rate", "gd", "momentum", "rmsprop"]

#: ``rule(w, dw, state, t, lr) -> (w, state)``: one update of ``w`` (any shape) given its gradient
#: ``dw``, the running averages ``state`` (a tuple, one array per slot), the update's number ``t``
#: (1 for the first) and the learning rate ``lr``. Elementwise, so it serves any layout.
Rule = Callable[[np.ndarray, np.ndarray, tuple, int, float], tuple[np.ndarray, tuple]]


class OptState(NamedTuple):
    """Optimizer state.

    Attributes
    ----------
    count : int
        Updates taken so far (Adam's :math:`t` after the next update is ``count + 1``).
    slots : dict
        One dict per running average, keyed by its name (``"v"`` for momentum, ``"s"``
        for RMSprop, ``"v"`` and ``"s"`` for Adam, as in the course), each mapping a
        parameter name (``"W1"``, ``"b1"``, ...) to an array of that parameter's shape.
    """

    count: int
    slots: dict[str, dict[str, np.ndarray]]


def check_learning_rate(learning_rate: float) -> float:
    """Return the learning rate as a float, or raise ``ValueError`` unless it is finite and >= 0."""
    lr = float(learning_rate)
    if not (math.isfinite(lr) and lr >= 0.0):
        raise ValueError(f"learning_rate must be finite and >= 0, got {learning_rate!r}")
    return lr


def _check_beta(name: str, beta: float) -> float:
    b = float(beta)
    if not 0.0 <= b < 1.0:  # also rejects nan
        raise ValueError(f"{name} must be in [0, 1), got {beta!r}")
    return b


def _check_epsilon(epsilon: float) -> float:
    e = float(epsilon)
    if not (math.isfinite(e) and e >= 0.0):
        raise ValueError(f"epsilon must be finite and >= 0, got {epsilon!r}")
    return e


@dataclass(frozen=True)
class Optimizer:
    """An update rule with optax-style ``init`` / ``update``.

    Attributes
    ----------
    name : str
    slot_names : tuple of str
        Names of the running averages kept in the state.
    rule : callable
        ``rule(w, dw, state, t, lr) -> (w, state)``, the update in the plain form of its
        formula (see :data:`Rule`). It is elementwise, so the arrays may have any (common)
        shape: ``train`` passes the flat vector of all parameters, ``train_many`` a ``(K, P)``
        block, one row per network, and updates all K networks at once.
    hyperparams : dict
        The constructor's arguments (for labels and provenance).
    """

    name: str
    slot_names: tuple[str, ...]
    rule: Rule = field(repr=False, compare=False)
    hyperparams: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparams.items())
        return f"{self.name}({args})"

    def init(self, params: dict[str, np.ndarray]) -> OptState:
        """Zero running averages shaped like ``params``, and ``count = 0``."""
        slots = {s: {k: np.zeros_like(v, dtype=float) for k, v in params.items()}
                 for s in self.slot_names}
        return OptState(0, slots)

    def update(self, params, grads, state: OptState, *, learning_rate: float):
        """One update. Returns ``(new_params, new_state)``; the inputs are not modified.

        ``grads`` holds ``"dW1", "db1", ...`` (or the parameter names themselves).
        """
        lr = check_learning_rate(learning_rate)
        keys = list(params)
        missing = [k for k in keys if _grad_key(k) not in grads and k not in grads]
        if missing:
            expected = [_grad_key(k) for k in keys]
            raise ValueError(f"grads has no entry for {missing}; expected keys {expected}")
        theta = _flatten(params, keys)
        g = _flatten({k: grads.get(_grad_key(k), grads.get(k)) for k in keys}, keys)
        slots = tuple(_flatten(state.slots[s], keys) for s in self.slot_names)
        t = state.count + 1
        theta, slots = self.rule(theta, g, slots, t, lr)
        new_slots = {s: _unflatten(v, params) for s, v in zip(self.slot_names, slots, strict=True)}
        return _unflatten(theta, params), OptState(t, new_slots)


def _grad_key(name: str) -> str:
    return "d" + name


def _flatten(arrays: dict[str, np.ndarray], keys: list[str]) -> np.ndarray:
    """Concatenate the arrays (row-major) into a new float vector."""
    return np.concatenate([np.asarray(arrays[k], dtype=float).ravel() for k in keys])


def _unflatten(theta: np.ndarray, like: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    out, i = {}, 0
    for k, v in like.items():
        out[k] = theta[i:i + v.size].reshape(v.shape).copy()
        i += v.size
    return out


def gd() -> Optimizer:
    """Plain gradient descent.

    Notes
    -----
    .. math:: W \\leftarrow W - \\alpha\\, dW
    """
    # --8<-- [start:gd]
    def rule(w, dw, state, t, lr):
        return w - lr * dw, state
    # --8<-- [end:gd]

    return Optimizer("gd", (), rule, {})


def momentum(beta: float = 0.9) -> Optimizer:
    """Gradient descent with momentum, written as an exponential average (the course's form).

    Parameters
    ----------
    beta : float in [0, 1)
        Weight of the past. ``beta = 0`` is plain gradient descent.

    Notes
    -----
    .. math::
        v \\leftarrow \\beta v + (1 - \\beta)\\, dW, \\qquad W \\leftarrow W - \\alpha v

    with :math:`v = 0` at the start and no bias correction. Frameworks write momentum
    as :math:`v \\leftarrow \\mu v - \\eta\\, dW,\\ W \\leftarrow W + v`; the two agree when
    :math:`\\mu = \\beta` and :math:`\\eta = \\alpha (1 - \\beta)` (Keras
    ``SGD(learning_rate=alpha * (1 - beta), momentum=beta)``).
    """
    beta = _check_beta("beta", beta)

    # --8<-- [start:momentum]
    def rule(w, dw, state, t, lr):
        (v,) = state
        v = beta * v + (1 - beta) * dw
        return w - lr * v, (v,)
    # --8<-- [end:momentum]

    return Optimizer("momentum", ("v",), rule, {"beta": beta})


def rmsprop(beta: float = 0.999, epsilon: float = 1e-8) -> Optimizer:
    """RMSprop: divide each step by a running root-mean-square of the gradient.

    Notes
    -----
    .. math::
        s \\leftarrow \\beta s + (1 - \\beta)\\, dW^2, \\qquad
        W \\leftarrow W - \\alpha \\frac{dW}{\\sqrt{s} + \\varepsilon}

    (squares element-wise). :math:`\\varepsilon` is added *outside* the square root, as in
    the course's lectures. Keras ``RMSprop(rho=beta)`` puts it inside,
    :math:`\\sqrt{s + \\varepsilon}`; with a tiny :math:`\\varepsilon` the two agree.
    """
    beta = _check_beta("beta", beta)
    epsilon = _check_epsilon(epsilon)

    # --8<-- [start:rmsprop]
    def rule(w, dw, state, t, lr):
        (s,) = state
        s = beta * s + (1 - beta) * dw**2
        return w - lr * dw / (np.sqrt(s) + epsilon), (s,)
    # --8<-- [end:rmsprop]

    return Optimizer("rmsprop", ("s",), rule, {"beta": beta, "epsilon": epsilon})


def adam(beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8) -> Optimizer:
    """Adam (Kingma & Ba 2015, Algorithm 1), as in the course.

    Notes
    -----
    With :math:`t` the number of the update (1 for the first):

    .. math::
        v &\\leftarrow \\beta_1 v + (1 - \\beta_1)\\, dW, &
        \\hat v &= \\frac{v}{1 - \\beta_1^t} \\\\
        s &\\leftarrow \\beta_2 s + (1 - \\beta_2)\\, dW^2, &
        \\hat s &= \\frac{s}{1 - \\beta_2^t} \\\\
        W &\\leftarrow W - \\alpha \\frac{\\hat v}{\\sqrt{\\hat s} + \\varepsilon}

    :math:`\\varepsilon` is added to :math:`\\sqrt{\\hat s}`, the bias-corrected root.
    Keras' ``Adam`` adds its "epsilon hat" to :math:`\\sqrt{s}` before correction; the two
    agree when :math:`\\varepsilon` is tiny.
    """
    beta1 = _check_beta("beta1", beta1)
    beta2 = _check_beta("beta2", beta2)
    epsilon = _check_epsilon(epsilon)

    # --8<-- [start:adam]
    def rule(w, dw, state, t, lr):
        v, s = state
        v = beta1 * v + (1 - beta1) * dw
        s = beta2 * s + (1 - beta2) * dw**2
        v_hat = v / (1 - beta1**t)
        s_hat = s / (1 - beta2**t)
        return w - lr * v_hat / (np.sqrt(s_hat) + epsilon), (v, s)
    # --8<-- [end:adam]

    return Optimizer("adam", ("v", "s"), rule, {"beta1": beta1, "beta2": beta2, "epsilon": epsilon})
