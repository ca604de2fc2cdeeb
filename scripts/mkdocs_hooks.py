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
  browser caches, pruned after the build to the rules the reports use (~10x smaller).
- Every formula, in pages and in reports, is converted to MathML at build time
  (``latex2mathml``): browsers render MathML natively, so no page loads a math library.
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

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "docs" / "generated"
CACHE = ROOT / ".cache" / "experiments"  # course_code.build's default cache
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


def _run_time(name: str, key: str | None) -> str:
    """The " · ran in 1.2 s" part of a provenance line, from the cache entry that produced
    the files (the run time is a measurement, kept out of docs/generated so that two builds
    publish identical files), or "" when unknown."""
    try:
        seconds = json.loads((CACHE / name / str(key) / "timing.json").read_text())["seconds"]
    except (OSError, ValueError, KeyError):
        return ""
    return f' · <span class="run-time" data-search-exclude>ran in {float(seconds):g} s</span>'


def provenance_html(name: str) -> str:
    """One line saying how the figures of experiment ``name`` were produced."""
    p = _json(name, "provenance")
    config = ", ".join(f"{k}={_short(v)}" for k, v in sorted(p["config"].items()))
    numpy = p.get("versions", {}).get("numpy", "?")
    return (f'<p class="provenance">Produced by <code>python -m course_code run {html.escape(name)}</code>'
            f' · seed {p["seed"]} · code <code title="{html.escape(p["code"])}">{p["code"][:8]}</code>'
            f'{_run_time(name, p.get("key"))} · NumPy {html.escape(numpy)}<br>'
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


FUNCTIONAL_PSEUDO = re.compile(r":(?:not|is|where|has)\([^()]*\)")
CSS_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")


VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")


def prune_css(css: str, used: set[str], extra_text: str = "") -> str:
    """``css`` without the rules whose selectors need a class no page uses.

    A selector is kept when every class it names (outside ``:not()``, ``:is()``...) is in
    ``used`` (so element, attribute and ``:root`` rules, which hold the theme's variables,
    always stay); a rule is kept when one of its selectors is. At-rules are kept, with the
    rules inside ``@media`` pruned.
    Then custom properties (``--x: ...``) that nothing reads with ``var(--x)``, in the kept
    rules or in ``extra_text`` (the pages' own inline styles), are dropped too.
    """
    import tinycss2  # the docs extra; nbconvert depends on it too

    def keep(selector: str) -> bool:
        # Classes inside :not(), :is(), :where(), :has() are not all required (.a:not(.b)
        # matches without .b; :is(.a, .b) needs one of them): such selectors are kept.
        return all(c in used for c in CSS_CLASS.findall(FUNCTIONAL_PSEUDO.sub("", selector)))

    def selectors_of(prelude) -> list[str]:
        selectors, current = [], []  # split at top-level commas only (not in :is(a, b))
        for token in [*prelude, None]:
            if token is None or (token.type == "literal" and token.value == ","):
                selectors.append(tinycss2.serialize(current).strip())
                current = []
            else:
                current.append(token)
        return selectors

    def tree(rules) -> list:
        out = []
        for rule in rules:
            if rule.type == "qualified-rule":
                kept = [x for x in selectors_of(rule.prelude) if keep(x)]
                if kept:
                    decls = [d for d in tinycss2.parse_declaration_list(
                        rule.content, skip_comments=True, skip_whitespace=True) if d.type == "declaration"]
                    out.append((",".join(kept), decls))
            elif rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content:
                inner = tree(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
                if inner:
                    out.append((f"@media {tinycss2.serialize(rule.prelude).strip()}", inner))
            elif rule.type == "at-rule":
                out.append(tinycss2.serialize([rule]).strip())
        return out

    def text(items, wanted) -> str:
        lines = []
        for item in items:
            if isinstance(item, str):
                lines.append(item)
                continue
            head, body = item
            if head.startswith("@media"):
                inner = text(body, wanted)
                if inner:
                    lines.append(f"{head}{{{inner}}}")
                continue
            decls = [f"{d.name}:{tinycss2.serialize(d.value).strip()}{'!important' if d.important else ''}"
                     for d in body if wanted is None or not d.name.startswith("--") or d.name in wanted]
            if decls:
                lines.append(f"{head}{{{';'.join(decls)}}}")
        return "\n".join(lines)

    items = tree(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    wanted, out = None, text(items, None)
    while True:  # a dropped variable may have been the only reader of another
        now = set(VAR_USE.findall(out)) | set(VAR_USE.findall(extra_text))
        if now == wanted:
            return out + "\n"
        wanted, out = now, text(items, now)


# ---------------------------------------------------------------------- math at build time
# Formulas are turned into MathML when the site is built, so pages load no math library:
# every current browser renders MathML. pymdownx.arithmatex (generic mode) leaves \( \) and
# \[ \] in .arithmatex elements; notebook Markdown cells keep $ $ and $$ $$.
ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.DOTALL)
NB_MARKDOWN = re.compile(r'(<div class="[^"]*\bjp-MarkdownOutput\b[^"]*"[^>]*>)(.*?)(</div>)', re.DOTALL)
NB_CODE = re.compile(r"(<(code|pre)\b.*?</\2>)", re.DOTALL)
NB_MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$\w])\$(?=\S)([^$]+?)(?<=\S)\$(?![\w$])", re.DOTALL)
ALIGNED = re.compile(r"^\s*\\begin\{aligned\}(.*)\\end\{aligned\}\s*$", re.DOTALL)
MATH_TAG = re.compile(r"^<math[^>]*>(.*)</math>$", re.DOTALL)


def _split_top(tex: str, sep: str) -> list[str]:
    """Split ``tex`` at ``sep`` outside braces."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(tex):
        if tex[i] == "\\" and not tex.startswith(sep, i):
            i += 2
            continue
        if tex[i] == "{":
            depth += 1
        elif tex[i] == "}":
            depth -= 1
        elif depth == 0 and tex.startswith(sep, i):
            parts.append(tex[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    return [*parts, tex[start:]]


# Delimiters written as the characters themselves: latex2mathml sizes `\big‖` but passes
# `\big\lVert` through as text.
TEX_SYNONYMS = {r"\lVert": "\u2016", r"\rVert": "\u2016", r"\Vert": "\u2016", r"\|": "\u2016",
                r"\lvert": "|", r"\rvert": "|", r"\vert": "|"}
TEX_SYNONYM = re.compile("|".join(re.escape(k) + ("(?![A-Za-z])" if k[-1].isalpha() else "")
                                   for k in TEX_SYNONYMS))


FUNCTION_NAME = re.compile(r"""
    \\(?:log|ln|exp|sin|cos|tanh|max|min)(?![A-Za-z])  # a function name, not a prefix (\lnot)
    (?=\s*[A-Za-z0-9]                                  # followed by an argument: a letter or digit,
      |\s*\\(?!left|right|big|Big|bigg|Bigg|[,;!]|quad|qquad))  # or a symbol, not a bracket
    """, re.VERBOSE)


def _mathml_inner(tex: str, display: bool) -> str:
    from latex2mathml.converter import convert

    tex = TEX_SYNONYM.sub(lambda m: TEX_SYNONYMS[m.group(0)], tex)
    tex = FUNCTION_NAME.sub(r"\g<0>\\,", tex)  # "\log a" gets LaTeX's thin space, "\log(a)" none

    unescaped = re.sub(r"\\[{}\\]", "", tex)
    if unescaped.count("{") != unescaped.count("}"):
        raise ValueError("unbalanced braces")
    # Display mode puts the limits of sums under and over them.
    inner = MATH_TAG.match(convert(tex, display="block" if display else "inline")).group(1)
    leftover = re.search(r">[^<]*\\[A-Za-z]*", inner)  # latex2mathml passes unknown commands through
    if leftover:
        raise ValueError(f"unsupported command {leftover.group(0)[1:]!r}")
    return inner


def _aligned_cell(cell: str, column: int) -> str:
    # Odd columns start after an &, e.g. "&= x": {} gives the relation its spacing.
    if not cell.strip():
        return "<mtd></mtd>"
    return f'<mtd displaystyle="true">{_mathml_inner(("{}" if column % 2 else "") + cell, True)}</mtd>'


def tex_to_mathml(tex: str, *, display: bool) -> str:
    """MathML for the TeX formula ``tex``.

    ``aligned`` environments become a table whose columns alternate right and left
    alignment, as in LaTeX (the stylesheet aligns ``mtable.aligned`` cells).
    """
    tex = tex.strip()
    aligned = ALIGNED.match(tex)
    if aligned:
        rows = [r for r in _split_top(aligned.group(1), "\\\\") if r.strip()]
        body = "".join("<mtr>" + "".join(_aligned_cell(cell, j) for j, cell in
                                         enumerate(_split_top(row, "&"))) + "</mtr>" for row in rows)
        inner = f'<mtable class="aligned">{body}</mtable>'
    else:
        inner = _mathml_inner(tex, display)
    mode = "block" if display else "inline"
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML" display="{mode}">{inner}</math>'


def _convert(tex: str, display: bool, where: str) -> str:
    try:
        return tex_to_mathml(html.unescape(tex), display=display)
    except Exception as e:  # latex2mathml raises many types; name the formula
        raise PluginError(f"{where}: cannot convert the formula {tex.strip()!r} to MathML: "
                          f"{type(e).__name__}: {e}") from None


def render_math(output: str, where: str) -> str:
    """Replace the TeX formulas of a built page by MathML (see the section comment)."""
    def arithmatex(m: re.Match) -> str:
        tag, tex = m.groups()
        display = tag == "div"
        tex = tex.strip()
        tex = tex[2:-2] if tex[:2] in ("\\(", "\\[") else tex
        return f'<{tag} class="arithmatex">{_convert(tex, display, where)}</{tag}>'

    def markdown_cell(m: re.Match) -> str:
        def text(part: str) -> str:
            return NB_MATH.sub(lambda f: _convert(f.group(1) or f.group(2), f.group(1) is not None,
                                                  where), part)
        out, i = [], 0  # code spans keep their dollars
        for code in NB_CODE.finditer(m.group(2)):
            out += [text(m.group(2)[i:code.start()]), code.group(0)]
            i = code.end()
        out.append(text(m.group(2)[i:]))
        return m.group(1) + "".join(out) + m.group(3)

    output = ARITHMATEX.sub(arithmatex, output)
    return NB_MARKDOWN.sub(markdown_cell, output)


# The formulas' font: STIX Two Math (SIL Open Font License), which has the OpenType MATH
# table browsers need to lay out MathML well (stretchy brackets, radicals, fraction rules).
# It comes from the npm registry (the @fontsource package) at build time, checked against
# the registry's sha512, cached in .cache/fonts/, and subset to the characters the site's
# formulas use: ~25 kB instead of 400 kB.
MATH_FONT_URL = "https://registry.npmjs.org/@fontsource/stix-two-math/-/stix-two-math-5.3.0.tgz"
MATH_FONT_SHA512 = ("9de8287a8cf0e954978d9328cf02914a6fdd842413eb672c65cb9e6bd23c298a8f699abff0a6db04"
                    "1ac0d3664717b032b91e6654c2ffa7eab46f016e4887f619")
MATH_FONT_MEMBER = "package/files/stix-two-math-latin-400-normal.woff2"
MATH_FONT_TARGET = "assets/fonts/math.woff2"
MATH_FONT_CACHE = ROOT / ".cache" / "fonts" / "stix-two-math-5.3.0.tgz"
_MATH_CHARS: set[str] = set()  # every character inside the site's formulas
MATH_ELEMENT = re.compile(r"<math\b.*?</math>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def math_font_archive() -> Path:
    """The font package, downloaded once from the npm registry and checked."""
    if not MATH_FONT_CACHE.is_file():
        import urllib.request

        try:
            with urllib.request.urlopen(MATH_FONT_URL, timeout=60) as response:
                data = response.read()
        except OSError as e:
            raise PluginError(f"cannot download the math font {MATH_FONT_URL}: {e}; on a machine without "
                              f"network access, put that file at {MATH_FONT_CACHE}") from None
        digest = hashlib.sha512(data).hexdigest()
        if digest != MATH_FONT_SHA512:
            raise PluginError(f"{MATH_FONT_URL} has sha512 {digest}, expected {MATH_FONT_SHA512}")
        MATH_FONT_CACHE.parent.mkdir(parents=True, exist_ok=True)
        partial = MATH_FONT_CACHE.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(MATH_FONT_CACHE)
    return MATH_FONT_CACHE


def _math_variants(font, glyphs: set[str]) -> set[str]:
    """The bigger sizes and the assembly parts the MATH table gives ``glyphs`` (the parts
    of a stretched brace or radical): fontTools' subsetter does not follow them."""
    variants = font["MATH"].table.MathVariants
    found = set()
    for coverage, constructions in ((variants.VertGlyphCoverage, variants.VertGlyphConstruction),
                                    (variants.HorizGlyphCoverage, variants.HorizGlyphConstruction)):
        for name, construction in zip(coverage.glyphs if coverage else [], constructions or [], strict=True):
            if name in glyphs:
                found.update(v.VariantGlyph for v in construction.MathGlyphVariantRecord)
                if construction.GlyphAssembly:
                    found.update(p.glyph for p in construction.GlyphAssembly.PartRecords)
    return found


def subset_math_font(chars: set[str], dest: Path) -> None:
    """Write the math font, cut down to ``chars`` (and their MATH variants), as WOFF2."""
    import io
    import tarfile

    from fontTools import subset
    from fontTools.ttLib import TTFont

    with tarfile.open(math_font_archive()) as archive:
        font = TTFont(io.BytesIO(archive.extractfile(MATH_FONT_MEMBER).read()), recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    # ASCII, and the glyphs MathML draws without a character in the text: the radical of
    # <msqrt>, and the stretchy brackets and bars.
    drawn = set(range(0x20, 0x7F)) | {0x221A, 0x221B, 0x2016, 0x2223, 0x2225, 0x2212, 0x23DE, 0x23DF}
    cmap = font.getBestCmap()
    glyphs = {cmap[u] for u in {ord(c) for c in chars} | drawn if u in cmap}
    subsetter.populate(glyphs=glyphs | _math_variants(font, glyphs))
    subsetter.subset(font)
    dest.parent.mkdir(parents=True, exist_ok=True)
    font.save(dest, reorderTables=True)


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
