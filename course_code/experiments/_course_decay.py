"""The course's learning-rate-decay loop, as printed (for ``lr_decay``).

COURSE_SPEC section 4.8: the course's ``model()`` shuffles epoch :math:`e` after
``np.random.seed(11 + e)``, and *after* finishing epoch :math:`i` sets
``learning_rate = decay(learning_rate0, i, decay_rate)`` and prints it. This module holds
what the course printed and the pieces needed to rerun that loop exactly: its batch order,
its one-epoch lag, and its printouts formatted the way it formats them (``%f``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..schedules import Schedule

#: The epochs after which the course prints cost and rate.
PRINT_EPOCHS = (0, 1000, 2000, 3000, 4000)
#: Section 7 runs (lr0 0.1 for GD and momentum, 0.01 for Adam; k = 1; interval 1000):
#: train accuracy and the costs printed after ``PRINT_EPOCHS``.
COURSE = {
    "gd_per_epoch": (0.6533333333333333, ("0.701091", "0.661884", "0.658620", "0.656765", "0.655486")),
    "gd_staircase": (0.9433333333333334, ("0.701091", "0.127161", "0.120304", "0.117033", "0.117512")),
    "momentum_staircase": (0.9533333333333334, ("0.702226", "0.128974", "0.125965", "0.123375", "0.123218")),
    "adam_staircase": (0.94, ("0.699346", "0.130074", "0.129826", "0.129282", "0.128361")),
}
#: The course's "learning rate after epoch i" for GD, i in ``PRINT_EPOCHS``.
COURSE_PRINTED_LR = {"per_epoch": ("0.100000", "0.000100", "0.000050", "0.000033", "0.000025"),
                     "staircase": ("0.100000", "0.050000", "0.033333", "0.025000", "0.020000")}


@dataclass(frozen=True)
class OneEpochLate(Schedule):
    """``inner`` one epoch late: epoch :math:`e` runs at ``inner(max(e - 1, 0))``.

    The course sets the rate *after* finishing epoch :math:`i` to ``decay(lr0, i)``, so
    epoch :math:`i + 1` runs at :math:`\\alpha(i)` and epochs 0 and 1 both at :math:`\\alpha_0`.
    """

    inner: Schedule

    def rate(self, e):
        return self.inner.rate(np.maximum(np.asarray(e) - 1, 0))


def course_batch_order(num_epochs: int, m: int) -> np.ndarray:
    """The course's shuffles, shape (num_epochs, m): row e is ``seed(11 + e); permutation(m)``."""
    legacy = np.random.RandomState()
    order = np.empty((num_epochs, m), dtype=np.intp)
    for e in range(num_epochs):
        legacy.seed(11 + e)  # the same stream as the course's np.random.seed(11 + e)
        order[e] = legacy.permutation(m)
    return order


class Replay:
    """Stands in for ``train``'s ``rng`` when it only shuffles: hands out one fixed row per epoch."""

    def __init__(self, order: np.ndarray):
        self._rows = iter(order)

    def permutation(self, m: int) -> np.ndarray:
        return next(self._rows)


def printed_rates(sched: Schedule) -> tuple[str, ...]:
    """What ``"learning rate after epoch %i: %f"`` shows at ``PRINT_EPOCHS`` for a schedule.

    After epoch :math:`i` the loop's variable holds the rate of epoch :math:`i + 1`.
    """
    return tuple(f"{sched(i + 1):.6f}" for i in PRINT_EPOCHS)


def printed_costs(epochs: np.ndarray, costs: np.ndarray) -> tuple[str, ...] | None:
    """Recorded costs at ``PRINT_EPOCHS`` formatted as the course prints them; None if not recorded."""
    where = dict(zip(np.asarray(epochs).tolist(), costs, strict=True))
    return tuple(f"{where[e]:.6f}" for e in PRINT_EPOCHS) if all(e in where for e in PRINT_EPOCHS) else None


def count_equal(a, b) -> int:
    """How many positions of two equally long sequences hold equal values."""
    return sum(x == y for x, y in zip(a, b, strict=True))
