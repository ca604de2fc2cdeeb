"""The self-check questions hook (scripts/hook_questions.py): parsing, rendering and its errors."""

import base64
import json
import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs")
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))  # as MkDocs does: the hooks import their siblings
import hook_placeholders  # noqa: E402
import hook_questions as hq  # noqa: E402

NUMERIC = """```question
kind: numeric
prompt: "What accuracy did the `demo` run reach?"
answer: demo.acc
tolerance: {tol}
format: .2f
```
"""

CHOICE = """```question
kind: choice
prompt: Which is right?
options:
  - text: This one
    correct: true
    why: Because it is.
  - text: That one
    why: Because it is not.
```
"""


@pytest.fixture
def metrics(tmp_path, monkeypatch):
    folder = tmp_path / "docs" / "generated" / "demo"
    folder.mkdir(parents=True)
    (folder / "metrics.json").write_text(json.dumps({"acc": 0.93456, "flag": True, "runs": [3, 4]}))
    monkeypatch.setattr(hook_placeholders, "ROOT", tmp_path)
    hook_placeholders._json.cache_clear()
    yield tmp_path
    hook_placeholders._json.cache_clear()


def _secret(html: str) -> dict:
    return json.loads(base64.b64decode(re.search(r'data-q="([^"]+)"', html).group(1)))


def test_a_numeric_question_encodes_its_metric_and_states_its_tolerance(metrics):
    html, count = hq.questions("Intro\n\n" + NUMERIC.format(tol="0.01") + "\nAfter\n", "page.md")
    assert count == 1
    secret = _secret(html)
    assert secret["value"] == pytest.approx(0.93456) and secret["tol"] == pytest.approx(0.01)
    assert secret["rel"] is False and secret["shown"] == "0.93"
    assert "within ±0.01 of the answer" in html
    assert "<code>demo</code>" in html and "```" not in html
    assert "0.93" not in re.sub(r'data-q="[^"]+"', "", html)
    assert 'aria-live="polite"' in html and "<legend" in html and 'for="q-page-1-input"' in html
    assert "data-search-exclude" in html


def test_a_relative_tolerance_is_a_fraction_of_the_answer(metrics):
    secret = _secret(hq.questions(NUMERIC.format(tol="5%"), "page.md")[0])
    assert secret["rel"] is True and secret["tol"] == pytest.approx(0.05)


def test_a_choice_question_hides_which_option_is_right_and_every_explanation(metrics):
    html, _ = hq.questions(CHOICE, "docs/page.md")
    assert "This one" in html and "That one" in html
    assert "Because" not in re.sub(r'data-q="[^"]+"', "", html)
    secret = _secret(html)
    assert secret["right"] == 0 and secret["why"] == ["Because it is.", "Because it is not."]
    assert html.count('type="radio"') == 2 and 'name="q-docs-page-1"' in html


def test_question_ids_count_up_on_a_page(metrics):
    html, count = hq.questions(CHOICE + "\n" + CHOICE, "p.md")
    assert count == 2 and 'id="q-p-1"' in html and 'id="q-p-2"' in html


@pytest.mark.parametrize("block, message", [
    (NUMERIC.format(tol="0.01").replace("demo.acc", "demo.nope"), "unknown metric 'demo.nope'"),
    (NUMERIC.format(tol="0.01").replace("demo.acc", "demo.flag"), "not a number"),
    (NUMERIC.format(tol="0.01").replace("demo.acc", "demo.runs"), "not a number"),
    (NUMERIC.format(tol="0"), "tolerance must be a positive number"),
    (NUMERIC.format(tol="close"), "tolerance must be a positive number"),
    (NUMERIC.format(tol="0.01").replace("tolerance: 0.01\n", ""), "tolerance must be"),
    (NUMERIC.format(tol="0.01").replace("the `demo` run", "the run of 0.93"), "numbers typed"),
    (CHOICE.replace("    correct: true\n", ""), "exactly one option must be correct"),
    (CHOICE.replace("    why: Because it is not.\n", ""), "option 2 ('That one') has no explanation"),
    (CHOICE.replace("    why: Because it is not.", "    why: It scores 0.42."), "numbers typed"),
    (CHOICE.replace("kind: choice", "kind: essay"), "kind must be 'numeric' or 'choice'"),
    (CHOICE.replace("prompt: Which is right?\n", ""), "missing prompt"),
    ("```question\n- just a list\n```\n", "expected a mapping"),
])
def test_a_bad_question_fails_the_build_naming_page_and_question(metrics, block, message):
    with pytest.raises(PluginError) as e:
        hq.questions("Intro\n\n" + CHOICE + "\n" + block, "topic.md")
    assert "topic.md: question 2" in str(e.value) and message in str(e.value)


def test_a_page_without_questions_is_left_alone():
    text = "# Title\n\n```python\nx = 1\n```\n"
    assert hq.questions(text, "p.md") == (text, 0)
