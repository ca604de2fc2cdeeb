"""The figures of the ``lr_decay`` experiment: schedules, cost curves, readings, boundaries.

Each factory takes an ``lr_decay.Result`` and returns ``draw(fig)``. Matplotlib and the
experiment's own names are imported when a figure is drawn, so importing the experiment
stays free of matplotlib (and of an import cycle).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import _course_decay as course

if TYPE_CHECKING:
    from .lr_decay import Result


def draw_schedules(result: Result):
    from .lr_decay import READINGS, schedule

    cfg = result.config
    lines = (("none", "C0", "no decay"), ("per_epoch", "C5", "every epoch"), ("staircase", "C2", "staircase"))

    def draw(fig):
        ax, zoom = fig.subplots(1, 2, width_ratios=(1.6, 1))
        e = np.union1d(np.arange(0, cfg.num_epochs, 10), [cfg.num_epochs - 1])  # steps fall on tens
        for decay, color, name in lines:
            who = "GD" if decay == "per_epoch" or (decay == "none" and "momentum" not in result.runs) \
                else "GD, momentum"
            ax.plot(e, schedule(cfg, "gd", decay)(e), color=color, drawstyle="steps-post",
                    label=f"{name}, $\\alpha_0$ = {cfg.lr0:g} ({who})")
            if decay != "per_epoch":  # the course decays only GD every epoch
                ax.plot(e, schedule(cfg, "adam", decay)(e), "--", color=color, drawstyle="steps-post",
                        label=f"{name}, $\\alpha_0$ = {cfg.lr0_adam:g} (Adam)")
        ax.plot(e, schedule(cfg, "gd", "staircase", "compounded")(e), ":", color="0.5",
                drawstyle="steps-post", label="staircase, rate fed back (not the course)")
        ax.set(yscale="log", ylim=(1e-5, 0.3), xlabel="epoch", ylabel="learning rate",
               title="The schedules of the runs")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=8, ncols=2)
        first = np.arange(min(9, cfg.num_epochs))
        for (reading, label), color, marker in zip(READINGS.items(), ("C5", "C0", "C3"), "osD", strict=True):
            zoom.plot(first, schedule(cfg, "gd", "per_epoch", reading)(first), color=color, marker=marker,
                      ms=4, drawstyle="steps-post", label=label)
        zoom.set(yscale="log", ylim=(1e-6, 0.3), xlabel="epoch", ylabel="learning rate",
                 title=f"Decay every epoch ($\\alpha_0$ = {cfg.lr0:g}):\nthe first epochs, three readings")
        zoom.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=8)
    return draw


def draw_costs(result: Result):
    from ..plotting import plot_costs
    from .lr_decay import RUNS, label

    styles = {"none": ":", "per_epoch": "--", "staircase": "-"}
    colors, cfg = {"gd": "C0", "momentum": "C1", "adam": "C2"}, result.config

    def draw(fig):
        from matplotlib.ticker import NullFormatter

        axes = fig.subplots(1, 2, sharey=True)
        for ax, opts in zip(axes, (("gd",), ("momentum", "adam")), strict=True):
            for key, run in result.runs.items():
                opt, decay = RUNS[key]
                if opt in opts:
                    plot_costs(ax, run.epochs, run.costs, color=colors[opt], ls=styles[decay], log=True,
                               label=f"{label(key)} ({run.accuracy:.3f})")
            ax.legend(loc="center right", fontsize=8, title="run (train accuracy)", title_fontsize=8)
        ticks = [0.1, 0.12, 0.15, 0.2, 0.3, 0.5, 0.7]
        axes[0].set(ylim=(0.1, 0.75), yticks=ticks, yticklabels=[f"{t:g}" for t in ticks])
        axes[0].yaxis.set_minor_formatter(NullFormatter())
        axes[0].set_title(f"GD, $\\alpha_0$ = {cfg.lr0:g}")
        axes[1].set_title(f"Momentum ($\\alpha_0$ = {cfg.lr0:g}) and Adam ($\\alpha_0$ = {cfg.lr0_adam:g})")
        axes[1].set_ylabel("")
    return draw


def draw_readings(result: Result):
    from ..plotting import plot_costs
    from .lr_decay import DECAY_LABELS, READINGS, readings

    found = readings(result)

    def draw(fig):
        import matplotlib as mpl

        axes = fig.subplots(1, 2)
        for ax, decay in zip(axes, ("per_epoch", "staircase"), strict=True):
            for (reading, label), color, lw in zip(READINGS.items(), ("C5", "C0", "C3"), (2.6, 1.2, 1.4),
                                                   strict=True):
                run = found[f"{decay}/{reading}"]["run"]
                plot_costs(ax, run.epochs, run.costs, color=color, lw=lw, label=label)
            if found[f"{decay}/formula"]["cost_matches"] is not None:
                printed = [float(c) for c in course.COURSE[f"gd_{decay}"][1]]
                ax.plot(course.PRINT_EPOCHS, printed, "x", ms=8, mew=1.8, color=mpl.rcParams["text.color"],
                        label="the course's printed costs", zorder=5)
            ax.set_title(f"GD, {DECAY_LABELS[decay]}")
        axes[0].set_ylim(0.645, 0.705)
        axes[1].set_ylim(0.1, 0.2)
        axes[1].set_ylabel("")
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", fontsize=8, ncols=4)
    return draw


def draw_boundaries(result: Result):
    from ..plotting import plot_decision_boundary
    from .lr_decay import label

    keys = ("gd_staircase", "momentum_staircase", "adam_staircase", "gd_per_epoch")

    def draw(fig):
        axes = fig.subplots(2, 2, sharex=True, sharey=True).ravel()
        for ax, key in zip(axes, keys, strict=True):
            run = result.runs[key]
            plot_decision_boundary(ax, run.params, result.data.X_train, result.data.Y_train,
                                   xlim=(-1.5, 2.5), ylim=(-1, 1.5), resolution=200)
            ax.set_title(f"{label(key)}: train accuracy {run.accuracy:.3f}", fontsize=9.5)
        for ax in axes[:2]:
            ax.set_xlabel("")
        for ax in axes[1::2]:
            ax.set_ylabel("")
    return draw
