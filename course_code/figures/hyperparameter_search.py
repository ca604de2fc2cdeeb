"""Figures, tables and metrics of the ``hyperparameter_search`` experiment."""

from __future__ import annotations

import itertools

import numpy as np

from ..experiments.hyperparameter_search import Result, trials_to_reach
from .report import FigureSpec, Report, markdown_table, seed_summary

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


# ---------------------------------------------------------------------- metrics, report
def race(result: Result, target: float) -> tuple[int, np.ndarray, np.ndarray]:
    """Trials grid and each random search need to reach ``target`` (0: never), and which random
    searches need fewer trials than the grid (or reach it where the grid never does)."""
    grid_n = trials_to_reach(result.grid_best, result.budgets, target)
    random_n = np.array([trials_to_reach(b, np.arange(1, b.size + 1), target) for b in result.random_best])
    fewer = (random_n > 0) & ((grid_n == 0) | (random_n < grid_n))
    return grid_n, random_n, fewer


def _gap_rows(result: Result) -> list[list]:
    rows = []
    for gap in GAPS:
        target = result.best_any - gap
        grid_n, random_n, fewer = race(result, target)
        hit = random_n[random_n > 0]
        rows.append([f"{target:.3f} (best − {gap:.2f})", grid_n or "never",
                     f"{hit.mean():.1f} ({hit.min()}–{hit.max()})" if hit.size else "never",
                     f"{fewer.sum()} of {len(fewer)}"])
    return rows


def _metrics(result: Result) -> dict:
    budgets, target = result.budgets, result.target
    grid_n, random_n, fewer = race(result, target)
    reached = random_n > 0
    at = {int(n): {"grid": float(g), "random_headline": float(result.random_best[0, n - 1]),
                   "random_mean": float(result.random_best[:, n - 1].mean()),
                   "random_min": float(result.random_best[:, n - 1].min()),
                   "random_max": float(result.random_best[:, n - 1].max())}
          for n, g in zip(budgets, result.grid_best, strict=True)}
    rounds = [{"best": float(np.nanmax(r.accuracy)), "lr_decades": float(np.log10(b[1] / b[0])),
               "one_minus_beta_decades": float(np.log10((1 - b[2]) / (1 - b[3])))}
              for r, b in zip(result.rounds, result.boxes, strict=True)]
    mean_n = float(np.where(reached, random_n, 0).sum() / max(reached.sum(), 1))
    k = int(np.sqrt(grid_n)) if grid_n else int(result.config.max_grid)
    grid = result.grids[k - 2]
    j = int(np.nanargmax(grid.accuracy))
    lr = np.concatenate([r.learning_rate for r in result.random])
    good = lr[np.concatenate([r.accuracy for r in result.random]) >= target]
    edge = bool(np.isclose(grid.learning_rate[j], result.config.lr_low)
                or np.isclose(grid.learning_rate[j], result.config.lr_high))
    return {
        "target": target, "best_any": result.best_any, "target_gap": result.config.target_gap,
        "n_seeds": result.config.n_seeds,
        "max_budget": int(budgets[-1]), "grid_side": int(result.config.max_grid),
        "grid_trials_to_target": grid_n, "grid_reached": bool(grid_n > 0),
        "random_trials_to_target_headline": int(random_n[0]),
        "random_trials_to_target_mean": mean_n,
        "random_trials_to_target_min": int(random_n[reached].min()) if reached.any() else 0,
        "random_trials_to_target_max": int(random_n[reached].max()) if reached.any() else 0,
        "random_reached_count": int(reached.sum()),
        "random_fewer_count": int(fewer.sum()),
        "random_fewer_all_seeds": bool(fewer.all()),
        "random_fewer_mean": bool(reached.all() and (grid_n == 0 or mean_n < grid_n)),
        # The verdict the page states: fewer trials on average AND in most of the searches.
        "random_wins": bool(reached.all() and (grid_n == 0 or mean_n < grid_n)
                            and fewer.sum() > len(fewer) / 2),
        "grid_best_lr": float(grid.learning_rate[j]), "grid_best_beta": float(grid.beta[j]),
        "grid_best_on_edge": edge,
        # The learning rates of the random trials that reached the target: the good range.
        "good_lr_min": float(good.min()) if good.size else 0.0,
        "good_lr_max": float(good.max()) if good.size else 0.0,
        # Standard error of a validation accuracy near the target: differences below it are noise.
        "val_standard_error": float(np.sqrt(target * (1 - target) / result.config.n_val)),
        "n_val": int(result.config.n_val), "num_epochs": int(result.config.num_epochs),
        "updates": int(result.config.num_epochs * -(-result.config.n_train // result.config.mini_batch_size)),
        "at_budget": at, "rounds": rounds,
        "refine_narrower": bool(all(b["lr_decades"] < a["lr_decades"]
                                    for a, b in itertools.pairwise(rounds))),
        "chosen_lr": float(result.chosen[0]), "chosen_beta": float(result.chosen[1]),
        "chosen_val": float(result.chosen_val), "chosen_test": float(result.chosen_test),
        "n_test": int(result.config.n_test), "n_train": int(result.config.n_train),
        "mini_batch_size": int(result.config.mini_batch_size),
        "refine_budget": int(result.config.refine_budget), "refine_top": int(result.config.refine_top),
        "refine_rounds": int(result.config.refine_rounds), "lr_high": float(result.config.lr_high),
        "val_overstates_test": bool(result.chosen_val > result.chosen_test),
    }


def report(result: Result) -> Report:
    metrics = _metrics(result)
    n = result.config.max_grid
    figures = {
        "budget": FigureSpec(draw_budget(result), (6.8, 3.8),
                             "Best validation accuracy against the number of trials, grid and random search"),
        "layouts": FigureSpec(draw_layouts(result), (8.4, 3.6),
                              "Where a 4 by 4 grid and 16 random trials fall in the learning-rate and "
                              "1 - beta plane, coloured by validation accuracy"),
        "scatter": FigureSpec(draw_scatter(result), (8.4, 3.6),
                              "Validation accuracy of every trial against the learning rate and against "
                              "1 - beta, on log axes"),
        "zoom": FigureSpec(draw_zoom(result), (6.8, 4.2),
                           "Coarse to fine: each round's trials and the shrinking boxes they are drawn from"),
    }
    tables = {"budgets": budget_table(result, metrics), "rounds": rounds_table(result),
              "targets": gaps_table(_gap_rows(result))}
    metrics["distinct_lr_grid"], metrics["distinct_lr_random"] = n, n * n
    return Report(figures, tables, metrics, thumbnail="budget")
