"""Figures, tables, metrics and claims of the ``early_stopping`` experiment.

Every claim is computed over all seeds (``every``) or over the seed means (``mean``), as its
name says.
"""

from __future__ import annotations

import numpy as np

from ..experiments.early_stopping import Result
from .plotting import COLORS
from .report import FigureSpec, Report, markdown_table, seed_summary

METHODS = ("none", "early", "l2")
LABELS = {"none": "no regularization (end of training)", "early": "early stopping",
          "l2": "L2 at the dev-chosen λ"}


def _at_stop(result: Result, values: np.ndarray) -> np.ndarray:
    return values[np.arange(values.shape[0]), result.stop]


def _draw_curves(result: Result):
    def draw(fig):
        ax_cost, ax_all = fig.subplots(1, 2)
        it, k = result.iterations, result.stop[0]
        ax_cost.plot(it, result.train_cost[0], color=COLORS[0], label="training cost")
        ax_cost.plot(it, result.dev_cost[0], color=COLORS[1], label="dev cost")
        ax_cost.axvline(it[k], color="0.5", ls="--", lw=1)
        ax_cost.annotate("early stop", (it[k], result.dev_cost[0, k]), xytext=(8, 14),
                         textcoords="offset points", fontsize=9, color="0.45")
        ax_cost.set(xlabel="iteration", ylabel="cross-entropy", title="One seed: training and dev cost")
        ax_cost.legend(loc="upper right")
        for s in range(result.dev_cost.shape[0]):
            ax_all.plot(it, result.dev_cost[s], color=COLORS[s % len(COLORS)], lw=1.3)
            ax_all.plot(it[result.stop[s]], result.dev_cost[s, result.stop[s]], "o",
                        color=COLORS[s % len(COLORS)], ms=5)
        ax_all.set(xlabel="iteration", ylabel="dev cross-entropy",
                   title=f"Dev cost of all {result.dev_cost.shape[0]} seeds (dot: the stop)")
    return draw


def _draw_weights(result: Result):
    def draw(fig):
        from matplotlib.ticker import FixedLocator, NullFormatter, ScalarFormatter

        ax = fig.subplots()
        it = np.concatenate([[0], result.iterations])
        end, rows = it[-1], np.arange(len(result.chosen))
        for s in rows:
            color = COLORS[s % len(COLORS)]
            sq = np.concatenate([[result.init_weight_sq[s]], result.weight_sq[s]])
            ax.plot(it, sq, color=color, lw=1.3)
            ax.plot(it[result.stop[s] + 1], result.weight_sq[s, result.stop[s]], "o", color=color, ms=6)
            ax.plot(end, result.l2_weight_sq[s, result.chosen[s]], "s", color=color, ms=6, clip_on=False)
        ax.plot([], [], "o", color="0.5", label="early stop (on dev)")
        ax.plot([], [], "s", color="0.5", label="L2 at the dev-chosen λ, end")
        ax.set(yscale="log", xlabel="iteration", ylabel="sum of squared weights (log scale)",
               title="Unregularized weights grow; both methods stop them small")
        lo, hi = ax.get_ylim()
        ax.yaxis.set_major_locator(FixedLocator([m * 10.0**e for e in range(0, 5) for m in (1, 2, 5)
                                                 if lo <= m * 10.0**e <= hi]))
        ax.yaxis.set_major_formatter(ScalarFormatter())
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.legend(loc="upper left")
    return draw


def _draw_test(result: Result):
    def draw(fig):
        ax = fig.subplots()
        acc = result.test_accuracy
        for s in range(acc.shape[0]):
            ax.plot(range(3), acc[s], color="0.6", lw=0.8, zorder=1)
        for j in range(len(METHODS)):
            ax.scatter(np.full(acc.shape[0], j), acc[:, j], color=COLORS[j], s=28, zorder=2)
            ax.plot([j - 0.22, j + 0.22], [acc[:, j].mean()] * 2, color=COLORS[j], lw=2.4, zorder=3)
        ax.set_xticks(range(3), ["no regularization", "early stopping", "L2 (λ on dev)"])
        ax.set(ylabel="test accuracy", xlim=(-0.5, 2.5),
               title="Test accuracy per seed (lines join a seed; bar: the mean)")
    return draw


def _claims(result: Result) -> dict:
    acc, rising = result.test_accuracy, result.dev_cost[:, -1] > result.dev_cost.min(axis=1)
    stop_cost, end_cost = _at_stop(result, result.train_cost), result.train_cost[:, -1]
    rows = np.arange(len(result.chosen))
    stop_sq, l2_sq = _at_stop(result, result.weight_sq), result.l2_weight_sq[rows, result.chosen]
    end_sq = result.weight_sq[:, -1]
    return {
        "dev_cost_rises_every_seed": bool(rising.all()),
        "stops_in_first_half_every_seed": bool(np.all(result.iterations[result.stop]
                                                      <= result.config.num_iterations / 2)),
        "early_beats_none_every_seed": bool(np.all(acc[:, 1] > acc[:, 0])),
        "l2_beats_none_every_seed": bool(np.all(acc[:, 2] > acc[:, 0])),
        "l2_beats_none_mean": bool(acc[:, 2].mean() > acc[:, 0].mean()),
        "early_at_least_l2_mean": bool(acc[:, 1].mean() >= acc[:, 2].mean()),
        "neither_wins_every_seed": bool(not np.all(acc[:, 1] > acc[:, 2])
                                        and not np.all(acc[:, 2] > acc[:, 1])),
        "stop_train_cost_higher_every_seed": bool(np.all(stop_cost > end_cost)),
        "l2_train_cost_higher_every_seed": bool(np.all(result.l2_train_cost[rows, result.chosen] > end_cost)),
        "stop_dev_accuracy_above_end_mean": bool(_at_stop(result, result.dev_accuracy).mean()
                                                 > result.dev_accuracy[:, -1].mean()),
        "stop_weights_between_init_and_end_every_seed": bool(np.all((result.init_weight_sq < stop_sq)
                                                                    & (stop_sq < end_sq))),
        "l2_weights_below_end_every_seed": bool(np.all(l2_sq < end_sq)),
        "l2_weights_mean_nearer_stop_than_end": bool(abs(np.log(l2_sq.mean() / stop_sq.mean()))
                                                     < abs(np.log(end_sq.mean() / l2_sq.mean()))),
    }


def metrics(result: Result) -> dict:
    """The numbers and claims the page quotes."""
    c, acc, rows = result.config, result.test_accuracy, np.arange(len(result.chosen))
    stops = result.iterations[result.stop]
    stop_cost, end_cost = _at_stop(result, result.train_cost), result.train_cost[:, -1]
    l2_cost = result.l2_train_cost[rows, result.chosen]
    lambdas = np.asarray(c.lambdas)[result.chosen]
    metrics = {m: {"test_mean": float(acc[:, j].mean()), "test_min": float(acc[:, j].min()),
                   "test_max": float(acc[:, j].max())} for j, m in enumerate(METHODS)}
    stop_sq, end_sq = _at_stop(result, result.weight_sq), result.weight_sq[:, -1]
    metrics.update({
        "stop": {"min": int(stops.min()), "max": int(stops.max()), "mean": float(stops.mean()),
                 "first_seed": int(stops[0])},
        "train_cost": {"stop_mean": float(stop_cost.mean()), "end_mean": float(end_cost.mean()),
                       "l2_mean": float(l2_cost.mean()),
                       "stop_over_end": float((stop_cost / end_cost).mean())},
        "dev": {"cost_min_mean": float(result.dev_cost.min(axis=1).mean()),
                "cost_end_mean": float(result.dev_cost[:, -1].mean()),
                "accuracy_stop_mean": float(_at_stop(result, result.dev_accuracy).mean()),
                "accuracy_end_mean": float(result.dev_accuracy[:, -1].mean())},
        "lambda": {"min": float(lambdas.min()), "max": float(lambdas.max()),
                   "distinct": len(set(lambdas.tolist()))},
        "early_minus_l2": float(acc[:, 1].mean() - acc[:, 2].mean()),
        "early_minus_none": float(acc[:, 1].mean() - acc[:, 0].mean()),
        "weight_sq": {"init_mean": float(result.init_weight_sq.mean()),
                      "stop_mean": float(stop_sq.mean()), "end_mean": float(end_sq.mean()),
                      "l2_mean": float(result.l2_weight_sq[rows, result.chosen].mean()),
                      "end_over_stop": float((end_sq / stop_sq).mean())},
        "runs": {"early": 1, "l2": len(c.lambdas)},
        "iterations_trained": {"early": c.num_iterations, "l2": len(c.lambdas) * c.num_iterations,
                               "early_to_stop_max": int(stops.max())},
        "config": {"num_iterations": c.num_iterations, "check_every": c.check_every, "n_seeds": c.n_seeds,
                   "n_dev": c.n_dev, "learning_rate": c.learning_rate, "n_lambdas": len(c.lambdas),
                   "lambda_min": min(c.lambdas), "lambda_max": max(c.lambdas)},
        "claims": _claims(result),
    })
    return metrics


def _table(result: Result) -> str:
    rows, c = [], result.config
    for s in range(len(result.stop)):
        rows.append([s + 1, int(result.iterations[result.stop[s]]), f"{c.lambdas[result.chosen[s]]:g}",
                     *(f"{a:.3f}" for a in result.test_accuracy[s])])
    acc = result.test_accuracy
    stops = result.iterations[result.stop]
    rows.append(["all", f"{stops.mean():.0f} ({stops.min()}–{stops.max()})", "",
                 *(seed_summary(acc[:, j]) for j in range(3))])
    return markdown_table(["seed", "stop (iteration, chosen on dev)", "λ (chosen on dev)",
                           "test: no regularization", "test: early stopping", "test: L2"],
                          rows, align="cccccc")


def report(result: Result) -> Report:
    figures = {
        "curves": FigureSpec(_draw_curves(result), (9.0, 3.4),
                             "Training and dev cost against iteration; the dev cost falls, then rises, "
                             "and early stopping keeps the weights at its lowest point"),
        "weights": FigureSpec(_draw_weights(result), (6.4, 3.4),
                              "Sum of squared weights against iteration for each seed, with the "
                              "early-stopping point and the L2 network at the dev-chosen lambda"),
        "test": FigureSpec(_draw_test(result), (6.4, 3.4),
                           "Test accuracy of each seed without regularization, with early stopping and "
                           "with L2 at the lambda chosen on the dev set"),
    }
    return Report(figures, {"seeds": _table(result)}, metrics(result), thumbnail="curves")
