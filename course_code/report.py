"""What an experiment hands to the site: figures to draw, Markdown tables, headline metrics.

Pure data and string formatting; the build (:mod:`course_code.build`) renders and writes it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["FigureSpec", "Report", "markdown_table", "seed_summary"]


@dataclass(frozen=True)
class FigureSpec:
    """One figure: ``draw(fig)`` fills an empty matplotlib figure of ``size`` inches.

    ``alt`` is the text alternative a screen reader reads; keep it to what the figure shows.
    """

    draw: Callable
    size: tuple[float, float]
    alt: str


@dataclass(frozen=True)
class Report:
    """Everything an experiment contributes to its page."""

    figures: dict[str, FigureSpec] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)     # name -> Markdown table
    metrics: dict[str, object] = field(default_factory=dict)  # JSON-able numbers for the text

    def __post_init__(self):
        # A figure named x is shown by x.md, a table named x is x.md too: they would collide.
        clash = sorted(set(self.figures) & set(self.tables))
        if clash:
            raise ValueError(f"figure and table names must differ (each becomes <name>.md): {clash}")
        reserved = sorted({"metrics", "provenance"} & (set(self.figures) | set(self.tables)))
        if reserved:
            raise ValueError(f"names {reserved} are reserved for metrics.json / provenance.json")


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
