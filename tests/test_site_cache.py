"""What the site hooks keep from one build to the next (scripts/site_cache.py and its users):
a kept result must equal the one computed afresh, and a changed input or code must miss."""

import importlib.util
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("mkdocs")

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(SCRIPTS))  # as MkDocs does when it loads the hooks: they import siblings
import site_cache  # noqa: E402
import site_math  # noqa: E402
from site_cache import KeyedCache, content_key  # noqa: E402


def _hook(name):
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_content_key_separates_its_parts_and_sees_every_character():
    assert content_key("ab", "c") != content_key("a", "bc")
    assert content_key("x") == content_key("x")
    assert content_key("x") != content_key("x ")


def test_a_saved_entry_is_found_by_the_next_build_of_the_same_code_only(tmp_path):
    first = KeyedCache("demo", "v1", tmp_path)
    assert first.get("k") is None
    first.put("k", {"a": [1, 2]})
    first["empty"] = []
    first.save()
    second = KeyedCache("demo", "v1", tmp_path)
    assert second.get("k") == {"a": [1, 2]}
    assert second.get("empty") == []  # an empty result is a result, not a miss
    assert KeyedCache("demo", "v2", tmp_path).get("k") is None  # other code: start empty


def test_only_the_entries_a_build_used_are_written_back(tmp_path):
    first = KeyedCache("demo", "v", tmp_path)
    first.put("old", 1)
    first.put("kept", 2)
    first.save()
    second = KeyedCache("demo", "v", tmp_path)
    assert second.get("kept") == 2
    second.put("new", 3)
    second.save()
    saved = json.loads((tmp_path / "demo.json").read_text())["entries"]
    assert saved == {"kept": 2, "new": 3}
    assert [p.name for p in tmp_path.iterdir()] == ["demo.json"]  # no partial file left


@pytest.mark.parametrize("text", ["", "{not json", "[1, 2]", '{"version": "v", "entries": [1]}'])
def test_a_damaged_file_is_an_empty_cache(tmp_path, text):
    (tmp_path / "demo.json").write_text(text)
    cache = KeyedCache("demo", "v", tmp_path)
    assert cache.get("k") is None
    cache.put("k", 1)
    cache.save()
    assert KeyedCache("demo", "v", tmp_path).get("k") == 1


def test_code_version_follows_the_source_and_the_library_versions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("x = 1\n")
    before = site_cache.code_version(module, distributions=("mkdocs",))
    assert site_cache.code_version(module, distributions=("mkdocs",)) == before
    assert site_cache.code_version(module) != before
    module.write_text("x = 2\n")
    assert site_cache.code_version(module, distributions=("mkdocs",)) != before


def test_remembered_mathml_is_the_mathml_of_a_fresh_conversion():
    page = ('<p><span class="arithmatex">\\(\\frac{a}{b}\\)</span> and '
            '<div class="arithmatex">\\[\\sum_i x_i^2\\]</div></p>')
    fresh = site_math.render_math(page, "demo.md")
    memo = {}
    assert site_math.render_math(page, "demo.md", memo=memo) == fresh
    assert sorted(memo) == ["block:\\sum_i x_i^2", "inline:\\frac{a}{b}"]
    memo["inline:\\frac{a}{b}"] = "<math>remembered</math>"  # a memo hit is not converted again
    assert "<math>remembered</math>" in site_math.render_math(page, "demo.md", memo=memo)


def _page(content, url="demo/", title="Demo", toc=()):
    return SimpleNamespace(content=content, url=url, title=title, meta={}, toc=list(toc))


def _search_setup(tmp_path, monkeypatch):
    from material.plugins.search.plugin import SearchIndex

    hook = _hook("hook_reuse")
    monkeypatch.setattr(site_cache, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(hook, "KeyedCache", lambda kind, version: KeyedCache(kind, version, tmp_path))
    plugin = SimpleNamespace(search_index=SearchIndex(lang=["en"]), config={"lang": ["en"]})
    config = SimpleNamespace(plugins={hook.SEARCH_PLUGIN: plugin})
    hook.on_config(config)
    return hook, plugin.search_index, config


PAGES = [
    '<h1 id="demo">Demo</h1><p>Some <code>code</code> text.</p><h2 id="two">Two</h2><p>More words.</p>',
    '<h1 id="other">Other</h1><p>Different text</p><pre><code>x = 1\n</code></pre>',
]


def test_search_entries_of_a_page_seen_before_equal_the_plugins_own(tmp_path, monkeypatch):
    from material.plugins.search.plugin import SearchIndex

    own = SearchIndex(lang=["en"])
    for content in PAGES:
        own.add_entry_from_context(_page(content))

    hook, index, config = _search_setup(tmp_path, monkeypatch)
    for content in PAGES:
        index.add_entry_from_context(_page(content))  # parsed, and kept
    assert index.entries == own.entries
    hook.on_post_build(config)

    hook, index, config = _search_setup(tmp_path, monkeypatch)
    parsed = []
    monkeypatch.setattr("material.plugins.search.plugin.Parser.feed", lambda self, data: parsed.append(data))
    for content in PAGES:
        index.add_entry_from_context(_page(content))
    assert parsed == []  # both pages came from the cache
    assert index.entries == own.entries


def test_a_changed_page_is_parsed_again(tmp_path, monkeypatch):
    hook, index, config = _search_setup(tmp_path, monkeypatch)
    index.add_entry_from_context(_page(PAGES[0]))
    hook.on_post_build(config)

    hook, index, config = _search_setup(tmp_path, monkeypatch)
    index.add_entry_from_context(_page(PAGES[0].replace("More words", "Other words")))
    assert "Other words" in json.dumps(index.entries)
    index.add_entry_from_context(_page(PAGES[0], url="moved/"))
    assert index.entries[-1]["location"].startswith("moved/")


def test_the_pruned_report_stylesheet_is_kept_and_recomputed_when_the_pages_change(tmp_path, monkeypatch):
    hook = _hook("hook_reports")
    cache = tmp_path / "cache"
    monkeypatch.setattr(hook, "KeyedCache", lambda kind, version: KeyedCache(kind, version, cache))
    calls = []
    prune = hook.site_css.prune_css
    monkeypatch.setattr(hook.site_css, "prune_css", lambda *a: calls.append(a) or prune(*a))
    css = ".a{color:red}.b{color:blue}"
    out = tmp_path / "site" / "assets" / "x.css"

    def build(classes):
        hook.on_config({})
        hook._NOTEBOOK_CSS["assets/x.css"] = css
        hook._NOTEBOOK_CLASSES.update(classes)
        hook.on_post_build({"site_dir": str(tmp_path / "site")})
        return out.read_text()

    assert build({"a"}) == prune(css, {"a"}) and len(calls) == 1
    assert build({"a"}) == prune(css, {"a"}) and len(calls) == 1  # kept
    assert build({"b"}) == prune(css, {"b"}) and len(calls) == 2  # other classes: pruned again


def test_a_page_text_checked_by_the_last_build_is_not_read_again(tmp_path, monkeypatch):
    hook = _hook("hook_placeholders")
    cache = KeyedCache("prose", "v", tmp_path)
    text = "A clean sentence.\n"
    hook.check_prose(text, "demo.md", cache)
    cache.save()
    monkeypatch.setattr(hook, "typed_numbers", lambda markdown: pytest.fail("read again"))
    hook.check_prose(text, "demo.md", KeyedCache("prose", "v", tmp_path))
    monkeypatch.undo()
    with pytest.raises(Exception, match="42"):  # another text is read, and still refused
        hook.check_prose("The answer is 42.\n", "demo.md", KeyedCache("prose", "v", tmp_path))


@pytest.mark.parametrize("text", [
    '<p class="a b">x</p><span style="c:d" data-class="no">', 'xclass="no" class="yes"', 'class="first"',
    '<i class="">', '_style="no" éstyle="no" -style="yes"', 'class="a"class="b"', 'class="unclosed',
])
def test_the_attribute_patterns_find_what_a_word_boundary_pattern_finds(text):
    import re

    hook = _hook("hook_reports")
    assert hook.CLASS_ATTR.findall(text) == re.findall(r'\bclass="([^"]*)"', text)
    assert hook.STYLE_ATTR.findall(text) == re.findall(r'\bstyle="([^"]*)"', text)


@pytest.mark.parametrize("page, loads", [
    ('<SCRIPT SRC="https://cdn.example/x.js"></SCRIPT>', True),
    ('<link href="//fonts.example/f.css" rel="stylesheet">', True),
    ("<style>@import url('https://x/y.css')</style>", True),
    ('<script src="../assets/x.js"></script><a href="https://example.org/">a link</a>', False),
])
def test_the_offline_check_sees_loads_from_other_hosts_in_any_ascii_case(page, loads):
    hook = _hook("hook_offline")
    assert (hook.EXTERNAL_LOAD.search(page) is not None) == loads


def test_compiled_templates_are_kept_and_give_the_same_page(tmp_path, monkeypatch):
    import jinja2

    hook = _hook("hook_reuse")
    monkeypatch.setattr(hook, "TEMPLATE_CACHE", tmp_path / "jinja")
    templates = {"page.html": "{% for x in items %}<li>{{ x|upper }}</li>{% endfor %}"}

    def render():
        env = hook.on_env(jinja2.Environment(loader=jinja2.DictLoader(templates)), config=None, files=None)
        return env.get_template("page.html").render(items=["a", "b"])

    assert render() == "<li>A</li><li>B</li>"
    assert len(list((tmp_path / "jinja").iterdir())) == 1
    assert render() == "<li>A</li><li>B</li>"  # from the kept bytecode
    templates["page.html"] = "{{ items|length }}"
    assert render() == "2"  # a changed template is compiled again
