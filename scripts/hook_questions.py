"""MkDocs hook: self-check questions written in a page's Markdown, graded in the browser.

A question is a fenced block of kind ``question`` holding a small YAML mapping::

    ```question
    kind: numeric
    prompt: What test accuracy did He initialization reach?
    answer: initialization.he.test_accuracy    # a metric, looked up like {{ metric ... }}
    tolerance: 0.01                            # absolute; or "5%" for relative
    format: .2f                                # optional: how the answer is shown once graded
    ```

    ```question
    kind: choice
    prompt: Why does zero initialization fail?
    options:
      - text: Every hidden unit computes the same function.
        correct: true
        why: The gradients are identical, so the units stay identical.
      - text: The learning rate is too small.
        why: No learning rate breaks the symmetry.
    ```

The block becomes a ``<form class="question">``: the prompt, the tolerance (numeric questions)
and the options are plain text; the answer and every explanation travel base64-encoded in
``data-q`` so they are neither in the page's text nor in the search index until
``docs/javascripts/questions.js`` grades an answer. The build fails, naming page and question,
on an unknown metric, a choice question without exactly one correct option or without an
explanation for every option, a missing or bad tolerance, or a number typed into a prompt, an
option or an explanation (results come from metrics only; see ``prose_numbers.py``).
"""

from __future__ import annotations

import base64
import html
import json
import re

import yaml
from hook_placeholders import format_metric, lookup_metric  # siblings in scripts/
from mkdocs.exceptions import PluginError
from prose_numbers import typed_numbers

# The safe loader in C when PyYAML has it (libyaml): the same documents, read ten times faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FENCE = re.compile(r"^```question[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
CODE = re.compile(r"`([^`\n]+)`")
TOLERANCE = re.compile(r"^\s*([0-9.eE+-]+)\s*(%?)\s*$")


class QuestionError(ValueError):
    """A question block that cannot be built; the message names the page and the question."""


def _inline(text: str) -> str:
    """Escaped text with `code` spans, the only markup a prompt or an option needs."""
    return CODE.sub(lambda m: f"<code>{m.group(1)}</code>", html.escape(str(text).strip(), quote=False))


def _check_text(text: str, where: str) -> None:
    found = typed_numbers(str(text))
    if found:
        raise QuestionError(f"{where}: numbers typed into the text {[n for _, n, _ in found]}: "
                            "a result must come from the answer's metric")


def parse(block: str, where: str) -> dict:
    """The question in a block's YAML text as a dict ready to render; ``where`` names it in errors."""
    try:
        data = yaml.load(block, Loader=SAFE_LOADER)
    except yaml.YAMLError as e:
        raise QuestionError(f"{where}: not valid YAML: {e}") from None
    if not isinstance(data, dict):
        raise QuestionError(f"{where}: expected a mapping with kind, prompt, ...")
    prompt = data.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise QuestionError(f"{where}: missing prompt")
    where = f"{where} ({prompt.strip()[:50]!r})"
    _check_text(prompt, where)
    kind = data.get("kind")
    if kind == "numeric":
        return _numeric(data, where)
    if kind == "choice":
        return _choice(data, where)
    raise QuestionError(f"{where}: kind must be 'numeric' or 'choice', not {kind!r}")


def _numeric(data: dict, where: str) -> dict:
    unknown = set(data) - {"kind", "prompt", "answer", "tolerance", "format", "unit"}
    if unknown:
        raise QuestionError(f"{where}: unknown field(s) {sorted(unknown)}")
    dotted = data.get("answer")
    if not isinstance(dotted, str):
        raise QuestionError(f"{where}: answer must name a metric (topic.key.path), got {dotted!r}")
    try:
        value = lookup_metric(dotted)
    except PluginError as e:
        raise QuestionError(f"{where}: {e}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise QuestionError(f"{where}: metric {dotted!r} is {value!r}, not a number")
    m = TOLERANCE.match(str(data.get("tolerance", "")))
    try:
        amount = float(m.group(1)) if m else -1.0
    except ValueError:
        amount = -1.0
    if amount <= 0:
        raise QuestionError(f"{where}: tolerance must be a positive number (absolute) or a "
                            f"percentage such as '5%' (relative), got {data.get('tolerance')!r}")
    relative = bool(m.group(2))
    spec = data.get("format")
    try:
        shown = format_metric(dotted, str(spec) if spec is not None else None)
    except PluginError as e:
        raise QuestionError(f"{where}: {e}") from None
    unit = str(data.get("unit", "")).strip()
    _check_text(unit, where)
    tol = amount / 100 if relative else amount
    text = (f"within {amount:g}% of the answer" if relative else f"within ±{amount:g} of the answer")
    return {"kind": "numeric", "prompt": data["prompt"], "tolerance_text": text, "unit": unit,
            "secret": {"value": float(value), "tol": tol, "rel": relative, "shown": shown}}


def _choice(data: dict, where: str) -> dict:
    unknown = set(data) - {"kind", "prompt", "options"}
    if unknown:
        raise QuestionError(f"{where}: unknown field(s) {sorted(unknown)}")
    options = data.get("options")
    if not isinstance(options, list) or len(options) < 2:
        raise QuestionError(f"{where}: options must be a list of at least two")
    texts, whys, right = [], [], []
    for i, option in enumerate(options, 1):
        if not isinstance(option, dict) or not str(option.get("text", "")).strip():
            raise QuestionError(f"{where}: option {i} needs a text")
        why = option.get("why")
        if not isinstance(why, str) or not why.strip():
            raise QuestionError(f"{where}: option {i} ({option['text']!r}) has no explanation (why)")
        unknown = set(option) - {"text", "correct", "why"}
        if unknown:
            raise QuestionError(f"{where}: option {i}: unknown field(s) {sorted(unknown)}")
        _check_text(option["text"], f"{where} option {i}")
        _check_text(why, f"{where} option {i} explanation")
        texts.append(str(option["text"]))
        whys.append(_inline(why))
        if option.get("correct") is True:
            right.append(i - 1)
    if len(right) != 1:
        raise QuestionError(f"{where}: exactly one option must be correct: true, found {len(right)}")
    return {"kind": "choice", "prompt": data["prompt"], "options": texts,
            "secret": {"right": right[0], "why": whys}}


def _encode(secret: dict) -> str:
    return base64.b64encode(json.dumps(secret).encode("utf-8")).decode("ascii")


def render(q: dict, qid: str) -> str:
    """The question as one HTML block (no blank lines, so Markdown leaves it alone)."""
    legend = f'<legend class="question-prompt">{_inline(q["prompt"])}</legend>'
    if q["kind"] == "numeric":
        unit = f' <span class="question-unit">{html.escape(q["unit"])}</span>' if q["unit"] else ""
        body = (f'<p class="question-tolerance" id="{qid}-tol">'
                f'Answers {q["tolerance_text"]} count as right.</p>'
                f'<label class="question-label" for="{qid}-input">Your answer</label> '
                f'<input class="question-input" id="{qid}-input" type="text" inputmode="decimal" '
                f'autocomplete="off" spellcheck="false" aria-describedby="{qid}-tol">{unit}')
    else:
        body = "".join(
            f'<label class="question-option"><input type="radio" name="{qid}" value="{i}"> '
            f'<span>{_inline(text)}</span></label>' for i, text in enumerate(q["options"]))
    return (f'<form class="question question-{q["kind"]}" id="{qid}" data-q="{_encode(q["secret"])}" '
            f'data-search-exclude novalidate><fieldset>{legend}{body}'
            f'<div class="question-actions">'
            f'<button type="submit" class="md-button question-check">Check</button>'
            f'</div><div class="question-result" role="status" aria-live="polite"></div></fieldset></form>')


def questions(markdown: str, src: str) -> tuple[str, int]:
    """``markdown`` with its question blocks rendered, and how many there were."""
    slug = re.sub(r"\W+", "-", src.removesuffix(".md")).strip("-")
    count = 0

    def one(m: re.Match) -> str:
        nonlocal count
        count += 1
        try:
            q = parse(m.group(1), f"{src}: question {count}")
        except QuestionError as e:
            raise PluginError(str(e)) from None
        return render(q, f"q-{slug}-{count}")

    return FENCE.sub(one, markdown), count


def on_page_markdown(markdown: str, page, config, files) -> str:
    return questions(markdown, page.file.src_uri)[0]
