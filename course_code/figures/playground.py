"""The playground's data export (``datasets.json``, which the page's script loads), a figure of
the three data sets (the home page's card), and their sizes and label shares."""

from __future__ import annotations

import numpy as np

from ..experiments.playground import LABELS, NAMES, Result
from .plotting import plot_data
from .report import Exact, FigureSpec, Report, markdown_table

MARGIN = 0.15  # of the data's range, added on each side of the decision-boundary canvas


def _extent(X: np.ndarray) -> list[float]:
    """[xMin, xMax, yMin, yMax] around the points, with a margin, rounded outwards."""
    out = []
    for row in X:
        lo, hi = float(row.min()), float(row.max())
        pad = MARGIN * (hi - lo)
        out += [float(np.floor((lo - pad) * 10) / 10), float(np.ceil((hi + pad) * 10) / 10)]
    return out


def export(result: Result) -> dict:
    """``{name: {label, X, Y, Xdev, Ydev, extent}}``: rows of ``X`` (2 x m), labels as 0/1 integers.

    The points are :class:`Exact`: the page trains on them, and a preset must train on the very
    arrays its topic page trained on (rounded points would give another run)."""
    out = {}
    for name in NAMES:
        X, Y, Xd, Yd = result.sets[name]
        both = np.concatenate([X, Xd], axis=1)
        out[name] = {"label": LABELS[name], "X": Exact(X), "Y": Y.astype(int), "Xdev": Exact(Xd),
                     "Ydev": Yd.astype(int), "extent": _extent(both)}
    return out


def _draw(result: Result):
    def draw(fig):
        axes = fig.subplots(1, len(NAMES))
        for ax, name in zip(axes, NAMES, strict=True):
            X, Y, _, _ = result.sets[name]
            plot_data(ax, X, Y, s=16)
            ax.set_title(LABELS[name])
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_xlabel("")
            ax.set_ylabel("")
    return draw


def report(result: Result) -> Report:
    rows, metrics, shares, disjoint = [], {}, [], True
    for name in NAMES:
        X, Y, Xd, Yd = result.sets[name]
        share, share_dev = float(Y.mean()), float(Yd.mean())
        shares += [share, share_dev]
        # a dev point equal to a training point would score memorization, not generalization
        same = (np.abs(X[:, :, None] - Xd[:, None, :]).max(axis=0) < 1e-12).any()
        disjoint = disjoint and not bool(same)
        metrics[name] = {"n_train": int(X.shape[1]), "n_dev": int(Xd.shape[1]),
                         "share_1": share, "share_1_dev": share_dev}
        rows.append([LABELS[name], int(X.shape[1]), int(Xd.shape[1]), f"{share:.0%}", f"{share_dev:.0%}"])
    metrics["claims"] = {
        # every set has both labels in near-equal shares: accuracy near one half means guessing
        "balanced": all(0.35 <= s <= 0.65 for s in shares),
        "disjoint": disjoint,
    }
    header = ["data set", "train points", "dev points", "label 1 (train)", "label 1 (dev)"]
    table = markdown_table(header, rows)
    figures = {"sets": FigureSpec(_draw(result), (7.5, 2.7),
                                  "The training points of the circles, the moons and the football stand-in")}
    return Report(figures, {"sizes": table}, metrics, data={"datasets": export(result)}, thumbnail="sets")
