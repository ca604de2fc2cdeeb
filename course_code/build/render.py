"""Render a topic's ``Report`` to files: SVG figures (light and dark), thumbnails, tables, data.

What it writes into a folder::

    <figure>.svg, <figure>-dark.svg  light- and dark-theme versions of each figure
    <figure>.md                      the Markdown that shows the pair (for includes)
    <figure>-thumb[-dark].png        a small PNG of the report's thumbnail figure (home page)
    <table>.md                       Markdown tables
    metrics.json                     headline numbers and claims quoted by the pages
    <data>.json                      data of the interactive figures (figures.report.encode_data)

A figure is drawn in the light theme; its dark SVG is the light one with the theme's two
colours swapped (:func:`dark_from_light`), except for the thumbnail's figure, drawn in both
themes for its PNGs. The same Report always gives the same bytes (no dates, fixed SVG ids,
palettized images).
"""

from __future__ import annotations

import base64
import functools
import io
import json
import re
from pathlib import Path

__all__ = ["THUMB_WIDTH", "dark_from_light", "palette", "render"]

THUMB_WIDTH = 720  # pixels of a home-page thumbnail (cards are ~350 CSS px: sharp at 2x)
EMBEDDED_PNG = re.compile(rb"data:image/png;base64,([A-Za-z0-9+/=\n]+)")


def palette(png: bytes, colors: int = 64) -> bytes:
    """A PNG reduced to a palette of ``colors`` (decision-boundary shading and dots need no
    more than 64; a line plot's antialiased edges fit in 256). Deterministic."""
    from PIL import Image  # matplotlib's own dependency

    out = io.BytesIO()
    with Image.open(io.BytesIO(png)) as image:
        image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _palette_images(svg: bytes) -> bytes:
    """``svg`` with its embedded raster images (the rasterized parts of a figure) palettized:
    decision-boundary figures shrink by ~60 %, with no visible change."""
    return EMBEDDED_PNG.sub(
        lambda m: b"data:image/png;base64," + base64.b64encode(palette(base64.b64decode(m.group(1)))), svg)


def _save_thumbnail(fig, width_inches: float, path: Path) -> None:
    """``fig`` as a THUMB_WIDTH-pixel PNG with a 64-colour palette (a quarter of the bytes of
    full colour, with no visible difference at card size)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=THUMB_WIDTH / width_inches, metadata={"Software": None})
    path.write_bytes(palette(buffer.getvalue()))


@functools.cache
def _share_mathtext_parses() -> None:
    """Make matplotlib parse each math string (a ``$10^{-2}$`` tick label, an ``$\\alpha_0$`` in a
    legend) once per process instead of once per saved file.

    Matplotlib caches a parse per *parser object*, and every ``savefig`` makes a new renderer
    with a new parser, so each figure re-parsed all its math strings (a fifth of the rendering
    time). The parse is a pure function of its arguments (output kind, string, dpi, font,
    antialiasing, hinting), so one cache keyed by them gives the same bytes. If a matplotlib
    version lays out its parser differently, nothing is changed (only slower).
    """
    from matplotlib import mathtext

    method = getattr(mathtext.MathTextParser, "_parse_cached", None)
    parse = getattr(method, "__wrapped__", None)
    if parse is None:
        return
    parsers = {}

    @functools.lru_cache(maxsize=4096)
    def shared(output_type, *args):
        if output_type not in parsers:
            parsers[output_type] = mathtext.MathTextParser({"vector": "path", "raster": "agg"}[output_type])
        return parse(parsers[output_type], *args)

    def _parse_cached(self, s, dpi, prop, antialiased, load_glyph_flags):
        return shared(self._output_type, s, dpi, prop, antialiased, load_glyph_flags)

    mathtext.MathTextParser._parse_cached = _parse_cached


def _figure_markdown(name: str, fig: str, alt: str) -> str:
    base = f"generated/{name}/{fig}"
    return (f'![{alt}]({base}.svg#only-light){{ loading=lazy }}\n'
            f'![{alt}]({base}-dark.svg#only-dark){{ loading=lazy }}\n')


def dark_from_light(svg: bytes) -> bytes | None:
    """A figure's dark-theme SVG made from its light-theme SVG by swapping the two colours the
    themes differ in (``figures.plotting.THEME_COLORS``): the figure is laid out and drawn
    once instead of twice. Marker ids (hashes matplotlib takes of each marker's style) stay
    the light ones. None if a dark colour already occurs in the light SVG (a swap would then
    merge two colours): the caller draws the dark figure instead."""
    from ..figures.plotting import THEME_COLORS

    light, dark = ([c.lower().encode() for c in THEME_COLORS[v]] for v in ("light", "dark"))
    if any(c in svg for c in dark):
        return None
    for old, new in zip(light, dark, strict=True):
        svg = svg.replace(old, new)
    return svg


def render(name: str, report, directory: Path) -> None:
    """Write the files of topic ``name``'s ``report`` into ``directory`` (which must exist)."""
    import matplotlib

    matplotlib.use("Agg")
    _share_mathtext_parses()
    from matplotlib.figure import Figure

    from ..figures.plotting import theme
    from ..figures.report import encode_data

    def draw(spec, variant: str, svg_path: Path, thumb_path: Path | None) -> bytes:
        """Draw ``spec`` in the ``variant`` theme; write its SVG (and PNG thumbnail); the SVG bytes."""
        with theme(variant):
            fig = Figure(figsize=spec.size, layout="constrained")
            spec.draw(fig)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="svg", dpi=150, metadata={"Date": None, "Creator": None})
            svg = _palette_images(buffer.getvalue())
            svg_path.write_bytes(svg)
            if thumb_path is not None:
                # The same figure again, as PNG, in the layout the SVG was given: not built a
                # second time, nor laid out again (a third of a PNG save).
                fig.set_layout_engine("none")
                _save_thumbnail(fig, spec.size[0], thumb_path)
        return svg

    for fig_name, spec in report.figures.items():
        thumb = fig_name == report.thumbnail  # its dark PNG needs the figure drawn in the dark theme
        light = draw(spec, "light", directory / f"{fig_name}.svg",
                     directory / f"{fig_name}-thumb.png" if thumb else None)
        dark = None if thumb else dark_from_light(light)
        if dark is None:
            draw(spec, "dark", directory / f"{fig_name}-dark.svg",
                 directory / f"{fig_name}-thumb-dark.png" if thumb else None)
        else:
            (directory / f"{fig_name}-dark.svg").write_bytes(dark)
        (directory / f"{fig_name}.md").write_text(_figure_markdown(name, fig_name, spec.alt))
    for table_name, markdown in report.tables.items():
        (directory / f"{table_name}.md").write_text(markdown)
    (directory / "metrics.json").write_text(json.dumps(report.metrics, indent=2, sort_keys=True) + "\n")
    for data_name, value in report.data.items():
        (directory / f"{data_name}.json").write_text(encode_data(value, data_name))
