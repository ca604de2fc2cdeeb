"""What an experiment hands to the site: figures to draw, Markdown tables, headline metrics, data.

Pure data and string formatting; the build (:mod:`course_code.build`) renders and writes it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Exact", "FigureSpec", "Report", "encode_data", "markdown_table", "seed_summary"]

#: Significant digits of every float in a data file (enough for any plot, small files).
DATA_DIGITS = 6
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class FigureSpec:
    """One figure: ``draw(fig)`` fills an empty matplotlib figure of ``size`` inches.

    ``alt`` is the text alternative a screen reader reads; keep it to what the figure shows.
    """

    draw: Callable
    size: tuple[float, float]
    alt: str


@dataclass(frozen=True)
class Exact:
    """Data written to the last bit (no rounding to DATA_DIGITS): for numbers a page computes
    with rather than only draws, such as the points the Playground trains on."""

    value: object


@dataclass(frozen=True)
class Report:
    """Everything an experiment contributes to its page."""

    figures: dict[str, FigureSpec] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)     # name -> Markdown table
    metrics: dict[str, object] = field(default_factory=dict)  # JSON-able numbers for the text
    #: name -> JSON-able value, written as <name>.json for the page's interactive figures
    #: (see :func:`encode_data`: finite numbers only, floats kept to DATA_DIGITS digits).
    data: dict[str, object] = field(default_factory=dict)
    #: the figure the home page shows for this topic: also drawn as a small PNG
    #: (<name>-thumb.png and <name>-thumb-dark.png), so the home page stays light.
    thumbnail: str | None = None

    def __post_init__(self):
        if self.thumbnail is not None and self.thumbnail not in self.figures:
            raise ValueError(f"thumbnail {self.thumbnail!r} is not a figure: {sorted(self.figures)}")
        # A figure named x is shown by x.md, a table named x is x.md too: they would collide.
        clash = sorted(set(self.figures) & set(self.tables))
        if clash:
            raise ValueError(f"figure and table names must differ (each becomes <name>.md): {clash}")
        # One name, one thing on the page: a data file never shares a figure's or a table's name.
        clash = sorted(set(self.data) & (set(self.figures) | set(self.tables)))
        if clash:
            raise ValueError(f"data names must differ from figure and table names: {clash}")
        reserved = sorted({"metrics", "provenance"} & (set(self.figures) | set(self.tables) | set(self.data)))
        if reserved:
            raise ValueError(f"names {reserved} are reserved for metrics.json / provenance.json")
        bad = sorted(n for n in self.data if not (isinstance(n, str) and _NAME.fullmatch(n)))
        if bad:
            raise ValueError(f"data names become file names: letters, digits, _ and - only, got {bad}")


def _plain(value, where: str, digits: int | None = DATA_DIGITS):
    """``value`` as JSON types, floats rounded to ``digits`` significant digits (None: exact)."""
    if isinstance(value, Exact):
        return _plain(value.value, where, None)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v):
            raise ValueError(f"{where} is {v}: JSON has no NaN or infinity, encode it explicitly "
                             "(e.g. truncate a diverged path and flag it)")
        if digits is not None:
            v = float(f"{v:.{digits}g}")  # (unrounded, json writes the shortest exact form)
        return 0.0 if v == 0 else v  # no -0.0
    if isinstance(value, str) or value is None:
        return value
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise ValueError(f"{where}: keys must be strings, got {sorted(map(repr, value))}")
        return {k: _plain(v, f"{where}.{k}", digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{where}[{i}]", digits) for i, v in enumerate(value)]
    raise ValueError(f"{where} is a {type(value).__name__}, which has no JSON form")


def encode_data(value, name: str = "data") -> str:
    """The bytes of ``<name>.json``: compact, sorted keys, floats to DATA_DIGITS significant digits
    (floats inside an :class:`Exact` unrounded).

    NumPy arrays and scalars become lists and numbers. NaN and infinity raise ``ValueError``
    (naming where they are): the experiment must say explicitly what they mean.
    The same value always gives the same text.
    """
    return json.dumps(_plain(value, name), sort_keys=True, separators=(",", ":"), allow_nan=False) + "\n"


def _cell(v) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{v:.3f}"
    return str(v).replace("|", "\\|")  # a bare | would start a new column


def markdown_table(header: Sequence[str], rows: Sequence[Sequence], *, align: str | None = None) -> str:
    """A Markdown (pipe) table. Floats get 3 decimals; ``align`` is one of ``lcr`` per column."""
    align = align or "l" + "r" * (len(header) - 1)
    if len(align) != len(header) or any(len(r) != len(header) for r in rows):
        raise ValueError("every row and the alignment need one entry per header column")
    marks = {"l": ":--", "c": ":-:", "r": "--:"}
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |",
             "| " + " | ".join(marks[a] for a in align) + " |"]
    lines += ["| " + " | ".join(_cell(v) for v in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def seed_summary(values: Sequence[float]) -> str:
    """``"mean (min-max)"`` of a per-seed quantity, e.g. ``"0.912 (0.890-0.935)"``."""
    v = np.asarray(values, dtype=float)
    return f"{v.mean():.3f} ({v.min():.3f}–{v.max():.3f})"
