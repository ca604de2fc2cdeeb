"""Figures, tables and metrics of the ``initialization`` experiment."""

from __future__ import annotations

import numpy as np

from ..experiments.initialization import COURSE_TEST, COURSE_TRAIN, METHODS, Result
from .plotting import plot_costs, plot_decision_boundary
from .report import FigureSpec, Report, markdown_table, seed_summary

LABELS = {"zeros": "zeros", "random": "large random (×10)", "he": "He"}
COURSE_PRINT_EVERY = 1000  # the course prints the cost every 1000 iterations


def _draw_costs(result: Result):
    def draw(fig):
        ax = fig.subplots()
        for method, run in result.runs.items():
            plot_costs(ax, run.iterations, run.costs, label=LABELS[method], xlabel="iteration", log=True)
        ax.axhline(np.log(2), color="0.5", lw=0.8, ls=":")
        ax.annotate("ln 2: a coin flip", (result.config.num_iterations * 0.55, np.log(2)),
                    xytext=(0, 4), textcoords="offset points", fontsize=8, color="0.5")
        ax.legend(loc="upper right")
        ax.set_title(f"Full-batch gradient descent, learning rate {result.config.learning_rate}")
    return draw


def _draw_boundaries(result: Result):
    def draw(fig):
        axes = fig.subplots(1, 3, sharex=True, sharey=True)
        for ax, (method, run) in zip(axes, result.runs.items(), strict=True):
            plot_decision_boundary(ax, run.params, result.data.X_train, result.data.Y_train,
                                   xlim=(-1.5, 1.5), ylim=(-1.5, 1.5), resolution=200)
            ax.set_title(f"{LABELS[method]}\ntrain {run.train_accuracy:.2f}, test {run.test_accuracy:.2f}")
        for ax in axes[1:]:
            ax.set_ylabel("")
    return draw


def _draw_seeds(result: Result):
    def draw(fig):
        ax = fig.subplots()
        for i, method in enumerate(METHODS):
            accs = result.seed_accuracy[method]
            for j, (what, marker) in enumerate((("train", "o"), ("test", "s"))):
                x = i + (j - 0.5) * 0.25 + np.linspace(-0.05, 0.05, len(accs))
                ax.scatter(x, accs[:, j], marker=marker, color=f"C{j}", s=22,
                           label=what if i == 0 else None, zorder=3)
        ax.set_xticks(range(len(METHODS)), [LABELS[m] for m in METHODS])
        ax.set_ylabel("accuracy")
        ax.set_ylim(0.4, 1.02)
        ax.legend(loc="lower right")
        ax.set_title(f"Accuracy from {result.config.n_seeds} other initial draws (one dot each)")
    return draw


def report(result: Result) -> Report:
    runs, seeds = result.runs, result.seed_accuracy
    rows = [[LABELS[m], f"{COURSE_TRAIN[m]:.3f} / {COURSE_TEST[m]:.3f}",
             f"{runs[m].train_accuracy:.3f} / {runs[m].test_accuracy:.3f}",
             seed_summary(seeds[m][:, 0]), seed_summary(seeds[m][:, 1])] for m in METHODS]
    accuracy_table = markdown_table(
        ["initialization", "course (train / test)", "this run (train / test)",
         f"train, {result.config.n_seeds} seeds: mean (range)", f"test, {result.config.n_seeds} seeds"],
        rows, align="lcccc")
    dims = result.config.layer_dims
    symmetry_rows = [[f"hidden layer {l + 1}", dims[l + 1]]
                     + [runs[m].distinct_units[l] for m in METHODS] for l in range(len(dims) - 2)]
    symmetry_table = markdown_table(["layer", "units"] + [f"distinct after training: {LABELS[m]}"
                                                          for m in METHODS], symmetry_rows)
    metrics = {
        m: {"train_accuracy": runs[m].train_accuracy, "test_accuracy": runs[m].test_accuracy,
            "first_cost": float(runs[m].costs[0]), "last_cost": float(runs[m].costs[-1]),
            "distinct_units": list(runs[m].distinct_units),
            "seed_train_mean": float(seeds[m][:, 0].mean()), "seed_train_min": float(seeds[m][:, 0].min()),
            "seed_train_max": float(seeds[m][:, 0].max()), "seed_test_mean": float(seeds[m][:, 1].mean()),
            "seed_test_min": float(seeds[m][:, 1].min()), "seed_test_max": float(seeds[m][:, 1].max())}
        for m in METHODS
    }
    c = result.config
    metrics["config"] = {"num_iterations": c.num_iterations, "record_every": c.record_every,
                         "learning_rate": c.learning_rate, "random_scale": c.random_scale,
                         "n_seeds": c.n_seeds, "n_train": int(result.data.X_train.shape[1]),
                         "course_print_every": COURSE_PRINT_EVERY,
                         "course_printed_costs": c.num_iterations // COURSE_PRINT_EVERY}
    figures = {
        "costs": FigureSpec(_draw_costs(result), (6.4, 3.6),
                            "Cost against iteration for zeros, large random and He initialization"),
        "boundaries": FigureSpec(_draw_boundaries(result), (9.0, 3.4),
                                 "Decision boundaries of the three trained networks on the circles data"),
        "seeds": FigureSpec(_draw_seeds(result), (6.4, 3.2),
                            "Train and test accuracy of each initialization over several seeds"),
    }
    return Report(figures, {"accuracy": accuracy_table, "symmetry": symmetry_table}, metrics,
                  thumbnail="boundaries")
