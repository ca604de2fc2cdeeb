"""Figures, tables and metrics of the ``softmax`` experiment."""

from __future__ import annotations

import numpy as np

from ..activations import hardmax
from ..experiments.softmax import Result, probabilities
from ..experiments.tensorflow_intro import TARGET_ACCURACY
from .plotting import plot_costs
from .report import FigureSpec, Report, markdown_table, seed_summary

#: How many test images the softmax-versus-hardmax figure shows (the least confident ones).
SHOWN = 4
#: A test image whose largest softmax probability is below this counts as one the network is unsure of.
UNSURE = 0.9


def least_confident(result: Result, k: int = SHOWN) -> np.ndarray:
    """Indices of the ``k`` test images whose largest softmax probability is smallest."""
    return np.argsort(probabilities(result).max(axis=0), kind="stable")[:k]


def _draw_selection(result: Result):
    def draw(fig):
        ax = fig.subplots()
        cfg, acc = result.config, result.dev_accuracy
        rates = np.array(cfg.learning_rates)
        for j, epochs in enumerate(cfg.epoch_choices):
            mean = acc[:, j].mean(axis=1)
            err = np.vstack([mean - acc[:, j].min(axis=1), acc[:, j].max(axis=1) - mean])
            ax.errorbar(rates, mean, yerr=err, marker="o", capsize=3, label=f"{epochs} epochs")
        ax.plot([result.best_rate], [acc.mean(axis=2).max()], marker="*", ms=16, ls="none", color="C3",
                label="chosen (best mean)")
        ax.set_xscale("log")
        ax.set_xlabel("Adam learning rate")
        ax.set_ylabel("dev accuracy")
        ax.legend(loc="lower right")
        ax.set_title(f"Dev accuracy, mean and range over {cfg.n_seeds} seeds")
    return draw


def _draw_hardmax(result: Result):
    def draw(fig):
        idx = least_confident(result)
        P, Y = probabilities(result), result.data.Y_test
        axes = fig.subplots(2, len(idx), gridspec_kw={"height_ratios": [1, 1.3]})
        C = P.shape[0]
        for col, i in enumerate(idx):
            top, bottom = axes[0, col], axes[1, col]
            top.imshow(result.data.X_test[:, i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1,
                       interpolation="nearest")
            top.set_title(f"true digit {int(np.argmax(Y[:, i]))}", fontsize=9)
            top.set_xticks([])
            top.set_yticks([])
            top.grid(False)
            h = hardmax(P[:, i:i + 1])[:, 0]
            bottom.bar(np.arange(C) - 0.2, P[:, i], width=0.4, color="C0", label="softmax")
            bottom.bar(np.arange(C) + 0.2, h, width=0.4, color="C1", label="hardmax")
            bottom.set_xticks(range(C))
            bottom.set_ylim(0, 1.05)
            bottom.set_xlabel("class")
            if col == 0:
                bottom.set_ylabel("output")
                bottom.legend(loc="upper left", fontsize=8)
        fig.suptitle("The least confident test images: softmax probabilities against the hardmax")
    return draw


def _draw_costs(result: Result):
    def draw(fig):
        ax = fig.subplots()
        epochs = np.arange(1, result.best_epochs + 1)
        plot_costs(ax, epochs, result.costs, label=f"learning rate {result.best_rate:g}", log=True)
        ax.axhline(np.log(result.config.layer_dims[-1]), color="0.5", lw=0.8, ls=":")
        ax.annotate("ln 6: a uniform guess", (result.best_epochs, np.log(6)), xytext=(0, 3),
                    textcoords="offset points", fontsize=8, color="0.5", ha="right")
        ax.legend(loc="lower left")
        ax.set_title("Categorical cross-entropy per epoch (all training images, first seed)")
    return draw


def _tables(result: Result) -> dict[str, str]:
    cfg, acc = result.config, result.dev_accuracy
    selection = markdown_table(
        ["learning rate"] + [f"{e} epochs" for e in cfg.epoch_choices],
        [[f"{r:g}"] + [seed_summary(acc[i, j]) for j in range(len(cfg.epoch_choices))]
         for i, r in enumerate(cfg.learning_rates)], align="l" + "c" * len(cfg.epoch_choices))
    sel, tfs = result.selected_accuracy, result.tf_settings_accuracy
    rows = [["chosen on dev", f"{result.best_rate:g}", result.best_epochs,
             seed_summary(sel[:, 0]), seed_summary(sel[:, 1])],
            ["the TensorFlow page's settings", f"{cfg.tf_learning_rate:g}", cfg.tf_num_epochs,
             seed_summary(tfs[:, 0]), seed_summary(tfs[:, 1])]]
    final = markdown_table(["NumPy network, trained on all training images", "learning rate", "epochs",
                            f"train, {cfg.n_seeds} seeds", f"test, {cfg.n_seeds} seeds"], rows,
                           align="lrrcc")
    P, Y = probabilities(result), result.data.Y_test
    idx = least_confident(result)
    shown = markdown_table(
        ["test image", "true digit", "softmax probabilities (classes 0 to 5)", "hardmax"],
        [[int(i), int(np.argmax(Y[:, i])), " ".join(f"{p:.2f}" for p in P[:, i]),
          " ".join(str(int(v)) for v in hardmax(P[:, i:i + 1])[:, 0])] for i in idx], align="rrll")
    return {"selection": selection, "final": final, "least_confident": shown}


def _metrics(result: Result) -> dict:
    cfg, acc = result.config, result.dev_accuracy
    P, logits = probabilities(result), result.test_logits
    top = P.max(axis=0)
    dev_mean = acc.mean(axis=2)
    sel, tfs = result.selected_accuracy, result.tf_settings_accuracy
    n_check = cfg.check_examples * cfg.layer_dims[-1]
    m = {
        "n_train": int(result.data.X_train.shape[1]), "n_test": int(result.data.X_test.shape[1]),
        "n_dev": cfg.n_dev, "n_fit": int(result.data.X_train.shape[1] - cfg.n_dev),
        "n_classes": int(cfg.layer_dims[-1]), "n_seeds": cfg.n_seeds, "minibatch_size": cfg.minibatch_size,
        "best_rate": result.best_rate, "best_epochs": result.best_epochs,
        "best_dev_mean": float(dev_mean.max()), "worst_dev_mean": float(dev_mean.min()),
        "smallest_rate": float(min(cfg.learning_rates)), "fewest_epochs": int(min(cfg.epoch_choices)),
        "test_mean": float(sel[:, 1].mean()), "test_min": float(sel[:, 1].min()),
        "test_max": float(sel[:, 1].max()), "train_mean": float(sel[:, 0].mean()),
        "tf_rate": cfg.tf_learning_rate, "tf_epochs": cfg.tf_num_epochs,
        "tf_settings_test_mean": float(tfs[:, 1].mean()), "tf_settings_test_min": float(tfs[:, 1].min()),
        "tf_settings_test_max": float(tfs[:, 1].max()),
        "gradient_check": result.gradient_check, "gradient_check_l2": result.gradient_check_l2,
        "check_examples": cfg.check_examples, "check_lambd": cfg.check_lambd,
        "two_class_difference": result.two_class_difference,
        "hardmax_gradient_nonzero": result.hardmax_gradient_nonzero,
        "softmax_gradient_nonzero": result.softmax_gradient_nonzero, "check_logits": n_check,
        "median_top_probability": float(np.median(top)), "lowest_top_probability": float(top.min()),
        "n_unsure": int(np.sum(top < UNSURE)), "unsure_threshold": UNSURE, "target_accuracy": TARGET_ACCURACY,
    }
    i_small = int(np.argmin(cfg.learning_rates))
    m.update({
        "gradients_correct": bool(max(result.gradient_check, result.gradient_check_l2) < 1e-7),
        "two_class_is_sigmoid": bool(result.two_class_difference < 1e-12),
        "hardmax_has_no_gradient": result.hardmax_gradient_nonzero == 0,
        "softmax_gradient_everywhere": result.softmax_gradient_nonzero == n_check,
        "hardmax_predicts_like_softmax": bool(np.array_equal(hardmax(P), hardmax(logits))),
        "reaches_target_every_seed": bool(sel[:, 1].min() >= TARGET_ACCURACY),
        "small_rate_needs_more_epochs": bool(np.all(np.diff(dev_mean[i_small]) > 0)),
        "small_rate_short_is_worst": bool(dev_mean[i_small, 0] == dev_mean.min()),
        "some_test_images_unsure": bool(np.sum(top < UNSURE) > 0),
        # the least confident images hesitate between two classes: their top two probabilities
        "shown_split_between_two": bool(np.all(np.sort(P[:, least_confident(result)], axis=0)[-2:].sum(axis=0)
                                               >= 0.95)),
    })
    return m


def report(result: Result) -> Report:
    figures = {
        "dev_selection": FigureSpec(_draw_selection(result), (6.4, 3.8),
                                    "Dev accuracy against the learning rate for each number of epochs"),
        "softmax_vs_hardmax": FigureSpec(_draw_hardmax(result), (7.2, 4.4),
                                         "Four test digits with their softmax probabilities and hardmax"),
        "costs": FigureSpec(_draw_costs(result), (6.4, 3.4),
                            "Categorical cross-entropy per epoch of the chosen run"),
    }
    return Report(figures, _tables(result), _metrics(result), thumbnail="softmax_vs_hardmax")
