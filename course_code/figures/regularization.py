"""Figures, tables, metrics and claims of the ``regularization`` experiment.

The claims the page may make are computed here as booleans, each over every run (the
headline and the seeds) or over the seed means, as its name says.
"""

from __future__ import annotations

import numpy as np

from ..experiments.regularization import VARIANTS, Result
from .plotting import plot_costs, plot_decision_boundary
from .report import FigureSpec, Report, markdown_table, seed_summary

LABELS = {"none": "no regularization", "l2": "L2", "dropout": "dropout"}
#: The course's train / test accuracies and final sum of squared weights, on its own data
#: (the assignment's final printouts): another data set, so not comparable with the stand-in.
COURSE_ACCURACY = {"none": (0.9479, 0.915), "l2": (0.9384, 0.93), "dropout": (0.9289, 0.95)}
COURSE_WEIGHT_SQ = {"none": 727.47, "l2": 29.99, "dropout": 352.48}
#: The course's printed cost after 20000 of its 30000 iterations (it prints every 1000).
COURSE_COST = {"none": 0.13851642423234922, "l2": 0.26809163371273004, "dropout": 0.060582435798513114}
COURSE_PRINT_EVERY = 1000


def label(variant: str, config) -> str:
    """The variant's name with its hyperparameter, e.g. ``"L2, λ = 0.7"``."""
    if variant == "l2":
        return f"L2, λ = {config.lambd:g}"
    if variant == "dropout":
        return f"dropout, keep_prob = {config.keep_prob:g}"
    return LABELS[variant]


def all_runs(result: Result, variant: str) -> tuple[np.ndarray, np.ndarray]:
    """Accuracies (n_seeds + 1, 2) and weights (n_seeds + 1,) of the headline run and the seeds."""
    r = result.runs[variant]
    acc = np.vstack([[r.train_accuracy, r.test_accuracy], result.seed_accuracy[variant]])
    return acc, np.concatenate([[r.weight_sq], result.seed_weight_sq[variant]])


def sweep_summary(lambdas, accuracy, weight_sq, *, overfit_gap: float, over_drop: float) -> dict:
    """Summarize a lambda sweep from per-seed accuracies (S, K, 3: train, dev, test) and weights (S, K).

    The choice uses the dev set only: ``best_lambda`` has the highest mean dev accuracy (the
    smallest such lambda on a tie), and the test set is read once, at that lambda
    (``test_at_best``). ``under_regularized`` are the lambdas below the best whose mean
    train-dev gap is at least ``overfit_gap``; ``over_regularization_starts`` (absent if none)
    is the smallest lambda above it whose mean dev accuracy is at least ``over_drop`` below the
    best. From ``weights_shrink_from`` on, every larger lambda has a smaller mean sum of
    squared weights.
    """
    lams = np.asarray(lambdas, dtype=float)
    mean = accuracy.mean(axis=0)                      # (K, 3)
    gap = (accuracy[..., 0] - accuracy[..., 1]).mean(axis=0)
    best = int(np.argmax(mean[:, 1]))
    out = {"lambdas": lams.tolist(), "train_mean": mean[:, 0].tolist(), "dev_mean": mean[:, 1].tolist(),
           "dev_min": accuracy[..., 1].min(axis=0).tolist(), "dev_max": accuracy[..., 1].max(axis=0).tolist(),
           "gap_mean": gap.tolist(), "weight_sq_mean": weight_sq.mean(axis=0).tolist(),
           "best_lambda": float(lams[best]), "best_dev_mean": float(mean[best, 1]),
           "best_train_mean": float(mean[best, 0]),
           "test_at_best": float(mean[best, 2]), "test_at_best_min": float(accuracy[:, best, 2].min()),
           "test_at_best_max": float(accuracy[:, best, 2].max()),
           "dev_spread": float(mean[:, 1].max() - mean[:, 1].min()),
           "under_regularized": [float(v) for v in lams[:best][gap[:best] >= overfit_gap]]}
    over = np.flatnonzero((np.arange(lams.size) > best) & (mean[:, 1] <= mean[best, 1] - over_drop))
    if over.size:
        out["over_regularization_starts"] = float(lams[over[0]])
    top = mean[-1]
    out["large_lambda_underfits"] = bool(top[0] <= mean[best, 0] - over_drop
                                         and top[1] <= mean[best, 1] - over_drop)
    out["small_lambda_overfits"] = bool(np.all(gap[:2] >= overfit_gap))  # lambda 0 and the smallest > 0
    out["train_falls_from_second"] = bool(np.all(np.diff(mean[1:, 0]) < 0))
    rising = np.flatnonzero(np.diff(weight_sq.mean(axis=0)) >= 0)  # k: mean weights at k+1 >= at k
    out["weights_shrink_from"] = float(lams[rising[-1] + 1 if rising.size else 0])
    out["weights_shrink_monotone"] = bool(not rising.size)
    out["weight_sq_ratio_0_to_max"] = float(weight_sq[:, 0].mean() / weight_sq[:, -1].mean())
    return out


def _variant_metrics(result: Result, variant: str) -> dict:
    r, seeds, w = result.runs[variant], result.seed_accuracy[variant], result.seed_weight_sq[variant]
    out = {"train_accuracy": r.train_accuracy, "test_accuracy": r.test_accuracy,
           "gap": r.train_accuracy - r.test_accuracy, "weight_sq": r.weight_sq,
           "first_cost": float(r.costs[0]), "last_cost": float(r.costs[-1])}
    for name, values in (("train", seeds[:, 0]), ("test", seeds[:, 1]),
                         ("gap", seeds[:, 0] - seeds[:, 1]), ("weight_sq", w)):
        out.update({f"seed_{name}_mean": float(values.mean()), f"seed_{name}_min": float(values.min()),
                    f"seed_{name}_max": float(values.max())})
    n_test = result.data.Y_test.shape[1]  # a mean test-accuracy change, in test points
    out["seed_test_gain_points"] = float((seeds[:, 1].mean() - result.seed_accuracy["none"][:, 1].mean())
                                         * n_test)
    out["seed_test_spread_points"] = float(np.ptp(seeds[:, 1]) * n_test)  # best minus worst run
    return out


def _claims(result: Result) -> dict:
    """The findings the page states, each over every run (headline and seeds) or over the seed
    means, as its name says; and those of the headline run alone (``headline_...``)."""
    c, seeds, w = result.config, result.seed_accuracy, result.seed_weight_sq
    (none_acc, none_w), claims = all_runs(result, "none"), {}
    none_gap = none_acc[:, 0] - none_acc[:, 1]
    claims["none_overfits_all_runs"] = bool(np.all(none_gap >= c.overfit_gap))
    claims["none_overfits_on_average"] = bool(none_gap.mean() >= c.overfit_gap)
    ranges = {v: np.ptp(all_runs(result, v)[0][:, 0]) for v in LABELS}
    claims["l2_train_range_smallest"] = bool(ranges["l2"] < min(ranges["none"], ranges["dropout"]))
    claims["none_min_weights_below_dropout_min"] = bool(w["none"].min() < w["dropout"].min())
    log_w = {v: np.log(w[v]).mean() for v in LABELS}
    claims["dropout_weights_nearer_none_than_l2"] = bool(
        abs(log_w["dropout"] - log_w["none"]) < abs(log_w["dropout"] - log_w["l2"]))
    for v in ("l2", "dropout"):
        acc, wv = all_runs(result, v)
        claims[f"{v}_raises_mean_test"] = bool(seeds[v][:, 1].mean() > seeds["none"][:, 1].mean())
        claims[f"{v}_lowers_mean_train"] = bool(seeds[v][:, 0].mean() < seeds["none"][:, 0].mean())
        claims[f"{v}_raises_mean_train"] = bool(seeds[v][:, 0].mean() > seeds["none"][:, 0].mean())
        claims[f"{v}_raises_test_every_run"] = bool(np.all(acc[:, 1] > none_acc[:, 1]))
        claims[f"{v}_never_lowers_test"] = bool(np.all(acc[:, 1] >= none_acc[:, 1]))
        claims[f"{v}_narrows_gap_every_run"] = bool(np.all(acc[:, 0] - acc[:, 1] < none_gap))
        claims[f"{v}_shrinks_weights_every_run"] = bool(np.all(wv < none_w))
        head, base = result.runs[v], result.runs["none"]
        claims[f"headline_{v}_lowers_train"] = bool(head.train_accuracy < base.train_accuracy)
        claims[f"headline_{v}_raises_test"] = bool(head.test_accuracy > base.test_accuracy)
    # a mean change in training accuracy smaller than the unregularized seeds' own spread is
    # not a finding about the regularizer: the page says so instead of naming a direction
    claims["train_changes_within_none_spread"] = bool(all(
        abs(seeds[v][:, 0].mean() - seeds["none"][:, 0].mean()) < np.ptp(seeds["none"][:, 0])
        for v in ("l2", "dropout")))
    # the unregularized runs scatter (and which of them is luckiest depends on rounding), so
    # run-by-run wins are not stated; the spreads and the mean gain against the spread are
    none_test = seeds["none"][:, 1]
    claims["regularized_test_spread_narrower"] = bool(all(
        np.ptp(seeds[v][:, 1]) < np.ptp(none_test) for v in ("l2", "dropout")))
    claims["test_gains_within_none_spread"] = bool(all(
        0 < seeds[v][:, 1].mean() - none_test.mean() < np.ptp(none_test) for v in ("l2", "dropout")))
    claims["best_none_matches_a_regularized_run"] = bool(
        none_test.max() >= min(seeds[v][:, 1].min() for v in ("l2", "dropout")))
    sweep = result.sweep_accuracy.mean(axis=0)
    best = int(np.argmax(sweep[:, 1]))
    claims["dev_overstates_test_at_best"] = bool(sweep[best, 1] > sweep[best, 2])
    return claims


def metrics(result: Result) -> dict:
    """JSON-able numbers and booleans for the page text."""
    c = result.config
    sweep = sweep_summary(c.sweep_lambdas, result.sweep_accuracy, result.sweep_weight_sq,
                          overfit_gap=c.overfit_gap, over_drop=c.over_drop)
    sweep.update(iterations=c.sweep_iterations, seeds=c.sweep_seeds)
    course = {v: {"train": COURSE_ACCURACY[v][0], "test": COURSE_ACCURACY[v][1],
                  "weight_sq": COURSE_WEIGHT_SQ[v], "cost_20000": COURSE_COST[v]} for v in LABELS}
    course["print_every"] = COURSE_PRINT_EVERY
    return {**{v: _variant_metrics(result, v) for v in LABELS}, "claims": _claims(result), "sweep": sweep,
            "n_seeds": c.n_seeds, "n_train": int(result.data.Y_train.shape[1]),
            "n_dev": int(result.Y_dev.shape[1]), "n_test": int(result.data.Y_test.shape[1]),
            "dropout_fresh_mask_each_step": True, "course": course,
            "config": {"learning_rate": c.learning_rate, "num_iterations": c.num_iterations,
                       "lambd": c.lambd, "keep_prob": c.keep_prob, "record_every": c.record_every,
                       "n_sweep_lambdas": len(c.sweep_lambdas), "max_lambda": max(c.sweep_lambdas),
                       "overfit_gap": c.overfit_gap, "over_drop": c.over_drop,
                       "hidden_layers": len(c.layer_dims) - 2},
            "data": {"patches": c.patches, "patch_size": c.patch_size}}


def tables(result: Result) -> dict[str, str]:
    """The accuracy, weight-norm and sweep tables, each with its notes under it."""
    c, runs, seeds, n = result.config, result.runs, result.seed_accuracy, result.config.n_seeds
    rows = [[label(v, c), "{:.3f} / {:.3f}".format(*COURSE_ACCURACY[v]),
             f"{runs[v].train_accuracy:.3f} / {runs[v].test_accuracy:.3f}",
             seed_summary(seeds[v][:, 0]), seed_summary(seeds[v][:, 1]),
             f"{(seeds[v][:, 0] - seeds[v][:, 1]).mean():+.3f}"] for v in LABELS]
    accuracy = markdown_table(
        ["variant", "course, its own data¹ (train / test)", "this run (train / test)",
         f"train, {n} seeds²: mean (range)", f"test, {n} seeds: mean (range)",
         f"train − test, {n} seeds: mean"],
        rows, align="lccccr")
    seeds_note = (f"² {n} more initial draws of the weights (and of the dropout masks) on the same data "
                  "set; the data set is one draw, as in the course.")
    accuracy += ("\n¹ On the course's real data: another data set, **not comparable** with the stand-in.  \n"
                 f"{seeds_note}  \n³ Dropout here draws a fresh mask every step; the course reused one "
                 "frozen mask for all 30000 iterations, and its dropout numbers depend on that mask.\n")
    accuracy = accuracy.replace(f"| {label('dropout', c)} |", f"| {label('dropout', c)}³ |")
    weights = markdown_table(
        ["variant", "course, its own data¹", "this run", f"{n} seeds²: mean (range)"],
        [[label(v, c), f"{COURSE_WEIGHT_SQ[v]:.0f}", f"{runs[v].weight_sq:.0f}",
          _range(result.seed_weight_sq[v], "{:.0f}")] for v in LABELS], align="lrrc")
    weights += ("\nSum of squared weights of the final network, "
                "$\\sum_l \\lVert W^{[l]} \\rVert_F^2$ (biases excluded).  \n"
                f"¹ Not comparable: the course's real data.  \n{seeds_note}\n")
    return {"accuracy": accuracy, "weights": weights, "sweep_table": _sweep_table(result)}


def _range(values, fmt: str) -> str:
    v = np.asarray(values, dtype=float)
    return f"{fmt.format(v.mean())} ({fmt.format(v.min())}–{fmt.format(v.max())})"


def _sweep_table(result: Result) -> str:
    c, acc, w = result.config, result.sweep_accuracy, result.sweep_weight_sq
    best = int(np.argmax(acc[:, :, 1].mean(axis=0)))
    rows = [[f"**{lam:g}** (chosen)" if k == best else f"{lam:g}", seed_summary(acc[:, k, 0]),
             seed_summary(acc[:, k, 1]), f"{(acc[:, k, 0] - acc[:, k, 1]).mean():+.3f}",
             _range(w[:, k], "{:.0f}")] for k, lam in enumerate(c.sweep_lambdas)]
    table = markdown_table(["λ", "train: mean (range)", "dev: mean (range)", "train − dev, mean",
                            "sum of squared weights: mean (range)"], rows, align="rcccc")
    return table + (f"\n{c.sweep_seeds} initial draws per λ, the same draws for every λ; "
                    f"{c.sweep_iterations} iterations each (the course trains for {c.num_iterations}). "
                    f"λ is chosen by the mean dev accuracy; the test set is scored only at the chosen λ: "
                    f"{seed_summary(acc[:, best, 2])}.\n")


# ---------------------------------------------------------------------- figures
def field_limits(data, margin: float = 0.08) -> tuple[tuple[float, float], tuple[float, float]]:
    """``xlim, ylim`` covering every train and test point plus ``margin``, rounded out to 0.05."""
    X = np.hstack([data.X_train, data.X_test])
    lo = np.floor(np.round((X.min(axis=1) - margin) * 20, 6)) / 20  # round: 0.65 * 20 is not 13.0
    hi = np.ceil(np.round((X.max(axis=1) + margin) * 20, 6)) / 20
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def _boundary_row(fig, result: Result, panels):
    """One row of decision-boundary panels; ``panels`` is a list of (params, title)."""
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
                   f"{label(v, c)}\ntrain {result.runs[v].train_accuracy:.3f}, "
                   f"test {result.runs[v].test_accuracy:.3f}") for v in VARIANTS]
        _boundary_row(fig, result, panels)
    return draw


def draw_sweep_boundaries(result: Result):
    c = result.config

    def draw(fig):
        k = [c.sweep_lambdas.index(lam) for lam in c.strip_lambdas]
        acc = result.sweep_accuracy[0]
        panels = [(p, f"λ = {lam:g}\ntrain {acc[i, 0]:.3f}, dev {acc[i, 1]:.3f}")
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
            acc, _ = all_runs(result, v)
            x = i + np.linspace(-0.12, 0.12, len(acc))
            for x0, (tr, te) in zip(x, acc, strict=True):
                ax.plot([x0, x0], [te, tr], color="0.6", lw=0.8, zorder=1)
            for j, (what, marker) in enumerate((("train", "o"), ("test", "s"))):
                ax.scatter(x[1:], acc[1:, j], marker=marker, color=f"C{j}", s=24, zorder=3,
                           label=f"{what}, other seeds" if i == 0 else None)
                ax.scatter(x[:1], acc[:1, j], marker=marker, facecolors="none", edgecolors=f"C{j}",
                           s=40, lw=1.4, zorder=3, label=f"{what}, headline run" if i == 0 else None)
        ax.set_xticks(range(len(VARIANTS)), [label(v, c) for v in VARIANTS])
        ax.set_xlim(-0.5, len(VARIANTS) - 0.5)
        ax.set_ylabel("accuracy")
        lo = min(all_runs(result, v)[0].min() for v in VARIANTS)
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
        for j, (what, marker) in enumerate((("train", "o"), ("dev", "s"))):
            _band(ax, lams[pos], acc[:, pos, j], f"C{j}", f"{what} accuracy", marker)
            ax.axhline(acc[:, 0, j].mean(), color=f"C{j}", ls=":", lw=1.2,
                       label=f"{what} at λ = 0")
        best = int(np.argmax(acc[:, :, 1].mean(axis=0)))
        if lams[best] > 0:  # the choice, made on dev; the test set is scored there only
            ax.errorbar([lams[best]], [acc[:, best, 2].mean()],
                        yerr=[[acc[:, best, 2].mean() - acc[:, best, 2].min()],
                              [acc[:, best, 2].max() - acc[:, best, 2].mean()]],
                        fmt="*", ms=11, color="C5", capsize=3, label="test, at the λ chosen on dev")
        ax.axvline(c.lambd, color="0.5", lw=0.8, ls="--")
        ax.annotate("the course's λ", (c.lambd, 0), xycoords=("data", "axes fraction"),
                    xytext=(3, 4), textcoords="offset points", fontsize=8, color="0.5")
        ax.set(xscale="log", xlabel="λ (L2 strength, log scale)", ylabel="accuracy",
               title="Train and dev accuracy against λ")
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


def report(result: Result) -> Report:
    """Figures (costs, boundaries, seeds, sweep, sweep boundaries), tables and metrics."""
    c = result.config
    figs = {
        "costs": FigureSpec(draw_costs(result), (6.4, 4.2),
                            "Cost against iteration without regularization, with L2 and with dropout"),
        "boundaries": FigureSpec(draw_boundaries(result), (9.0, 3.5),
                                 "Decision boundaries of the three networks on the football stand-in"),
        "seeds": FigureSpec(draw_seeds(result), (6.4, 3.3),
                            "Train and test accuracy of each variant for every initial draw"),
        "sweep": FigureSpec(draw_sweep(result), (9.0, 4.0),
                            "Train and test accuracy and the sum of squared weights against the L2 "
                            "strength lambda, log scale"),
        "sweep_boundaries": FigureSpec(draw_sweep_boundaries(result), (9.0, 3.5),
                                       "Decision boundaries at a small, the course's and a large "
                                       f"lambda ({', '.join(f'{v:g}' for v in c.strip_lambdas)})"),
    }
    return Report(figs, tables(result), metrics(result), thumbnail="boundaries")
