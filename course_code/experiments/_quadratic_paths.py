"""Optimizer paths on a 2-D quadratic: the iterates, their summary, their figure (for ``optimization``).

:math:`f(w) = \\frac{1}{2}\\sum_i c_i w_i^2` with very different curvatures :math:`c_i` is the
simplest ill-conditioned problem: a step size that suits the steep direction crawls along
the shallow one. Each rule runs through its public ``opt.update``, the same code that trains.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..optimizers import Optimizer
from ..report import markdown_table

ESCAPE = 1e6  # a path whose |w_i| passes this has diverged: its later points are NaN


@dataclass(frozen=True)
class Paths:
    learning_rates: np.ndarray  # (k,)
    points: np.ndarray          # (k, steps + 1, 2): w after each step, NaN once diverged


def quadratic_path(opt: Optimizer, learning_rate: float, start, curvature, steps: int) -> np.ndarray:
    """Iterates of ``opt`` on :math:`f(w) = \\frac{1}{2}\\sum_i c_i w_i^2` (gradient :math:`c \\odot w`).

    Returns an array of shape ``(steps + 1, len(start))``: the start, then ``w`` after each
    ``opt.update``. Once some :math:`|w_i|` exceeds ``ESCAPE`` the remaining rows are NaN.
    """
    c = np.asarray(curvature, dtype=float)
    params = {"w": np.asarray(start, dtype=float)}
    state = opt.init(params)
    out = np.full((steps + 1, c.size), np.nan)
    out[0] = params["w"]
    for k in range(1, steps + 1):
        params, state = opt.update(params, {"dw": c * params["w"]}, state, learning_rate=learning_rate)
        if not np.all(np.abs(params["w"]) < ESCAPE):
            break
        out[k] = params["w"]
    return out


def trace(optimizers: dict[str, Optimizer], rates: dict[str, tuple[float, ...]], start, curvature,
          steps: int) -> dict[str, Paths]:
    """The path of every optimizer at every one of its learning rates."""
    return {name: Paths(np.array(rates[name], dtype=float),
                        np.stack([quadratic_path(opt, lr, start, curvature, steps) for lr in rates[name]]))
            for name, opt in optimizers.items()}


def final_distance(path: np.ndarray) -> float:
    """Distance from the minimum (the origin) after the last step; inf if the path diverged."""
    last = path[-1]
    return float(np.linalg.norm(last)) if np.all(np.isfinite(last)) else float("inf")


def steps_to(path: np.ndarray, radius: float = 0.1) -> int | None:
    """First step at which the path is within ``radius`` of the minimum (None if never)."""
    inside = np.flatnonzero(np.linalg.norm(np.nan_to_num(path, nan=np.inf), axis=1) < radius)
    return int(inside[0]) if inside.size else None


def table(paths: dict[str, Paths], labels: dict[str, str], shown: int, steps: int) -> str:
    """Markdown: the stored rates, and how close the shown rate's path ends to the minimum."""
    rows = []
    for n, p in paths.items():
        w, k = p.points[shown], steps_to(p.points[shown])
        rows.append([labels[n], ", ".join(f"{lr:g}" for lr in p.learning_rates),
                     f"{p.learning_rates[shown]:g}", f"{final_distance(w):.1e}", "never" if k is None else k])
    return markdown_table(["optimizer", "learning rates stored", "shown",
                           f"distance to the minimum after {steps} steps", "first step within 0.1 of it"],
                          rows, align="lcccc")


def metrics(paths: dict[str, Paths], shown: int) -> dict:
    """Shown rate, final distance and the rates whose path diverged, per optimizer."""
    return {n: {"learning_rate": float(p.learning_rates[shown]),
                "final_distance": final_distance(p.points[shown]),
                "diverged_rates": [float(lr) for lr, w in zip(p.learning_rates, p.points, strict=True)
                                   if not np.all(np.isfinite(w))]}
            for n, p in paths.items()}


def _limits(start) -> tuple[list[float], list[float]]:
    """The view of the figures: the start at the left, the minimum right of centre."""
    s1, s2 = start
    return sorted((1.25 * s1, -0.625 * s1)), [-1.47 * abs(s2), 1.47 * abs(s2)]


def _levels(curvature, xlim, ylim) -> np.ndarray:
    """Contour levels of the figures: geometric, from 1/1000 to 1/2 of f's largest value in view."""
    top = 0.5 * (curvature[0] * max(map(abs, xlim)) ** 2 + curvature[1] * max(map(abs, ylim)) ** 2)
    return np.geomspace(top / 1000, top / 2, 9)


#: Decimals kept of a path's points in the data file (a pixel of the figure is about 0.01).
DATA_DECIMALS = 4


def data(paths: dict[str, Paths], labels: dict[str, str], shown: int, start, curvature) -> dict:
    """The paths for the page's interactive figure (``Report.data``), with what draws the bowl.

    The bowl's contours are ellipses :math:`\frac12(c_1 w_1^2 + c_2 w_2^2) = L` for each
    level :math:`L`; the page draws them from ``curvature`` and ``levels``. A diverged path
    keeps its finite points (JSON has no NaN) and says ``diverged: true`` and at which step
    (``diverged_at``: the first step whose point is not stored).
    """
    xlim, ylim = _limits(start)
    out = []
    for name, p in paths.items():
        runs = []
        for lr, w in zip(p.learning_rates, p.points, strict=True):
            finite = np.all(np.isfinite(w), axis=1)
            k = int(np.argmin(finite)) if not finite.all() else None
            kept = np.round(w[:k], DATA_DECIMALS)
            runs.append({"learning_rate": float(lr), "points": kept, "diverged": k is not None,
                         "diverged_at": k, "final_distance": None if k is not None else final_distance(w),
                         "first_step_within_0.1": steps_to(w)})
        out.append({"key": name, "label": labels[name], "color": len(out), "paths": runs})  # C0, C1, ...
    return {"curvature": [float(c) for c in curvature], "start": [float(s) for s in start],
            "xlim": xlim, "ylim": ylim, "levels": _levels(curvature, xlim, ylim),
            "steps": int(paths[next(iter(paths))].points.shape[1] - 1), "shown": shown, "optimizers": out}


def draw_factory(paths: dict[str, Paths], labels: dict[str, str], shown: int, start, curvature):
    """``draw(fig)``: one panel per optimizer, its path at rate index ``shown`` over contour lines."""
    def draw(fig):
        xlim, ylim = _limits(start)
        g1, g2 = np.meshgrid(np.linspace(*xlim, 90), np.linspace(*ylim, 90))
        f = 0.5 * (curvature[0] * g1**2 + curvature[1] * g2**2)
        axes = fig.subplots(2, 2, sharex=True, sharey=True)
        for i, (ax, (name, p)) in enumerate(zip(axes.flat, paths.items(), strict=True)):
            ax.contour(g1, g2, f, levels=_levels(curvature, xlim, ylim), colors="0.6",
                       linewidths=0.6)
            w = p.points[shown]
            far = ~(np.linalg.norm(w, axis=1) < 0.05)  # no markers where they pile up on the star
            ax.plot(w[:, 0], w[:, 1], color=f"C{i}", lw=1.1, marker="o", ms=2.2, markevery=list(far))
            ax.plot(*w[0], "s", color="0.45", ms=5)
            ax.plot(0, 0, "*", color="0.45", ms=9)
            ax.set_title(f"{labels[name]}, α = {p.learning_rates[shown]:g}: |w| = {final_distance(w):.1e}")
            ax.set(aspect="equal", xlim=xlim, ylim=ylim)
            ax.grid(False)
        a1, a2 = (f"{v:g}" if v != 1 else "" for v in curvature)
        fig.suptitle(f"{w.shape[0] - 1} steps on $f(w) = ({a1} w_1^2 + {a2} w_2^2)/2$ from the square; "
                     "|w| = distance left to the minimum (star)")
        for ax in axes[1]:
            ax.set_xlabel("$w_1$")
        for ax in axes[:, 0]:
            ax.set_ylabel("$w_2$")
    return draw
