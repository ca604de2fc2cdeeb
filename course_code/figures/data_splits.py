"""Figures, tables and metrics of the ``data_splits`` experiment."""

from __future__ import annotations

import numpy as np

from ..experiments.data_splits import Result, choose, overstatement
from .report import FigureSpec, Report, markdown_table

#: The course's split ratios (percent of the data: train, dev, test) and the data sizes it
#: gives them for. These are the course's rules of thumb, not measurements.
COURSE_SPLITS = {"small": {"train": 60, "dev": 20, "test": 20, "m": 10_000},
                 "large": {"train": 98, "dev": 1, "test": 1, "m": 1_000_000}}
#: A mean error (in accuracy, over seeds and redraws) this small counts as no bias.
UNBIASED = 0.005


def _curves(result: Result) -> dict[str, np.ndarray]:
    """Per-seed means over the redraws, shape (n_seeds, len(model_counts)), of each quantity."""
    out: dict[str, list] = {"test_over": [], "dev_test_over": [], "dev_over": [], "test_fresh": [],
                            "dev_fresh": []}
    for k in result.config.model_counts:
        t = overstatement(result, k, choose_on="test")
        d = overstatement(result, k, choose_on="dev")
        out["test_over"].append(t["test_over"].mean(axis=1))
        out["dev_test_over"].append(d["test_over"].mean(axis=1))
        out["dev_over"].append((d["selection"] - d["fresh"]).mean(axis=1))
        out["test_fresh"].append(t["fresh"].mean(axis=1))
        out["dev_fresh"].append(d["fresh"].mean(axis=1))
    return {k: np.stack(v, axis=1) for k, v in out.items()}


def _claims(result: Result, curves: dict) -> dict[str, bool]:
    over, dev_test, dev_over = curves["test_over"], curves["dev_test_over"], curves["dev_over"]
    mean = over.mean(axis=0)
    return {
        "test_choice_overstates_every_seed": bool(np.all(over[:, -1] > 0)),
        "overstatement_grows_with_models": bool(np.all(np.diff(mean) > 0)),
        "one_model_not_overstated": bool(abs(mean[0]) < UNBIASED),
        "dev_choice_test_unbiased": bool(np.all(np.abs(dev_test) < UNBIASED)),
        "dev_score_overstates_every_seed": bool(np.all(dev_over[:, -1] > 0)),
        "dev_score_overstates_like_test_choice": bool(abs(dev_over[:, -1].mean() - over[:, -1].mean())
                                                      < UNBIASED),
        "dev_choice_as_good_on_fresh": bool(curves["dev_fresh"][:, -1].mean()
                                            >= curves["test_fresh"][:, -1].mean() - UNBIASED),
        "max_overstatement_above_half_point": bool(mean[-1] > UNBIASED),
    }


def metrics(result: Result) -> dict:
    c, curves = result.config, _curves(result)
    K = c.model_counts[-1]
    t = overstatement(result, K, choose_on="test")
    by_k = {str(k): {"test_over": float(curves["test_over"][:, i].mean()),
                     "dev_test_over": float(curves["dev_test_over"][:, i].mean()),
                     "dev_over": float(curves["dev_over"][:, i].mean())}
            for i, k in enumerate(c.model_counts)}
    return {
        "claims": _claims(result, curves),
        "course": COURSE_SPLITS,
        "by_k": by_k,
        "max_k": K,
        "max_test_over": float(curves["test_over"][:, -1].mean()),
        "max_test_over_points": float(curves["test_over"][:, -1].mean() * c.n_test),
        "max_test_over_min": float(curves["test_over"][:, -1].min()),
        "max_test_over_max": float(curves["test_over"][:, -1].max()),
        "max_dev_test_over": float(curves["dev_test_over"][:, -1].mean()),
        "max_dev_over": float(curves["dev_over"][:, -1].mean()),
        "worst_redraw_over": float(t["test_over"].max()),
        "share_redraws_overstated": float((t["test_over"] > 0).mean()),
        "fresh_best": float(result.fresh_accuracy.max(axis=1).mean()),
        "fresh_test_choice": float(curves["test_fresh"][:, -1].mean()),
        "fresh_dev_choice": float(curves["dev_fresh"][:, -1].mean()),
        "unbiased_tolerance": UNBIASED,
        "config": {"n_models": c.n_models, "n_seeds": c.n_seeds, "n_train": c.n_train, "n_dev": c.n_dev,
                   "n_test": c.n_test, "n_redraws": c.n_redraws, "n_fresh": c.n_fresh,
                   "fresh_points": c.n_fresh * c.n_test, "num_iterations": c.num_iterations,
                   "learning_rate": c.learning_rate, "lambda_low": c.lambda_low, "lambda_high": c.lambda_high,
                   "hidden_layers": len(c.layer_dims) - 2},
    }


def tables(result: Result) -> dict[str, str]:
    c, curves = result.config, _curves(result)

    def cell(v):  # per-seed means -> "mean (min to max)" in accuracy points (percent)
        return f"{100 * v.mean():+.2f} ({100 * v.min():+.2f} to {100 * v.max():+.2f})"

    rows = [[str(k), cell(curves["test_over"][:, i]), cell(curves["dev_test_over"][:, i]),
             cell(curves["dev_over"][:, i])] for i, k in enumerate(c.model_counts)]
    choice = markdown_table(
        ["models compared", "chosen on test, test score − fresh", "chosen on dev, test score − fresh",
         "chosen on dev, dev score − fresh"], rows, align="rccc")
    choice += (f"\nPercentage points of accuracy: mean over {c.n_seeds} training draws (range of the "
               f"per-draw means), each the mean over {c.n_redraws} redrawn dev sets of {c.n_dev} "
               f"points and test sets of {c.n_test}. \"Fresh\" is the chosen network's accuracy on "
               f"{c.n_fresh * c.n_test} new points from the same generator.\n")
    sizes = []
    for name, s in COURSE_SPLITS.items():
        m = s["m"]
        sizes.append([f"{m:,}", f"{s['train']} / {s['dev']} / {s['test']}",
                      f"{m * s['train'] // 100:,}", f"{m * s['dev'] // 100:,}", f"{m * s['test'] // 100:,}",
                      "small data (up to tens of thousands)" if name == "small" else "big data (millions)"])
    splits = markdown_table(["examples", "split, % (train / dev / test)", "train", "dev", "test", "regime"],
                            sizes, align="rcrrrl")
    return {"choice": choice, "splits": splits}


def draw_overstatement(result: Result):
    c = result.config
    curves = _curves(result)

    def draw(fig):
        ax = fig.subplots()
        k = np.asarray(c.model_counts)
        series = (("test_over", "chosen on test: test score", "C3", "o"),
                  ("dev_over", "chosen on dev: dev score (no test set)", "C1", "^"),
                  ("dev_test_over", "chosen on dev: test score", "C0", "s"))
        for key, label, color, marker in series:
            v = 100 * curves[key]
            ax.fill_between(k, v.min(axis=0), v.max(axis=0), color=color, alpha=0.18, lw=0)
            ax.plot(k, v.mean(axis=0), marker=marker, ms=5, color=color, label=label)
        ax.axhline(0, color="0.5", lw=0.9, ls="--")
        ax.set_xscale("log")
        ax.set_xticks(k, [str(v) for v in k])
        ax.minorticks_off()
        ax.set_xlabel("number of models compared (log scale)")
        ax.set_ylabel("reported − fresh accuracy (points)")
        ax.legend(loc="upper left", fontsize=8.5)
        ax.set_title(f"How far the reported accuracy overstates fresh data\n(mean and range over "
                     f"{c.n_seeds} training draws, each averaged over {c.n_redraws} redraws)")
    return draw


def draw_pool(result: Result):
    """One redraw, first seed: every model's test score against its fresh accuracy."""
    c = result.config

    def draw(fig):
        ax = fig.subplots()
        test, fresh = 100 * result.test_accuracy[0, 0], 100 * result.fresh_accuracy[0]
        keep = fresh > 100 * np.median(result.fresh_accuracy[0]) - 10  # not a failed model
        ax.scatter(fresh[keep], test[keep], s=22, color="C0", alpha=0.8, label="one model")
        jt = int(choose(result.test_accuracy[0, 0], c.n_models))
        jd = int(choose(result.dev_accuracy[0, 0], c.n_models))
        ax.scatter([fresh[jt]], [test[jt]], s=120, marker="*", color="C3", zorder=3,
                   label="best test score: the one a test-set choice reports")
        ax.scatter([fresh[jd]], [test[jd]], s=70, marker="s", facecolors="none", edgecolors="C2", lw=1.6,
                   zorder=3, label="best dev score: chosen on dev")
        lo = min(fresh[keep].min(), test[keep].min()) - 0.5
        hi = max(fresh[keep].max(), test[keep].max()) + 0.5
        ax.plot([lo, hi], [lo, hi], color="0.5", lw=0.9, ls="--", label="test score = fresh accuracy")
        ax.set(xlim=(lo, hi), ylim=(lo, hi), xlabel="accuracy on fresh data (%)",
               ylabel=f"accuracy on one test set of {c.n_test} points (%)")
        ax.set_aspect("equal")
        ax.legend(loc="lower right", fontsize=8)
        ax.set_title(f"{int(keep.sum())} models, one test set: the winner is partly luck")
    return draw


def report(result: Result) -> Report:
    figs = {
        "overstatement": FigureSpec(draw_overstatement(result), (6.4, 4.2),
                                    "Reported minus fresh accuracy against the number of models compared, "
                                    "for a choice made on the test set and on the dev set"),
        "pool": FigureSpec(draw_pool(result), (5.6, 5.2),
                           "Test-set accuracy against fresh-data accuracy of every model in one pool, "
                           "with the model a test-set choice picks marked"),
    }
    return Report(figs, tables(result), metrics(result), thumbnail="overstatement")
