"""Figures, tables, metrics and the interactive figure's data of the ``optimization`` experiment."""

from __future__ import annotations

import numpy as np

from ..experiments.optimization import (
    COURSE,
    OPTIMIZERS,
    BatchRun,
    Paths,
    Result,
    seconds_per_epoch,
    updates_per_epoch,
)
from ..paths import final_distance, steps_to
from .plotting import plot_costs, plot_decision_boundary
from .report import FigureSpec, Report, markdown_table, seed_summary

LABELS = {"gd": "gradient descent", "momentum": "momentum", "rmsprop": "RMSprop", "adam": "Adam"}
#: The course's first printed cost of gradient descent (its mini-batch order differs from ours).
COURSE_GD_FIRST_COST = 0.702405
PATH_RADIUS = 0.1  # "within reach of the minimum": the table's last column


# ---------------------------------------------------------------------- batch sizes
def batch_label(batch_size: int, m: int) -> str:
    """``"batch (300)"``, ``"mini-batch (64)"`` or ``"stochastic (1)"`` for a set of ``m`` examples."""
    kind = "batch" if batch_size >= m else "stochastic" if batch_size == 1 else "mini-batch"
    return f"{kind} ({min(batch_size, m)})"


def draw_batch_sizes(runs: dict[int, BatchRun], m: int, learning_rate: float):
    """``draw(fig)``: cost against updates (left) and against estimated time (right)."""
    def draw(fig):
        left, right = fig.subplots(1, 2, sharey=True)
        for b, run in runs.items():
            style = {"label": batch_label(b, m), "lw": 1.4, "ls": "--" if 1 < b < m else "-"}
            left.plot(run.updates, run.costs, **style)
            right.plot(run.seconds, run.costs, **style)
        left.set_xlabel("update")
        left.set_ylabel(f"cost on all {m} points")
        right.set_xlabel("estimated time (s, from measured per-update cost)")
        left.set_title(f"Per update (learning rate {learning_rate:g})")
        right.set_title("Per second of (modelled) compute")
        left.legend(loc="upper right")
    return draw


def batch_table(runs: dict[int, BatchRun], seed_cost: dict, seed_accuracy: dict, m: int,
          c_update: float, c_example: float) -> str:
    """Markdown: budget, modelled time and final cost/accuracy (headline and seeds) per batch size."""
    n, total = len(next(iter(seed_cost.values()))), int(next(iter(runs.values())).updates[-1])
    rows = [[batch_label(b, m), updates_per_epoch(b, m), int(r.epochs[-1]),
             f"{seconds_per_epoch(b, m, c_update, c_example) * 1e3:.3f}", f"{r.seconds[-1]:.2f}",
             f"{r.costs[-1]:.3f}", seed_summary(seed_cost[b]), seed_summary(seed_accuracy[b])]
            for b, r in runs.items()]
    return markdown_table(["gradient descent", "updates per epoch", "epochs", "est. ms per epoch",
                           f"est. s for {total} updates", "final cost (this run)", f"final cost, {n} seeds",
                           f"train accuracy, {n} seeds"], rows, align="lrrrrccc")


# ---------------------------------------------------------------------- paths on the quadratic
def path_table(paths: dict[str, Paths], labels: dict[str, str], shown: int, steps: int) -> str:
    """Markdown: the stored rates, and how close the shown rate's path ends to the minimum."""
    rows = []
    for n, p in paths.items():
        w, k = p.points[shown], steps_to(p.points[shown], PATH_RADIUS)
        rows.append([labels[n], ", ".join(f"{lr:g}" for lr in p.learning_rates),
                     f"{p.learning_rates[shown]:g}", f"{final_distance(w):.1e}", "never" if k is None else k])
    return markdown_table(["optimizer", "learning rates stored", "shown",
                           f"distance to the minimum after {steps} steps",
                           f"first step within {PATH_RADIUS:g} of it"], rows, align="lcccc")


def path_metrics(paths: dict[str, Paths], shown: int) -> dict:
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


def path_data(paths: dict[str, Paths], labels: dict[str, str], shown: int, start, curvature) -> dict:
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


def draw_paths(paths: dict[str, Paths], labels: dict[str, str], shown: int, start, curvature):
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


# ---------------------------------------------------------------------- the optimizers
def _draw_costs(result: Result):
    def draw(fig):
        ax = fig.subplots()
        for name, run in result.runs.items():
            plot_costs(ax, run.epochs, run.costs, label=LABELS[name], ls="--" if name == "momentum" else "-")
        ax.legend(loc="center right")
        c = result.config
        ax.set_title(f"Mini-batches of {c.mini_batch_size}, learning rate {c.learning_rate}"
                     + (", the course's initial weights" if c.course_weights else ""))
    return draw


def _draw_boundaries(result: Result):
    def draw(fig):
        axes = fig.subplots(2, 2, sharex=True, sharey=True)
        for ax, (name, run) in zip(axes.flat, result.runs.items(), strict=True):
            plot_decision_boundary(ax, run.params, result.data.X_train, result.data.Y_train,
                                   xlim=(-1.5, 2.5), ylim=(-1, 1.5), resolution=200)
            ax.set_title(f"{LABELS[name]}: train accuracy {run.accuracy:.3f}")
        for ax in axes[0]:
            ax.set_xlabel("")
        for ax in axes[:, 1]:
            ax.set_ylabel("")
    return draw


def _draw_seeds(result: Result):
    def draw(fig):
        ax = fig.subplots()
        accs = np.array([result.seed_accuracy[n] for n in OPTIMIZERS])  # (4, n_seeds)
        x = np.arange(len(OPTIMIZERS))
        ax.plot(x, accs, color="0.6", lw=0.8, zorder=2)  # one line per seed: the same initial weights
        ax.scatter(np.repeat(x, accs.shape[1]), accs.ravel(), color="C0", s=22, zorder=3,
                   label="one seed (fresh He weights, joined by a line)")
        ax.scatter(x, [result.runs[n].accuracy for n in OPTIMIZERS], marker="D", color="C1", s=30,
                   zorder=4, label="headline run (the course's weights)")
        ax.axhline(result.config.stuck_accuracy, color="0.5", lw=0.8, ls=":")
        ax.set_xticks(x, [LABELS[n] for n in OPTIMIZERS])
        ax.set_ylabel("train accuracy")
        ax.set_ylim(0.45, 1.0)
        fig.legend(loc="outside lower center", ncols=2)
        ax.set_title(f"Train accuracy from {result.config.n_seeds} other initial weights "
                     f"(dotted: stuck at ≤ {result.config.stuck_accuracy})")
    return draw


def _accuracy_table(result: Result) -> str:
    c = result.config
    rows = []
    for n in OPTIMIZERS:
        accs = result.seed_accuracy[n]
        live = accs[accs > c.stuck_accuracy]
        rows.append([LABELS[n], "not in the course" if COURSE[n] is None else f"{COURSE[n]:.4f}",
                     f"{result.runs[n].accuracy:.4f}", seed_summary(accs),
                     f"{int((accs <= c.stuck_accuracy).sum())} of {accs.size}",
                     f"{live.mean():.3f}" if live.size else "–"])
    return markdown_table(["optimizer", "course", "this run (course's weights)",
                           f"{c.n_seeds} seeds: mean (range)", f"seeds stuck at ≤ {c.stuck_accuracy}",
                           "mean of the other seeds"], rows, align="lccccc")


def _summary(values: np.ndarray, prefix: str) -> dict:
    return {f"{prefix}_mean": float(values.mean()), f"{prefix}_min": float(values.min()),
            f"{prefix}_max": float(values.max())}


def _metrics(result: Result) -> dict:
    c, m = result.config, result.data.X_train.shape[1]
    stuck = {n: result.seed_accuracy[n] <= c.stuck_accuracy for n in OPTIMIZERS}
    optimizers = {n: {"accuracy": result.runs[n].accuracy, "first_cost": float(result.runs[n].costs[0]),
                      "last_cost": float(result.runs[n].costs[-1]), "stuck_seeds": int(stuck[n].sum()),
                      **_summary(result.seed_accuracy[n], "seed_accuracy"),
                      **_summary(result.seed_cost[n], "seed_cost")} for n in OPTIMIZERS}
    for n in OPTIMIZERS:
        if COURSE[n] is not None:
            optimizers[n]["course_accuracy"] = COURSE[n]
    gap = result.seed_accuracy["adam"] - result.seed_accuracy["gd"]
    batch = {}
    for b, run in result.batch.items():
        kind = batch_label(b, m).split(" ")[0]  # "batch", "mini-batch" or "stochastic"
        batch[kind] = {"batch_size": min(b, m), "final_cost": float(run.costs[-1]), "accuracy": run.accuracy,
                       "estimated_seconds": float(run.seconds[-1]), "updates": int(run.updates[-1]),
                       **_summary(result.batch_seed_cost[b], "seed_final_cost"),
                       **_summary(result.batch_seed_accuracy[b], "seed_accuracy")}
    return {"optimizers": optimizers, "n_seeds": c.n_seeds, "stuck_accuracy": c.stuck_accuracy,
            "seeds_stuck_for_every_optimizer": int(np.logical_and.reduce(list(stuck.values())).sum()),
            "adam_minus_gd_min": float(gap.min()), "adam_minus_gd_max": float(gap.max()),
            "seeds_adam_above_gd": int((gap > 0).sum()),
            "gd_momentum_max_difference": float(np.abs(result.seed_accuracy["gd"]
                                                       - result.seed_accuracy["momentum"]).max()),
            "batch": batch, "c_update": c.c_update, "c_example": c.c_example,
            "paths": path_metrics(result.paths, c.path_shown), "config": _config_metrics(result),
            "course": {"gd_accuracy": COURSE["gd"], "adam_accuracy": COURSE["adam"],
                       "gd_first_cost": COURSE_GD_FIRST_COST},
            "claims": _claims(result)}


def _config_metrics(result: Result) -> dict:
    """The settings the page quotes, and quantities derived from them."""
    c, m = result.config, result.data.X_train.shape[1]
    c_max = max(c.curvature)
    return {"n_train": m, "num_epochs": c.num_epochs, "mini_batch_size": c.mini_batch_size,
            "learning_rate": c.learning_rate, "beta": c.beta, "record_every": c.record_every,
            "batches_per_epoch": updates_per_epoch(c.mini_batch_size, m),
            "full_batches": m // c.mini_batch_size, "last_batch": m % c.mini_batch_size,
            "momentum_window": 1 / (1 - c.beta),
            "batch_learning_rate": c.batch_learning_rate, "sgd_epochs": c.sgd_epochs,
            "batch_points": c.batch_points, "curvature_ratio": c_max / min(c.curvature),
            "path_steps": c.path_steps, "path_rates": len(c.path_lr_gd),
            "gd_stable_below": 2 / c_max, "momentum_stable_below": 2 * (1 + c.beta) / ((1 - c.beta) * c_max),
            "path_radius": PATH_RADIUS}


def _claims(result: Result) -> dict:
    gd, mom = result.runs["gd"], result.runs["momentum"]
    return {
        # the recorded cost curves of gradient descent and momentum agree to 3 decimals
        "gd_momentum_curves_overlap": bool(np.max(np.abs(gd.costs - mom.costs)) < 1e-3),
        "gd_seeds_above_course": bool(np.all(result.seed_accuracy["gd"] > COURSE["gd"])),
        "momentum_seeds_above_course": bool(np.all(result.seed_accuracy["momentum"] > COURSE["momentum"])),
        "adam_course_within_seed_range": bool(result.seed_accuracy["adam"].min() <= COURSE["adam"]
                                              <= result.seed_accuracy["adam"].max()),
        "no_seed_stuck": bool(not any((result.seed_accuracy[n] <= result.config.stuck_accuracy).any()
                                      for n in OPTIMIZERS)),
    }


def report(result: Result) -> Report:
    c, m = result.config, result.data.X_train.shape[1]
    figures = {
        "costs": FigureSpec(_draw_costs(result), (6.4, 3.6),
                            "Cost against epoch of gradient descent, momentum, RMSprop and Adam"),
        "boundaries": FigureSpec(_draw_boundaries(result), (8.0, 5.4),
                                 "Decision boundaries of the four trained networks on the moons data"),
        "seeds": FigureSpec(_draw_seeds(result), (6.4, 3.4),
                            "Train accuracy of each optimizer from several initial weights"),
        "batch_sizes": FigureSpec(draw_batch_sizes(result.batch, m, c.batch_learning_rate), (9.0, 3.6),
                            "Cost of batch, mini-batch and stochastic gradient descent against "
                            "updates and against estimated time"),
        "paths": FigureSpec(draw_paths(result.paths, LABELS, c.path_shown, c.path_start, c.curvature),
                            (8.0, 5.2),
                            f"Paths of the four optimizers over {c.path_steps} steps on the contours "
                            "of an ill-conditioned quadratic"),
    }
    batches = batch_table(result.batch, result.batch_seed_cost, result.batch_seed_accuracy, m,
                          c.c_update, c.c_example)
    tables = {"accuracy": _accuracy_table(result), "batch_comparison": batches,
              "path_distances": path_table(result.paths, LABELS, c.path_shown, c.path_steps)}
    data = {"quadratic_paths": path_data(result.paths, LABELS, c.path_shown, c.path_start, c.curvature)}
    return Report(figures, tables, _metrics(result), data, thumbnail="paths")
