"""MkDocs hook: the executed report notebooks (docs/reports/*.ipynb) become pages.

The HTML of a notebook comes from the mkdocs-jupyter plugin (nbconvert underneath), with the
settings in :data:`OPTIONS`. The plugin keeps each conversion in ``.cache/mkdocs-jupyter/``,
under a hash of the notebook's bytes and of those settings; but merely importing it (nbconvert,
jupytext, their dependencies: ~0.6 s) costs a warm build more than reading its cache. So this
hook reads that cache itself, exactly as the plugin does, and imports the plugin only when a
notebook has no cached conversion: the plugin then converts it and writes the cache entry.

Also as the plugin does: the .ipynb is copied next to its page (``include_source``, the
download link of the report box), and cache entries no notebook uses any more are deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path, PurePath

from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = "reports/*.ipynb"  # executed by scripts/build_reports.py before mkdocs runs
CACHE_DIR = ROOT / ".cache" / "mkdocs-jupyter"
# The plugin's settings: the ones its cache key covers, in the order it hashes them, then the rest.
OPTIONS = {
    "kernel_name": "",
    "theme": "",
    "allow_errors": False,
    "show_input": True,
    "no_input": False,
    "no_prompt": False,
    "remove_tag_config": {},
    "highlight_extra_classes": "",
    "include_requirejs": False,
    "custom_mathjax_url": "",
    "toc_depth": 6,
    "include": [NOTEBOOKS],
    "execute": False,
    "include_source": True,
    "ignore_h1_titles": False,
    "cache": True,
    "cache_dir": str(CACHE_DIR),
}
KEYED = list(OPTIONS)[:11]  # the settings the plugin's cache key covers
_USED: set[Path] = set()   # the cache entries this build read or wrote
_PLUGIN: list = []          # the plugin, once a notebook needed converting


class NotebookFile(File):
    """A notebook that is a page: reports/x.ipynb is served at reports/x/."""

    def is_documentation_page(self) -> bool:
        return True


def is_notebook(file: File) -> bool:
    return file.abs_src_path is not None and PurePath(file.abs_src_path).match(NOTEBOOKS)


def cache_path(notebook: str) -> Path:
    """Where the plugin keeps its conversion of ``notebook`` (its own key: the notebook's bytes,
    ``execute=...``, then each keyed setting's repr)."""
    hasher = hashlib.sha256(Path(notebook).read_bytes())
    hasher.update(f"execute={OPTIONS['execute']}".encode())
    for key in KEYED:
        hasher.update(f"{key}={OPTIONS[key]!r}".encode())
    return CACHE_DIR / f"{hasher.hexdigest()}.json"


def convert_ahead(notebook: str) -> bool:
    """Convert ``notebook`` now and write the cache entry the plugin would write when mkdocs
    renders its page (the same function calls, the same JSON), so that mkdocs only reads it.

    ``scripts/build_reports.py`` calls this right after a report executes, while the
    experiments still run: the conversion (~0.2 s a notebook) then overlaps with them instead
    of delaying the end of the build. False if the entry was already there.
    """
    cached = cache_path(notebook)
    if cached.is_file():
        return False
    from mkdocs_jupyter import convert
    from mkdocs_jupyter.plugin import _get_nb_toc_tokens

    options = {k: OPTIONS[k] for k in (
        "execute", "kernel_name", "theme", "allow_errors", "show_input", "no_input", "no_prompt",
        "remove_tag_config", "highlight_extra_classes", "include_requirejs", "custom_mathjax_url")}
    body = convert.nb2html(notebook, **options)
    toc_tokens, title = _get_nb_toc_tokens(notebook, OPTIONS["toc_depth"])
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
    entry = {"content": body, "toc_tokens": toc_tokens, "title": title}
    partial.write_text(json.dumps(entry), encoding="utf-8")
    os.replace(partial, cached)  # a reader never sees half an entry
    return True


def _plugin(config):
    """The mkdocs-jupyter plugin, imported and set up on first use."""
    if not _PLUGIN:
        from mkdocs_jupyter.plugin import Plugin

        plugin = Plugin()
        errors, _ = plugin.load_config(OPTIONS)
        if errors:
            raise ValueError(f"mkdocs-jupyter rejects the settings of hook_notebooks.py: {errors}")
        plugin.on_pre_build(config)
        _PLUGIN.append(plugin)
    return _PLUGIN[0]


def on_config(config):
    _USED.clear()
    _PLUGIN.clear()
    return config


def on_files(files: Files, config) -> Files:
    return Files([NotebookFile(f.src_path, f.src_dir, f.dest_dir, f.use_directory_urls, inclusion=f.inclusion)
                  if is_notebook(f) else f for f in files])


def on_pre_page(page, config, files):
    if not is_notebook(page.file):
        return page
    cached = cache_path(page.file.abs_src_path)
    _USED.add(cached)
    if not cached.is_file():  # converted (and cached) by the plugin itself
        return _plugin(config).on_pre_page(page, config, files)

    def render(self, config, files) -> None:
        data = json.loads(cached.read_text(encoding="utf-8"))
        self.content = data["content"]
        self.toc = get_toc(data["toc_tokens"])
        if data.get("title") is not None:
            self.title = data["title"]

    page.render = render.__get__(page)  # this page's render only
    return page


def on_post_page(output: str, page, config) -> str:
    if is_notebook(page.file):
        source = page.file.abs_src_path
        folder = os.path.dirname(page.file.abs_dest_path)
        os.makedirs(folder, exist_ok=True)
        shutil.copyfile(source, os.path.join(folder, os.path.basename(source)))
    return output


def on_post_build(config) -> None:
    """Delete the conversions of notebooks that are gone or changed."""
    if CACHE_DIR.is_dir():
        for entry in CACHE_DIR.glob("*.json"):
            if entry not in _USED:
                entry.unlink()
