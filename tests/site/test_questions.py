"""The self-check questions (scripts/hook_questions.py, javascripts/questions.js) in a real browser.

Every topic page has at least three; answered right and wrong, a numeric and a choice
question show both outcomes; the answers and explanations are not in the page's text (nor
in the search index) before the reader answers; progress survives a reload and the reset
clears it; keyboard alone answers both kinds. The site is test_browser.py's build (set
``COURSE_SITE_DIR`` to test a site already built).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
import test_browser
from test_browser import base_url, browser, site_dir  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow

# Every topic page: every page of docs/ that ends in its report notebook. A new page
# without questions fails here instead of being left out of a hand-kept list.
DOCS = Path(__file__).resolve().parents[2] / "docs"
TOPICS = sorted(p.stem for p in DOCS.glob("*.md") if "{{ report " in p.read_text(encoding="utf-8"))
GRADED = ["bias_variance", "initialization", "gradient_checking", "batch_norm", "hyperparameter_search"]

# Each question's decoded secret (what the page must not show before an answer).
SECRETS = """() => Array.from(document.querySelectorAll('form.question')).map(f => {
  const bytes = atob(f.dataset.q);
  const text = new TextDecoder().decode(Uint8Array.from(bytes, c => c.charCodeAt(0)));
  return {id: f.id, kind: f.classList.contains('question-numeric') ? 'numeric' : 'choice',
          text: Array.from(f.querySelectorAll('legend, .question-option, .question-input'))
                  .map(e => e.value || e.textContent).join(' '),
          secret: JSON.parse(text)};
})"""




def _open(browser, base: str, topic: str, problems: list, context=None):  # noqa: F811
    context = context or browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    test_browser.guard(page, base, problems)
    page.goto(urljoin(base, f"{topic}/"), wait_until="load")
    page.wait_for_load_state("networkidle")
    return context, page


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def _result(page, qid: str) -> str:
    return page.locator(f"#{qid} .question-result").inner_text()


def test_every_topic_page_has_three_questions_and_hides_their_answers(site_dir, base_url, browser):  # noqa: F811
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    searchable = " ".join(doc.get("text", "") for doc in index["docs"])
    problems = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    for topic in TOPICS:
        _, page = _open(browser, base_url, topic, problems, context)
        questions = page.evaluate(SECRETS)
        assert len(questions) >= 3, f"{topic}: {len(questions)} questions"
        assert page.locator("h2#check-yourself").count() == 1, topic
        body = page.inner_text("body")
        for q in questions:
            assert not page.locator(f"#{q['id']} .question-result").inner_text(), q["id"]
            if q["kind"] == "numeric":
                # the number is quoted in the page's prose; the question itself does not give it
                shown = re.escape(q["secret"]["shown"])
                assert not re.search(rf"(?<![\d.]){shown}(?!\d)", q["text"]), q["id"]
            else:
                for why in q["secret"]["why"]:
                    assert _plain(why) not in body, f"{q['id']}: explanation shown before answering"
                    assert _plain(why) not in searchable, f"{q['id']}: explanation in the search index"
        page.close()
    context.close()
    assert not problems, problems


@pytest.mark.parametrize("topic", GRADED)
def test_right_and_wrong_answers_are_graded(base_url, browser, topic):  # noqa: F811
    problems = []
    context, page = _open(browser, base_url, topic, problems)
    questions = page.evaluate(SECRETS)
    numeric = next(q for q in questions if q["kind"] == "numeric")
    choice = next(q for q in questions if q["kind"] == "choice")

    value = numeric["secret"]["value"]
    field = page.locator(f"#{numeric['id']} .question-input")
    field.fill(repr(value * 3 + 1))
    page.click(f"#{numeric['id']} .question-check")
    assert _result(page, numeric["id"]).startswith("Not quite."), _result(page, numeric["id"])
    assert numeric["secret"]["shown"] in _result(page, numeric["id"])
    field.fill(repr(value))
    page.click(f"#{numeric['id']} .question-check")
    assert _result(page, numeric["id"]).startswith("Right."), _result(page, numeric["id"])

    right = choice["secret"]["right"]
    wrong = (right + 1) % len(choice["secret"]["why"])
    page.check(f"#{choice['id']} input[value='{wrong}']")
    page.click(f"#{choice['id']} .question-check")
    text = _result(page, choice["id"])
    assert text.startswith("Not quite.") and _plain(choice["secret"]["why"][wrong]) in text, text
    assert _plain(choice["secret"]["why"][right]) in text, "a wrong answer also shows the right one"
    page.check(f"#{choice['id']} input[value='{right}']")
    page.click(f"#{choice['id']} .question-check")
    text = _result(page, choice["id"])
    assert text.startswith("Right.") and _plain(choice["secret"]["why"][right]) in text, text
    context.close()
    assert not problems, problems


def test_a_numeric_answer_within_the_stated_tolerance_is_right(base_url, browser):  # noqa: F811
    problems = []
    context, page = _open(browser, base_url, "hyperparameter_search", problems)
    q = next(q for q in page.evaluate(SECRETS) if q["kind"] == "numeric")
    s = q["secret"]
    room = s["tol"] * (abs(s["value"]) if s["rel"] else 1)
    field = page.locator(f"#{q['id']} .question-input")
    for answer, verdict in [(s["value"] + 0.9 * room, "Right."), (s["value"] - 1.2 * room, "Not quite."),
                            ("twelve", "That is not a number")]:
        field.fill(str(answer))
        page.click(f"#{q['id']} .question-check")
        assert _result(page, q["id"]).startswith(verdict), (answer, _result(page, q["id"]))
    context.close()
    assert not problems, problems


def test_progress_survives_a_reload_and_the_reset_clears_it(base_url, browser):  # noqa: F811
    problems = []
    context, page = _open(browser, base_url, "initialization", problems)
    questions = page.evaluate(SECRETS)
    choice = next(q for q in questions if q["kind"] == "choice")
    numeric = next(q for q in questions if q["kind"] == "numeric")
    page.check(f"#{choice['id']} input[value='{choice['secret']['right']}']")
    page.click(f"#{choice['id']} .question-check")
    page.fill(f"#{numeric['id']} .question-input", "-12345")
    page.click(f"#{numeric['id']} .question-check")

    page.reload(wait_until="load")
    page.wait_for_load_state("networkidle")
    assert _result(page, choice["id"]).startswith("Right.")
    assert page.is_checked(f"#{choice['id']} input[value='{choice['secret']['right']}']")
    assert _result(page, numeric["id"]).startswith("Not quite.")
    assert page.input_value(f"#{numeric['id']} .question-input") == "-12345"
    stored = json.loads(page.evaluate("localStorage.getItem('course-questions:v1')"))
    assert stored[choice["id"]]["right"] is True and stored[numeric["id"]]["right"] is False

    page.click(".question-reset")
    assert not _result(page, choice["id"]) and not _result(page, numeric["id"])
    page.reload(wait_until="load")
    page.wait_for_load_state("networkidle")
    assert not _result(page, choice["id"]) and not _result(page, numeric["id"])
    assert not page.is_checked(f"#{choice['id']} input[value='{choice['secret']['right']}']")
    context.close()
    assert not problems, problems


FOCUS = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return {id: e.id, name: e.name || '', cls: e.className, form: e.form ? e.form.id : '',
          ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0}; }"""


def _tab_until(page, test, limit: int = 40) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        facts = page.evaluate(FOCUS)
        if test(facts):
            return facts
    raise AssertionError(f"{limit} Tab presses did not reach the control; last: {facts}")


def test_questions_are_answered_with_the_keyboard_alone(base_url, browser):  # noqa: F811
    problems = []
    context, page = _open(browser, base_url, "gradient_checking", problems)
    questions = page.evaluate(SECRETS)
    numeric = next(q for q in questions if q["kind"] == "numeric")
    choice = next(q for q in questions if q["kind"] == "choice")
    # start the Tab walk at the section's heading, as a reader who jumped there from the contents
    page.evaluate("() => { const h = document.getElementById('check-yourself'); "
                  "h.tabIndex = -1; h.focus(); }")

    facts = _tab_until(page, lambda f: f["form"] == numeric["id"] and "question-input" in f["cls"])
    assert facts["ring"], f"no focus ring on the answer field: {facts}"
    page.keyboard.type(repr(numeric["secret"]["value"]))
    page.keyboard.press("Enter")
    assert _result(page, numeric["id"]).startswith("Right.")

    facts = _tab_until(page, lambda f: f["form"] == choice["id"] and f["name"] == choice["id"])
    assert facts["ring"], f"no focus ring on the options: {facts}"
    right = choice["secret"]["right"]
    page.keyboard.press("Space")  # the first option
    for _ in range(right):
        page.keyboard.press("ArrowDown")
    assert page.is_checked(f"#{choice['id']} input[value='{right}']")
    facts = _tab_until(page, lambda f: f["form"] == choice["id"] and "question-check" in f["cls"], limit=3)
    assert facts["ring"], f"no focus ring on the Check button: {facts}"
    page.keyboard.press("Enter")
    assert _result(page, choice["id"]).startswith("Right.")
    context.close()
    assert not problems, problems
