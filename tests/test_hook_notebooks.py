"""scripts/hook_notebooks.py: report notebooks as pages, from mkdocs-jupyter's own cache."""

import importlib.util
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("mkdocs_jupyter")

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(SCRIPTS))


@pytest.fixture
def hook(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("hook_notebooks", SCRIPTS / "hook_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setitem(module.OPTIONS, "cache_dir", str(tmp_path / "cache"))
    module.on_config({})
    return module


def _notebook(tmp_path, text='{"cells": []}'):
    path = tmp_path / "docs" / "reports" / "demo.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_the_cache_entry_is_the_one_the_plugin_writes_and_reads(hook, tmp_path):
    from mkdocs_jupyter import plugin as mkdocs_jupyter

    plugin = mkdocs_jupyter.Plugin()
    errors, _ = plugin.load_config(hook.OPTIONS)
    assert not errors
    notebook = _notebook(tmp_path)
    key = mkdocs_jupyter._compute_cache_key(str(notebook), plugin.config, plugin.config["execute"])
    assert hook.cache_path(str(notebook)) == mkdocs_jupyter._get_cache_path(plugin.config["cache_dir"], key)
    first = hook.cache_path(str(notebook))
    _notebook(tmp_path, '{"cells": [1]}')
    assert hook.cache_path(str(notebook)) != first  # other bytes, other entry


def test_only_report_notebooks_become_pages(hook, tmp_path):
    from mkdocs.structure.files import File, Files

    docs, site = str(tmp_path / "docs"), str(tmp_path / "site")
    names = ["reports/demo.ipynb", "index.md", "other/x.ipynb"]
    files = hook.on_files(Files([File(name, docs, site, True) for name in names]), config={})
    notebook = files.get_file_from_path("reports/demo.ipynb")
    assert notebook.is_documentation_page() and notebook.url == "reports/demo/"
    assert notebook.dest_uri == "reports/demo/index.html"
    assert not files.get_file_from_path("other/x.ipynb").is_documentation_page()


def test_a_cached_notebook_renders_from_the_cache_without_the_plugin(hook, tmp_path, monkeypatch):
    notebook = _notebook(tmp_path)
    entry = hook.cache_path(str(notebook))
    entry.parent.mkdir(parents=True)
    tokens = [{"level": 1, "id": "demo", "name": "Demo", "html": "Demo", "data-toc-label": "",
               "children": []}]
    content = "<h1 id='demo'>Demo</h1>"
    entry.write_text(json.dumps({"content": content, "toc_tokens": tokens, "title": "Demo"}))
    stale = entry.parent / "stale.json"
    stale.write_text("{}")
    monkeypatch.setattr(hook, "_plugin", lambda config: pytest.fail("the plugin was imported"))
    file = SimpleNamespace(abs_src_path=str(notebook))
    page = SimpleNamespace(file=file, content=None, toc=None, title="Nav title")
    hook.on_pre_page(page, config={}, files=None)
    page.render({}, None)
    assert page.content == content and page.title == "Demo"
    assert [item.id for item in page.toc] == ["demo"]
    hook.on_post_build({})
    assert entry.is_file() and not stale.exists()  # used entries stay, the others go


def test_an_uncached_notebook_goes_to_the_plugin(hook, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(hook, "_plugin", lambda config: SimpleNamespace(
        on_pre_page=lambda page, config, files: calls.append(page) or page))
    page = SimpleNamespace(file=SimpleNamespace(abs_src_path=str(_notebook(tmp_path))))
    assert hook.on_pre_page(page, config={}, files=None) is page
    assert calls == [page]


def test_a_notebook_converted_ahead_is_the_entry_the_plugin_writes(hook, tmp_path):
    import nbformat
    from mkdocs_jupyter import plugin as mkdocs_jupyter

    notebook = _notebook(tmp_path, nbformat.writes(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Demo report\n\nSome *text*.\n\n## A section"),
        nbformat.v4.new_code_cell("print(6 * 7)", outputs=[nbformat.v4.new_output("stream", text="42\n")])])))
    assert hook.convert_ahead(str(notebook)) is True
    ahead = hook.cache_path(str(notebook)).read_bytes()
    assert hook.convert_ahead(str(notebook)) is False  # already there
    hook.cache_path(str(notebook)).unlink()
    # the plugin converts the same notebook as it does inside mkdocs and writes its entry
    plugin = mkdocs_jupyter.Plugin()
    assert not plugin.load_config(hook.OPTIONS)[0]
    plugin.on_pre_build({})
    page = SimpleNamespace(file=SimpleNamespace(abs_src_path=str(notebook), src_path="reports/demo.ipynb",
                                                url="reports/demo/"), abs_url="/reports/demo/",
                           content=None, toc=None, title=None)
    page = plugin.on_pre_page(page, config={}, files=None)
    page.render({}, None)
    assert hook.cache_path(str(notebook)).read_bytes() == ahead
    assert json.loads(ahead)["title"] == "Demo report" and "42" in json.loads(ahead)["content"]
