"""Learning-rate schedules: pure functions of the 0-based epoch number.

Each factory returns a small frozen callable, ``lr = schedule(epoch)``, where ``epoch``
counts *epochs* (full passes over the training set) from 0; the training loop calls it
once at the start of every epoch. It also accepts an integer array and then returns an
array, which is how the site plots schedules. Rates are checked when the schedule is
made: a negative or non-finite rate raises ``ValueError``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Schedule",
    "compounded_decay",
    "constant",
    "exponential_decay",
    "inverse_time_decay",
    "staircase_decay",
]


def _check_rate(name: str, value: float) -> float:
    v = float(value)
    if not (math.isfinite(v) and v >= 0.0):
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    return v


def _check_interval(value) -> int:
    if isinstance(value, bool) or not float(value).is_integer() or value < 1:
        raise ValueError(f"time_interval must be a positive whole number of epochs, got {value!r}")
    return int(value)


def _epochs(epoch):
    e = np.asarray(epoch)
    if e.dtype.kind not in "iu" and not (e.dtype.kind == "f" and np.all(e == np.floor(e))):
        raise ValueError(f"epoch must be a whole number, got {epoch!r}")
    if np.any(e < 0):
        raise ValueError(f"epoch must be >= 0 (epochs are counted from 0), got {epoch!r}")
    return e


@dataclass(frozen=True)
class Schedule:
    """Base class: subclasses define ``rate(epoch_array)``."""

    def __call__(self, epoch):
        e = _epochs(epoch)
        out = self.rate(e)
        return float(out) if np.ndim(out) == 0 else out

    def rate(self, e):  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class constant(Schedule):
    """The same rate every epoch: :math:`\\alpha = \\alpha_0`."""

    lr0: float

    def __post_init__(self):
        object.__setattr__(self, "lr0", _check_rate("lr0", self.lr0))

    # --8<-- [start:constant]
    def rate(self, e):
        return self.lr0 * np.ones_like(e, dtype=float)
    # --8<-- [end:constant]


@dataclass(frozen=True)
class inverse_time_decay(Schedule):
    """Decay every epoch: :math:`\\alpha = \\dfrac{\\alpha_0}{1 + k \\cdot \\text{epoch}}`.

    The course calls this "exponential learning rate decay" (``update_lr``); it is
    inverse-time decay. ``epoch`` is 0-based, so epoch 0 runs at :math:`\\alpha_0`.
    """

    lr0: float
    decay_rate: float

    def __post_init__(self):
        object.__setattr__(self, "lr0", _check_rate("lr0", self.lr0))
        object.__setattr__(self, "decay_rate", _check_rate("decay_rate", self.decay_rate))

    # --8<-- [start:inverse_time]
    def rate(self, e):
        return self.lr0 / (1.0 + self.decay_rate * e)
    # --8<-- [end:inverse_time]


@dataclass(frozen=True)
class staircase_decay(Schedule):
    """Decay in steps: :math:`\\alpha = \\dfrac{\\alpha_0}{1 + k \\lfloor \\text{epoch} / T \\rfloor}`.

    The course's "fixed interval scheduling" (``schedule_lr_decay``) with interval
    :math:`T` = ``time_interval`` epochs: the rate is constant for ``T`` epochs at a time.
    """

    lr0: float
    decay_rate: float
    time_interval: int = 1000

    def __post_init__(self):
        object.__setattr__(self, "lr0", _check_rate("lr0", self.lr0))
        object.__setattr__(self, "decay_rate", _check_rate("decay_rate", self.decay_rate))
        object.__setattr__(self, "time_interval", _check_interval(self.time_interval))

    # --8<-- [start:staircase]
    def rate(self, e):
        return self.lr0 / (1.0 + self.decay_rate * np.floor_divide(e, self.time_interval))
    # --8<-- [end:staircase]


@dataclass(frozen=True)
class exponential_decay(Schedule):
    """True exponential decay: :math:`\\alpha = \\alpha_0 \\, \\gamma^{\\text{epoch}}`.

    ``decay_rate`` is :math:`\\gamma \\in (0, 1]`, the factor applied each epoch (the
    lectures' example is 0.95).
    """

    lr0: float
    decay_rate: float

    def __post_init__(self):
        object.__setattr__(self, "lr0", _check_rate("lr0", self.lr0))
        g = float(self.decay_rate)
        if not 0.0 < g <= 1.0:
            raise ValueError(f"decay_rate (the factor per epoch) must be in (0, 1], got {self.decay_rate!r}")
        object.__setattr__(self, "decay_rate", g)

    # --8<-- [start:exponential]
    def rate(self, e):
        return self.lr0 * self.decay_rate ** np.asarray(e, dtype=float)
    # --8<-- [end:exponential]


@dataclass(frozen=True)
class compounded_decay(Schedule):
    """The decay fed back into itself: :math:`\\alpha_{e+1} = \\alpha_e / (1 + k \\lfloor e / T \\rfloor)`.

    This is what a training loop does if, after epoch :math:`e`, it sets
    ``lr = decay(lr, e, k)`` (the *current* rate) instead of ``lr = decay(lr0, e, k)``,
    which is what the course's ``model()`` does. It is **not** one of the course's
    schedules; the site shows it to settle which of the two the course runs.
    ``epoch`` is 0-based and epoch 0 runs at :math:`\\alpha_0` = ``lr0``, so

    .. math:: \\alpha_e = \\frac{\\alpha_0}{\\prod_{j=0}^{e-1} \\left(1 + k \\lfloor j / T \\rfloor\\right)}.

    With :math:`T = 1` (decay every epoch) and :math:`k = 1` this is :math:`\\alpha_0 / e!`:
    0.1, 0.1, 0.05, 0.0167, 0.0042, ... for :math:`\\alpha_0 = 0.1`, and the rate a loop
    would print *after* epochs 0, 1, 2 is 0.1, 0.05, 0.0167. With :math:`T = 1000` (and
    :math:`k = 1`) the rate stays :math:`\\alpha_0` up to epoch 1000, then halves every
    epoch. Products too large for a float give a rate of exactly 0.
    """

    lr0: float
    decay_rate: float
    time_interval: int = 1

    def __post_init__(self):
        object.__setattr__(self, "lr0", _check_rate("lr0", self.lr0))
        object.__setattr__(self, "decay_rate", _check_rate("decay_rate", self.decay_rate))
        object.__setattr__(self, "time_interval", _check_interval(self.time_interval))

    def rate(self, e):
        e = np.asarray(e, dtype=np.int64)
        j = np.arange(int(e.max()) if e.size else 0)
        # log of the product of the divisors of epochs 0..e-1 (in logs: no overflow)
        steps = np.log1p(self.decay_rate * (j // self.time_interval))
        log_divisor = np.concatenate([[0.0], np.cumsum(steps)])
        return self.lr0 * np.exp(-log_divisor[e])
