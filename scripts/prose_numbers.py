"""Find numbers typed into the prose of a page or a report: results must come from the build.

A measured number reaches a page only through ``{{ metric ... }}`` (and a sentence about a
result is backed by ``{{ claim ... }}``), so nothing typed can drift from what the code
measures. This module flags every number left in the *prose* of a Markdown text, after
removing what is not prose:

- placeholders ``{{ ... }}``;
- math: ``$...$``, ``$$...$$``;
- code: fenced blocks, indented ``--8<--`` includes, inline code spans;
- Markdown and HTML syntax: link targets ``](...)``, HTML tags and their attributes, heading
  anchors ``{ #... }``, attribute lists ``{ ... }``, numbered-list markers, front matter.

What is left may still hold a number that is not a result. The allow-list, short on purpose:

1. ``0`` and ``1`` on their own: definitions (labels 0 and 1, mean 0 and variance 1), not
   measurements;
2. the name of a part of something: ``week 2``, ``layer 3``, ``epoch 0``, ``step 1``,
   ``class 5``, ``label 4``, ``round 2``, ``tier 3``, ``part 1``, ``cell 4``, ``trial 17``;
3. a year in a reference: ``(Kingma & Ba, 2015)``, ``Ioffe and Szegedy 2015``;
4. shapes of spaces: ``1-D``, ``2-D``, ``3-D``.

Digits inside a word (``L2``, ``float64``, ``W2A1``, ``x1``) are part of a name, not a number.
Everything else (``0.93``, ``5 seeds``, ``30 000 iterations``, ``1e-7``, ``91%``) is flagged.

Usage: ``python scripts/prose_numbers.py [FILE ...]`` prints what it finds in the pages
(``docs/*.md``) and the reports' Markdown cells (``docs/reports/*.py``); exit status 1 if any.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_DOT = re.DOTALL | re.MULTILINE
_HIDE = [re.compile(p, f) for p, f in [  # what is not prose, replaced by spaces (line numbers kept)
    (r"\A---\n.*?\n---\n", _DOT),                                # front matter
    (r"^([ \t]*)(```|~~~).*?^\1\2[ \t]*$", _DOT),                # fenced code
    (r"\{\{.*?\}\}", _DOT),                                      # placeholders
    (r"\$\$.*?\$\$", _DOT),                                      # display math
    (r"<!--.*?-->", _DOT),                                       # HTML comments
    (r"(?<![\\$])\$(?!\s)(?:[^$\n]|\n(?!\n)|\\\$)+?(?<![\\\s])\$", 0),  # inline math (in a paragraph)
    (r"(`+)(?:(?!\1)[^\n]|\n(?!\n))+?\1", 0),                     # code spans (within a paragraph)
    (r"^[ \t]*--8<--.*$", re.MULTILINE),                        # includes
    (r"<[^>\n]+>", 0),                                          # HTML tags (attributes included)
    (r"\]\([^)\n]*\)", 0),                                        # link targets
    (r"\{[ \t]*[#.:][^}\n]*\}|\{[ \t]*\w+=[^}\n]*\}", 0),          # attribute lists and anchors
    (r"^[ \t]*\|?[ \t:|-]+\|[ \t:|-]*$", re.MULTILINE),          # table rules
    (r"^[ \t]*\d+\.(?=[ \t])", re.MULTILINE),                      # numbered-list markers
]]

NUMBER = re.compile(r"(?<![\w.])[-+−]?\d[\d\u202f\u00a0 ,]*(?:\.\d+)?(?:[eE][-+−]?\d+)?%?(?![\w])")
PART_NAMES = ("week", "weeks", "layer", "layers", "epoch", "epochs", "step", "steps", "class", "classes",
              "label", "labels", "round", "rounds", "tier", "tiers", "part", "parts", "cell", "cells",
              "trial", "trials", "lecture", "assignment", "hidden layer", "digit")
ALLOWED = [
    re.compile(r"(?<![\w.])[01](?![\w%]|\.\d)"),                                # 1. 0 and 1
    re.compile(r"\b(?:" + "|".join(PART_NAMES) + r")[ \u00a0]\d+(?:\s*(?:and|to|,|-|–)\s*\d+)*(?![\w.%])",
               re.IGNORECASE),                                                  # 2. names of parts
    re.compile(r"(?:\b[A-Z][\w.]*(?: (?:&|and) [A-Z][\w.]*| et al\.)?,? |\()(?:19|20)\d\d\b"),  # 3. years
    re.compile(r"\b[123N]-D\b"),                                                # 4. shapes
]


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def prose(markdown: str) -> str:
    """``markdown`` with everything that is not prose blanked out (same lines, same columns)."""
    for pattern in _HIDE:
        markdown = pattern.sub(_blank, markdown)
    return markdown


def typed_numbers(markdown: str) -> list[tuple[int, str, str]]:
    """Numbers typed into the prose of ``markdown``: ``(line, number, the line's prose)``."""
    text = prose(markdown)
    for pattern in ALLOWED:
        text = pattern.sub(_blank, text)
    found = []
    for m in NUMBER.finditer(text):
        number = m.group(0).strip(" ,\u202f\u00a0")
        if not any(c.isdigit() for c in number):
            continue
        line = text.count("\n", 0, m.start()) + 1
        found.append((line, number, markdown.splitlines()[line - 1].strip()))
    return found


def markdown_cells(source: str) -> str:
    """The Markdown cells of a jupytext percent-format report, as Markdown (other lines blank)."""
    out, in_markdown = [], False
    for line in source.splitlines():
        if line.startswith("# %%"):
            in_markdown = "[markdown]" in line
            out.append("")
        elif in_markdown and (line.startswith("# ") or line == "#"):
            out.append(line[2:])
        else:
            in_markdown = in_markdown and not line.strip() == "" and line.startswith("#")
            out.append("")
    return "\n".join(out)


def check_file(path: Path) -> list[tuple[int, str, str]]:
    """Typed numbers in a page (``.md``) or in a report's Markdown cells (``.py``)."""
    text = path.read_text(encoding="utf-8")
    return typed_numbers(markdown_cells(text) if path.suffix == ".py" else text)


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] or sorted((ROOT / "docs").glob("*.md")) + sorted(
        (ROOT / "docs" / "reports").glob("*.py"))
    total = 0
    for path in files:
        found = check_file(path)
        total += len(found)
        for line, number, text in found:
            where = path.relative_to(ROOT) if path.is_absolute() else path
            print(f"{where}:{line}: {number!r} in: {text[:110]}")
    print(f"{total} typed number(s) in {len(files)} file(s)", file=sys.stderr)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
