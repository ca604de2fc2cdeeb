"""Formulas to MathML at build time, and the math font cut down to what they use.

Used by scripts/mkdocs_hooks.py: :func:`render_math` rewrites a built page, and
:func:`subset_math_font` writes the font after the build. No page loads a math library.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

# A sibling in scripts/ (MkDocs puts that folder on sys.path while it loads the hooks).
from npm_fetch import NpmFetchError, npm_tarball, npm_tarball_url, read_member

ROOT = Path(__file__).resolve().parent.parent

# Formulas are turned into MathML when the site is built, so pages load no math library:
# every current browser renders MathML. pymdownx.arithmatex (generic mode) leaves \( \) and
# \[ \] in .arithmatex elements; notebook Markdown cells keep $ $ and $$ $$.
ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.DOTALL)
NB_MARKDOWN = re.compile(r'(<div class="[^"]*\bjp-MarkdownOutput\b[^"]*"[^>]*>)(.*?)(</div>)', re.DOTALL)
NB_CODE = re.compile(r"(<(code|pre)\b.*?</\2>)", re.DOTALL)
NB_MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$\w])\$(?=\S)([^$]+?)(?<=\S)\$(?![\w$])", re.DOTALL)
ALIGNED = re.compile(r"^\s*\\begin\{aligned\}(.*)\\end\{aligned\}\s*$", re.DOTALL)
MATH_TAG = re.compile(r"^<math[^>]*>(.*)</math>$", re.DOTALL)


def _split_top(tex: str, sep: str) -> list[str]:
    """Split ``tex`` at ``sep`` outside braces."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(tex):
        if tex[i] == "\\" and not tex.startswith(sep, i):
            i += 2
            continue
        if tex[i] == "{":
            depth += 1
        elif tex[i] == "}":
            depth -= 1
        elif depth == 0 and tex.startswith(sep, i):
            parts.append(tex[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    return [*parts, tex[start:]]


# Delimiters written as the characters themselves: latex2mathml sizes `\big‖` but passes
# `\big\lVert` through as text.
TEX_SYNONYMS = {r"\lVert": "\u2016", r"\rVert": "\u2016", r"\Vert": "\u2016", r"\|": "\u2016",
                r"\lvert": "|", r"\rvert": "|", r"\vert": "|"}
TEX_SYNONYM = re.compile("|".join(re.escape(k) + ("(?![A-Za-z])" if k[-1].isalpha() else "")
                                   for k in TEX_SYNONYMS))


FUNCTION_NAME = re.compile(r"""
    \\(?:log|ln|exp|sin|cos|tanh|max|min)(?![A-Za-z])  # a function name, not a prefix (\lnot)
    (?=\s*[A-Za-z0-9]                                  # followed by an argument: a letter or digit,
      |\s*\\(?!left|right|big|Big|bigg|Bigg|[,;!]|quad|qquad))  # or a symbol, not a bracket
    """, re.VERBOSE)


def _mathml_inner(tex: str, display: bool) -> str:
    from latex2mathml.converter import convert

    tex = TEX_SYNONYM.sub(lambda m: TEX_SYNONYMS[m.group(0)], tex)
    tex = FUNCTION_NAME.sub(r"\g<0>\\,", tex)  # "\log a" gets LaTeX's thin space, "\log(a)" none

    unescaped = re.sub(r"\\[{}\\]", "", tex)
    if unescaped.count("{") != unescaped.count("}"):
        raise ValueError("unbalanced braces")
    # Display mode puts the limits of sums under and over them.
    inner = MATH_TAG.match(convert(tex, display="block" if display else "inline")).group(1)
    leftover = re.search(r">[^<]*\\[A-Za-z]*", inner)  # latex2mathml passes unknown commands through
    if leftover:
        raise ValueError(f"unsupported command {leftover.group(0)[1:]!r}")
    return inner


def _aligned_cell(cell: str, column: int) -> str:
    # Odd columns start after an &, e.g. "&= x": {} gives the relation its spacing.
    if not cell.strip():
        return "<mtd></mtd>"
    return f'<mtd displaystyle="true">{_mathml_inner(("{}" if column % 2 else "") + cell, True)}</mtd>'


def tex_to_mathml(tex: str, *, display: bool) -> str:
    """MathML for the TeX formula ``tex``.

    ``aligned`` environments become a table whose columns alternate right and left
    alignment, as in LaTeX (the stylesheet aligns ``mtable.aligned`` cells).
    """
    tex = tex.strip()
    aligned = ALIGNED.match(tex)
    if aligned:
        rows = [r for r in _split_top(aligned.group(1), "\\\\") if r.strip()]
        body = "".join("<mtr>" + "".join(_aligned_cell(cell, j) for j, cell in
                                         enumerate(_split_top(row, "&"))) + "</mtr>" for row in rows)
        inner = f'<mtable class="aligned">{body}</mtable>'
    else:
        inner = _mathml_inner(tex, display)
    mode = "block" if display else "inline"
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML" display="{mode}">{inner}</math>'


def _convert(tex: str, display: bool, where: str) -> str:
    try:
        return tex_to_mathml(html.unescape(tex), display=display)
    except Exception as e:  # latex2mathml raises many types; name the formula
        raise PluginError(f"{where}: cannot convert the formula {tex.strip()!r} to MathML: "
                          f"{type(e).__name__}: {e}") from None


def render_math(output: str, where: str, memo: dict | None = None) -> str:
    """Replace the TeX formulas of a built page by MathML (see the section comment).

    ``memo``, if given (a dict, or anything with ``get`` and item assignment), maps
    ``"block:TEX"`` or ``"inline:TEX"`` to the formula's MathML: formulas found there are not
    converted again, new ones are added to it.
    """
    def convert(tex: str, display: bool) -> str:
        if memo is None:
            return _convert(tex, display, where)
        key = f"{'block' if display else 'inline'}:{tex}"
        mathml = memo.get(key)
        if mathml is None:
            mathml = memo[key] = _convert(tex, display, where)
        return mathml

    def arithmatex(m: re.Match) -> str:
        tag, tex = m.groups()
        display = tag == "div"
        tex = tex.strip()
        tex = tex[2:-2] if tex[:2] in ("\\(", "\\[") else tex
        return f'<{tag} class="arithmatex">{convert(tex, display)}</{tag}>'

    def markdown_cell(m: re.Match) -> str:
        def text(part: str) -> str:
            return NB_MATH.sub(lambda f: convert(f.group(1) or f.group(2), f.group(1) is not None), part)
        out, i = [], 0  # code spans keep their dollars
        for code in NB_CODE.finditer(m.group(2)):
            out += [text(m.group(2)[i:code.start()]), code.group(0)]
            i = code.end()
        out.append(text(m.group(2)[i:]))
        return m.group(1) + "".join(out) + m.group(3)

    output = ARITHMATEX.sub(arithmatex, output)
    return NB_MARKDOWN.sub(markdown_cell, output)


# The formulas' font: STIX Two Math (SIL Open Font License), which has the OpenType MATH
# table browsers need to lay out MathML well (stretchy brackets, radicals, fraction rules).
# It comes from the npm registry (the @fontsource package) at build time, checked against
# the registry's sha512, cached in .cache/fonts/ (npm_fetch.py), and subset to the
# characters the site's formulas use: ~25 kB instead of 400 kB.
MATH_FONT_PACKAGE, MATH_FONT_VERSION = "@fontsource/stix-two-math", "5.3.0"
MATH_FONT_INTEGRITY = ("sha512-negoeozw6VSXjZMozwKRSm/dhCQT62csZcuea9I8KYqPaZq/8KbbBBrA02ZHF7AyuR5mVML/"
                       "p+q0bwFuSIf2GQ==")
MATH_FONT_SHA512 = base64.b64decode(MATH_FONT_INTEGRITY.partition("-")[2]).hex()  # the subset's cache key
MATH_FONT_URL = npm_tarball_url(MATH_FONT_PACKAGE, MATH_FONT_VERSION)
MATH_FONT_MEMBER = "package/files/stix-two-math-latin-400-normal.woff2"
MATH_FONT_TARGET = "assets/fonts/math.woff2"
MATH_FONT_CACHE = ROOT / ".cache" / "fonts" / "stix-two-math-5.3.0.tgz"
MATH_ELEMENT = re.compile(r"<math\b.*?</math>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def math_font_archive() -> Path:
    """The font package, downloaded once from the npm registry and checked."""
    try:
        return npm_tarball(MATH_FONT_PACKAGE, MATH_FONT_VERSION, MATH_FONT_INTEGRITY, MATH_FONT_CACHE.parent)
    except NpmFetchError as e:
        raise PluginError(f"the math font: {e}") from None


def subset_math_font(chars: set[str], dest: Path) -> None:
    """Write the math font, cut down to ``chars`` (and their MATH variants), as WOFF2.

    The result is cached in .cache/fonts/ by the characters and the fontTools version, so a
    rebuild with the same formulas (``make serve`` reloads, warm builds) copies it.
    """
    import io
    import shutil

    from fontTools import version  # the package alone; its subsetter only on a cache miss

    key = hashlib.sha256(f"{MATH_FONT_SHA512} {version} {''.join(sorted(chars))}".encode()).hexdigest()[:16]
    cached = MATH_FONT_CACHE.parent / f"math-{key}.woff2"
    dest.parent.mkdir(parents=True, exist_ok=True)
    if cached.is_file():
        shutil.copyfile(cached, dest)
        return

    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(read_member(math_font_archive(), MATH_FONT_MEMBER)), recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    # ASCII, and the glyphs MathML draws without a character in the text: the radical of
    # <msqrt>, and the stretchy brackets and bars.
    drawn = set(range(0x20, 0x7F)) | {0x221A, 0x221B, 0x2016, 0x2223, 0x2225, 0x2212, 0x23DE, 0x23DF}
    cmap = font.getBestCmap()
    # fontTools keeps each glyph's MATH-table size variants and assembly parts with it.
    subsetter.populate(glyphs={cmap[u] for u in {ord(c) for c in chars} | drawn if u in cmap})
    subsetter.subset(font)
    partial = cached.with_suffix(".part")
    font.save(partial, reorderTables=True)
    partial.replace(cached)  # whole or absent
    shutil.copyfile(cached, dest)
