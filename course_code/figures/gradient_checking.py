"""Figures, tables and metrics of the ``gradient_checking`` experiment."""

from __future__ import annotations

import itertools

import numpy as np

from ..experiments.gradient_checking import (
    BUG,
    COST_LABELS,
    COSTS,
    COURSE,
    THRESHOLDS,
    UNIT_ROUNDOFF,
    Result,
)
from .report import FigureSpec, Report, markdown_table

#: What the course's published run printed for the correct backprop (its test list holds the
#: value in ``COURSE``): the third significant digit depends on the platform.
COURSE_PUBLISHED_RUN = 1.186e-7


def _g(v: float, fmt: str = ".3g") -> str:
    """Compact number: ``1.19e-07`` -> ``1.19e-7``."""
    return format(v, fmt).replace("e-0", "e-")


def _summary(values, *, geometric: bool = False) -> str:
    v = np.asarray(values, dtype=float)
    mean = np.exp(np.mean(np.log(v))) if geometric else v.mean()
    return f"{_g(mean)} ({_g(v.min())}–{_g(v.max())})"


def _best(result: Result, cost: str) -> tuple[float, float]:
    i = int(np.argmin(result.sweep[cost]))
    return float(result.epsilons[i]), float(result.sweep[cost][i])


def _thresholds(ax, fg):
    for t, ls, what in zip(THRESHOLDS, (":", "--"), ("text", "code"), strict=True):
        ax.axhline(t, color=fg, lw=0.9, ls=ls, alpha=0.8, label=f"threshold {_g(t, '.0e')} (course {what})")


def _draw_sweep(result: Result):
    def draw(fig):
        import matplotlib as mpl

        ax, eps, model, fg = fig.subplots(), result.epsilons, result.model, mpl.rcParams["text.color"]
        n = len(result.seed_sweeps)
        for i, curve in enumerate(result.seed_sweeps):
            ax.loglog(eps, curve, color="C4", lw=0.8, alpha=0.6,
                      label=f"N-D, course cost, {n} random networks" if i == 0 else None)
        for cost, marker, color in (("course", "o", "C0"), ("stable", "s", "C2")):
            ax.loglog(eps, result.sweep[cost], marker=marker, ms=3.5, color=color,
                      label=f"N-D, course's tensors, {COST_LABELS[cost]}")
        one = np.where(result.one_d_sweep > 0, result.one_d_sweep, np.nan)
        ax.loglog(eps, one, "^--", ms=3.5, lw=1.1, color="C1", label="1-D, J = θx (round-off only)")
        e = np.logspace(np.log10(eps.min()), np.log10(eps.max()), 200)
        ax.loglog(e, model["c1"] * e**2 + model["c2"] * UNIT_ROUNDOFF / e, ":", color="C3", lw=1.8,
                  label=f"model of the course-cost curve: C₁ε² + C₂u/ε, C₁ = {model['c1']:.2g}, "
                        f"C₂ = {model['c2']:.3g}")
        ax.axvline(result.config.epsilon, color=fg, lw=0.8, alpha=0.5)
        ax.annotate(f" course's ε = {_g(result.config.epsilon, '.0e')}", (result.config.epsilon, 0.2),
                    fontsize=8)
        _thresholds(ax, fg)
        ax.plot([result.config.epsilon], [COURSE["correct"]], "*", ms=13, color="C5", zorder=4,
                label=f"the course's result: {_g(COURSE['correct'])} at its ε = 1e-7")
        for cost, name, dx, ha in (("course", "course", 8, "left"), ("stable", "exact", -8, "right")):
            b_eps, b_err = _best(result, cost)
            ax.plot([b_eps], [b_err], "o", ms=9, mfc="none", mec=fg, mew=1.0)
            ax.annotate(f"{name} cost: min {_g(b_err, '.1e')} at ε = {_g(b_eps, '.0e')}", (b_eps, b_err),
                        xytext=(dx, -14), textcoords="offset points", ha=ha, fontsize=8)
        ax.annotate(f"slope {model['slope_truncation']:.2f}\ntruncation ∝ ε²", (2e-3, 1e-3), ha="right",
                    fontsize=8.5)
        ax.annotate(f"slope {model['slope_roundoff']:.2f}\nround-off ∝ u/ε", (1e-10, 3e-3), fontsize=8.5)
        ax.set(xlabel="finite-difference step ε", ylabel="relative difference to backprop", ylim=(1e-17, 1.0),
               title="Correct backprop vs centred differences: error against the step ε")
        fig.legend(loc="outside lower center", ncols=2, fontsize=7.5)
    return draw


def _draw_blocks(result: Result):
    def draw(fig):
        import matplotlib as mpl

        ax, x = fig.subplots(), np.arange(len(result.block_names))
        for j, (kind, color) in enumerate((("correct", "C0"), ("buggy", "C5"))):
            bars = ax.bar(x + (j - 0.5) * 0.38, result.blocks[kind], 0.38, color=color,
                          label=f"{kind} backprop", bottom=1e-12)
            ax.bar_label(bars, labels=[_g(v, ".2g") for v in result.blocks[kind]], fontsize=7, padding=2,
                         rotation=90)
        _thresholds(ax, mpl.rcParams["text.color"])
        ax.set_xticks(x, [f"{n} (×{BUG['d' + n]:g})" if "d" + n in BUG else n for n in result.block_names])
        ax.set(yscale="log", ylim=(1e-12, 1e3), xlabel="parameter block (injected bug in brackets)",
               ylabel="relative difference in the block",
               title=f"Per-block gradient check, course cost, ε = {_g(result.config.epsilon, '.0e')}")
        ax.legend(loc="upper right", fontsize=8)
    return draw


def _summary_table(result: Result, best: dict) -> str:
    nd, s, cfg = result.nd, result.seeds, result.config
    rows = [
        [f"1-D, J(θ) = θx (x = {cfg.x:g}, θ = {cfg.theta:g})", repr(COURSE["one_d"]), repr(result.one_d),
         _summary(s["one_d"])],
        ["N-D, buggy backprop (dW2 × 2, db1 × 4)", repr(COURSE["buggy"]), repr(nd["buggy_course"]),
         _summary(s["buggy_course"])],
        ["N-D, correct backprop", repr(COURSE["correct"]), repr(nd["correct_course"]),
         _summary(s["correct_course"])],
        ["N-D, correct backprop, exact cost from the logits", "–", _g(nd["correct_stable"]),
         _summary(s["correct_stable"])],
        ["N-D, correct backprop at the best ε of the grid", "–",
         f"{_g(best['course'][1])} (ε = {_g(best['course'][0], '.0e')})", _summary(s["best_err_course"])],
        ["best ε of the grid (geometric mean over seeds)", "(uses 1e-7)", _g(best["course"][0], ".0e"),
         _summary(s["best_eps_course"], geometric=True)],
        ["smallest 1 − a over the examples with y = 0", "–", _g(result.min_one_minus_a),
         _summary(s["min_one_minus_a"])],
    ]
    header = ["case (course cost, ε = 1e-7 unless stated)", "course", "this run (course's tensors)",
              f"{cfg.n_seeds} random networks: mean (range)"]
    return markdown_table(header, rows, align="lrrr")


def _blocks_table(result: Result) -> str:
    rows = []
    for name, size, c, b in zip(result.block_names, result.block_sizes, result.blocks["correct"],
                                result.blocks["buggy"], strict=True):
        k = BUG.get("d" + name)
        bug = "–" if k is None else f"× {k:g} (expect (k−1)/(k+1) = {(k - 1) / (k + 1):.3g})"
        rows.append([name, size, bug, _g(c), _g(b)])
    return markdown_table(["block", "parameters", "injected bug", "correct backprop", "buggy backprop"],
                          rows, align="lrlrr")


def report(result: Result) -> Report:
    nd, s = result.nd, result.seeds
    best = {c: _best(result, c) for c in COSTS}
    dims = result.config.layer_dims
    n_params = sum(n * (n_prev + 1) for n_prev, n in itertools.pairwise(dims))
    metrics = {
        "one_d": result.one_d, "course": COURSE, "nd": nd, "min_one_minus_a": result.min_one_minus_a,
        "blocks": {name: {"correct": float(c), "buggy": float(b)} for name, c, b in
                   zip(result.block_names, result.blocks["correct"], result.blocks["buggy"], strict=True)},
        "best": {c: {"eps": best[c][0], "err": best[c][1]} for c in COSTS},
        "roundoff_ratio_course_to_stable": nd["correct_course"] / nd["correct_stable"],
        "course_over_best": nd["correct_course"] / best["course"][1],
        "model": result.model,
        "seeds": {k: {"mean": float(v.mean()), "min": float(v.min()), "max": float(v.max())}
                  for k, v in s.items()},
        "seeds_correct_course_below_1e-7": float(np.mean(s["correct_course"] < THRESHOLDS[0])),
        "seeds_correct_stable_below_1e-7": float(np.mean(s["correct_stable"] < THRESHOLDS[0])),
        "seeds_buggy_above_1e-2": float(np.mean(s["buggy_course"] > 1e-2)),
        "n_params": n_params, "n_evaluations": 2 * n_params, "n_examples": result.config.m,
        "n_seeds": result.config.n_seeds, "epsilon": result.config.epsilon,
        "threshold_text": THRESHOLDS[0], "threshold_code": THRESHOLDS[1],
        "bug_factor": {k: int(v) for k, v in BUG.items()},
        "course_published_run": COURSE_PUBLISHED_RUN,
    }
    figures = {
        "sweep": FigureSpec(_draw_sweep(result), (7.5, 5.6),
                            "Log-log plot of the gradient-check relative difference against the step epsilon "
                            "from 1e-1 to 1e-12: V-shaped curves, truncation error on the right, round-off "
                            "on the left, with the course's epsilon, its thresholds and its result marked"),
        "per_block": FigureSpec(_draw_blocks(result), (6.4, 3.8),
                                "Bar chart of the relative difference in each parameter block for the "
                                "correct and the buggy backprop; only W2 and b1 are large for the buggy one"),
    }
    tables = {"summary": _summary_table(result, best), "blocks": _blocks_table(result)}
    return Report(figures, tables, metrics, thumbnail="per_block")
