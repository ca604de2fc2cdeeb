"""The figures of the ``regularization`` experiment: costs, boundaries, seeds and the lambda sweep.

Each factory takes a ``regularization.Result`` and returns ``draw(fig)``. Matplotlib is
imported only when a figure is drawn, so importing the experiment stays free of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import _regularization_tables as tables

if TYPE_CHECKING:
    from .regularization import Result

VARIANTS = ("none", "l2", "dropout")


def field_limits(data, margin: float = 0.08) -> tuple[tuple[float, float], tuple[float, float]]:
    """``xlim, ylim`` covering every train and test point plus ``margin``, rounded out to 0.05."""
    X = np.hstack([data.X_train, data.X_test])
    lo = np.floor(np.round((X.min(axis=1) - margin) * 20, 6)) / 20  # round: 0.65 * 20 is not 13.0
    hi = np.ceil(np.round((X.max(axis=1) + margin) * 20, 6)) / 20
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def _boundary_row(fig, result: Result, panels):
    """One row of decision-boundary panels; ``panels`` is a list of (params, title)."""
    from ..plotting import plot_decision_boundary

    xlim, ylim = field_limits(result.data)
    axes = fig.subplots(1, len(panels), sharex=True, sharey=True)
    for ax, (params, title) in zip(axes, panels, strict=True):
        plot_decision_boundary(ax, params, result.data.X_train, result.data.Y_train,
                               xlim=xlim, ylim=ylim, resolution=250)
        ax.set_title(title)
    for ax in axes[1:]:
        ax.set_ylabel("")
    return axes


def draw_costs(result: Result):
    from ..plotting import plot_costs

    c = result.config

    def draw(fig):
        ax = fig.subplots()
        names = {"none": "no regularization", "l2": f"L2, λ = {c.lambd:g} (cost includes the L2 term)",
                 "dropout": f"dropout, keep_prob = {c.keep_prob:g} (masked network, fresh mask each step)"}
        for v in VARIANTS:
            run = result.runs[v]
            plot_costs(ax, run.iterations, run.costs, label=names[v], xlabel="iteration", log=True)
        _plain_log_ticks(ax)
        fig.legend(loc="outside lower center", fontsize=8.5)
        ax.set_title(f"Full-batch gradient descent, learning rate {c.learning_rate:g}")
    return draw


def draw_boundaries(result: Result):
    c = result.config

    def draw(fig):
        panels = [(result.runs[v].params,
                   f"{tables.label(v, c)}\ntrain {result.runs[v].train_accuracy:.3f}, "
                   f"test {result.runs[v].test_accuracy:.3f}") for v in VARIANTS]
        _boundary_row(fig, result, panels)
    return draw


def draw_sweep_boundaries(result: Result):
    c = result.config

    def draw(fig):
        k = [c.sweep_lambdas.index(lam) for lam in c.strip_lambdas]
        acc = result.sweep_accuracy[0]
        panels = [(p, f"λ = {lam:g}\ntrain {acc[i, 0]:.3f}, test {acc[i, 1]:.3f}")
                  for p, lam, i in zip(result.strip_params, c.strip_lambdas, k, strict=True)]
        _boundary_row(fig, result, panels)
        fig.suptitle(f"L2 strength from small to large ({c.sweep_iterations} iterations, first initial draw)",
                     fontsize=10.5)
    return draw


def draw_seeds(result: Result):
    c = result.config

    def draw(fig):
        ax = fig.subplots()
        for i, v in enumerate(VARIANTS):
            acc, _ = tables.all_runs(result, v)
            x = i + np.linspace(-0.12, 0.12, len(acc))
            for x0, (tr, te) in zip(x, acc, strict=True):
                ax.plot([x0, x0], [te, tr], color="0.6", lw=0.8, zorder=1)
            for j, (what, marker) in enumerate((("train", "o"), ("test", "s"))):
                ax.scatter(x[1:], acc[1:, j], marker=marker, color=f"C{j}", s=24, zorder=3,
                           label=f"{what}, other seeds" if i == 0 else None)
                ax.scatter(x[:1], acc[:1, j], marker=marker, facecolors="none", edgecolors=f"C{j}",
                           s=40, lw=1.4, zorder=3, label=f"{what}, headline run" if i == 0 else None)
        ax.set_xticks(range(len(VARIANTS)), [tables.label(v, c) for v in VARIANTS])
        ax.set_xlim(-0.5, len(VARIANTS) - 0.5)
        ax.set_ylabel("accuracy")
        lo = min(tables.all_runs(result, v)[0].min() for v in VARIANTS)
        ax.set_ylim(lo - 0.02, 1.005 + 0.06)
        ax.legend(loc="upper center", ncols=4, fontsize=8, handletextpad=0.2, columnspacing=0.9)
        ax.set_title(f"Every run: headline + {c.n_seeds} other initial draws, one data set")
    return draw


def _band(ax, x, values, color, label, marker):
    """Mean line with markers and a min-max band of per-seed ``values`` (S, K)."""
    ax.fill_between(x, values.min(axis=0), values.max(axis=0), color=color, alpha=0.2, lw=0)
    ax.plot(x, values.mean(axis=0), marker=marker, ms=4, color=color, label=label)


def _plain_log_ticks(ax):
    """Label a log y axis 0.05, 0.1, 0.2, ... 10, 20, 50 instead of 5 x 10^-2 (call after plotting)."""
    from matplotlib.ticker import FixedLocator, NullFormatter, ScalarFormatter

    lo, hi = ax.get_ylim()
    ticks = [m * 10.0**e for e in range(-4, 5) for m in (1, 2, 5) if lo <= m * 10.0**e <= hi]
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())


def draw_sweep(result: Result):
    c = result.config

    def draw(fig):
        lams = np.asarray(c.sweep_lambdas, dtype=float)
        pos, acc, w = lams > 0, result.sweep_accuracy, result.sweep_weight_sq
        ax, axw = fig.subplots(1, 2, width_ratios=(1.25, 1))
        for j, (what, marker) in enumerate((("train", "o"), ("test", "s"))):
            _band(ax, lams[pos], acc[:, pos, j], f"C{j}", f"{what} accuracy", marker)
            ax.axhline(acc[:, 0, j].mean(), color=f"C{j}", ls=":", lw=1.2,
                       label=f"{what} at λ = 0")
        ax.axvline(c.lambd, color="0.5", lw=0.8, ls="--")
        ax.annotate("the course's λ", (c.lambd, 0), xycoords=("data", "axes fraction"),
                    xytext=(3, 4), textcoords="offset points", fontsize=8, color="0.5")
        ax.set(xscale="log", xlabel="λ (L2 strength, log scale)", ylabel="accuracy",
               title="Accuracy: overfit at small λ, high bias at large λ")
        _band(axw, lams[pos], w[:, pos], "C2", "sum of squared weights", "D")
        axw.axhline(w[:, 0].mean(), color="C2", ls=":", lw=1.2, label="weights at λ = 0")
        axw.set(xscale="log", yscale="log", xlabel="λ (L2 strength, log scale)",
                ylabel="sum of squared weights (log scale)", title="Weight decay")
        _plain_log_ticks(axw)
        handles = [h for a in (ax, axw) for h in a.get_legend_handles_labels()[0]]
        fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=8.5)
        fig.suptitle(f"Mean and range over {c.sweep_seeds} initial draw{'s' if c.sweep_seeds > 1 else ''}, "
                     f"{c.sweep_iterations} iterations "
                     "each; dotted: λ = 0 (a log axis cannot show 0)", fontsize=10)
    return draw
