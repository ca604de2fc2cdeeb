"""Figures, tables, metrics and claims of the ``data_augmentation`` experiment.

The gain of augmentation at a size is the augmented network's dev accuracy minus the plain
network's, seed by seed (the two start from the same weights on the same images).
"""

from __future__ import annotations

import numpy as np

from ..augment import rotate_images, shift_images
from ..experiments.data_augmentation import ARMS, Result
from .report import FigureSpec, Report, markdown_table, seed_summary

LABELS = {"plain": "plain", "augmented": "augmented"}
_DIRECTIONS = {(1, 0): "right", (-1, 0): "left", (0, 1): "down", (0, -1): "up"}


def gains(result: Result) -> np.ndarray:
    """Augmented minus plain dev accuracy, shape (n_sizes, n_seeds)."""
    return result.dev_accuracy[:, 1] - result.dev_accuracy[:, 0]


def copies(result: Result) -> list[tuple[str, np.ndarray]]:
    """The example image and each augmented copy of it, with a short title: [(title, (64,)), ...]."""
    cfg, x = result.config, result.example[:, None]
    out = [("original", x[:, 0])]
    for dx, dy in cfg.shifts:
        name = _DIRECTIONS[(int(np.sign(dx)), int(np.sign(dy)))]
        out.append((f"moved {name}", shift_images(x, dx, dy)[:, 0]))
    out += [(f"turned {a:g}°", rotate_images(x, a)[:, 0]) for a in cfg.angles]
    return out


def _draw_examples(result: Result):
    def draw(fig):
        shown = copies(result)
        axes = np.atleast_1d(fig.subplots(1, len(shown)))
        for ax, (title, img) in zip(axes, shown, strict=True):
            ax.imshow(img.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
            ax.set_title(title, fontsize=9)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for side in ax.spines.values():
                side.set_visible(True)
                side.set_color("0.5")
        fig.suptitle(f"A training image (digit {result.example_label}) and the copies added to the data",
                     fontsize=10)
    return draw


def _band(ax, sizes, acc, color, label, marker):
    """Mean over seeds as a line, the range over seeds as a shaded band; ``acc`` is (n_sizes, n_seeds)."""
    ax.fill_between(sizes, acc.min(axis=1), acc.max(axis=1), color=color, alpha=0.2, lw=0)
    ax.plot(sizes, acc.mean(axis=1), marker=marker, color=color, label=label)


def _draw_curves(result: Result, moved: bool):
    def draw(fig):
        cfg = result.config
        sizes = np.array(cfg.sizes)
        acc = result.shifted_dev_accuracy if moved else result.dev_accuracy
        ax = fig.subplots()
        for a, (arm, color, marker) in enumerate(zip(ARMS, ("C0", "C1"), ("o", "s"), strict=True)):
            _band(ax, sizes, acc[:, a], color, LABELS[arm], marker)
        ax.set_xscale("log")
        ax.set_xticks(sizes, [str(n) for n in sizes])
        ax.minorticks_off()
        ax.set_xlabel("training images (before augmentation)")
        ax.set_ylabel("moved dev accuracy" if moved else "dev accuracy")
        ax.legend(loc="center right" if moved else "lower right")
        where = "Moved dev images" if moved else "Dev images"
        ax.set_title(f"{where}: mean and range over {cfg.n_seeds} seeds")
    return draw


def _tables(result: Result) -> dict[str, str]:
    cfg, dev, shifted, g = result.config, result.dev_accuracy, result.shifted_dev_accuracy, gains(result)
    k = 1 + len(cfg.shifts) + len(cfg.angles)
    rows = [[n, n * k, seed_summary(dev[i, 0]), seed_summary(dev[i, 1]), f"{g[i].mean():+.3f}",
             f"{int((g[i] > 0).sum())} / {int((g[i] < 0).sum())}"] for i, n in enumerate(cfg.sizes)]
    by_size = markdown_table(["training images", "with copies", "dev, plain", "dev, augmented", "gain, mean",
                              "seeds better / worse"], rows, align="rrccrc")
    by_size += (f"\nDev accuracy, mean (range) over {cfg.n_seeds} seeds, on the {cfg.n_dev} dev images. "
                "The gain is augmented minus plain, seed by seed.\n")
    rows = [[n, seed_summary(shifted[i, 0]), seed_summary(shifted[i, 1])] for i, n in enumerate(cfg.sizes)]
    moved = markdown_table(["training images", "moved dev, plain", "moved dev, augmented"], rows, align="rcc")
    moved += (f"\nAccuracy, mean (range) over {cfg.n_seeds} seeds, on the {result.n_shifted_dev} copies of "
              "the dev images moved one pixel right, left, down or up.\n")
    last = len(cfg.sizes) - 1
    final = markdown_table(
        [f"trained on all {cfg.sizes[last]} images", "training images (own, unmoved)", "dev",
         "test, scored once"],
        [[LABELS[arm], seed_summary(result.train_accuracy[last, a]), seed_summary(dev[last, a]),
          seed_summary(result.test_accuracy[a])] for a, arm in enumerate(ARMS)], align="lccc")
    final += f"\nMean (range) over the same {cfg.n_seeds} seeds.\n"
    return {"by_size": by_size, "moved": moved, "final": final}


def _claims(result: Result) -> dict[str, bool]:
    """The findings the page states, each over every seed (or over the seed means, as named)."""
    dev, shifted, g = result.dev_accuracy, result.shifted_dev_accuracy, gains(result)
    spread = np.maximum(np.ptp(dev[:, 0], axis=1), np.ptp(dev[:, 1], axis=1))  # (n_sizes,)
    drop = dev.mean(axis=2) - shifted.mean(axis=2)  # (n_sizes, 2): what moving the dev images costs
    test = result.test_accuracy
    return {
        "plain_memorizes": bool(np.all(result.train_accuracy[:, 0] == 1.0)),
        "more_images_raise_dev_both_arms": bool(np.all(np.diff(dev.mean(axis=2), axis=0) > 0)),
        "augmented_fits_own_less_at_full": bool(result.train_accuracy[-1, 1].mean()
                                                < result.train_accuracy[-1, 0].mean()),
        "dev_gain_within_seed_spread_every_size": bool(np.all(np.abs(g.mean(axis=1)) < spread)),
        "moved_better_every_network": bool(np.all(shifted[:, 1] > shifted[:, 0])),
        "plain_loses_more_on_moved_every_size": bool(np.all(drop[:, 0] > drop[:, 1])),
        "plain_moved_improves_with_size": bool(shifted[-1, 0].mean() > shifted[0, 0].mean()),
        "plain_full_moved_below_augmented_smallest": bool(shifted[-1, 0].max() < shifted[0, 1].min()),
        "digits_centred_within_the_shift": bool(np.all(result.ink_centre_std < result.config.shift)),
        "test_gap_within_seed_spread": bool(abs(test[1].mean() - test[0].mean())
                                            <= max(np.ptp(test[0]), np.ptp(test[1]))),
    }


def _metrics(result: Result) -> dict:
    cfg, dev, shifted, g = result.config, result.dev_accuracy, result.shifted_dev_accuracy, gains(result)
    m: dict = {
        "n_fit": result.n_train - cfg.n_dev, "n_dev": cfg.n_dev, "n_train": result.n_train,
        "n_test": result.n_test, "n_seeds": cfg.n_seeds,
        "n_shifts": len(cfg.shifts), "n_angles": len(cfg.angles), "n_shifted_dev": result.n_shifted_dev,
        "copies_per_image": 1 + len(cfg.shifts) + len(cfg.angles), "n_sizes": len(cfg.sizes),
        "learning_rate": cfg.learning_rate, "num_steps": cfg.num_steps, "minibatch_size": cfg.minibatch_size,
        "epochs_smallest_plain": int(result.epochs[0, 0]), "epochs_full_augmented": int(result.epochs[-1, 1]),
        "shift": cfg.shift, "ink_centre_std_row": float(result.ink_centre_std[0]),
        "ink_centre_std_col": float(result.ink_centre_std[1]),
    }
    m.update({f"size_{i + 1}": int(n) for i, n in enumerate(cfg.sizes)})
    for key, i in (("smallest", 0), ("full", len(cfg.sizes) - 1)):
        m[key] = {"size": int(cfg.sizes[i]), "plain": float(dev[i, 0].mean()),
                  "augmented": float(dev[i, 1].mean()),
                  "gain": float(g[i].mean()), "better": int((g[i] > 0).sum()), "worse": int((g[i] < 0).sum()),
                  "plain_min": float(dev[i, 0].min()), "plain_max": float(dev[i, 0].max()),
                  "augmented_min": float(dev[i, 1].min()), "augmented_max": float(dev[i, 1].max()),
                  "moved_plain": float(shifted[i, 0].mean()), "moved_augmented": float(shifted[i, 1].mean())}
    test = result.test_accuracy
    m["test"] = {arm: {"mean": float(t.mean()), "min": float(t.min()), "max": float(t.max())}
                 for arm, t in zip(ARMS, test, strict=True)}
    m["claims"] = _claims(result)
    return m


def report(result: Result) -> Report:
    shown = len(copies(result))
    figures = {
        "examples": FigureSpec(_draw_examples(result), (max(4.0, 1.1 * shown), 1.9),
                               "A handwritten digit and its copies moved by one pixel in each direction"),
        "dev_curves": FigureSpec(_draw_curves(result, moved=False), (6.4, 3.6),
                                 "Dev accuracy against the number of training images, plain and augmented"),
        "moved_curves": FigureSpec(_draw_curves(result, moved=True), (6.4, 3.6),
                                   "Accuracy on the dev images moved by one pixel against the number of "
                                   "training images, plain and augmented"),
    }
    return Report(figures, _tables(result), _metrics(result), thumbnail="moved_curves")
