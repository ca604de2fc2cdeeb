"""MkDocs hook: the executable report notebooks and the boxes that link to them.

- ``{{ report NAME }}`` on a topic page becomes the box that links it to its executable
  report: read it on the site, download it (.ipynb, .py), or open it in Colab.
- Report pages (rendered by mkdocs-jupyter) get the same links at the top, and lose the CDN
  scripts nbconvert's template adds (MathJax 2, mermaid).
- The ~570 kB of JupyterLab CSS that nbconvert inlines into each notebook moves to one
  shared stylesheet, which the browser caches, pruned after the build to the rules the
  reports use (``site_css.py``). Both happen to the notebook's content, before the search
  plugin and the later hooks read it: they scan ~100 kB a report instead of ~700 kB.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

import site_css  # siblings in scripts/ (MkDocs puts this folder on sys.path)
from mkdocs.exceptions import PluginError
from site_cache import KeyedCache, code_version, content_key

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "docs" / "reports"
REPORT = re.compile(r"^([ \t]*)\{\{\s*report\s+(\w+)\s*\}\}[ \t]*$", re.MULTILINE)
# What nbconvert's lab template adds to a notebook: CDN MathJax 2 (an empty src when
# custom_mathjax_url is unset) and its config, and a module script that imports mermaid from
# a CDN when the notebook has diagrams (ours do not).
NB_CDN_SCRIPTS = re.compile(
    r"<script\b[^>]*\bsrc=[\"'](?:https?://[^\"']*)?[\"'][^>]*>\s*</script>"
    r"|<script type=\"text/x-mathjax-config\">.*?</script>"
    r"|<script type=\"module\">(?:(?!</script>).)*?cdnjs\.cloudflare\.com(?:(?!</script>).)*?</script>",
    re.DOTALL,
)
# A style block up to the first </style> (written out rather than as a lazy .*?, which steps
# through the ~570 kB of a notebook's CSS one character at a time: ten times slower).
INLINE_STYLE = re.compile(r"<style type=\"text/css\">([^<]*(?:<(?!/style>)[^<]*)*)</style>")
BIG_STYLE = 20_000  # bytes: nbconvert inlines ~570 kB of JupyterLab CSS into every notebook
# \bclass="..." and \bstyle="...", written to start with their text (then look back for the
# word boundary): the regex engine then jumps from one occurrence to the next, ten times faster.
CLASS_ATTR = re.compile(r'class="(?<=(?<!\w)class=")([^"]*)"')
STYLE_ATTR = re.compile(r'style="(?<=(?<!\w)style=")([^"]*)"')
_NOTEBOOK_CSS: dict[str, str] = {}     # site-relative path -> full stylesheet, written after the build
_NOTEBOOK_CLASSES: set[str] = set()    # every class the report pages use
_NOTEBOOK_STYLES: list[str] = []       # what else on those pages may read CSS variables


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
        f"    The [report notebook]({src_prefix}{name}.ipynb) starts from this page's run (the same "
        "configuration and seed, so the same numbers) and takes it further, with the code in view "
        "and variants to try. Its first cell installs `course_code` when it is missing, so it runs "
        "as it is in Colab.",
        "",
        f"    {report_links_html(config, name, url_prefix)}",
    ]
    return "\n".join(indent + line if line else "" for line in lines)


def _is_report(page) -> bool:
    return page.file.src_uri.startswith("reports/") and page.file.src_uri.endswith(".ipynb")


def _shared_stylesheets(content: str, page) -> str:
    """Move the notebook's big inline <style> blocks to one shared file per content
    (written by :func:`on_post_build`, pruned to the rules the reports use)."""
    prefix = "../" * page.url.count("/")

    def move(m: re.Match) -> str:
        css = m.group(1)
        if len(css) < BIG_STYLE:
            return m.group(0)
        rel = f"assets/stylesheets/jupyter-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
        _NOTEBOOK_CSS[rel] = css
        return f'<link rel="stylesheet" href="{prefix}{rel}">'

    return INLINE_STYLE.sub(move, content)


def _record_styling(output: str) -> None:
    """Note the classes and inline styles of a built report page (what the pruning keeps)."""
    _NOTEBOOK_STYLES.extend(m.group(1) for m in INLINE_STYLE.finditer(output))
    _NOTEBOOK_STYLES.extend(STYLE_ATTR.findall(output))
    for names in CLASS_ATTR.findall(output):
        _NOTEBOOK_CLASSES.update(names.split())


def on_config(config):
    _NOTEBOOK_CSS.clear()
    _NOTEBOOK_CLASSES.clear()
    _NOTEBOOK_STYLES.clear()
    return config


def on_page_markdown(markdown: str, page, config, files) -> str:
    return REPORT.sub(lambda m: _report_box(m, config, page), markdown)


def on_page_content(html_text: str, page, config, files) -> str:
    if not _is_report(page):
        return html_text
    name = Path(page.file.src_uri).stem
    html_text = _shared_stylesheets(NB_CDN_SCRIPTS.sub("", html_text), page)
    return f'<div class="report-links">{report_links_html(config, name, "../")}</div>\n' + html_text


def on_post_page(output: str, page, config) -> str:
    if _is_report(page):
        _record_styling(output)
    return output


def on_post_build(config) -> None:
    """Write the shared notebook stylesheets, pruned to the rules the report pages use.

    The pruning parses ~570 kB of CSS; its result is kept for the next build with the same
    stylesheet, classes and inline styles (``site_cache.py``).
    """
    cache = KeyedCache("pruned-css", code_version(site_css.__file__, distributions=("tinycss2",)))
    styles = "\n".join(_NOTEBOOK_STYLES)
    for rel, css in _NOTEBOOK_CSS.items():
        key = content_key(css, " ".join(sorted(_NOTEBOOK_CLASSES)), styles)
        pruned = cache.get(key)
        if pruned is None:
            pruned = site_css.prune_css(css, _NOTEBOOK_CLASSES, styles)
            cache.put(key, pruned)
        dest = Path(config["site_dir"]) / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(pruned, encoding="utf-8")
    cache.save()
