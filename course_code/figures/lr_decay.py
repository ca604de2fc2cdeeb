"""Figures, tables and metrics of the ``lr_decay`` experiment: schedules, cost curves, the
three readings of the course's decay, boundaries, and the interactive schedule figure's data."""

from __future__ import annotations

import numpy as np

from ..experiments.lr_decay import (
    COURSE,
    COURSE_PRINTED_LR,
    DECAY_LABELS,
    OPT_LABELS,
    PRINT_EPOCHS,
    READINGS,
    RUNS,
    STUCK,
    Config,
    Result,
    count_equal,
    late_cost_range,
    printed_costs,
    printed_rates,
    schedule,
)
from ..experiments.optimization import COURSE as OPTIMIZATION_COURSE
from .plotting import plot_costs, plot_decision_boundary
from .report import FigureSpec, Report, markdown_table, seed_summary


def readings(result: Result) -> dict[str, dict]:
    """For each ``"decay/reading"``: its run, schedule, and how many printouts equal the course's.

    The counts are None unless the config is the course's (rates: same α0, k and interval;
    costs: also the course's weights and batch order).
    """
    cfg, out = result.config, {}
    course_rates = (cfg.lr0, cfg.decay_rate, cfg.time_interval) == (0.1, 1.0, 1000)
    course_costs = course_rates and cfg.course_weights and cfg.course_order and cfg.num_epochs == 5000 \
        and (cfg.layer_dims, cfg.mini_batch_size, cfg.beta) == ((2, 5, 2, 1), 64, 0.9)
    for decay in ("per_epoch", "staircase"):
        for reading in READINGS:
            key = f"{decay}/{reading}"
            run = result.runs[f"gd_{decay}"] if reading == "formula" else result.variants[key]
            sched, costs = schedule(cfg, "gd", decay, reading), printed_costs(run.epochs, run.costs)
            seeds = (result.seed_accuracy[f"gd_{decay}"][:cfg.n_variant_seeds] if reading == "formula"
                     else result.seed_accuracy[key])
            printed = printed_rates(sched)
            out[key] = {"run": run, "schedule": sched, "printed_lr": printed, "seeds": seeds,
                        "lr_matches": count_equal(printed, COURSE_PRINTED_LR[decay])
                        if course_rates else None,
                        "cost_matches": count_equal(costs, COURSE[f"gd_{decay}"][1])
                        if course_costs and costs else None}
    return out


# ---------------------------------------------------------------------- figures
def draw_schedules(result: Result):

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
                printed = [float(c) for c in COURSE[f"gd_{decay}"][1]]
                ax.plot(PRINT_EPOCHS, printed, "x", ms=8, mew=1.8, color=mpl.rcParams["text.color"],
                        label="the course's printed costs", zorder=5)
            ax.set_title(f"GD, {DECAY_LABELS[decay]}")
        axes[0].set_ylim(0.645, 0.705)
        axes[1].set_ylim(0.1, 0.2)
        axes[1].set_ylabel("")
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", fontsize=8, ncols=4)
    return draw


def draw_boundaries(result: Result):

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


# ---------------------------------------------------------------------- tables, metrics, report
def label(key: str) -> str:
    """A run's name for tables and legends, e.g. ``"GD, staircase decay"``."""
    opt, decay = RUNS[key]
    return f"{OPT_LABELS[opt]}, {DECAY_LABELS[decay]}"


def _lr0(config: Config, key: str) -> float:
    return config.lr0_adam if RUNS[key][0] == "adam" else config.lr0


def _accuracy_table(result: Result) -> str:
    cfg, n = result.config, result.config.n_seeds
    ran = {key: f"{acc:.3f}" for key, (acc, _) in COURSE.items()}
    rows = [[label(key), f"{_lr0(cfg, key):g}", ran.get(key, "not run"),
             f"{result.runs[key].accuracy:.3f}", seed_summary(result.seed_accuracy[key]),
             f"{int(np.sum(result.seed_accuracy[key] <= STUCK))} of {n}"] for key in result.runs]
    return markdown_table(["run", "α0", "course", "this run", f"{n} seeds: mean (range)",
                           f"stuck seeds (accuracy ≤ {STUCK})"], rows, align="lrcccc")


def _readings_table(result: Result) -> str:
    nv, rows = result.config.n_variant_seeds, []
    for key, r in readings(result).items():
        decay, reading = key.split("/")
        start = 0 if decay == "per_epoch" else result.config.time_interval
        first = f"{start}-{start + 3}: " + ", ".join(f"{x:.3g}" for x in r["schedule"](start + np.arange(4)))
        row = [DECAY_LABELS[decay], READINGS[reading], first, " / ".join(r["printed_lr"][:3])]
        row += ["n/a" if r[c] is None else f"{r[c]} of 5" for c in ("lr_matches", "cost_matches")]
        rows.append([*row, f"{r['run'].accuracy:.3f}"] + ([seed_summary(r["seeds"])] if nv else []))
    header = ["decay (GD)", "reading", "rates of epochs", "rate printed after epochs 0 / 1000 / 2000",
              "printed rates equal to the course's", "printed costs equal to the course's", "train accuracy"]
    header += [f"{nv} seeds: mean (range)"] if nv else []
    return markdown_table(header, rows, align="ll" + "c" * (len(header) - 2))


def _stats(values) -> dict:
    v = np.asarray(values, dtype=float)
    return {"seed_mean": float(v.mean()), "seed_min": float(v.min()), "seed_max": float(v.max())}


#: The course's markdown table of the decayed runs (its text), which its executed runs do not match.
COURSE_MARKDOWN = {"gd_staircase": 0.946, "momentum_staircase": 0.956, "adam_staircase": 0.94}


def _config_metrics(result: Result) -> dict:
    """The settings the page quotes, and what they imply."""
    cfg, m = result.config, result.data.X_train.shape[1]
    epochs = np.arange(cfg.num_epochs)
    total = {d: float(schedule(cfg, "gd", d)(epochs).sum() / cfg.lr0) for d in ("per_epoch", "staircase")}
    return {"n_train": m, "mini_batch_size": cfg.mini_batch_size, "num_epochs": cfg.num_epochs,
            "batches_per_epoch": -(-m // cfg.mini_batch_size), "full_batches": m // cfg.mini_batch_size,
            "last_batch": m % cfg.mini_batch_size, "time_interval": cfg.time_interval,
            "record_every": cfg.record_every, "lr0": cfg.lr0, "lr0_adam": cfg.lr0_adam,
            "decay_rate": cfg.decay_rate, "n_seeds": cfg.n_seeds,
            # the whole run's steps, in epochs' worth at the starting rate
            "per_epoch_total_epochs": total["per_epoch"], "staircase_total_epochs": total["staircase"]}


def _course_metrics() -> dict:
    """The course's printed numbers the page quotes."""
    gd = COURSE["gd_per_epoch"]
    return {"per_epoch_accuracy": gd[0], "per_epoch_first_cost": float(gd[1][0]),
            "per_epoch_last_cost": float(gd[1][-1]),
            "per_epoch_lr_after_1000": COURSE_PRINTED_LR["per_epoch"][1],
            "print_epochs": list(PRINT_EPOCHS), "print_every": PRINT_EPOCHS[1] - PRINT_EPOCHS[0],
            "n_prints": len(PRINT_EPOCHS),
            "executed": {k: v[0] for k, v in COURSE.items()}, "markdown": COURSE_MARKDOWN}


def _metrics(result: Result) -> dict:
    runs, seeds, cfg = result.runs, result.seed_accuracy, result.config
    m = {"runs": {}, "decay_gain": {}, "readings": {}, "site_reading": "formula", "stuck_threshold": STUCK,
         "per_epoch_lr_at_1000": float(schedule(cfg, "gd", "per_epoch")(cfg.time_interval)),
         "config": _config_metrics(result), "course": _course_metrics()}
    for key, run in runs.items():
        m["runs"][key] = {"accuracy": run.accuracy, "final_cost": float(run.costs[-1]), "lr0": _lr0(cfg, key),
                          "late_cost_range": late_cost_range(run, cfg.num_epochs), **_stats(seeds[key]),
                          "stuck_seeds": int(np.sum(seeds[key] <= STUCK))}
        if key in COURSE:
            m["runs"][key]["course_accuracy"] = COURSE[key][0]
    for key in ("gd_per_epoch", "gd_staircase", "momentum_staircase", "adam_staircase"):
        base = RUNS[key][0]  # the same optimizer, no decay
        if base not in runs:
            continue
        d, c = seeds[key] - seeds[base], result.seed_costs[key] - result.seed_costs[base]
        m["decay_gain"][key] = {"headline": runs[key].accuracy - runs[base].accuracy, **_stats(d),
                                "seeds_better": int(np.sum(d > 1e-9)), "seeds_worse": int(np.sum(d < -1e-9)),
                                "seeds_final_cost_lower": int(np.sum(c[:, 0] < 0)),
                                "seeds_late_range_smaller": int(np.sum(c[:, 1] < 0))}
    for key, r in readings(result).items():
        entry = {"accuracy": r["run"].accuracy, "printed_lr": [float(x) for x in r["printed_lr"]]}
        entry |= {name: r[k] for name, k in (("printed_lr_matches", "lr_matches"),
                                              ("printed_cost_matches", "cost_matches")) if r[k] is not None}
        m["readings"][key] = entry | (_stats(r["seeds"]) if len(r["seeds"]) else {})
    full = [v for v in READINGS if all(m["readings"][f"{d}/{v}"].get(k) == 5
                                       for d in ("per_epoch", "staircase")
                                       for k in ("printed_lr_matches", "printed_cost_matches"))]
    if full:
        m["course_reading"] = full[0]  # the reading whose every printed rate and cost equals the course's
    m["claims"] = _claims(result, m)
    return m


def _claims(result: Result, m: dict) -> dict:
    """The findings the page states, each over the seeds (or the course's run, as named)."""
    n, gain = result.config.n_seeds, m["decay_gain"]
    staircase = [k for k in ("gd_staircase", "momentum_staircase", "adam_staircase") if k in gain]
    rate_gain = m["runs"]["gd"]["seed_mean"] - OPTIMIZATION_COURSE["gd"]  # 0.0007 -> lr0, no decay
    return {
        "staircase_reproduces_course": all(abs(m["runs"][k]["accuracy"] - COURSE[k][0]) < 1e-9
                                           for k in staircase),
        "per_epoch_lower_on_average": gain["gd_per_epoch"]["seed_mean"] < 0,
        "rate_gain_exceeds_decay_gain": all(rate_gain > abs(gain[k]["seed_mean"]) for k in staircase),
        # no optimizer gains as much as half a point of accuracy on average from staircase decay
        "staircase_adds_no_accuracy": all(gain[k]["seed_mean"] < 0.005 for k in staircase),
        "decay_steadies_late_cost_every_seed": all(gain[k]["seeds_late_range_smaller"] == n
                                                   for k in staircase),
        "lagged_reading_reproduces_course": m.get("course_reading") == "late",
    }


#: The values the page's interactive schedule figure offers (its sliders), and their defaults.
SLIDER_LR0 = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
SLIDER_DECAY_RATE = (0.0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
SLIDER_GAMMA = (0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9998, 1.0)


def schedule_data(config: Config) -> dict:
    """What the page's interactive figure needs to draw the schedules of ``course_code.schedules``.

    The page computes each rate from its formula (the browser tests check it against this
    module's schedules), so only the parameters and the sliders' values are stored.
    """
    def slider(values, default):
        return {"values": list(values), "default": default if default in values else values[0]}

    return {"num_epochs": config.num_epochs, "time_interval": config.time_interval,
            "lr0": slider(SLIDER_LR0, config.lr0), "decay_rate": slider(SLIDER_DECAY_RATE, config.decay_rate),
            "gamma": slider(SLIDER_GAMMA, 0.999),
            # colour: the index in plotting.COLORS, as in the static figure of the schedules
            "schedules": [{"key": "constant", "label": DECAY_LABELS["none"], "color": 0},
                          {"key": "inverse_time", "label": DECAY_LABELS["per_epoch"], "color": 5},
                          {"key": "staircase", "label": f"{DECAY_LABELS['staircase']} "
                                                        f"(every {config.time_interval} epochs)", "color": 2},
                          {"key": "exponential", "label": "exponential decay (not in the course)",
                           "color": 3}]}


def report(result: Result) -> Report:
    specs = {
        "schedules": FigureSpec(draw_schedules(result), (9.0, 4.2),
                                "Learning rate against epoch, log scale, for each schedule; and the first "
                                "epochs of three readings of the per-epoch decay"),
        "costs": FigureSpec(draw_costs(result), (9.0, 3.6),
                            "Cost against epoch with no decay, decay every epoch and staircase decay, "
                            "for GD, momentum and Adam"),
        "reading_costs": FigureSpec(draw_readings(result), (9.0, 3.9),
                                    "Cost against epoch of GD under three readings of the course's decay, "
                                    "with the course's printed costs marked"),
        "boundaries": FigureSpec(draw_boundaries(result), (8.0, 5.4),
                                 "Decision boundaries on the moons after staircase decay with GD, momentum "
                                 "and Adam, and after decay every epoch with GD"),
    }
    tables = {"accuracy": _accuracy_table(result), "readings": _readings_table(result)}
    return Report(specs, tables, _metrics(result), {"lr_schedules": schedule_data(result.config)},
                  thumbnail="schedules")
