"""Figures, tables and metrics of the ``framework_equivalence`` experiment."""

from __future__ import annotations

import numpy as np

from ..experiments.framework_equivalence import (
    BAR_MISTAKE,
    MAPPING,
    MISTAKES,
    OPTIMIZERS,
    OUR_FORM,
    SCHEDULES,
    TOLERANCE,
    Result,
)
from .report import FigureSpec, Report, markdown_table


def _fmt(x: float) -> str:
    return "0 (exact)" if x == 0 else f"{x:.1e}"


def _draw_bars(result: Result):
    def draw(fig):
        ax = fig.subplots()
        rules = OPTIMIZERS + SCHEDULES
        floor = 1e-18
        y = np.arange(len(rules))
        mapped = [max(result.errors[r][0].max(), floor) for r in rules]
        ax.barh(y - 0.2, mapped, height=0.4, color="C2", label="mapped call")
        wrong = [max(result.errors[BAR_MISTAKE[r]][0].max(), floor) if r in BAR_MISTAKE else np.nan
                 for r in rules]
        ax.barh(y + 0.2, wrong, height=0.4, color="C5", label="unmapped call / default ε")
        for yi, v in zip(y, mapped, strict=True):
            if v == floor:
                ax.annotate("0 (exact)", (floor, yi - 0.2), xytext=(3, 0), textcoords="offset points",
                            va="center", fontsize=8)
        ax.axvline(TOLERANCE, color="0.5", ls="--", lw=1)
        ax.annotate("tolerance 1e-6", (TOLERANCE, 1.0), xycoords=ax.get_xaxis_transform(), xytext=(3, -10),
                    textcoords="offset points", fontsize=8, color="0.5")
        ax.set_xscale("log")
        ax.set_xlim(floor / 3, 10)
        ax.set_yticks(y, rules)
        ax.invert_yaxis()
        ax.set_xlabel(f"max relative error over {result.config.n_steps} updates (schedules: "
                      f"{result.config.n_epochs * result.config.steps_per_epoch} steps)")
        fig.legend(loc="outside lower center", ncol=2, fontsize=8)
        ax.set_title("course_code against Keras, float64 (headline seed)")
    return draw


def _draw_epsilon(result: Result):
    def draw(fig):
        ax = fig.subplots()
        eps = np.array(result.config.epsilons)
        for i, name in enumerate(("rmsprop", "adam")):
            e = np.maximum(result.epsilon_errors[name], 1e-18)
            ax.fill_between(eps, e.min(axis=1), e.max(axis=1), color=f"C{i}", alpha=0.2, lw=0)
            ax.plot(eps, e[:, 0], "o-", color=f"C{i}", ms=4, label=f"{name} (band: all seeds)")
        ax.plot(eps, eps / eps[-1] * result.epsilon_errors["adam"][-1, 0], color="0.5", ls=":",
                label="slope 1 (error ∝ ε)")
        for x, txt in ((1e-7, "Keras default"), (1e-8, "course default")):
            ax.axvline(x, color="0.6", lw=0.8)
            ax.annotate(txt, (x, 0.03), xycoords=ax.get_xaxis_transform(), rotation=90, fontsize=7,
                        color="0.4", xytext=(2, 0), textcoords="offset points")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("ε (the same value on both sides)")
        ax.set_ylabel(f"max relative error, {result.config.n_steps} updates")
        ax.legend(loc="upper left", fontsize=8)
        ax.set_title("Epsilon conventions: the gap grows with ε (RMSprop's as ε / s)")
    return draw


def _draw_steps(result: Result):
    def draw(fig):
        ax = fig.subplots()
        steps = np.arange(1, result.config.n_steps + 1)
        for i, key in enumerate(("momentum", "rmsprop", "adam", "momentum_python_floats", "adam_defaults")):
            ls = "-" if i < 3 else "--"
            ax.plot(steps, np.maximum(result.errors[key][0], 1e-18), ls, color=f"C{i}", label=key)
        ax.set_yscale("log")
        ax.set_xlabel("update")
        ax.set_ylabel("max relative error after the update")
        fig.legend(loc="outside lower center", fontsize=8, ncol=3)
        ax.set_title("Per-update error, headline seed (gd is exactly 0; 0 drawn at 1e-18)")
    return draw


def report(result: Result) -> Report:
    c, err = result.config, result.errors
    n_s = c.n_epochs * c.steps_per_epoch
    rows = []
    for r in OPTIMIZERS + SCHEDULES:
        head, worst = err[r][0].max(), err[r].max()
        seeds = _fmt(worst) if r in OPTIMIZERS else "(no randomness)"
        steps = c.n_steps if r in OPTIMIZERS else n_s
        rows.append([r, OUR_FORM[r], f"`{result.calls[r]}`", MAPPING[r], steps, _fmt(head), seeds,
                     "yes" if worst < TOLERANCE else "no"])
    table = markdown_table(["rule", "our form", "Keras call used", "mapping", "steps",
                            "max relative error", f"worst of {c.n_seeds + 1} seeds", "matches to 1e-6"],
                           rows, align="llllrrrc")
    mrows = [[MISTAKES[k][0], MISTAKES[k][1], f"`{result.calls[k]}`", _fmt(err[k][0].max()),
              _fmt(err[k].max())] for k in MISTAKES]
    mistakes = markdown_table(["rule", "mistake", "Keras call", "max relative error", "worst over seeds"],
                              mrows, align="lllrr")
    metrics = {k: {"max_rel_error": float(v[0].max()), "worst_over_seeds": float(v.max()),
                   "matches_1e-6": bool(v.max() < TOLERANCE)} for k, v in err.items()}
    metrics["epsilon_sweep"] = {
        name: {f"{e:.0e}": float(row.max()) for e, row in zip(c.epsilons, v, strict=True)}
        for name, v in result.epsilon_errors.items()}
    metrics["all_mapped_match"] = all(metrics[r]["matches_1e-6"] for r in OPTIMIZERS + SCHEDULES)
    metrics["tolerance"] = TOLERANCE
    metrics["tiny_epsilon"] = c.tiny_epsilon
    metrics["n_seeds"] = c.n_seeds
    figures = {
        "errors": FigureSpec(_draw_bars(result), (8.0, 4.6),
                             "Bar chart, log scale: max relative error of each rule against Keras, "
                             "with the mapping and without it"),
        "epsilon": FigureSpec(_draw_epsilon(result), (6.4, 3.8),
                              "Log-log plot: RMSprop's and Adam's error against Keras "
                              "for epsilons from 1e-12 to 1e-4, the same on both sides"),
        "per_step": FigureSpec(_draw_steps(result), (6.4, 3.8),
                               "Relative error after each update for the mapped optimizers and two mistakes"),
    }
    return Report(figures, {"equivalence": table, "mistakes": mistakes}, metrics)
