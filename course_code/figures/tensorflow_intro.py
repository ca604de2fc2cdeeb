"""Figures, tables and metrics of the ``tensorflow_intro`` experiment."""

from __future__ import annotations

import numpy as np

from .. import tf_intro
from ..experiments.tensorflow_intro import (
    TARGET_ACCURACY,
    Result,
    epochs_to_target,
    first_epoch_at_target,
)
from .plotting import plot_costs
from .report import FigureSpec, Report, markdown_table, seed_summary

#: The course's data (SIGNS) and what its notebooks print, for the comparison the page makes.
COURSE_SIGNS = {
    "n_train": 1080, "n_test": 120, "image_side": 64, "channels": 3, "num_epochs": 100,
    "batches_per_epoch": 34,            # 1080 images in mini-batches of 32
    "train_accuracy": 0.75, "test_accuracy": 0.69,       # about, after 100 epochs
    "first_cost_mean": 1.830244,        # the current revision: the per-example mean
    "first_cost_twice_mean": 0.115223,  # a revision that returns 2 * reduce_mean
    "first_cost_mean_over_batch": 0.057612,  # an older one that returns reduce_mean
    "plot_every": 10,                   # its cost plot: one point every 10 epochs
}


def _draw_samples(result: Result, rows: int = 4, cols: int = 6):
    def draw(fig):
        axes = fig.subplots(rows, cols)
        X, Y = result.data.X_train, result.data.Y_train
        for i, ax in enumerate(axes.ravel()):
            ax.imshow(X[:, i].reshape(8, 8), cmap="gray_r", vmin=0.0, vmax=1.0,
                      interpolation="nearest")
            ax.set_title(f"label {int(np.argmax(Y[:, i]))}", fontsize=9, pad=3)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
        fig.suptitle(f"The first {rows * cols} training images (8 × 8 pixels, 0 = white)")
    return draw


def _label(lr: float, course: bool) -> str:
    return f"learning rate {lr:g}" + (" (the course's)" if course else "")


def _draw_costs(result: Result):
    def draw(fig):
        ax = fig.subplots()
        cfg = result.config
        epochs = np.arange(1, cfg.num_epochs + 1)
        plot_costs(ax, epochs, result.run.costs, label=_label(cfg.learning_rate, False), log=True)
        plot_costs(ax, epochs, result.course_rate.costs, label=_label(cfg.course_learning_rate, True),
                   log=True)
        ax.axhline(np.log(6), color="0.5", lw=0.8, ls=":")
        ax.annotate("ln 6: a uniform guess", (cfg.num_epochs, np.log(6)), xytext=(0, 3),
                    textcoords="offset points", fontsize=8, color="0.5", ha="right")
        ax.legend(loc="lower left")
        ax.set_title(f"Adam, mini-batches of {cfg.minibatch_size}: mean cost of each epoch")
    return draw


def _draw_accuracy(result: Result):
    def draw(fig):
        ax = fig.subplots()
        cfg = result.config
        epochs = np.arange(1, cfg.num_epochs + 1)
        for i, (run, lr, course) in enumerate(((result.run, cfg.learning_rate, False),
                                               (result.course_rate, cfg.course_learning_rate, True))):
            ax.plot(epochs, run.train_accuracy, color=f"C{i}", label=f"train, {_label(lr, course)}")
            ax.plot(epochs, run.test_accuracy, color=f"C{i}", ls="--",  # measured on the dev set
                    label=f"dev, {_label(lr, course)}")
        ax.axhline(TARGET_ACCURACY, color="0.5", lw=0.8, ls=":")
        ax.set_xlabel("epoch")
        ax.set_ylabel("accuracy")
        ax.set_ylim(0.0, 1.02)
        ax.legend(loc="lower right")
        ax.set_title(f"Train and dev accuracy after each epoch (dotted: the target {TARGET_ACCURACY})")
    return draw


def _draw_confusion(result: Result):
    def draw(fig):
        ax = fig.subplots()
        M = result.confusion
        C = M.shape[0]
        ax.imshow(M, cmap="Blues", vmin=0, vmax=max(int(M.max()), 1))
        for i in range(C):
            for j in range(C):
                ax.text(j, i, str(M[i, j]), ha="center", va="center", fontsize=9,
                        color="white" if M[i, j] > 0.6 * M.max() else "black")
        ax.set_xticks(range(C))
        ax.set_yticks(range(C))
        ax.set_xlabel("predicted digit")
        ax.set_ylabel("true digit")
        ax.grid(False)
        acc = np.trace(M) / M.sum()
        ax.set_title(f"Test set, scored once ({int(M.sum())} images): accuracy {acc:.3f}")
    return draw


def _keras_table(k: tf_intro.KerasComparison) -> str:
    rows = [["every weight and bias (max over elements)", "", "", f"{k.max_abs_weight_difference:.1e}"]]
    # compare_with_keras was given the dev set as its second set
    for what, pair in (("train cost", k.train_cost), ("dev cost", k.test_cost),
                       ("train accuracy", k.train_accuracy), ("dev accuracy", k.test_accuracy)):
        rows.append([what, f"{pair[0]:.6f}", f"{pair[1]:.6f}", f"{abs(pair[0] - pair[1]):.1e}"])
    return markdown_table(["final", "low-level loop", "Keras model.fit", "absolute difference"], rows,
                          align="lrrr")


def _tables(result: Result) -> dict[str, str]:
    cfg, run, course = result.config, result.run, result.course_rate
    def test_cell(lr):
        return f"{result.test_accuracy:.3f}" if lr == result.chosen_learning_rate else "not scored"

    rows = [[_label(lr, c), cfg.num_epochs, r.final_train_accuracy, r.final_test_accuracy,
             first_epoch_at_target(r.test_accuracy) or "never", test_cell(lr)]
            for r, lr, c in ((run, cfg.learning_rate, False), (course, cfg.course_learning_rate, True))]
    accuracy = markdown_table(
        ["run", "epochs", "train", "dev", f"first epoch with dev ≥ {TARGET_ACCURACY}",
         "test (chosen rate only)"], rows, align="lrrrrr")

    def seed_row(lr, is_course, accs, epochs):
        this = course if is_course else run
        reached = epochs_to_target(epochs)
        return [_label(lr, is_course),
                f"{this.final_train_accuracy:.3f} / {this.final_test_accuracy:.3f}",
                seed_summary(accs[:, 0]), seed_summary(accs[:, 1]),
                f"{reached.mean():.0f} ({reached.min()}–{reached.max()})" if reached.size else "never",
                f"{reached.size} of {len(epochs)}",
                seed_summary(result.seed_test_accuracy) if lr == result.chosen_learning_rate
                else "not scored"]

    seed_table = markdown_table(
        ["run", "this run (train / dev)", f"train, {cfg.n_seeds} seeds: mean (range)",
         f"dev, {cfg.n_seeds} seeds", f"first epoch with dev ≥ {TARGET_ACCURACY}: mean (range)",
         f"seeds reaching {TARGET_ACCURACY} on dev", "test, once (chosen rate)"],
        [seed_row(cfg.learning_rate, False, result.seed_accuracy, result.seed_epochs_to_target[:, 0]),
         seed_row(cfg.course_learning_rate, True, result.seed_course_accuracy,
                  result.seed_epochs_to_target[:, 1])], align="lcccccc")
    shapes = {k: f"{cfg.check_layer_dims[int(k[1:])]} × {cfg.check_layer_dims[int(k[1:]) - 1]}"
              if k[0] == "W" else f"{cfg.check_layer_dims[int(k[1:])]} × 1" for k in result.tape_errors}
    tape = markdown_table(["parameter", "shape", "relative error, GradientTape vs backward"],
                          [[k, shapes[k], f"{e:.1e}"] for k, e in result.tape_errors.items()],
                          align="lcr")
    tables = {"accuracy": accuracy, "seeds": seed_table, "gradient_tape": tape}
    if result.keras is not None:
        tables["keras"] = _keras_table(result.keras)
    return tables


def _seed_metrics(result: Result) -> dict:
    seeds, course, epochs = result.seed_accuracy, result.seed_course_accuracy, result.seed_epochs_to_target
    course_reached = epochs_to_target(epochs[:, 1])
    return {
        # test: the chosen rate's networks, each scored once; dev: the curves' set
        "seed_test_mean": float(result.seed_test_accuracy.mean()),
        "seed_test_min": float(result.seed_test_accuracy.min()),
        "seed_test_max": float(result.seed_test_accuracy.max()),
        "seed_dev_mean": float(seeds[:, 1].mean()), "seed_dev_min": float(seeds[:, 1].min()),
        "seed_dev_max": float(seeds[:, 1].max()), "seed_train_mean": float(seeds[:, 0].mean()),
        "seed_train_min": float(seeds[:, 0].min()), "seed_train_max": float(seeds[:, 0].max()),
        "seed_course_dev_mean": float(course[:, 1].mean()),
        "seed_course_dev_min": float(course[:, 1].min()),
        "seed_course_dev_max": float(course[:, 1].max()),
        "seed_course_train_mean": float(course[:, 0].mean()),
        "seed_epochs_to_target_max": int(epochs[:, 0].max()),
        # over the seeds that reach the target (see seed_course_reaching_target); 0 if none
        "seed_course_epochs_to_target_min": int(course_reached.min()) if course_reached.size else 0,
        "seed_course_epochs_to_target_max": int(epochs[:, 1].max()),
        "seed_course_reaching_target": int(np.sum(epochs[:, 1] > 0)),
    }


def _raised_epochs(result: Result) -> np.ndarray:
    """First epoch at the target on dev per seed at the raised rate (0 = never)."""
    return result.seed_epochs_to_target[:, 0]


def _metrics(result: Result) -> dict:
    cfg, run, course = result.config, result.run, result.course_rate
    metrics = {
        "learning_rate": cfg.learning_rate, "course_learning_rate": cfg.course_learning_rate,
        "learning_rate_ratio": cfg.learning_rate / cfg.course_learning_rate,
        "num_epochs": cfg.num_epochs, "n_train": int(result.data.X_train.shape[1]),
        "n_dev": int(result.X_dev.shape[1]), "n_test": int(result.data.X_test.shape[1]),
        "curve_set": result.curve_set, "chosen_learning_rate": result.chosen_learning_rate,
        "train_accuracy": run.final_train_accuracy, "dev_accuracy": run.final_test_accuracy,
        "test_accuracy": result.test_accuracy,
        "first_cost": float(run.costs[0]), "last_cost": float(run.costs[-1]),
        "epochs_to_target": first_epoch_at_target(run.test_accuracy),
        "course_rate_train_accuracy": course.final_train_accuracy,
        "course_rate_dev_accuracy": course.final_test_accuracy,
        "course_rate_last_cost": float(course.costs[-1]),
        "course_rate_epochs_to_target": first_epoch_at_target(course.test_accuracy),
        "n_seeds": cfg.n_seeds, **_seed_metrics(result),
        "tape_max_relative_error": max(result.tape_errors.values()),
        "test_errors": int(result.confusion.sum() - np.trace(result.confusion)),
    }
    metrics["target_accuracy"] = TARGET_ACCURACY
    metrics["n_images"] = metrics["n_train"] + metrics["n_dev"] + metrics["n_test"]
    metrics["claims"] = {
        "curves_on_dev": result.curve_set == "dev",
        "dev_chooses_raised_rate": result.chosen_learning_rate == cfg.learning_rate,
        "raised_rate_reaches_target_on_every_seed": bool(np.all(_raised_epochs(result) > 0)),
        "course_rate_slower_on_dev": bool(
            np.where(result.seed_epochs_to_target[:, 1] > 0, result.seed_epochs_to_target[:, 1],
                     cfg.num_epochs + 1).mean() > result.seed_epochs_to_target[:, 0].mean()),
    }
    metrics["image_side"] = round(float(np.sqrt(cfg.layer_dims[0])))
    metrics["n_pixels"] = int(cfg.layer_dims[0])
    metrics["n_classes"] = int(cfg.layer_dims[-1])
    metrics["minibatch_size"] = cfg.minibatch_size
    metrics["check_examples"] = cfg.check_examples
    metrics["course"] = COURSE_SIGNS
    if result.keras is not None:
        k = result.keras
        metrics["keras_max_abs_weight_difference"] = k.max_abs_weight_difference
        metrics["keras_train_cost_difference"] = abs(k.train_cost[0] - k.train_cost[1])
    return metrics


def report(result: Result) -> Report:
    figures = {
        "samples": FigureSpec(_draw_samples(result), (7.2, 5.4),
                              "A 4 by 6 grid of 8 by 8 digit images, each titled with its label"),
        "costs": FigureSpec(_draw_costs(result), (6.4, 3.6),
                            "Mean cross-entropy per epoch at the raised and at the course's learning rate"),
        "accuracy_curves": FigureSpec(_draw_accuracy(result), (6.4, 3.8),
                                      "Train and dev accuracy per epoch at both learning rates"),
        "confusion": FigureSpec(_draw_confusion(result), (4.8, 4.4),
                                "Confusion matrix of the trained network on the test images"),
    }
    return Report(figures, _tables(result), _metrics(result), thumbnail="accuracy_curves")
