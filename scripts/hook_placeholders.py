"""MkDocs hook: the numbers and claims a page quotes from the build, and provenance lines.

- ``{{ metric NAME.key.path }}`` and ``{{ metric NAME.key.path :FORMAT }}`` are replaced by the
  number in topic NAME's ``metrics.json`` (``FORMAT`` is a Python format spec such as ``.1%``).
  An unknown topic or key fails the build and lists the keys that exist, so prose can never
  quote a number the run did not produce.
- ``{{ claim NAME.key.path }}`` (or ``{{ claim not ... }}``) prints nothing but fails the build
  unless that metric is the boolean true (false): the sentence next to it states a finding,
  and the build checks that the experiment still finds it.
- Numbers typed into a page's prose fail the build (``prose_numbers.py`` says what counts as
  prose and what is allowed): a result reaches a page only through a metric.
- Every include of a generated figure or table (``--8<-- "docs/generated/NAME/x.md"``) gets a
  provenance line under it: seed, config, short code hash, NumPy version, run time.

Where the files are is asked of the build (:mod:`course_code.build.publish`).
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from pathlib import Path

import prose_numbers  # siblings in scripts/ (MkDocs puts the folder on sys.path)
from mkdocs.exceptions import PluginError
from prose_numbers import typed_numbers
from site_cache import KeyedCache, code_version, content_key

from course_code.build.publish import generated_dir, topic_run_seconds

ROOT = Path(__file__).resolve().parent.parent
NAME = r"[A-Za-z_][\w./()-]*"  # key segments: letters, digits, _, -, / and () (readings.per_epoch/late)
METRIC = re.compile(r"\{\{\s*metric\s+(" + NAME + r")\s*(?::\s*([^}\s][^}]*?))?\s*\}\}")
CLAIM = re.compile(r"\{\{\s*claim\s+(not\s+)?(" + NAME + r")\s*\}\}")
LEFTOVER = re.compile(r"\{\{\s*(metric|claim)\b[^}]*\}\}")
GENERATED_INCLUDE = re.compile(r'^([ \t]*)--8<--\s+"docs/generated/(\w+)/([\w-]+)\.md"[ \t]*$', re.MULTILINE)


@cache
def _json(name: str, kind: str, root: Path | None = None) -> dict:
    root = ROOT if root is None else root  # looked up at call time (the tests move ROOT)
    path = generated_dir(name, root) / f"{kind}.json"
    if not path.is_file():
        folder = generated_dir("", root)
        known = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
        raise PluginError(f"{path.relative_to(root)} does not exist: run `make site` (or "
                          f"scripts/build_experiments.py) first; generated experiments: {known or 'none'}")
    return json.loads(path.read_text(encoding="utf-8"))


def lookup_metric(dotted: str, root: Path | None = None):
    """The value at ``NAME.key.path`` of topic NAME's ``metrics.json`` (under ``root``)."""
    name, *path = dotted.split(".")
    value = _json(name, "metrics", root)
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
    seconds = topic_run_seconds(name, ROOT)  # a measurement, kept out of the published files
    run_time = "" if seconds is None else \
        f' · <span class="run-time" data-search-exclude>ran in {float(seconds):g} s</span>'
    return (f'<p class="provenance">Produced by <code>python -m course_code run {html.escape(name)}</code>'
            f' · seed {p["seed"]} · code <code title="{html.escape(p["code"])}">{p["code"][:8]}</code>'
            f'{run_time} · NumPy {html.escape(numpy)}<br>'
            f'<span class="provenance-config">config: {html.escape(config)}</span></p>')


def claim_error(match: re.Match, root: Path | None = None) -> str | None:
    """None when the claim ``match`` (of :data:`CLAIM`) holds in the build under ``root``; else
    what is wrong. An unknown metric raises :class:`PluginError`."""
    negated, dotted = bool(match.group(1)), match.group(2)
    value = lookup_metric(dotted, root)
    if isinstance(value, bool) and value != negated:
        return None
    return f"the text claims {'not ' if negated else ''}{dotted}, but the experiment gives {value!r}"


def placeholders(markdown: str, src: str) -> str:
    """``markdown`` with its metrics filled in, its claims checked and removed; ``src`` names the page."""
    def metric(m: re.Match) -> str:
        try:
            return format_metric(m.group(1), m.group(2))
        except PluginError as e:
            raise PluginError(f"{src}: {e}") from None

    def claim(m: re.Match) -> str:
        try:
            wrong = claim_error(m)
        except PluginError as e:
            raise PluginError(f"{src}: {e}") from None
        if wrong:
            raise PluginError(f"{src}: {wrong}: rewrite the sentence (or the experiment)")
        return ""

    markdown = CLAIM.sub(claim, METRIC.sub(metric, markdown))
    leftover = LEFTOVER.search(markdown)
    if leftover:
        raise PluginError(f"{src}: cannot parse placeholder {leftover.group(0)!r}; write "
                          "{{ metric NAME.key.path }}, {{ metric NAME.key :.3f }} or {{ claim NAME.key }}")
    return markdown


_PROSE: list[KeyedCache] = []  # each page's typed numbers (none, in a build that passed), by its text


def on_config(config):
    _json.cache_clear()  # `mkdocs serve` rebuilds: re-read what the experiments build wrote
    _PROSE[:] = [KeyedCache("prose-numbers", code_version(prose_numbers.__file__))]
    return config


def check_prose(markdown: str, src: str, cache: KeyedCache | None = None) -> None:
    """Fail the build, listing them, if numbers were typed into the page's prose.

    With a ``cache``, a text already checked by the last build is not read again.
    """
    key = content_key(markdown)
    found = cache.get(key) if cache is not None else None
    if found is None:
        found = typed_numbers(markdown)
        if cache is not None:
            cache.put(key, found)
    if found:
        lines = "\n".join(f"  line {line}: {number!r} in: {text[:100]}" for line, number, text in found)
        raise PluginError(f"{src}: numbers typed into the prose (quote results with {{{{ metric ... }}}}, "
                          f"write a derivation in math; see scripts/prose_numbers.py):\n{lines}")


def on_page_markdown(markdown: str, page, config, files) -> str:
    if page.file.src_uri.endswith(".md"):
        check_prose(markdown, page.file.src_uri, _PROSE[0] if _PROSE else None)
    markdown = placeholders(markdown, page.file.src_uri)

    def with_provenance(m: re.Match) -> str:
        indent, name, _ = m.groups()
        return f"{m.group(0)}\n\n{indent}{provenance_html(name)}\n"

    return GENERATED_INCLUDE.sub(with_provenance, markdown)


def on_post_build(config) -> None:
    if _PROSE:
        _PROSE[0].save()
