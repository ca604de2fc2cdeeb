"""MkDocs hooks of the course site (registered in mkdocs.yml under ``hooks:``).

What they do, in build order:

- ``{{ metric NAME.key.path }}`` and ``{{ metric NAME.key.path :FORMAT }}`` in a page are
  replaced by the number in ``docs/generated/NAME/metrics.json`` (``FORMAT`` is a Python
  format spec such as ``.1%`` or ``.3f``). An unknown experiment or key fails the build
  with the keys that do exist, so prose can never quote a number the run did not produce.
- Every include of a generated figure or table (``--8<-- "docs/generated/NAME/x.md"``) gets
  a provenance line under it, written from ``provenance.json``: seed, config, short code
  hash, run time and NumPy version.
- ``{{ report NAME }}`` becomes the box that links a topic page to its executable report:
  read it on the site, download it (.ipynb, .py), or open it in Colab.
- Report pages (rendered by mkdocs-jupyter) get the same links at the top, and lose the
  CDN scripts nbconvert's template adds (MathJax 2, mermaid): the site's own MathJax
  typesets them. The ~570 kB of JupyterLab CSS that nbconvert inlines into each notebook
  moves to one shared stylesheet, which the browser caches.
- After the build, MathJax 3 (from the ``django-static-mathjax`` wheel on PyPI: plain static
  files, no Django needed) is copied into ``site/assets/mathjax/``, and every page is checked
  to load nothing from another host.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
from functools import cache
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "docs" / "generated"
REPORTS = ROOT / "docs" / "reports"

# Key segments may hold letters, digits, _, -, / and parentheses (e.g. readings.per_epoch/late).
METRIC = re.compile(r"\{\{\s*metric\s+([A-Za-z_][\w./()-]*)\s*(?::\s*([^}\s][^}]*?))?\s*\}\}")
REPORT = re.compile(r"^([ \t]*)\{\{\s*report\s+(\w+)\s*\}\}[ \t]*$", re.MULTILINE)
GENERATED_INCLUDE = re.compile(r'^([ \t]*)--8<--\s+"docs/generated/(\w+)/([\w-]+)\.md"[ \t]*$', re.MULTILINE)
LEFTOVER = re.compile(r"\{\{\s*(metric|report)\b[^}]*\}\}")

# MathJax 3 components the pages load (see docs/javascripts/mathjax.js): the loader, the
# core, TeX input (with its on-demand extensions) and CommonHTML output with its fonts.
MATHJAX_FILES = ("startup.js", "core.js", "input/tex.js", "input/tex/extensions/*.js",
                 "output/chtml.js", "output/chtml/fonts/tex.js", "output/chtml/fonts/woff-v2/*.woff")
MATHJAX_TARGET = "assets/mathjax"

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


def provenance_html(name: str) -> str:
    """One line saying how the figures of experiment ``name`` were produced."""
    p = _json(name, "provenance")
    config = ", ".join(f"{k}={_short(v)}" for k, v in sorted(p["config"].items()))
    numpy = p.get("versions", {}).get("numpy", "?")
    return (f'<p class="provenance">Produced by <code>python -m course_code run {html.escape(name)}</code>'
            f' · seed {p["seed"]} · code <code title="{html.escape(p["code"])}">{p["code"][:8]}</code>'
            f' · {p["seconds"]:g} s · NumPy {html.escape(numpy)}<br>'
            f'<span class="provenance-config">config: {html.escape(config)}</span></p>')


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
    _json.cache_clear()  # `mkdocs serve` rebuilds: re-read what the experiments build wrote
    return config


def on_page_markdown(markdown: str, page, config, files) -> str:
    src = page.file.src_uri
    markdown = REPORT.sub(lambda m: _report_box(m, config, page), markdown)

    def metric(m: re.Match) -> str:
        try:
            return format_metric(m.group(1), m.group(2))
        except PluginError as e:
            raise PluginError(f"{src}: {e}") from None

    markdown = METRIC.sub(metric, markdown)
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


def _shared_stylesheets(output: str, page, config) -> str:
    """Move the notebook's big inline <style> blocks to one cached file per content."""
    prefix = "../" * page.url.count("/")

    def move(m: re.Match) -> str:
        css = m.group(1)
        if len(css) < BIG_STYLE:
            return m.group(0)
        digest = hashlib.sha256(css.encode()).hexdigest()[:12]
        rel = f"assets/stylesheets/jupyter-{digest}.css"
        dest = Path(config["site_dir"]) / rel
        if not dest.is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(css, encoding="utf-8")
        return f'<link rel="stylesheet" href="{prefix}{rel}">'

    return INLINE_STYLE.sub(move, output)


def on_post_page(output: str, page, config) -> str:
    if _is_report(page):
        output = NB_CDN_SCRIPTS.sub("", output)
        output = _shared_stylesheets(output, page, config)
    found = EXTERNAL_LOAD.search(output)
    if found:
        start = max(0, found.start() - 60)
        raise PluginError(f"{page.file.src_uri}: the page loads something from another host (the site "
                          f"must work offline): ...{output[start:found.end() + 80]}...")
    return output


def mathjax_source() -> Path:
    try:
        import mathjax  # the django-static-mathjax wheel: mathjax/static/mathjax/es5/...
    except ImportError:
        raise PluginError("MathJax is missing: install the docs extra (pip install -e '.[docs]', "
                          "which brings django-static-mathjax) or run `make site`") from None
    es5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (es5 / "startup.js").is_file():
        raise PluginError(f"no MathJax 3 es5 build in {es5}")
    return es5


def on_post_build(config) -> None:
    es5 = mathjax_source()
    target = Path(config["site_dir"]) / MATHJAX_TARGET
    copied = 0
    for pattern in MATHJAX_FILES:
        matches = sorted(es5.glob(pattern))
        if not matches:
            raise PluginError(f"MathJax file(s) {pattern} not found in {es5}")
        for src in matches:
            dest = target / src.relative_to(es5)
            dest.parent.mkdir(parents=True, exist_ok=True)
            if not dest.is_file() or dest.stat().st_size != src.stat().st_size:
                shutil.copyfile(src, dest)
                copied += 1
    license_file = es5.parent / "LICENSE"
    if license_file.is_file():
        shutil.copyfile(license_file, target / "LICENSE")
