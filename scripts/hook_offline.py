"""MkDocs hook: a page that would load anything from another host fails the build.

The site must work offline and leak nothing to third parties: no CDN script, stylesheet,
font or image. Runs after the other hooks have rewritten the page.
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

EXTERNAL_LOAD = re.compile(
    r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc=["']?(?:https?:)?//"""
    r"""|<link\b[^>]*\brel=["']?(?:stylesheet|preload|modulepreload|icon)[^>]*\bhref=["']?(?:https?:)?//"""
    r"""|<link\b[^>]*\bhref=["']?(?:https?:)?//[^>]*\brel=["']?(?:stylesheet|preload|modulepreload|icon)"""
    r"""|@import\s+url\(["']?(?:https?:)?//|\bimport\(["'](?:https?:)?//""",
    # HTML tag and attribute names are case-insensitive in ASCII only (<ſcript> is no script);
    # ASCII case folding also scans a page twice as fast as Unicode's.
    re.IGNORECASE | re.ASCII,
)


def on_post_page(output: str, page, config) -> str:
    found = EXTERNAL_LOAD.search(output)
    if found:
        start = max(0, found.start() - 60)
        raise PluginError(f"{page.file.src_uri}: the page loads something from another host (the site "
                          f"must work offline): ...{output[start:found.end() + 80]}...")
    return output
