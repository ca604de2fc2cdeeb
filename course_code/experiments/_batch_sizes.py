"""Batch, mini-batch and stochastic gradient descent with one update budget (for ``optimization``).

Every variant makes the same number of plain gradient-descent updates; the cost on the whole
training set is measured at checkpoints and plotted against updates and against an
*estimated* time. The time is a model, not a measurement (a measured time would change from
build to build and break "same seed, same figure"): an update on :math:`b` examples costs

.. math:: t(b) = c_u + c_e\\, b

seconds, with :math:`c_u` (per update) and :math:`c_e` (per example) measured once on the
build machine and stored in the experiment's ``Config``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ..losses import cross_entropy_cost
from ..network import accuracy, forward
from ..optimizers import gd
from ..report import markdown_table, seed_summary
from ..schedules import constant
from ..training import train_many


@dataclass(frozen=True)
class BatchRun:
    batch_size: int
    epochs: np.ndarray        # (k,) epochs done at each checkpoint
    updates: np.ndarray       # (k,) updates done at each checkpoint
    seconds: np.ndarray       # (k,) estimated from the time model, never measured
    costs: np.ndarray         # (k,) cost on the whole training set at each checkpoint
    accuracy: float


def batch_label(batch_size: int, m: int) -> str:
    """``"batch (300)"``, ``"mini-batch (64)"`` or ``"stochastic (1)"`` for a set of ``m`` examples."""
    kind = "batch" if batch_size >= m else "stochastic" if batch_size == 1 else "mini-batch"
    return f"{kind} ({min(batch_size, m)})"


def updates_per_epoch(batch_size: int, m: int) -> int:
    """:math:`\\lceil m / B \\rceil`: full batches plus a last, smaller one if ``B`` does not divide ``m``."""
    return -(-m // batch_size)


def seconds_per_epoch(batch_size: int, m: int, c_update: float, c_example: float) -> float:
    """Modelled time of one epoch: :math:`\\lceil m/B \\rceil\\, c_u + m\\, c_e`.

    Each update on :math:`b` examples costs :math:`c_u + c_e b`; summed over an epoch's
    batches the example terms add up to :math:`m\\, c_e` (the last batch may be smaller).
    When ``B`` divides ``m`` this is updates-per-epoch times :math:`(c_u + c_e B)`.
    """
    return updates_per_epoch(batch_size, m) * c_update + m * c_example


def train_batch(X, Y, layer_dims, batch_size: int, params0: dict, rng, *, learning_rate: float,
                total_updates: int, points: int, c_update: float, c_example: float) -> BatchRun:
    """Plain GD from ``params0`` for about ``total_updates`` updates, the full-data cost at checkpoints.

    ``X`` has shape (n_x, m), ``Y`` (1, m). One run of :func:`train_batch_many`.
    """
    return train_batch_many(X, Y, layer_dims, batch_size, [params0], [rng], learning_rate=learning_rate,
                            total_updates=total_updates, points=points, c_update=c_update,
                            c_example=c_example)[0]


def train_batch_many(X, Y, layer_dims, batch_size: int, params0: list[dict], rngs: list, *,
                     learning_rate: float, total_updates: int, points: int, c_update: float,
                     c_example: float) -> list[BatchRun]:
    """:func:`train_batch` for several starts at once: run ``i`` from ``params0[i]`` shuffled by ``rngs[i]``.

    ``X`` has shape (n_x, m), ``Y`` (1, m). Training is split into ``points`` chunks between
    checkpoints; plain GD has no optimizer state and each generator carries on from chunk to
    chunk, so the chunks together are exactly one uninterrupted run. The runs of a chunk train
    together (:func:`~course_code.training.train_many`), the same as one ``train`` call each.
    """
    m = X.shape[1]
    per_epoch = updates_per_epoch(batch_size, m)
    n_epochs = max(1, round(total_updates / per_epoch))
    marks = np.unique(np.linspace(0, n_epochs, points + 1).round().astype(int))
    params = list(params0)
    costs = [[cross_entropy_cost(forward(X, p)[0], Y)] for p in params]
    for a, b in itertools.pairwise(marks):
        results = train_many(X, Y, list(layer_dims), optimizer=gd(), schedule=constant(learning_rate),
                             num_epochs=int(b - a), mini_batch_size=batch_size, inits=params, rngs=rngs,
                             record_every=int(b - a))
        params = [r.params for r in results]
        for c, p in zip(costs, params, strict=True):
            c.append(cross_entropy_cost(forward(X, p)[0], Y))
    seconds = marks * seconds_per_epoch(batch_size, m, c_update, c_example)
    return [BatchRun(batch_size, marks, marks * per_epoch, seconds, np.array(c), accuracy(X, Y, p))
            for c, p in zip(costs, params, strict=True)]


def draw_factory(runs: dict[int, BatchRun], m: int, learning_rate: float):
    """``draw(fig)``: cost against updates (left) and against estimated time (right)."""
    def draw(fig):
        left, right = fig.subplots(1, 2, sharey=True)
        for b, run in runs.items():
            style = {"label": batch_label(b, m), "lw": 1.4, "ls": "--" if 1 < b < m else "-"}
            left.plot(run.updates, run.costs, **style)
            right.plot(run.seconds, run.costs, **style)
        left.set_xlabel("update")
        left.set_ylabel(f"cost on all {m} points")
        right.set_xlabel("estimated time (s, from measured per-update cost)")
        left.set_title(f"Per update (learning rate {learning_rate:g})")
        right.set_title("Per second of (modelled) compute")
        left.legend(loc="upper right")
    return draw


def table(runs: dict[int, BatchRun], seed_cost: dict, seed_accuracy: dict, m: int,
          c_update: float, c_example: float) -> str:
    """Markdown: budget, modelled time and final cost/accuracy (headline and seeds) per batch size."""
    n, total = len(next(iter(seed_cost.values()))), int(next(iter(runs.values())).updates[-1])
    rows = [[batch_label(b, m), updates_per_epoch(b, m), int(r.epochs[-1]),
             f"{seconds_per_epoch(b, m, c_update, c_example) * 1e3:.3f}", f"{r.seconds[-1]:.2f}",
             f"{r.costs[-1]:.3f}", seed_summary(seed_cost[b]), seed_summary(seed_accuracy[b])]
            for b, r in runs.items()]
    return markdown_table(["gradient descent", "updates per epoch", "epochs", "est. ms per epoch",
                           f"est. s for {total} updates", "final cost (this run)", f"final cost, {n} seeds",
                           f"train accuracy, {n} seeds"], rows, align="lrrrrccc")
