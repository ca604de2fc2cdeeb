"""MkDocs hook: every formula, in pages and in reports, becomes MathML when the site is built,
and the math font is cut down to the glyphs the formulas use (``site_math.py``).

Browsers render MathML natively, so no page loads a math library.
"""

from __future__ import annotations

import html
from pathlib import Path

from site_math import MATH_ELEMENT, MATH_FONT_TARGET, TAG, render_math, subset_math_font

_MATH_CHARS: set[str] = set()  # every character inside the site's formulas


def on_config(config):
    _MATH_CHARS.clear()
    return config


def on_post_page(output: str, page, config) -> str:
    output = render_math(output, page.file.src_uri)
    for formula in MATH_ELEMENT.findall(output):
        _MATH_CHARS.update(html.unescape(TAG.sub("", formula)))
    return output


def on_post_build(config) -> None:
    subset_math_font(_MATH_CHARS, Path(config["site_dir"]) / MATH_FONT_TARGET)
