"""MkDocs hooks of the course site (registered in mkdocs.yml under ``hooks:``).

What they do, in build order:

- ``--8<-- "course_code/x.py:section"`` includes that marked section of the package with
  its docstrings cut to their summary line (other snippets are left to pymdownx.snippets).
- ``{{ metric NAME.key.path }}`` and ``{{ metric NAME.key.path :FORMAT }}`` in a page are
  replaced by the number in ``docs/generated/NAME/metrics.json`` (``FORMAT`` is a Python
  format spec such as ``.1%`` or ``.3f``). An unknown experiment or key fails the build
  with the keys that do exist, so prose can never quote a number the run did not produce.
- Every include of a generated figure or table (``--8<-- "docs/generated/NAME/x.md"``) gets
  a provenance line under it, written from ``provenance.json``: seed, config, short code
  hash, NumPy version, and the run time recorded in the experiment's cache entry.
- ``{{ claim NAME.key.path }}`` (or ``{{ claim not ... }}``) prints nothing but fails the
  build unless that metric is the boolean true (false): the sentence next to it states a
  finding, and the build checks the experiment still finds it.
- ``{{ report NAME }}`` becomes the box that links a topic page to its executable report:
  read it on the site, download it (.ipynb, .py), or open it in Colab.
- Report pages (rendered by mkdocs-jupyter) get the same links at the top, and lose the
  CDN scripts nbconvert's template adds (MathJax 2, mermaid). The ~570 kB of JupyterLab CSS
  that nbconvert inlines into each notebook moves to one shared stylesheet, which the
  browser caches, pruned after the build to the rules the reports use (~30x smaller;
  ``site_css.py``).
- Every formula, in pages and in reports, is converted to MathML at build time, and the
  math font is cut down to the glyphs the formulas use (``site_math.py``): browsers render
  MathML natively, so no page loads a math library.
- Every page is checked to load nothing from another host.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from functools import cache
from pathlib import Path

from mkdocs.exceptions import PluginError

# Siblings in scripts/ (MkDocs puts this file's folder on sys.path while it loads it).
from site_css import prune_css
from site_math import MATH_ELEMENT, MATH_FONT_TARGET, TAG, render_math, subset_math_font

from course_code.build.publish import topic_run_seconds

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "docs" / "generated"
REPORTS = ROOT / "docs" / "reports"

# Key segments may hold letters, digits, _, -, / and parentheses (e.g. readings.per_epoch/late).
METRIC = re.compile(r"\{\{\s*metric\s+([A-Za-z_][\w./()-]*)\s*(?::\s*([^}\s][^}]*?))?\s*\}\}")
REPORT = re.compile(r"^([ \t]*)\{\{\s*report\s+(\w+)\s*\}\}[ \t]*$", re.MULTILINE)
GENERATED_INCLUDE = re.compile(r'^([ \t]*)--8<--\s+"docs/generated/(\w+)/([\w-]+)\.md"[ \t]*$', re.MULTILINE)
CLAIM = re.compile(r"\{\{\s*claim\s+(not\s+)?([A-Za-z_][\w./()-]*)\s*\}\}")
LEFTOVER = re.compile(r"\{\{\s*(metric|report|claim)\b[^}]*\}\}")

# Anything that makes a page load a resource from another host.
EXTERNAL_LOAD = re.compile(
    r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc=["']?(?:https?:)?//"""
    r"""|<link\b[^>]*\brel=["']?(?:stylesheet|preload|modulepreload|icon)[^>]*\bhref=["']?(?:https?:)?//"""
    r"""|<link\b[^>]*\bhref=["']?(?:https?:)?//[^>]*\brel=["']?(?:stylesheet|preload|modulepreload|icon)"""
    r"""|@import\s+url\(["']?(?:https?:)?//|\bimport\(["'](?:https?:)?//""",
    re.IGNORECASE,
)
# What nbconvert's lab template adds to a notebook: CDN MathJax 2 (an empty src when
# custom_mathjax_url is unset) and its config, and a
# module script that imports mermaid from a CDN when the notebook has diagrams (ours do not).
NB_CDN_SCRIPTS = re.compile(
    r"<script\b[^>]*\bsrc=[\"'](?:https?://[^\"']*)?[\"'][^>]*>\s*</script>"
    r"|<script type=\"text/x-mathjax-config\">.*?</script>"
    r"|<script type=\"module\">(?:(?!</script>).)*?cdnjs\.cloudflare\.com(?:(?!</script>).)*?</script>",
    re.DOTALL,
)


# ---------------------------------------------------------------------- generated data
@cache
def _json(name: str, kind: str) -> dict:
    path = GENERATED / name / f"{kind}.json"
    if not path.is_file():
        known = sorted(p.name for p in GENERATED.iterdir() if p.is_dir()) if GENERATED.is_dir() else []
        raise PluginError(f"{path.relative_to(ROOT)} does not exist: run `make site` (or "
                          f"scripts/build_experiments.py) first; generated experiments: {known or 'none'}")
    return json.loads(path.read_text(encoding="utf-8"))


def lookup_metric(dotted: str):
    """The value at ``NAME.key.path`` of ``docs/generated/NAME/metrics.json``."""
    name, *path = dotted.split(".")
    value = _json(name, "metrics")
    walked = [name]
    for key in path:
        if isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            valid = sorted(value) if isinstance(value, dict) else f"indices 0..{len(value) - 1}" \
                if isinstance(value, list) else "none (it is a number)"
            raise PluginError(f"unknown metric {dotted!r}: {'.'.join(walked)} has no {key!r}; "
                              f"valid: {valid}")
        walked.append(key)
    if isinstance(value, (dict, list)):
        keys = sorted(value) if isinstance(value, dict) else value
        raise PluginError(f"metric {dotted!r} is not a number; it holds: {keys}")
    return value


def format_metric(dotted: str, spec: str | None) -> str:
    value = lookup_metric(dotted)
    if spec:
        try:
            return format(value, spec)
        except ValueError as e:
            raise PluginError(f"bad format {spec!r} for metric {dotted!r} = {value!r}: {e}") from None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _short(value) -> str:
    if isinstance(value, list):
        return "(" + ", ".join(_short(v) for v in value) + ")"
    return repr(value) if isinstance(value, str) else str(value)


def _run_time(name: str) -> str:
    """The " · ran in 1.2 s" part of a provenance line, from the cache entry that produced
    the files (the run time is a measurement, kept out of docs/generated so that two builds
    publish identical files), or "" when unknown."""
    seconds = topic_run_seconds(name, ROOT)
    if seconds is None:
        return ""
    return f' · <span class="run-time" data-search-exclude>ran in {float(seconds):g} s</span>'


def provenance_html(name: str) -> str:
    """One line saying how the figures of experiment ``name`` were produced."""
    p = _json(name, "provenance")
    config = ", ".join(f"{k}={_short(v)}" for k, v in sorted(p["config"].items()))
    numpy = p.get("versions", {}).get("numpy", "?")
    return (f'<p class="provenance">Produced by <code>python -m course_code run {html.escape(name)}</code>'
            f' · seed {p["seed"]} · code <code title="{html.escape(p["code"])}">{p["code"][:8]}</code>'
            f'{_run_time(name)} · NumPy {html.escape(numpy)}<br>'
            f'<span class="provenance-config">config: {html.escape(config)}</span></p>')


# ---------------------------------------------------------------------- code listings
# ``--8<-- "course_code/x.py:section"`` lines are expanded here rather than by
# pymdownx.snippets, to show the code with each docstring cut to its summary line: the
# page explains what the docstring says, and a listing should fit on a screen.
CODE_INCLUDE = re.compile(r'^([ \t]*)--8<--\s+"(course_code/[\w/]+\.py):([\w-]+)"[ \t]*$', re.MULTILINE)
SECTION_MARK = re.compile(r"^\s*# --8<-- \[(start|end):([\w-]+)\]\s*$")


def code_section(relpath: str, section: str) -> str:
    """The lines of ``relpath`` between ``# --8<-- [start:section]`` and its end marker."""
    path = ROOT / relpath
    if not path.is_file():
        raise PluginError(f"no file {relpath} to include")
    lines = path.read_text(encoding="utf-8").splitlines()
    marks = {(m.group(1), m.group(2)): i for i, line in enumerate(lines) if (m := SECTION_MARK.match(line))}
    if ("start", section) not in marks or ("end", section) not in marks:
        known = sorted({name for _, name in marks})
        raise PluginError(f"{relpath} has no section {section!r} (start and end markers); sections: {known}")
    body = lines[marks["start", section] + 1:marks["end", section]]
    return "\n".join(line for line in body if not SECTION_MARK.match(line))


def short_docstrings(source: str) -> str:
    """``source`` with every multi-line docstring cut to its first line.

    Code that does not parse on its own (part of a function, say) is returned unchanged.
    """
    import ast
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return source
    lines = source.splitlines()
    cuts = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str) and first.end_lineno > first.lineno):
                cuts.append((first.lineno - 1, first.end_lineno, first.value.value))
    for start, end, text in sorted(cuts, reverse=True):
        indent = lines[start][:len(lines[start]) - len(lines[start].lstrip())]
        summary = text.strip().splitlines()[0].strip().replace('"""', "'''")
        lines[start:end] = [f'{indent}"""{summary}"""']
    return "\n".join(lines)


def include_code(markdown: str, src: str) -> str:
    """``markdown`` with each ``--8<-- "course_code/x.py:section"`` line replaced by that
    section (docstrings shortened), indented like the line; ``src`` names the page in errors."""
    def expand(m: re.Match) -> str:
        indent, relpath, section = m.groups()
        try:
            code = short_docstrings(code_section(relpath, section))
        except PluginError as e:
            raise PluginError(f"{src}: {e}") from None
        return "\n".join(indent + line if line else "" for line in code.splitlines())

    return CODE_INCLUDE.sub(expand, markdown)


# ---------------------------------------------------------------------- reports
def _repo(config) -> str:
    url = (config.get("repo_url") or "").rstrip("/")
    m = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?", url)
    if not m:
        raise PluginError("repo_url must be https://github.com/OWNER/NAME (the Colab links derive "
                          f"from it), got {url!r}")
    return m.group(1)


def colab_url(config, name: str) -> str:
    branch = config.get("extra", {}).get("notebooks_branch", "notebooks")
    return f"https://colab.research.google.com/github/{_repo(config)}/blob/{branch}/{name}.ipynb"


def report_links_html(config, name: str, prefix: str) -> str:
    """Download and Colab links of report ``name``; ``prefix`` leads from the page to reports/."""
    return (f'<a class="md-button" href="{prefix}{name}/{name}.ipynb" download>Download .ipynb</a> '
            f'<a class="md-button" href="{prefix}{name}.py" download>Download .py (jupytext)</a> '
            f'<a class="md-button" href="{html.escape(colab_url(config, name))}">Open in Colab</a>')


def _report_box(match: re.Match, config, page) -> str:
    indent, name = match.groups()
    if not (REPORTS / f"{name}.py").is_file():
        raise PluginError(f"{page.file.src_uri}: no report docs/reports/{name}.py")
    # A Markdown link is relative to the source file (mkdocs rewrites and checks it); raw
    # HTML is relative to the page's URL (initialization.md is served at initialization/).
    src_prefix = "../" * page.file.src_uri.count("/") + "reports/"
    url_prefix = "../" * page.url.count("/") + "reports/"
    lines = [
        '!!! example "Run it yourself: the executable report"',
        "",
        f"    The [report notebook]({src_prefix}{name}.ipynb) re-runs this page's experiment in a few "
        "seconds and compares it with the numbers above. Its first cell installs `course_code` "
        "when it is missing, so it runs as it is in Colab.",
        "",
        f"    {report_links_html(config, name, url_prefix)}",
    ]
    return "\n".join(indent + line if line else "" for line in lines)


# ---------------------------------------------------------------------- hook entry points
def on_config(config):
    _NOTEBOOK_CSS.clear()
    _NOTEBOOK_CLASSES.clear()
    _NOTEBOOK_STYLES.clear()
    _MATH_CHARS.clear()
    _json.cache_clear()  # `mkdocs serve` rebuilds: re-read what the experiments build wrote
    return config


def on_page_markdown(markdown: str, page, config, files) -> str:
    src = page.file.src_uri
    markdown = include_code(markdown, src)
    markdown = REPORT.sub(lambda m: _report_box(m, config, page), markdown)

    def metric(m: re.Match) -> str:
        try:
            return format_metric(m.group(1), m.group(2))
        except PluginError as e:
            raise PluginError(f"{src}: {e}") from None

    def claim(m: re.Match) -> str:
        negated, dotted = bool(m.group(1)), m.group(2)
        try:
            value = lookup_metric(dotted)
        except PluginError as e:
            raise PluginError(f"{src}: {e}") from None
        if not isinstance(value, bool) or value == negated:
            raise PluginError(f"{src}: the text claims {'not ' if negated else ''}{dotted}, but the "
                              f"experiment gives {value!r}: rewrite the sentence (or the experiment)")
        return ""

    markdown = METRIC.sub(metric, markdown)
    markdown = CLAIM.sub(claim, markdown)
    leftover = LEFTOVER.search(markdown)
    if leftover:
        raise PluginError(f"{src}: cannot parse placeholder {leftover.group(0)!r}; write "
                          "{{ metric NAME.key.path }}, {{ metric NAME.key :.3f }} or {{ report NAME }}")

    def with_provenance(m: re.Match) -> str:
        indent, name, _ = m.groups()
        return f"{m.group(0)}\n\n{indent}{provenance_html(name)}\n"

    return GENERATED_INCLUDE.sub(with_provenance, markdown)


def _is_report(page) -> bool:
    return page.file.src_uri.startswith("reports/") and page.file.src_uri.endswith(".ipynb")


def on_page_content(html_text: str, page, config, files) -> str:
    if not _is_report(page):
        return html_text
    name = Path(page.file.src_uri).stem
    return (f'<div class="report-links">{report_links_html(config, name, "../")}</div>\n' + html_text)


INLINE_STYLE = re.compile(r"<style type=\"text/css\">(.*?)</style>", re.DOTALL)
BIG_STYLE = 20_000  # bytes: nbconvert inlines ~570 kB of JupyterLab CSS into every notebook
_NOTEBOOK_CSS: dict[str, str] = {}     # site-relative path -> full stylesheet, written after the build
_NOTEBOOK_CLASSES: set[str] = set()    # every class the report pages use
_NOTEBOOK_STYLES: list[str] = []       # what else on those pages may read CSS variables
_MATH_CHARS: set[str] = set()          # every character inside the site's formulas
CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')
STYLE_ATTR = re.compile(r'\bstyle="([^"]*)"')


def _shared_stylesheets(output: str, page) -> str:
    """Move the notebook's big inline <style> blocks to one shared file per content.

    The file is written by :func:`on_post_build`, pruned to the rules the reports use.
    """
    prefix = "../" * page.url.count("/")

    def move(m: re.Match) -> str:
        css = m.group(1)
        if len(css) < BIG_STYLE:
            return m.group(0)
        rel = f"assets/stylesheets/jupyter-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
        _NOTEBOOK_CSS[rel] = css
        return f'<link rel="stylesheet" href="{prefix}{rel}">'

    output = INLINE_STYLE.sub(move, output)
    _NOTEBOOK_STYLES.extend(m.group(1) for m in INLINE_STYLE.finditer(output))
    _NOTEBOOK_STYLES.extend(STYLE_ATTR.findall(output))
    for names in CLASS_ATTR.findall(output):
        _NOTEBOOK_CLASSES.update(names.split())
    return output


def on_post_page(output: str, page, config) -> str:
    if _is_report(page):
        output = NB_CDN_SCRIPTS.sub("", output)
        output = _shared_stylesheets(output, page)
    output = render_math(output, page.file.src_uri)
    for formula in MATH_ELEMENT.findall(output):
        _MATH_CHARS.update(html.unescape(TAG.sub("", formula)))
    found = EXTERNAL_LOAD.search(output)
    if found:
        start = max(0, found.start() - 60)
        raise PluginError(f"{page.file.src_uri}: the page loads something from another host (the site "
                          f"must work offline): ...{output[start:found.end() + 80]}...")
    return output


def on_post_build(config) -> None:
    """Write the shared notebook stylesheets, pruned to the rules the report pages use."""
    for rel, css in _NOTEBOOK_CSS.items():
        dest = Path(config["site_dir"]) / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(prune_css(css, _NOTEBOOK_CLASSES, "\n".join(_NOTEBOOK_STYLES)), encoding="utf-8")
    subset_math_font(_MATH_CHARS, Path(config["site_dir"]) / MATH_FONT_TARGET)
