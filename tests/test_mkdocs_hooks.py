"""The site's MkDocs hooks (scripts/hook_*.py) and the code listings the pages include."""

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs")
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(SCRIPTS))  # as MkDocs does when it loads the hooks: they import siblings
SPEC = importlib.util.spec_from_file_location("hook_placeholders", SCRIPTS / "hook_placeholders.py")
hooks = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(hooks)
import site_css  # noqa: E402
import site_math  # noqa: E402


@pytest.fixture
def generated(tmp_path, monkeypatch):
    (tmp_path / "docs" / "generated" / "demo").mkdir(parents=True)
    (tmp_path / "docs" / "generated" / "demo" / "metrics.json").write_text(json.dumps({
        "acc": 0.93456, "flag": True, "runs": [0.5, 0.75],
        "readings": {"per_epoch/late": 0.653, "batch-64": 12}}))
    monkeypatch.setattr(hooks, "ROOT", tmp_path)
    hooks._json.cache_clear()
    yield tmp_path
    hooks._json.cache_clear()


def _render(text):
    return hooks.METRIC.sub(lambda m: hooks.format_metric(m.group(1), m.group(2)), text)


def test_placeholders_are_replaced_with_formatted_values(generated):
    assert _render("{{ metric demo.acc :.1% }}") == "93.5%"
    assert _render("{{ metric demo.acc }}") == "0.9346"
    assert _render("{{ metric demo.flag }}") == "yes"
    assert _render("{{ metric demo.runs.1 }}") == "0.75"
    assert _render("{{ metric demo.readings.per_epoch/late :.3f }}") == "0.653"
    assert _render("{{ metric demo.readings.batch-64 }}") == "12"


def test_unknown_keys_fail_the_build_with_the_valid_ones(generated):
    with pytest.raises(PluginError, match=r"valid.*acc"):
        _render("{{ metric demo.accuracy }}")
    with pytest.raises(PluginError, match="not a number"):
        _render("{{ metric demo.readings }}")
    with pytest.raises(PluginError, match="does not exist"):
        _render("{{ metric nothing.acc }}")
    with pytest.raises(PluginError, match="bad format"):
        _render("{{ metric demo.flag :.2q }}")


# ---------------------------------------------------------------------- math at build time
def test_formulas_become_mathml():
    inline = site_math.tex_to_mathml(r"\frac{a}{b} + \sqrt{x}", display=False)
    assert inline.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">')
    assert "<mfrac>" in inline and "<msqrt>" in inline
    assert 'display="block"' in site_math.tex_to_mathml("x^2", display=True)


def test_aligned_becomes_a_table_with_one_cell_per_ampersand():
    tex = r"\begin{aligned} a &= b, & c &= d \\ e &= \frac{f}{g} && \text{(h)} \end{aligned}"
    mathml = site_math.tex_to_mathml(tex, display=True)
    assert mathml.count("<mtr>") == 2
    rows = mathml.split("<mtr>")[1:]
    assert [r.count("<mtd") for r in rows] == [4, 4]
    assert "<mtd></mtd>" in rows[1]  # the empty cell of &&
    assert "\\\\" not in mathml and "&amp;" not in mathml


def test_pages_and_notebook_cells_are_converted_and_code_keeps_its_dollars():
    page = ('<p>Rate <span class="arithmatex">\\(\\alpha &lt; 1\\)</span></p>'
            '<div class="arithmatex">\\[x^2\\]</div>'
            '<div class="jp-RenderedHTMLCommon jp-MarkdownOutput" data-mime-type="text/markdown">'
            '<p>Cost $J(\\theta)$ and $$y = 2$$, but <code>echo $HOME $PATH</code> stays.</p></div>')
    out = site_math.render_math(page, "demo.md")
    assert out.count("<math") == 4
    assert "&lt;" in out.split("<math")[1] or "&#x0003C;" in out  # < stays escaped in MathML
    assert "<code>echo $HOME $PATH</code>" in out
    assert "\\(" not in out and "$J" not in out


def test_a_formula_that_cannot_be_converted_fails_the_build_naming_it():
    with pytest.raises(PluginError, match=r"demo\.md.*\\frac\{1"):
        site_math.render_math('<span class="arithmatex">\\(\\frac{1\\)</span>', "demo.md")


def test_prune_css_keeps_what_the_pages_use():
    css = (":root{--used:1px;--unused:2px;--chain:var(--leaf);--leaf:3px}"
           ".a .b{color:red}.a .zzz{color:blue}"
           ":is(.a, .zzz) p{margin:var(--used)}"        # a comma inside :is() is not a list
           ".a:not(.never){padding:var(--chain)}"       # a class inside :not() need not exist
           "@media (max-width: 10px){.zzz{color:green}.b{color:black}}")
    out = site_css.prune_css(css, {"a", "b"})
    assert ".a .b{color:red}" in out and ".zzz{" not in out and ".a .zzz" not in out
    assert ":is(.a, .zzz) p" in out and ".a:not(.never)" in out
    assert "@media (max-width: 10px){.b{color:black}}" in out
    assert "--used:" in out and "--chain:" in out and "--leaf:" in out and "--unused" not in out
    assert "--unused" in site_css.prune_css(css, {"a", "b"}, extra_text="x{y:var(--unused)}")


def test_sized_norm_bars_are_converted_not_passed_through():
    mathml = site_math.tex_to_mathml(r"\big\lVert W \big\rVert_F^2 + \lvert x \rvert", display=False)
    assert mathml.count("\u2016") == 2 and "\\" not in mathml


def test_unknown_commands_fail_instead_of_showing_tex():
    with pytest.raises(ValueError, match="unsupported"):
        site_math.tex_to_mathml(r"\notacommand{x}", display=False)


def test_function_names_get_a_thin_space_before_a_bare_argument_only():
    spaced = site_math.tex_to_mathml(r"\log a", display=False)
    assert "<mspace" in spaced
    assert "<mspace" not in site_math.tex_to_mathml(r"\log(a)", display=False)
    assert "<mspace" not in site_math.tex_to_mathml(r"\log\big(a\big)", display=False)


def test_claims_print_nothing_and_fail_the_build_when_the_experiment_disagrees(generated):
    page = type("Page", (), {"file": type("File", (), {"src_uri": "demo.md"})()})()
    text = "It holds.{{ claim demo.flag }} Not this.{{ claim not demo.flag }}"
    with pytest.raises(PluginError, match=r"claims not demo\.flag.*True"):
        hooks.on_page_markdown(text, page, {}, None)
    assert hooks.on_page_markdown("It holds.{{ claim demo.flag }}", page, {}, None) == "It holds."
    with pytest.raises(PluginError, match=r"gives 0\.93456"):
        hooks.on_page_markdown("{{ claim demo.acc }}", page, {}, None)


# ---------------------------------------------------------------------- code listings
INCLUDE = re.compile(r'--8<--\s+"(course_code/[\w/]+\.py):([\w-]+)"')


def _listings():
    """Every code listing a page includes from the package: (page, path, section, lines)."""
    out = []
    for page in sorted((ROOT / "docs").glob("*.md")):
        for path, section in INCLUDE.findall(page.read_text(encoding="utf-8")):
            lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
            marks = {(m.group(1), m.group(2)): i for i, line in enumerate(lines)
                     if (m := re.search(r"--8<-- \[(start|end):([\w-]+)\]", line))}
            assert ("start", section) in marks and ("end", section) in marks, f"{page.name}: {path}:{section}"
            body = [line for line in lines[marks["start", section] + 1:marks["end", section]]
                    if "--8<--" not in line]
            out.append((page.name, path, section, body))
    return out


def test_listings_are_short_plain_code_without_docstrings():
    listings = _listings()
    assert len(listings) > 20
    for page, path, section, body in listings:
        where = f"{page}: {path}:{section}"
        assert 0 < len(body) <= 25, f"{where} has {len(body)} lines"
        text = "\n".join(body)
        multi_line = [d for d in re.findall(r'"""(.*?)"""', text, re.DOTALL) if "\n" in d]
        assert not multi_line, f"{where} shows a multi-line docstring"
        assert not re.search(r"\bout=", text), f"{where} hides its formula behind out= buffers"


def test_the_math_font_is_subset_with_its_math_table_and_cached(tmp_path, monkeypatch):
    import shutil

    from fontTools.ttLib import TTFont

    archive = site_math.math_font_archive()  # the site build needs it too (downloaded once)
    cache = tmp_path / "fonts"
    cache.mkdir()
    shutil.copyfile(archive, cache / archive.name)
    monkeypatch.setattr(site_math, "MATH_FONT_CACHE", cache / archive.name)
    first = tmp_path / "a.woff2"
    site_math.subset_math_font({"\u03b1", "\u2211", "\u23df"}, first)
    assert first.read_bytes()[:4] == b"wOF2" and first.stat().st_size < 30_000
    font = TTFont(first)
    assert 0x2211 in font.getBestCmap() and "MATH" in font
    variants = font["MATH"].table.MathVariants  # the brace's sizes and assembly parts came along
    brace = variants.HorizGlyphConstruction[variants.HorizGlyphCoverage.glyphs.index("uni23DF")]
    assert len(brace.MathGlyphVariantRecord) > 1 and len(brace.GlyphAssembly.PartRecords) == 5

    def no_archive():
        raise AssertionError("the second subset should come from the cache")

    monkeypatch.setattr(site_math, "math_font_archive", no_archive)
    second = tmp_path / "b.woff2"
    site_math.subset_math_font({"\u2211", "\u03b1", "\u23df"}, second)
    assert second.read_bytes() == first.read_bytes()
