"""Plot helpers. Each takes an ``ax`` first, draws on it, and returns what it drew.

The site shows every figure in a light and a dark version (the page picks the one that
matches the reader's theme). :func:`theme` gives the matplotlib settings of each; the
data colours are the Okabe-Ito colour-blind-safe palette, readable on both backgrounds.
All of the package's matplotlib lives in :mod:`course_code.figures`.
"""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib as mpl
import numpy as np
from matplotlib.colors import ListedColormap

from ..network import forward

__all__ = [
    "CLASS_COLORS",
    "COLORS",
    "THEME_COLORS",
    "plot_costs",
    "plot_data",
    "plot_decision_boundary",
    "theme",
]

#: Okabe-Ito palette (minus black): distinct for colour-blind readers, visible on white and on dark grey.
COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
#: Label 0 (red-orange) and label 1 (blue), as in the course's red/blue dots.
CLASS_COLORS = ("#D55E00", "#0072B2")

_FOREGROUND = {"light": "#1f2328", "dark": "#e3e5e8"}
_GRID = {"light": "#d0d7de", "dark": "#4a5058"}
#: All that differs between the two themes: the foreground (text, axes, ticks) and the grid
#: colour. The build therefore writes a figure's dark SVG from its light one by swapping
#: them (``course_code.build.render``); a figure whose drawing depended on the theme in any
#: other way would need drawing twice (the tests draw every figure both ways and compare).
THEME_COLORS = {name: (_FOREGROUND[name], _GRID[name]) for name in _FOREGROUND}


@contextmanager
def theme(name: str = "light"):
    """Matplotlib settings for the ``"light"`` or ``"dark"`` site theme (a context manager)."""
    if name not in _FOREGROUND:
        raise ValueError(f"unknown theme {name!r}; expected 'light' or 'dark'")
    fg, grid = _FOREGROUND[name], _GRID[name]
    rc = {
        "figure.facecolor": "none", "axes.facecolor": "none", "savefig.facecolor": "none",
        "savefig.transparent": True,
        "text.color": fg, "axes.labelcolor": fg, "axes.edgecolor": fg, "axes.titlecolor": fg,
        "xtick.color": fg, "ytick.color": fg, "legend.labelcolor": fg,
        "legend.facecolor": "none", "legend.edgecolor": grid, "legend.framealpha": 1.0,
        "grid.color": grid, "axes.grid": True, "grid.linewidth": 0.6,
        "axes.prop_cycle": mpl.cycler(color=COLORS),
        "axes.spines.top": False, "axes.spines.right": False,
        "font.size": 10, "axes.titlesize": 10.5, "axes.labelsize": 10, "legend.fontsize": 9,
        "font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"],
        "svg.fonttype": "none",          # text stays text: small files, selectable labels
        "svg.hashsalt": "course-site",   # fixed ids: the same figure gives the same bytes
        "lines.linewidth": 1.8,
    }
    with mpl.rc_context(rc):
        yield name


def plot_data(ax, X, Y, *, s=14, alpha=0.9):
    """Scatter the 2-D points ``X`` (shape (2, m)) coloured by their 0/1 labels ``Y`` (1, m)."""
    y = np.asarray(Y).ravel()
    artists = []
    for label, color in enumerate(CLASS_COLORS):
        pts = X[:, y == label]
        artists.append(ax.scatter(pts[0], pts[1], s=s, c=color, alpha=alpha, linewidths=0.4,
                                  edgecolors="white", label=f"y = {label}"))
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return artists


def plot_decision_boundary(ax, params, X, Y, *, xlim, ylim, resolution=300):
    """Shade the plane by the network's predicted class and overlay the points.

    ``params`` is a network (``W1, b1, ...``); the boundary is where the predicted
    probability crosses 0.5. Returns the contour set.
    """
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    gx, gy = np.meshgrid(xs, ys)
    AL, _ = forward(np.vstack([gx.ravel(), gy.ravel()]), params)
    prob = AL.reshape(gx.shape)
    cmap = ListedColormap([CLASS_COLORS[0], CLASS_COLORS[1]])
    # The shading and the dots are rasterized (embedded as one small PNG per axes): as vectors,
    # a contour of a 300x300 grid and hundreds of dots weigh hundreds of kilobytes.
    filled = ax.contourf(gx, gy, prob, levels=[0.0, 0.5, 1.0], cmap=cmap, alpha=0.22, antialiased=True)
    filled.set_rasterized(True)
    if prob.min() < 0.5 < prob.max():
        ax.contour(gx, gy, prob, levels=[0.5], colors=[mpl.rcParams["text.color"]], linewidths=0.9)
    for dots in plot_data(ax, X, Y, s=10):
        dots.set_rasterized(True)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.grid(False)
    return filled


def plot_costs(ax, epochs, costs, *, label=None, xlabel="epoch", log=False, **kwargs):
    """Cost against epoch (or iteration) number. Returns the line."""
    (line,) = ax.plot(epochs, costs, label=label, **kwargs)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("cost (mean cross-entropy)")
    if log:
        ax.set_yscale("log")
    return line
