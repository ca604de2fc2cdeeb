"""Figures, tables and metrics of the ``bias_variance`` experiment."""

from __future__ import annotations

import numpy as np

from ..experiments.bias_variance import Result
from .report import FigureSpec, Report, markdown_table

#: The course's basic recipe: what to try for each diagnosis.
RECIPE = {
    "high bias": "bigger network, train longer (or another architecture)",
    "high variance": "more data, regularization (or another architecture)",
    "high bias and high variance": "both: first a bigger network, then more data or regularization",
    "neither": "done: ship it",
}


#: Top of the error axis (percent): the interesting errors are small; larger ones are written out.
TOP_ERROR = 20


#: Diagnoses as the grid table writes them (narrow enough for a phone).
SHORT = {"high bias": "high bias", "high variance": "high variance", "high bias and high variance": "both",
         "neither": "neither"}


def name(hidden) -> str:
    return "[2, " + ", ".join(map(str, hidden)) + ", 1]"


def diagnose(train_error: float, dev_error: float, bayes: float, gap: float) -> str:
    """The course's rule: high bias if the train error is well above the Bayes error, high
    variance if the dev error is well above the train error (``gap`` = how far is "well")."""
    bias, variance = train_error - bayes >= gap, dev_error - train_error >= gap
    return {(True, True): "high bias and high variance", (True, False): "high bias",
            (False, True): "high variance", (False, False): "neither"}[(bias, variance)]


def _cells(result: Result):
    c, b = result.config, result.bayes_error
    tr, dv = result.train_error.mean(axis=2), result.dev_error.mean(axis=2)
    return [[diagnose(tr[h, k], dv[h, k], b, c.gap) for k in range(len(c.lambdas))]
            for h in range(len(c.hidden))]


def _claims(result: Result) -> dict[str, bool]:
    c, b = result.config, result.bayes_error
    tr, dv = result.train_error, result.dev_error
    labels = _cells(result)
    big, small = len(c.hidden) - 1, 0
    reg = int(np.argmin(dv[big].mean(axis=1)))  # the big network's best lambda, chosen on dev
    ct, cd = result.curve_train, result.curve_dev
    return {
        "bayes_classifier_is_clean_boundary": bool(result.max_flip_rate < 0.5),
        "largest_lambda_high_bias_everywhere": bool(all("high bias" in row[-1] for row in labels)),
        "big_unregularized_high_variance": bool(all("high variance" in labels[h][0]
                                                    for h in range(1, len(c.hidden)))),
        "big_unregularized_below_bayes_every_seed": bool(np.all(tr[big, 0] < b)),
        "bigger_network_lowers_train_error_every_seed": bool(np.all(tr[big, 0] < tr[small, 0])),
        "regularization_narrows_gap_every_seed": bool(reg > 0 and np.all(
            dv[big, reg] - tr[big, reg] < dv[big, 0] - tr[big, 0])),
        "regularization_lowers_dev_error": bool(reg > 0 and dv[big, reg].mean() < dv[big, 0].mean()),
        "more_data_narrows_gap_big": bool((cd[1, -1] - ct[1, -1]).mean() < (cd[1, 0] - ct[1, 0]).mean()),
        "more_data_lowers_dev_error_big": bool(cd[1, -1].mean() < cd[1, 0].mean()),
        "small_train_error_rises_with_data": bool(ct[0, -1].mean() > ct[0, 0].mean()),
        "small_curves_stay_above_bayes": bool(ct[0, -1].mean() > b and cd[0, -1].mean() > b),
        "big_gap_wider_than_small_at_max": bool((cd[1, -1] - ct[1, -1]).mean()
                                                > (cd[0, -1] - ct[0, -1]).mean()),
        "no_cell_neither": bool(all(v != "neither" for row in labels for v in row)),
    }


def metrics(result: Result) -> dict:
    c = result.config
    tr, dv = result.train_error.mean(axis=2), result.dev_error.mean(axis=2)
    big, small = len(c.hidden) - 1, 0
    reg = int(np.argmin(dv[big]))
    ct, cd = result.curve_train.mean(axis=2), result.curve_dev.mean(axis=2)
    return {
        "claims": _claims(result),
        "bayes_error": result.bayes_error, "bayes_error_se": result.bayes_error_se,
        "max_flip_rate": result.max_flip_rate, "clean_dev_error": result.clean_dev_error,
        "noise_bound": c.patches * c.patch_size / c.n_ref,
        "gap": c.gap,
        "small": {"name": name(c.hidden[small]), "train_l0": float(tr[small, 0]),
                  "dev_l0": float(dv[small, 0])},
        "big": {"name": name(c.hidden[big]), "train_l0": float(tr[big, 0]), "dev_l0": float(dv[big, 0]),
                "best_lambda": float(c.lambdas[reg]), "train_best": float(tr[big, reg]),
                "dev_best": float(dv[big, reg])},
        "largest_lambda": float(c.lambdas[-1]),
        "largest_lambda_train_min": float(tr[:, -1].min()),
        "curves": {"small": name(c.hidden[c.curve_models[0]]), "big": name(c.hidden[c.curve_models[1]]),
                   "first_size": c.curve_sizes[0], "last_size": c.curve_sizes[-1],
                   "small_train_first": float(ct[0, 0]), "small_train_last": float(ct[0, -1]),
                   "small_dev_last": float(cd[0, -1]), "big_train_last": float(ct[1, -1]),
                   "big_dev_first": float(cd[1, 0]), "big_dev_last": float(cd[1, -1])},
        "config": {"n_seeds": c.n_seeds, "n_train": c.n_train, "n_dev": c.n_dev, "n_ref": c.n_ref,
                   "patches": c.patches, "patch_size": c.patch_size, "bayes_sets": c.bayes_sets,
                   "bayes_bins": c.bayes_bins, "num_iterations": c.num_iterations,
                   "learning_rate": c.learning_rate, "n_sizes": len(c.hidden), "n_lambdas": len(c.lambdas)},
    }


def tables(result: Result) -> dict[str, str]:
    c, b = result.config, result.bayes_error
    tr, dv, labels = result.train_error.mean(axis=2), result.dev_error.mean(axis=2), _cells(result)
    rows = []
    for h, hidden in enumerate(c.hidden):
        for k, lam in enumerate(c.lambdas):
            rows.append([name(hidden).replace(" ", ""), f"{lam:g}", f"{tr[h, k]:.1%}", f"{dv[h, k]:.1%}",
                         f"{tr[h, k] - b:+.1%}", f"{dv[h, k] - tr[h, k]:+.1%}", f"**{SHORT[labels[h][k]]}**"])
    grid = markdown_table(["network", "λ", "train", "dev", "train − Bayes", "dev − train", "diagnosis"],
                          rows, align="lrrrrrl")
    grid += (f"\nErrors, means over {c.n_seeds} training sets of {c.n_train} points (each with its own "
             f"initial weights); the dev set has {c.n_dev} points. Bayes error {b:.1%}. Bias: train − Bayes; "
             f"variance: dev − train; \"high\" means at least {c.gap:.0%}; both: high bias and high "
             "variance.\n")
    recipe = markdown_table(["diagnosis", "what to try next"], [[k, v] for k, v in RECIPE.items()],
                            align="ll")
    return {"grid": grid, "recipe": recipe}


def _band(ax, x, values, color, label, marker, ls="-"):
    ax.fill_between(x, values.min(axis=-1), values.max(axis=-1), color=color, alpha=0.18, lw=0)
    ax.plot(x, values.mean(axis=-1), marker=marker, ms=4, color=color, label=label, ls=ls)


def draw_grid(result: Result):
    c = result.config

    def draw(fig):
        axes = fig.subplots(1, len(c.hidden), sharey=True)
        x = np.arange(len(c.lambdas))
        for h, ax in enumerate(axes):
            _band(ax, x, 100 * result.train_error[h], "C0", "train error", "o")
            _band(ax, x, 100 * result.dev_error[h], "C1", "dev error", "s")
            ax.axhline(100 * result.bayes_error, color="0.5", ls="--", lw=1, label="Bayes error")
            ax.set_xticks(x, [f"{v:g}" for v in c.lambdas])
            ax.set_xlabel("λ")
            ax.set_title(name(c.hidden[h]))
        axes[0].set_ylabel("error (%)")
        top = TOP_ERROR
        axes[0].set_ylim(0, top)
        for h, ax in enumerate(axes):  # errors above the axis: written at the top, with their values
            tr, dv = 100 * result.train_error[h].mean(axis=1), 100 * result.dev_error[h].mean(axis=1)
            for k in np.flatnonzero(np.maximum(tr, dv) > top):
                ax.annotate(f"↑ train {tr[k]:.0f}%\ndev {dv[k]:.0f}%", (x[k], top), xytext=(-2, -4),
                            textcoords="offset points", ha="right", va="top", fontsize=8)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=8.5)
        fig.suptitle(f"Train and dev error per network size and λ (mean and range over {c.n_seeds} "
                     "training sets)", fontsize=10)
    return draw


def draw_curves(result: Result):
    c = result.config

    def draw(fig):
        axes = fig.subplots(1, 2, sharey=True)
        x = np.asarray(c.curve_sizes)
        for a, ax in enumerate(axes):
            _band(ax, x, 100 * result.curve_train[a], "C0", "train error", "o")
            _band(ax, x, 100 * result.curve_dev[a], "C1", "dev error", "s")
            ax.axhline(100 * result.bayes_error, color="0.5", ls="--", lw=1, label="Bayes error")
            ax.set_xscale("log")
            ax.set_xticks(x, [str(v) for v in x])
            ax.minorticks_off()
            ax.set_xlabel("training-set size (log scale)")
            ax.set_title(name(c.hidden[c.curve_models[a]]) + (", few units" if a == 0 else ", many units"))
        axes[0].set_ylabel("error (%)")
        axes[0].set_ylim(bottom=0)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=8.5)
        fig.suptitle(f"Learning curves, λ = {c.curve_lambda:g} (mean and range over {c.n_seeds} initial "
                     "draws)", fontsize=10)
    return draw


def report(result: Result) -> Report:
    c = result.config
    figs = {
        "errors": FigureSpec(draw_grid(result), (9.0, 3.8),
                             f"Train and dev error against lambda for {len(c.hidden)} network sizes, "
                             "with the Bayes error as a dashed line"),
        "curves": FigureSpec(draw_curves(result), (8.0, 3.6),
                             "Learning curves: train and dev error against training-set size for a small "
                             "and a large network"),
    }
    return Report(figs, tables(result), metrics(result), thumbnail="curves")
