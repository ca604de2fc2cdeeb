"""The Playground page of the built site in a real headless Chromium, offline.

The page loads without console errors or off-site requests; its controls write the URL and
the URL restores them; Play trains (the cost falls) and Pause stops; every preset loads its
settings and trains; bad values are refused next to their field, naming the value; the
controls work from the keyboard with a visible focus ring. (The axe audit of the page is in
test_accessibility.py, which audits every page of the site, this one also at phone width.)

The site is test_browser.py's build; set ``COURSE_SITE_DIR`` to a built site to iterate.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import test_browser
from test_browser import base_url, browser, site_dir  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow




@pytest.fixture
def visit(browser, base_url):  # noqa: F811 (the imported fixtures)
    """visit(query) -> the playground page, ready; at teardown: no console error, nothing off-site."""
    contexts, problems = [], []

    def open_page(query: str = "", **context_args):
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **context_args})
        contexts.append(context)
        page = context.new_page()

        test_browser.guard(page, base_url, problems)
        page.goto(urljoin(base_url, "playground/" + query), wait_until="load")
        page.wait_for_selector("#pg-app[data-state='ready']", timeout=15_000)
        return page

    yield open_page
    for c in contexts:
        c.close()
    assert not problems, "\n".join(problems)


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def epoch(page) -> int:
    return int(page.get_attribute("#pg-app", "data-epoch"))


def commit(page, field: str, value: str) -> None:
    """Type ``value`` into a text field and commit it with Enter (as a keyboard user does)."""
    page.fill(f"#pg-{field}", value)
    page.press(f"#pg-{field}", "Enter")


def test_page_loads_ready_at_epoch_zero(visit):
    page = visit()
    assert epoch(page) == 0
    assert page.evaluate("typeof coursePlayground.train") == "function"
    assert page.locator("#pg-boundary").bounding_box()["width"] > 200
    assert "Epoch 0" in page.inner_text("#pg-status")


def test_controls_write_the_url_and_the_url_restores_them(visit):
    page = visit()
    page.select_option("#pg-dataset", "moons")
    page.select_option("#pg-optimizer", "adam")
    commit(page, "lr", "0.002")
    commit(page, "layers", "7, 3")
    commit(page, "batch", "32")
    q = query(page)
    want = {"dataset": "moons", "optimizer": "adam", "lr": "0.002", "layers": "7, 3", "batch": "32"}
    assert {k: q.get(k) for k in want} == want
    assert page.get_attribute("#pg-share", "href") == page.url

    again = visit("?" + urlparse(page.url).query)
    for field, want in (("dataset", "moons"), ("optimizer", "adam"), ("lr", "0.002"), ("layers", "7, 3"),
                        ("batch", "32")):
        assert again.input_value(f"#pg-{field}") == want, field
    assert again.is_visible("#pg-beta1") and not again.is_visible("#pg-beta")  # Adam's fields only
    assert again.evaluate("coursePlaygroundPage.state().optimizer") == "adam"


def test_play_trains_the_cost_falls_and_pause_stops(visit):
    page = visit("?preset=adam&epochs=200000")  # more epochs than the test waits for
    page.click("#pg-play")
    assert page.get_attribute("#pg-play", "aria-pressed") == "true"
    page.wait_for_function("Number(document.querySelector('#pg-app').dataset.epoch) >= 4000", timeout=30_000)
    page.click("#pg-play")  # pause
    assert page.get_attribute("#pg-play", "aria-pressed") == "false"
    page.wait_for_timeout(300)  # the chunk that was running reports
    stopped = epoch(page)
    page.wait_for_timeout(700)
    assert epoch(page) == stopped, "training went on after Pause"
    costs = page.evaluate("coursePlaygroundPage.curves().cost")
    assert len(costs) >= 2 and costs[-1] < 0.5 * costs[0], costs[:3] + costs[-3:]
    page.click("#pg-step")
    page.wait_for_function(f"Number(document.querySelector('#pg-app').dataset.epoch) === {stopped + 1}")
    page.click("#pg-reset")
    page.wait_for_function("Number(document.querySelector('#pg-app').dataset.epoch) === 0")


def test_every_preset_loads_and_trains(visit):
    page = visit()
    presets = page.evaluate("coursePlaygroundPage.PRESETS")
    assert {"zeros", "random", "he", "l2", "dropout", "adam", "staircase-decay"} <= set(presets)
    for key, (_label, settings) in presets.items():
        p = visit(f"?preset={key}")
        for field, value in settings.items():
            assert p.input_value(f"#pg-{field}") == value, (key, field)
        assert p.input_value("#pg-preset") == key
        p.click("#pg-step")
        p.wait_for_function("Number(document.querySelector('#pg-app').dataset.epoch) === 1")
        p.context.close()


def test_presets_reset_other_fields_and_the_preset_menu_works(visit):
    page = visit("?lambda=0.3&keep=0.5")
    page.select_option("#pg-preset", "adam")
    assert page.input_value("#pg-lambda") == "0" and page.input_value("#pg-keep") == "1"
    assert query(page) == {"preset": "adam"}
    commit(page, "seed", "7")  # a change of one's own leaves the preset
    assert page.input_value("#pg-preset") == ""


@pytest.mark.parametrize(("field", "bad", "named"), [
    ("lr", "-0.5", "-0.5"), ("keep", "0", "0"), ("layers", "5,0", "size 0"), ("batch", "2.5", "2.5"),
    ("epsilon", "abc", "abc"),
])
def test_bad_values_are_refused_next_to_the_field(visit, field, bad, named):
    page = visit("?optimizer=adam")
    before = page.url
    commit(page, field, bad)
    error = page.inner_text(f"#pg-{field}-error")
    assert "Refused" in error and named in error, error
    assert page.get_attribute(f"#pg-{field}", "aria-invalid") == "true"
    assert page.url == before, "a refused value must not reach the URL"
    commit(page, field, {"lr": "0.01", "keep": "1", "layers": "5", "batch": "full", "epsilon": "1e-8"}[field])
    assert page.inner_text(f"#pg-{field}-error") == ""


FOCUS = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return {id: e.id, ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2}; }"""


def test_keyboard_operation(visit):
    page = visit("?preset=adam")
    page.focus("#pg-play")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS) == {"id": "pg-play", "ring": True}
    page.keyboard.press("Space")
    page.wait_for_function("Number(document.querySelector('#pg-app').dataset.epoch) > 0", timeout=10_000)
    page.keyboard.press("Enter")  # pause
    assert page.get_attribute("#pg-play", "aria-pressed") == "false"
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS)["id"] == "pg-step"
    # every control is reached with Tab, shows a ring and has a label
    page.focus("#pg-preset")
    seen = []
    for _ in range(40):
        f = page.evaluate(FOCUS)
        if not f["id"].startswith("pg-"):
            break
        assert f["ring"], f
        assert page.locator(f"label[for='{f['id']}']").count() == 1, f
        seen.append(f["id"])
        page.keyboard.press("Tab")
    assert {"pg-preset", "pg-dataset", "pg-layers", "pg-optimizer", "pg-lr", "pg-epochs"} <= set(seen), seen
    page.focus("#pg-dataset")
    page.keyboard.press("ArrowDown")  # the preset's moons -> the next data set, from the keyboard
    assert query(page).get("dataset") == "football"


def test_dark_scheme_and_phone_width(visit):
    page = visit("?preset=dropout", color_scheme="dark", viewport={"width": 390, "height": 800})
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    assert page.locator("#pg-boundary").bounding_box()["width"] > 250


def test_a_bad_value_in_the_url_is_refused_and_the_page_still_runs(visit):
    page = visit("?preset=he&lr=-1&layers=0")
    assert "-1" in page.inner_text("#pg-lr-error") and "size 0" in page.inner_text("#pg-layers-error")
    q = query(page)
    assert q.get("lr") is None and q.get("layers") is None, "refused values stay out of the URL"
    assert page.evaluate("document.querySelector('#pg-app').dataset.epoch") == "0"
    page.click("#pg-step")  # the run uses the preset's valid values
    page.wait_for_function("Number(document.querySelector('#pg-app').dataset.epoch) === 1")
