"""Figures, tables, metrics and claims of the ``normalizing_inputs`` experiment."""

from __future__ import annotations

import numpy as np

from ..experiments.normalizing_inputs import KINDS, Result
from .plotting import COLORS
from .report import FigureSpec, Report, markdown_table

LABELS = {"raw": "raw inputs", "normalized": "normalized inputs"}
COLOR = {"raw": COLORS[5], "normalized": COLORS[0]}


def _reached(result: Result) -> np.ndarray:
    """(2, n_rates, n_seeds): the training cost reached the target within the budget."""
    return result.epochs_to_target >= 0


def claims(result: Result) -> dict[str, bool]:
    """The findings the page states, each computed from the data."""
    reached = _reached(result)
    pic = result.pictures
    jn, jr = result.chosen["normalized"], result.chosen["raw"]
    raw_final = result.final_cost[0]
    stalled = np.isfinite(raw_final) & (np.abs(raw_final - result.constant_cost) < 1e-3)
    return {
        "wine_conditioning_improves_thousandfold": result.condition["normalized"] * 1e3
        < result.condition["raw"],
        "linear_rate_limit_larger": result.linear_rate_limit["normalized"] > result.linear_rate_limit["raw"],
        "picture_fewer_steps_every_draw": bool(
            np.all(pic["normalized"].steps >= 0)
            and np.all((pic["raw"].steps < 0) | (pic["normalized"].steps < pic["raw"].steps))
        ),
        "picture_better_conditioned_every_draw": bool(
            np.all(pic["normalized"].condition < pic["raw"].condition)
        ),
        "raw_never_reaches_target": bool(not reached[0].any()),
        "normalized_reaches_target_at_chosen_rate_every_seed": bool(reached[1, jn].all()),
        "normalized_chosen_rate_larger": bool(result.rates[jn] > result.rates[jr]),
        "raw_stalls_at_some_rates": bool(stalled.all(axis=1).any()),
        "normalized_higher_test_mean": bool(result.test_accuracy[1].mean() > result.test_accuracy[0].mean()),
        "test_not_centred_by_its_own_stats": result.dev_mean_abs["test"]
        > 1e3 * max(result.dev_mean_abs["train"], 1e-15),
    }


def metrics(result: Result) -> dict:
    c = result.config
    reached = _reached(result)
    out = {
        "n_seeds": c.n_seeds, "rate_factor": c.rate_factor, "tolerance": c.tolerance,
        "num_epochs": c.num_epochs,
        "target_cost": c.target_cost,
        "hidden_units": c.hidden_units,
        "stretch": c.stretch,
        "rate_min": c.rate_min,
        "rate_max": c.rate_max,
        "n_train": result.n_split[0],
        "n_dev": result.n_split[1],
        "n_test": result.n_split[2],
        "constant_cost": result.constant_cost,
        "mean_abs": dict(result.dev_mean_abs),
        "condition_ratio": result.condition["raw"] / result.condition["normalized"],
        "rate_limit_ratio": result.linear_rate_limit["normalized"] / result.linear_rate_limit["raw"],
    }
    raw_final = result.final_cost[0]
    stalled = (np.isfinite(raw_final) & (np.abs(raw_final - result.constant_cost) < 1e-3)).all(axis=1)
    out["raw_stalled_rates"] = int(stalled.sum())
    out["raw_stalled_rate_min"] = float(result.rates[stalled].min()) if stalled.any() else 0.0
    for i, kind in enumerate(KINDS):
        j = result.chosen[kind]
        pic = result.pictures[kind]
        hit = result.epochs_to_target[i, j]
        best = np.nanmin(np.where(np.isnan(result.final_cost[i]), np.inf, result.final_cost[i]).mean(axis=1))
        out[kind] = {
            "condition": result.condition[kind],
            "rate_limit": result.linear_rate_limit[kind],
            "feature_min": float(result.feature_range[kind][:, 0].min()),
            "feature_max": float(result.feature_range[kind][:, 1].max()),
            "chosen_rate": float(result.rates[j]),
            "chosen_dev_cost_mean": float(np.mean(result.dev_cost[i, j])),
            "chosen_final_cost_mean": float(np.mean(result.final_cost[i, j])),
            "best_final_cost_mean": float(best),
            "epochs_to_target_median": float(np.median(hit)) if (hit >= 0).all() else -1.0,
            "rates_reaching_target": int(reached[i].all(axis=1).sum()),
            "test_accuracy_mean": float(result.test_accuracy[i].mean()),
            "test_accuracy_min": float(result.test_accuracy[i].min()),
            "picture": {
                "condition_mean": float(pic.condition.mean()),
                "steps_median": float(np.median(pic.steps)),
                "steps_max": int(pic.steps.max()),
                "steps_min": int(pic.steps.min()),
                "rate_mean": float(pic.rate.mean()),
            },
        }
    out["claims"] = claims(result)
    return out


# ---------------------------------------------------------------------- figures
def draw_contours(result: Result):
    def draw(fig):
        import matplotlib as mpl

        fg = mpl.rcParams["text.color"]
        axes = fig.subplots(1, 2)
        for ax, kind in zip(axes, KINDS, strict=True):
            p = result.pictures[kind]
            levels = np.quantile(p.grid_cost, np.linspace(0.02, 0.9, 12))
            ax.contour(
                p.grid_w1,
                p.grid_w2,
                p.grid_cost,
                levels=np.unique(levels),
                colors=[fg],
                linewidths=0.6,
                alpha=0.55,
            )
            reached = int(p.steps[0]) if p.steps[0] >= 0 else len(p.path) - 1
            shown = p.path[: reached + 1]
            ax.plot(
                shown[:, 0],
                shown[:, 1],
                "-",
                color=COLOR[kind],
                lw=1.0,
                marker="o",
                ms=2.5,
                label=f"gradient descent, {reached} steps",
            )
            ax.plot(*p.w_star, "*", color=COLORS[1], ms=12, label="minimum")
            ax.set_aspect("equal", adjustable="datalim")
            ax.set_xlabel("$w_1$")
            ax.set_ylabel("$w_2$")
            ax.set_title(f"{LABELS[kind]}: condition number {p.condition[0]:.3g}", fontsize=9.5)
            ax.legend(loc="lower right", fontsize=8)
        fig.suptitle(
            f"Cost of a logistic regression; the second feature stretched by {result.config.stretch:g}",
            fontsize=10,
        )

    return draw


def draw_rates(result: Result):
    def draw(fig):
        ax_cost, ax_ep = fig.subplots(1, 2)
        rates = result.rates
        for i, kind in enumerate(KINDS):
            final = result.final_cost[i]
            ok = ~np.isnan(final).any(axis=1)
            ax_cost.plot(
                rates[ok],
                np.nanmean(final, axis=1)[ok],
                color=COLOR[kind],
                marker="o",
                ms=3.5,
                label=LABELS[kind],
            )
            hit = result.epochs_to_target[i].astype(float)
            all_hit = (hit >= 0).all(axis=1)
            if all_hit.any():
                ax_ep.plot(
                    rates[all_hit],
                    np.median(hit[all_hit], axis=1),
                    color=COLOR[kind],
                    marker="o",
                    ms=3.5,
                    label=LABELS[kind],
                )
            j = result.chosen[kind]
            ax_cost.plot([rates[j]], [np.mean(final[j])], "o", ms=10, mfc="none", mec=COLOR[kind], mew=1.4)
        ax_cost.axhline(
            result.constant_cost, color="0.5", lw=0.9, ls="--", label="cost of a constant prediction"
        )
        ax_cost.axhline(result.config.target_cost, color="0.5", lw=0.9, ls=":", label="target cost")
        ax_cost.set(
            xscale="log",
            yscale="log",
            xlabel="learning rate",
            ylabel=f"training cost after {result.config.num_epochs} epochs",
            title=f"Mean of {result.config.n_seeds} seeds (circled: dev choice)",
        )
        ax_cost.legend(fontsize=8, loc="lower left")
        ax_ep.set(
            xscale="log",
            yscale="log",
            xlabel="learning rate",
            ylabel="epochs to the target cost",
            title="Median epochs to reach the target cost",
        )
        ax_ep.set_xlim(ax_cost.get_xlim())
        ax_ep.legend(fontsize=8)

    return draw


def draw_curves(result: Result):
    def draw(fig):
        ax = fig.subplots()
        for i, kind in enumerate(KINDS):
            rate = result.rates[result.chosen[kind]]
            for s, curve in enumerate(result.curves[i]):
                ax.plot(
                    result.epochs,
                    curve,
                    color=COLOR[kind],
                    lw=1.2,
                    alpha=0.8,
                    label=f"{LABELS[kind]}, learning rate {rate:.2g}" if s == 0 else None,
                )
        ax.axhline(result.config.target_cost, color="0.5", lw=0.9, ls=":", label="target cost")
        ax.set(
            yscale="log",
            xlabel="epoch",
            ylabel="training cost",
            title="Each input kind at the learning rate its dev set chose, every seed",
        )
        ax.legend(fontsize=8)

    return draw


def _table(result: Result) -> str:
    rows = []
    for i, kind in enumerate(KINDS):
        j = result.chosen[kind]
        hit = result.epochs_to_target[i, j]
        rows.append(
            [
                LABELS[kind],
                f"{result.condition[kind]:.3g}",
                f"{result.linear_rate_limit[kind]:.3g}",
                f"{result.rates[j]:.3g}",
                f"{np.mean(result.final_cost[i, j]):.3g}",
                f"{np.mean(result.dev_cost[i, j]):.3g}",
                f"{np.median(hit):.0f}" if (hit >= 0).all() else "never",
                f"{result.test_accuracy[i].mean():.1%}",
            ]
        )
    header = [
        "inputs",
        "condition number (linear model)",
        "largest rate, linear model",
        "dev-chosen rate",
        "training cost",
        "dev cost",
        "epochs to target (median)",
        "test accuracy (mean)",
    ]
    return markdown_table(header, rows)


def report(result: Result) -> Report:
    figs = {
        "contours": FigureSpec(
            draw_contours(result),
            (9.0, 4.4),
            "Contours of a logistic-regression cost in two weights, raw inputs (elongated) and "
            "normalized inputs (round), with the path of gradient descent on each",
        ),
        "rates": FigureSpec(
            draw_rates(result),
            (9.0, 3.9),
            "Training cost after a fixed number of epochs and epochs to the target cost, against "
            "the learning rate, for raw and normalized wine features",
        ),
        "curves": FigureSpec(
            draw_curves(result),
            (7.0, 3.8),
            "Training cost against epoch at each input kind's dev-chosen learning rate",
        ),
    }
    return Report(figs, {"summary": _table(result)}, metrics(result), thumbnail="contours")
