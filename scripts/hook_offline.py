"""MkDocs hook: a page that would load anything from another host fails the build.

The site must work offline and leak nothing to third parties: no CDN script, stylesheet,
font or image. Runs after the other hooks have rewritten the page.
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

# What loads from another host, one pattern per way of loading. The tag and attribute names
# are case-insensitive in ASCII only, as in HTML (<ſcript> is no script).
LOADS = [
    r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc=["']?(?:https?:)?//""",
    r"""<link\b[^>]*\brel=["']?(?:stylesheet|preload|modulepreload|icon)[^>]*\bhref=["']?(?:https?:)?//""",
    r"""<link\b[^>]*\bhref=["']?(?:https?:)?//[^>]*\brel=["']?(?:stylesheet|preload|modulepreload|icon)""",
    r"""@import\s+url\(["']?(?:https?:)?//""",
    r"""import\((?<=(?<!\w)import\()["'](?:https?:)?//""",  # \bimport(, written to start with its text
]
FLAGS = re.IGNORECASE | re.ASCII
EXTERNAL_LOAD = re.compile("|".join(LOADS), FLAGS)  # the first load in a page, to show it
# Each pattern alone starts with text the regex engine jumps to: asking them one by one whether
# a page loads anything is five times faster than one search with all of them.
_EACH_LOAD = [re.compile(pattern, FLAGS) for pattern in LOADS]


def on_post_page(output: str, page, config) -> str:
    if any(pattern.search(output) for pattern in _EACH_LOAD):
        found = EXTERNAL_LOAD.search(output)
        start = max(0, found.start() - 60)
        raise PluginError(f"{page.file.src_uri}: the page loads something from another host (the site "
                          f"must work offline): ...{output[start:found.end() + 80]}...")
    return output
