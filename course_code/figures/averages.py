"""Figures, tables, metrics and claims of the ``averages`` experiment."""

from __future__ import annotations

import numpy as np

from ..experiments.averages import Result
from .plotting import COLORS
from .report import FigureSpec, Report, markdown_table, seed_summary

#: The betas the page's slider offers (the JavaScript computes each average from the series).
SLIDER_BETAS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995)
#: How many first steps the bias-correction panel shows.
ZOOM_STEPS = 60


def beta_key(beta: float) -> str:
    """The metrics key of a beta: 0.98 -> ``b980`` (a dot would split the page's metric path)."""
    return f"b{round(beta * 1000):03d}"


def white_noise_roughness(beta: float) -> float:
    """``std(diff(v)) / std(diff(x))`` when ``x`` is white noise: ``(1 - beta) / sqrt(1 + beta)``."""
    return (1 - beta) / np.sqrt(1 + beta)


def _draw_series(result: Result):
    def draw(fig):
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": (2.2, 1)})
        x = result.costs[0]
        steps = np.arange(1, len(x) + 1)
        for ax in (left, right):
            ax.plot(steps, x, color="0.6", lw=0.7, label="cost of each mini-batch")
        for i, beta in enumerate(result.config.betas):
            color = COLORS[(0, 1, 5, 2, 3)[i % 5]]
            left.plot(steps, result.corrected[0, i], color=color, label=f"β = {beta}")
            n = min(ZOOM_STEPS, len(x))
            right.plot(steps[:n], result.corrected[0, i, :n], color=color)
            right.plot(steps[:n], result.averages[0, i, :n], color=color, ls="--", lw=1.3)
        left.set_xlabel("mini-batch step")
        left.set_ylabel("cost")
        left.set_title("The averages (bias-corrected)")
        left.legend(loc="upper right")
        right.set_xlim(0, min(ZOOM_STEPS, len(x)))
        right.set_ylim(0, None)
        right.set_xlabel("mini-batch step")
        right.set_title("First steps: corrected (solid)\nand uncorrected (dashed)")
    return draw


def _draw_tradeoff(result: Result):
    def draw(fig):
        left, right = fig.subplots(1, 2)
        c = result.config
        k = np.arange(0, 160)
        for i, beta in enumerate(c.betas):
            color = COLORS[(0, 1, 5, 2, 3)[i % 5]]
            w = (1 - beta) * beta**k
            left.plot(k, w / w[0], color=color, label=f"β = {beta}")
            left.axvline(1 / (1 - beta), color=color, ls=":", lw=1)
            ages = np.full(c.n_seeds, result.mean_age[i])
            right.scatter(ages, result.roughness[:, i], color=color, s=22, zorder=3, label=f"β = {beta}")
            right.scatter([result.mean_age[i]], [white_noise_roughness(beta)], marker="x", color=color, s=40)
        left.axhline(np.exp(-1), color="0.5", lw=0.8, ls="--")
        left.set_xlabel("steps back, k")
        left.set_ylabel("weight of the value k steps back\n(relative to the newest)")
        left.set_title("Weights: dotted lines at 1/(1 − β)")
        left.legend(loc="upper right")
        right.set_xscale("log")
        right.set_yscale("log")
        right.set_xticks(result.mean_age, [f"{a:.0f}" for a in result.mean_age])
        right.minorticks_off()
        right.set_xlabel("lag: mean age of the averaged values (steps)")
        right.set_ylabel("roughness (jitter left)")
        right.set_title(f"Lag against smoothness, {c.n_seeds} runs\n(× = white-noise value)")
    return draw


def _table(result: Result) -> str:
    c, rows = result.config, []
    for i, beta in enumerate(c.betas):
        err = result.start_error[:, i].mean(axis=0)
        rows.append([f"{beta:g}", f"{int(result.window_steps[i])} ({1 / (1 - beta):.0f})",
                     f"{result.mean_age[i]:.0f}",
                     seed_summary(result.roughness[:, i]), f"{white_noise_roughness(beta):.3f}",
                     f"{err[0]:.3f} / {err[1]:.4f}", int(result.catch_up_steps[i])])
    return markdown_table(
        ["β", "window (1/(1−β))", "lag", f"roughness ({c.n_seeds} runs)", "white noise",
         "start error: plain / corrected", "catch-up"],
        rows, align="lrrcrcr")


def _metrics(result: Result) -> dict:
    c = result.config
    m: dict = {"config": {"learning_rate": c.learning_rate, "mini_batch_size": c.mini_batch_size,
                          "num_epochs": c.num_epochs, "n_seeds": c.n_seeds, "first_steps": c.first_steps,
                          "catch_up": c.catch_up, "steps": int(result.costs.shape[1]),
                          "layer_dims": list(c.layer_dims)},
               "betas": {}}
    for i, beta in enumerate(c.betas):
        err = result.start_error[:, i]
        m["betas"][beta_key(beta)] = {
            "beta": beta, "window": 1 / (1 - beta), "window_steps": int(result.window_steps[i]),
            "mean_age": float(result.mean_age[i]), "catch_up_steps": int(result.catch_up_steps[i]),
            "roughness_mean": float(result.roughness[:, i].mean()),
            "roughness_min": float(result.roughness[:, i].min()),
            "roughness_max": float(result.roughness[:, i].max()),
            "roughness_white": float(white_noise_roughness(beta)),
            "start_error_uncorrected": float(err[:, 0].mean()),
            "start_error_corrected": float(err[:, 1].mean()),
            "start_error_ratio_min": float((err[:, 0] / err[:, 1]).min()),
            "first_uncorrected": float(result.averages[0, i, 0]), "first_cost": float(result.costs[0, 0]),
        }
    m["claims"] = _claims(result, m)
    return m


def _claims(result: Result, m: dict) -> dict:
    c, b = result.config, m["betas"]
    order = np.argsort(c.betas)
    rough = result.roughness[:, order]
    return {
        "smoother_with_larger_beta_every_seed": bool(np.all(np.diff(rough, axis=1) < 0)),
        "lag_grows_with_beta": bool(np.all(np.diff(result.mean_age[order]) > 0)),
        "window_is_one_over_one_minus_beta": all(abs(v["window_steps"] - v["window"]) <= 1
                                                 for v in b.values()),
        "lag_is_beta_over_one_minus_beta": all(abs(v["mean_age"] - v["beta"] / (1 - v["beta"])) < 1e-6
                                               for v in b.values()),
        # the jitter left is within a factor of two of what white noise would leave
        "roughness_near_white_noise": all(0.5 < v["roughness_mean"] / v["roughness_white"] < 2
                                          for v in b.values()),
        "correction_closer_at_start_every_seed": bool(np.all(result.start_error[:, :, 1]
                                                             < result.start_error[:, :, 0])),
    }


def slider_data(result: Result) -> dict:
    """What the page's beta slider needs: the headline series; the browser computes the averages."""
    default = 0.9 if 0.9 in SLIDER_BETAS else SLIDER_BETAS[0]
    return {"series": result.costs[0], "betas": list(SLIDER_BETAS), "default": default,
            "zoom_steps": ZOOM_STEPS}


def report(result: Result) -> Report:
    figures = {
        "series": FigureSpec(_draw_series(result), (9.0, 3.6),
                             "The cost of each mini-batch step and its exponentially weighted averages for "
                             "three betas; and the first steps with and without bias correction"),
        "tradeoff": FigureSpec(_draw_tradeoff(result), (9.0, 3.6),
                               "The weight the average gives to each past value, for three betas; and the "
                               "roughness left against the lag, one dot per run"),
    }
    return Report(figures, {"betas_table": _table(result)}, _metrics(result),
                  {"ewa_slider": slider_data(result)}, thumbnail="series")
