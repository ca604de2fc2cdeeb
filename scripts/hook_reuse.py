"""MkDocs hook: what a build reuses from the last one, for the theme and its search plugin.

- The search plugin reads a page only when the page changed since the last build. It builds
  its index by parsing each page's HTML with a pure-Python parser (~0.5 s a build for the
  whole site, most of it on pages that did not change). Its entries for a page depend only on
  that page's HTML, URL, table of contents, title and metadata, and on the plugin's code: they
  are kept, under a hash of all of these, for the next build (``site_cache.py``). A page seen
  before gets the same entries without being parsed, so the index is the same, byte for byte,
  as the plugin's own.
- The theme's templates are compiled to Python once, not at every build (~0.2 s): Jinja's own
  bytecode cache, in ``.cache/jinja/``, which checks each template's source before using it.
"""

from __future__ import annotations

import json

import jinja2
from site_cache import ROOT, KeyedCache, code_version, content_key

SEARCH_PLUGIN = "material/search"
TEMPLATE_CACHE = ROOT / ".cache" / "jinja"
_CACHE: list[KeyedCache] = []


def _toc(items) -> list:
    return [[item.id, item.url, item.title, _toc(item.children)] for item in items]


def page_key(page) -> str:
    """A hash of everything the plugin reads from ``page`` to index it."""
    return content_key(page.content or "", page.url, str(page.title),
                       json.dumps(page.meta, sort_keys=True, default=str),
                       json.dumps(_toc(page.toc), default=str))


def on_config(config):
    """Runs after the plugin's own on_config, which made this build's (empty) index."""
    _CACHE.clear()
    plugin = config.plugins.get(SEARCH_PLUGIN)
    index = getattr(plugin, "search_index", None)
    if index is None:  # search disabled, or another search plugin: nothing to speed up
        return config
    settings = json.dumps(dict(plugin.config), sort_keys=True, default=str)
    version = content_key(code_version(__file__, distributions=("mkdocs-material",)), settings)
    cache = KeyedCache("search-entries", version)
    _CACHE.append(cache)
    add = index.add_entry_from_context

    def add_entry_from_context(page) -> None:
        key = page_key(page)
        entries = cache.get(key)
        if entries is None:
            before = len(index.entries)
            add(page)
            entries = json.loads(json.dumps(index.entries[before:], default=str))
            cache.put(key, entries)
        else:
            index.entries.extend(entries)

    index.add_entry_from_context = add_entry_from_context  # this build's index only
    return config


def on_env(env: jinja2.Environment, config, files) -> jinja2.Environment:
    TEMPLATE_CACHE.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(TEMPLATE_CACHE))
    return env


def on_post_build(config) -> None:
    if _CACHE:
        _CACHE[0].save()
