"""MkDocs hook: every formula, in pages and in reports, becomes MathML when the site is built,
and the math font is cut down to the glyphs the formulas use (``site_math.py``).

Browsers render MathML natively, so no page loads a math library. Each formula's MathML is
kept for the next build (``site_cache.py``): a warm build converts only new formulas.
"""

from __future__ import annotations

import html
from pathlib import Path

import site_math
from site_cache import KeyedCache, code_version
from site_math import MATH_ELEMENT, MATH_FONT_TARGET, TAG, render_math, subset_math_font

_MATH_CHARS: set[str] = set()  # every character inside the site's formulas
_MATHML: list[KeyedCache] = []  # each formula's MathML, kept from one build to the next


def on_config(config):
    _MATH_CHARS.clear()
    _MATHML[:] = [KeyedCache("mathml", code_version(site_math.__file__, distributions=("latex2mathml",)))]
    return config


def on_post_page(output: str, page, config) -> str:
    output = render_math(output, page.file.src_uri, memo=_MATHML[0])
    for formula in MATH_ELEMENT.findall(output):
        _MATH_CHARS.update(html.unescape(TAG.sub("", formula)))
    return output


def on_post_build(config) -> None:
    subset_math_font(_MATH_CHARS, Path(config["site_dir"]) / MATH_FONT_TARGET)
    _MATHML[0].save()
