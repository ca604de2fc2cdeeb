"""Figures, tables, metrics and claims of the ``local_optima`` experiment."""

from __future__ import annotations

import numpy as np

from ..experiments.local_optima import OPTIMIZERS, SADDLE_ESCAPE, Result, starts
from ..landscapes import exact_fraction_positive_definite, plateau, saddle
from .plotting import COLORS
from .report import FigureSpec, Report, markdown_table

LABELS = {"gd": "gradient descent", "momentum": "momentum", "rmsprop": "RMSprop", "adam": "Adam"}
COLOR = {"gd": COLORS[0], "momentum": COLORS[1], "rmsprop": COLORS[2], "adam": COLORS[5]}
#: The start each surface's path figure shows (an index into the config's starts).
SHOWN = {"saddle": 3, "plateau": 2}
#: Large-n rate of the fraction of positive definite matrices: exp(-THETA n^2).
THETA = np.log(3) / 4


def _shown(result: Result, surface: str) -> int:
    return min(SHOWN[surface], starts(surface, result.config).shape[1] - 1)


def _draw_paths(result: Result):
    def draw(fig):
        axes = fig.subplots(1, 2)
        views = {"saddle": ((-1.2, 1.2), (-1.4, 1.4), saddle),
                 "plateau": ((-1.5, 4.0), (-1.5, 1.5), plateau)}
        for ax, (surface, (xlim, ylim, f)) in zip(axes, views.items(), strict=True):
            gx, gy = np.meshgrid(np.linspace(*xlim, 200), np.linspace(*ylim, 200))
            J = f(np.vstack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
            ax.contour(gx, gy, J, levels=14, colors="0.6", linewidths=0.6)
            k = _shown(result, surface)
            for name in OPTIMIZERS:
                P = result.paths[surface][name][:, :, k]
                ax.plot(P[:, 0], P[:, 1], color=COLOR[name], lw=1.4, label=LABELS[name])
            P0 = starts(surface, result.config)[:, k]
            ax.plot(*P0, "o", color="0.3", ms=5)
            ax.set_xlim(xlim)
            ax.set_ylim(ylim)
            ax.set_aspect("equal", adjustable="box")
            ax.set_xlabel("x")
            ax.set_ylabel("y")
            ax.grid(False)
        axes[0].set_title(f"Saddle, start y = {start_label(result, 'saddle')}")
        axes[1].set_title(f"Plateau, start x = {start_label(result, 'plateau')}")
        axes[1].legend(loc="upper right", fontsize=8)
        c = result.config
        fig.text(0.5, 0.01, f"first {c.path_steps} steps, learning rate {c.learning_rate}",
                 ha="center", fontsize=8)
    return draw


def start_label(result: Result, surface: str) -> str:
    """The shown start's distance from the ridge (saddle) or the well (plateau)."""
    P0 = starts(surface, result.config)[:, _shown(result, surface)]
    return f"{P0[1]:g}" if surface == "saddle" else f"{P0[0]:g}"


def _draw_escape(result: Result):
    def draw(fig):
        left, right = fig.subplots(1, 2)
        c = result.config
        for ax, surface, xs in ((left, "saddle", c.saddle_y0), (right, "plateau", c.plateau_x0)):
            for name in OPTIMIZERS:
                s = result.escape_steps[surface][name]
                ok = s > 0
                ax.plot(np.array(xs)[ok], s[ok], "o-", color=COLOR[name], ms=4, label=LABELS[name])
                if np.any(~ok):
                    ax.plot(np.array(xs)[~ok], np.full((~ok).sum(), c.max_steps), "^", color=COLOR[name],
                            ms=7, mfc="none")
            ax.set_yscale("log")
            ax.axhline(c.max_steps, color="0.5", lw=0.8, ls=":")
            ax.set_ylabel("steps to escape")
        left.set_xscale("log")
        left.set_xlabel("start's distance from the ridge, y")
        left.set_title(f"Saddle: steps until |y| ≥ {SADDLE_ESCAPE}")
        right.set_xlabel("start's distance from the well, x")
        right.set_title(f"Plateau: steps until the cost is below half\n(△ = not within {c.max_steps})")
        left.legend(loc="upper right", fontsize=8)
    return draw


def _draw_minima(result: Result):
    def draw(fig):
        ax = fig.subplots()
        c = result.config
        dims = np.array(c.dims)
        pooled = result.minima_fraction.mean(axis=0)
        for s in range(c.n_seeds):
            f = result.minima_fraction[s]
            ax.plot(dims[f > 0], f[f > 0], ".", color=COLORS[0], alpha=0.5, ms=5)
        ok = pooled > 0
        ax.plot(dims[ok], pooled[ok], "o-", color=COLORS[0], label="measured (dots: each batch)")
        n = np.linspace(1, dims.max(), 100)
        ax.plot(n, 2.0**-n, "--", color=COLORS[1], label="independent coin flips, $2^{-n}$")
        ax.plot(n, np.exp(-THETA * n**2), ":", color=COLORS[3], label="large-n rate, $e^{-n^2 \\ln 3/4}$")
        exact = [d for d in (1, 2, 3) if d in c.dims]
        ax.plot(exact, [exact_fraction_positive_definite(d) for d in exact], "x", color=COLORS[5], ms=9,
                mew=2, label="exact (n ≤ 3)")
        floor = 1 / (c.n_seeds * c.samples_per_seed)
        ax.axhline(floor, color="0.5", lw=0.8, ls=":")
        ax.annotate("one in all the draws", (dims.max(), floor), xytext=(0, -11), textcoords="offset points",
                    ha="right", fontsize=8, color="0.5")
        ax.set_yscale("log")
        ax.set_ylim(floor / 20, 1)
        ax.set_xlabel("dimension n")
        ax.set_ylabel("fraction with all eigenvalues > 0")
        ax.set_title("Random symmetric Hessians: how often a critical point is a minimum")
        ax.legend(loc="lower left", fontsize=8)
    return draw


def _escape_table(result: Result, surface: str) -> str:
    c = result.config
    xs = c.saddle_y0 if surface == "saddle" else c.plateau_x0
    head = ["optimizer"] + [f"{'y' if surface == 'saddle' else 'x'} = {x:g}" for x in xs]
    rows = [[LABELS[name]] + [str(s) if s > 0 else f"> {c.max_steps}"
                              for s in result.escape_steps[surface][name]] for name in OPTIMIZERS]
    return markdown_table(head, rows)


def _minima_table(result: Result) -> str:
    c, rows = result.config, []
    total = c.n_seeds * c.samples_per_seed
    for j, n in enumerate(c.dims):
        f = result.minima_fraction[:, j]
        exact = f"{exact_fraction_positive_definite(n):.4f}" if n <= 3 else "–"
        rows.append([n, f"{f.mean():.2e}", round(f.mean() * total), exact,
                     f"{2.0**-n:.2e}", f"{result.negative_share[:, j].mean():.3f}"])
    return markdown_table(["n", "minima, measured", f"minima in {total} draws", "exact", "2^-n",
                           "share of eigenvalues < 0"], rows)


def _metrics(result: Result) -> dict:
    c = result.config
    total = c.n_seeds * c.samples_per_seed
    m: dict = {"config": {"learning_rate": c.learning_rate, "max_steps": c.max_steps,
                          "path_steps": c.path_steps, "n_seeds": c.n_seeds,
                          "samples_per_seed": c.samples_per_seed, "samples": total,
                          "max_dim": max(c.dims), "n_saddle_starts": len(c.saddle_y0),
                          "n_plateau_starts": len(c.plateau_x0),
                          "saddle_y0_min": min(c.saddle_y0), "saddle_y0_max": max(c.saddle_y0),
                          "plateau_x0_min": min(c.plateau_x0), "plateau_x0_max": max(c.plateau_x0),
                          "shown_saddle_y0": float(starts("saddle", c)[1, _shown(result, "saddle")]),
                          "shown_plateau_x0": float(starts("plateau", c)[0, _shown(result, "plateau")])},
               "escape": {}, "first_step": {}, "minima": {}}
    for surface, by_opt in result.escape_steps.items():
        m["escape"][surface] = {}
        for name, steps in by_opt.items():
            ok = steps[steps > 0]
            m["escape"][surface][name] = {"min": int(ok.min()) if ok.size else 0,
                                          "max": int(ok.max()) if ok.size else 0,
                                          "escaped": int(ok.size), "stuck": int(np.sum(steps == 0))}
    for name in OPTIMIZERS:  # the length of the first step on the saddle, in units of the learning rate
        P = result.paths["saddle"][name]
        m["first_step"][name] = float(np.linalg.norm(P[1] - P[0], axis=0).max() / c.learning_rate)
    gd_saddle = result.escape_steps["saddle"]["gd"]
    order = np.argsort(c.saddle_y0)
    decades = np.diff(np.log10(np.array(c.saddle_y0)[order]))
    per_decade = -np.diff(gd_saddle[order]) / decades
    m["gd_steps_per_decade"] = float(per_decade.mean()) if per_decade.size else 0.0
    m["gd_steps_per_decade_theory"] = float(np.log(10) / np.log(1 + c.learning_rate))
    pooled = result.minima_fraction.mean(axis=0)
    for j, n in enumerate(c.dims):
        entry = {"fraction": float(pooled[j]), "count": round(pooled[j] * total),
                 "coin_flip": 2.0**-n, "coin_flip_count": total * 2.0**-n,
                 "negative_share": float(result.negative_share[:, j].mean()),
                 "fraction_min": float(result.minima_fraction[:, j].min()),
                 "fraction_max": float(result.minima_fraction[:, j].max())}
        if n <= 3:
            entry["exact"] = exact_fraction_positive_definite(n)
        m["minima"][f"n{n}"] = entry
    m["minima_last"] = m["minima"][f"n{max(c.dims)}"]
    m["claims"] = _claims(result, m)
    return m


def _claims(result: Result, m: dict) -> dict:
    c, esc = result.config, result.escape_steps
    saddle_steps, plateau_steps = esc["saddle"], esc["plateau"]
    total = c.n_seeds * c.samples_per_seed
    order = np.argsort(c.saddle_y0)

    def faster(a, b, surface):  # a escapes in fewer steps than b from every start (b may not escape)
        sa, sb = esc[surface][a], esc[surface][b]
        return bool(np.all((sa > 0) & ((sb == 0) | (sa < sb))))

    def within_error(n):  # the pooled estimate within 4 standard errors of the exact value
        p = exact_fraction_positive_definite(n)
        return abs(m["minima"][f"n{n}"]["fraction"] - p) < 4 * np.sqrt(p * (1 - p) / total)

    multi = [n for n in c.dims if n >= 2]
    return {
        "gd_slower_closer_to_ridge": bool(np.all(np.diff(saddle_steps["gd"][order]) < 0)),
        "gd_steps_per_decade_match": abs(m["gd_steps_per_decade"] / m["gd_steps_per_decade_theory"] - 1)
        < 0.05,
        "momentum_no_faster_than_gd_on_saddle": bool(np.all(saddle_steps["momentum"] >= saddle_steps["gd"])),
        "adam_faster_than_gd_everywhere": faster("adam", "gd", "saddle") and faster("adam", "gd", "plateau"),
        "adam_saddle_hardly_depends_on_start": m["escape"]["saddle"]["adam"]["max"]
        < 1.5 * m["escape"]["saddle"]["adam"]["min"],
        "gd_stuck_on_far_plateau": bool(plateau_steps["gd"][np.argmax(c.plateau_x0)] == 0),
        "adaptive_escape_every_plateau_start": bool(np.all(plateau_steps["adam"] > 0)
                                                    and np.all(plateau_steps["rmsprop"] > 0)),
        "rmsprop_first_step_large": m["first_step"]["rmsprop"] > 10 * m["first_step"]["adam"],
        "exact_values_reproduced": all(within_error(n) for n in (1, 2, 3) if n in c.dims),
        "below_coin_flips": all(m["minima"][f"n{n}"]["fraction"] < 2.0**-n for n in multi),
        "half_eigenvalues_negative": all(abs(v["negative_share"] - 0.5) < 0.02 for v in m["minima"].values()),
    }


def report(result: Result) -> Report:
    figures = {
        "paths": FigureSpec(_draw_paths(result), (9.0, 4.0),
                            "Paths of gradient descent, momentum, RMSprop and Adam on a saddle surface "
                            "and on a plateau with a well, over contour lines of the cost"),
        "escape": FigureSpec(_draw_escape(result), (9.0, 3.6),
                             "Steps each optimizer needs to escape the saddle against the start's distance "
                             "from the ridge, and to escape the plateau against the start's distance from "
                             "the well"),
        "minima": FigureSpec(_draw_minima(result), (6.4, 3.8),
                             "Fraction of random symmetric matrices with all eigenvalues positive against "
                             "the dimension, measured, with the coin-flip guess and the exact values"),
    }
    tables = {"saddle_table": _escape_table(result, "saddle"),
              "plateau_table": _escape_table(result, "plateau"), "minima_table": _minima_table(result)}
    return Report(figures, tables, _metrics(result), thumbnail="paths")
