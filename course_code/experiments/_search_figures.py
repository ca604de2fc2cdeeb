"""Figures and tables of the hyperparameter-search experiment (private to it)."""

from __future__ import annotations

import numpy as np

from ..report import markdown_table, seed_summary

GAPS = (0.01, 0.02, 0.03, 0.05)


def _log_axes(ax, x: str, y: str | None = None) -> None:
    ax.set_xscale("log")
    ax.set_xlabel(x)
    if y:
        ax.set_yscale("log")
        ax.set_ylabel(y)


def draw_budget(result):
    def draw(fig):
        ax = fig.subplots()
        n = np.arange(1, result.random_best.shape[1] + 1)
        best = np.where(np.isfinite(result.random_best), result.random_best, np.nan)
        ax.fill_between(n, np.nanmin(best, axis=0), np.nanmax(best, axis=0), color="C0", alpha=0.2, lw=0,
                        label=f"random: range over {len(best)} searches")
        ax.plot(n, np.nanmean(best, axis=0), color="C0", label="random: mean", drawstyle="steps-post")
        ax.plot(result.budgets, result.grid_best, "s-", color="C1", ms=6,
                label="grid k × k: best of the grid")
        ax.axhline(result.target, color="0.5", lw=1, ls="--")
        ax.annotate(f"target {result.target:.3f}", (n[-1], result.target), xytext=(0, -12),
                    textcoords="offset points", ha="right", fontsize=8, color="0.5")
        ax.set_xlabel("number of trials (the budget)")
        ax.set_ylabel("best validation accuracy so far")
        ax.set_xticks(result.budgets)
        lo = min(np.nanmin(best[:, 3]), result.grid_best.min())
        ax.set_ylim(max(lo - 0.02, 0.5), min(1.0, np.nanmax(best) + 0.015))
        ax.set_xlim(1, n[-1] + 1)
        ax.legend(loc="lower right")
        ax.set_title("Random vs grid search at equal budget")
    return draw


def draw_layouts(result):
    """A k x k grid and k*k random trials in the (learning rate, 1 - beta) plane."""
    k = 4 if len(result.grids) >= 3 else result.config.max_grid
    grid = result.grids[k - 2]
    rand = result.random[0]

    def draw(fig):
        axes = fig.subplots(1, 2, sharex=True, sharey=True)
        for ax, trials, title, n in ((axes[0], grid, f"grid {k} × {k}", k * k),
                                     (axes[1], rand, f"random, {k * k} trials", k * k)):
            acc = trials.accuracy[:n]
            sc = ax.scatter(trials.learning_rate[:n], 1 - trials.beta[:n], c=acc, cmap="viridis",
                            vmin=0.5, vmax=max(0.95, np.nanmax(acc)), s=42, edgecolors="0.5", linewidths=0.4,
                            zorder=3)
            ax.plot(trials.learning_rate[:n], np.full(n, 0.035), "|", color="C5", ms=10, mew=1.5,
                    transform=ax.get_xaxis_transform())  # a rug: the learning rates tried
            _log_axes(ax, "learning rate α (ticks: the values tried)", "1 − β" if ax is axes[0] else None)
            distinct = len(np.unique(trials.learning_rate[:n]))
            ax.set_title(f"{title}: {distinct} distinct α")
        axes[1].tick_params(labelleft=True)
        axes[0].set_ylim((1 - result.config.beta_low) * 2.0, (1 - result.config.beta_high) / 1.4)
        fig.colorbar(sc, ax=axes, label="validation accuracy (≤ 0.5: darkest)", shrink=0.9)
    return draw


def draw_scatter(result):
    def draw(fig):
        axes = fig.subplots(1, 2, sharey=True)
        lr, beta, acc = (np.concatenate([getattr(r, f) for r in result.random])
                         for f in ("learning_rate", "beta", "accuracy"))
        g = result.grids[-1]
        for ax, xr, xg, label in ((axes[0], lr, g.learning_rate, "learning rate α"),
                                  (axes[1], 1 - beta, 1 - g.beta, "1 − β (β = 0.9 at 10⁻¹, 0.999 at 10⁻³)")):
            ax.scatter(xr, acc, s=10, alpha=0.7, color="C4", lw=0, label=f"random ({len(acc)} trials)",
                       rasterized=True)
            ax.scatter(xg, g.accuracy, s=16, marker="s", facecolors="none", edgecolors="C1", lw=0.9,
                       label=f"grid {result.config.max_grid} × {result.config.max_grid}")
            _log_axes(ax, label)
        axes[1].invert_xaxis()  # beta grows to the right
        axes[0].set_ylabel("validation accuracy")
        axes[0].legend(loc="upper left")
        axes[0].set_title("Accuracy against the learning rate")
        axes[1].set_title("Accuracy against 1 − β")
    return draw


def draw_zoom(result):
    def draw(fig):
        ax = fig.subplots()
        colors = ("C3", "C1", "C2", "C4", "C5", "C0")
        for i, (trials, box) in enumerate(zip(result.rounds, result.boxes, strict=True)):
            c = colors[i % len(colors)]
            x0, x1, b0, b1 = box
            ax.add_patch(_rect(x0, x1, 1 - b1, 1 - b0, c))
            ax.scatter(trials.learning_rate, 1 - trials.beta, s=26, color=c, zorder=3,
                       label=f"round {i + 1}: best {np.nanmax(trials.accuracy):.3f}")
        lr, beta, acc = (np.concatenate([getattr(r, f) for r in result.rounds])
                         for f in ("learning_rate", "beta", "accuracy"))
        j = int(np.nanargmax(acc))
        ax.scatter(lr[j], 1 - beta[j], marker="*", s=240, color="C6", edgecolors="0.3", lw=0.6, zorder=4,
                   label=f"best trial ({acc[j]:.3f})")
        _log_axes(ax, "learning rate α", "1 − β")
        x0, x1, b0, b1 = result.boxes[0]
        ax.set_xlim(x0 / 1.5, x1 * 1.5)
        ax.set_ylim((1 - b0) * 1.3, (1 - b1) / 1.3)  # beta grows upwards
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5)
        ax.set_title("Coarse to fine: each round samples a box around\nthe previous round's best trials")
    return draw


def _rect(x0, x1, y0, y1, color):
    from matplotlib.patches import Rectangle

    return Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec=color, lw=1.5, ls="--", zorder=2)


def budget_table(result, metrics) -> str:
    rows = []
    for n in result.budgets:
        m = metrics["at_budget"][int(n)]
        rows.append([int(n), m["grid"], m["random_headline"],
                     seed_summary(result.random_best[:, n - 1])])
    return markdown_table(["trials", "grid k × k: best", "random (headline search): best",
                           f"random, {result.config.n_seeds} searches: mean (range)"], rows)


def rounds_table(result) -> str:
    rows = []
    for i, (trials, box) in enumerate(zip(result.rounds, result.boxes, strict=True)):
        j = int(np.nanargmax(trials.accuracy))
        rows.append([i + 1, f"{box[0]:.3g} – {box[1]:.3g}", f"{box[2]:.4f} – {box[3]:.4f}", len(trials.index),
                     trials.accuracy[j], f"α = {trials.learning_rate[j]:.3g}, β = {trials.beta[j]:.4f}"])
    return markdown_table(["round", "learning rate box", "β box", "trials", "best accuracy", "best trial"],
                          rows, align="lccrrl")


def gaps_table(rows) -> str:
    return markdown_table(["target", "grid: trials to reach it", "random: trials (mean, range)",
                           "random searches with fewer trials than grid"], rows, align="lccc")
