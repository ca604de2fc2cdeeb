"""The interactive figures (docs/javascripts/interactive.js) in a real headless Chromium, offline.

They draw, their sliders (driven by the keyboard) change what is drawn and what the label
says, the dark toggle changes their colours, the page logs no error and loads nothing from
another host, and the schedules the page computes in JavaScript equal course_code.schedules.
Screenshots of each figure, light and dark, go to screenshots/interactive-*.png.

The site is test_browser.py's build (the fixtures are shared). To iterate quickly on a site
already built, set ``COURSE_SITE_DIR`` to its folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

import numpy as np
import pytest
import test_browser
from test_browser import base_url, browser, screenshots, site_dir  # noqa: F401 (fixtures)

from course_code import schedules

pytestmark = pytest.mark.slow
READY = ".interactive-figure[data-state='ready']"




@pytest.fixture
def open_page(browser, base_url):  # noqa: F811 (the imported fixtures)
    """``open_page(path) -> (page, problems)``; at teardown, no console error and no bad request."""
    contexts, found = [], []

    def _open(path: str, width: int = 1100):
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme="light")
        contexts.append(context)
        page = context.new_page()
        test_browser.guard(page, base_url, found)
        page.on("requestfailed", lambda r: found.append(f"request failed: {r.url}"))
        page.goto(urljoin(base_url, path), wait_until="load")
        page.wait_for_selector(READY, timeout=10_000)
        return page

    yield _open
    for context in contexts:
        context.close()
    assert not found, "\n".join(found)


def _dark(page):
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")


def _colours(page, selector: str) -> dict:
    return page.evaluate("""sel => {
      const fig = document.querySelector(sel), s = e => e && getComputedStyle(e);
      return {frame: s(fig.querySelector('.if-frame')).stroke, tick: s(fig.querySelector('.if-tick')).fill,
              line: s(fig.querySelector('.if-line')).stroke, text: s(fig).color};
    }""", selector)


def _shoot(page, selector: str, path: Path):
    fig = page.locator(selector)
    fig.evaluate("e => e.scrollIntoView({block: 'center'})")  # clear of the sticky header
    page.mouse.move(0, 0)
    fig.screenshot(path=str(path))


# ---------------------------------------------------------------------- optimizer paths
OPT = ".interactive-figure[data-kind='optimizer-paths']"


def _row(page, key: str):
    return page.locator(f"{OPT} .if-row").nth(["gd", "momentum", "rmsprop", "adam"].index(key))


def _gd_path(page) -> str:
    return page.get_attribute(f"{OPT} g[data-key='gd'] path", "d")


def test_optimizer_paths_slider_toggle_and_dark(open_page, site_dir, screenshots):  # noqa: F811
    data = json.loads((site_dir / "generated/optimization/quadratic_paths.json").read_text())
    gd = data["optimizers"][0]["paths"]
    page = open_page("optimization/")
    assert page.locator(f"{OPT} svg path.if-line").count() == 4  # one path per optimizer
    assert page.locator(f"{OPT} svg ellipse.if-contour").count() == len(data["levels"])
    slider, label = _row(page, "gd").locator("input[type=range]"), _row(page, "gd").locator("output")
    assert slider.get_attribute("aria-label") == "learning rate of gradient descent"
    before, before_label = _gd_path(page), label.inner_text()
    assert f"α = {gd[data['shown']]['learning_rate']:g}" in before_label
    _shoot(page, OPT, screenshots / "interactive-paths-light.png")

    slider.focus()
    page.keyboard.press("ArrowLeft")  # the keyboard moves the slider
    after = _gd_path(page)
    assert after != before and label.inner_text() != before_label
    assert f"α = {gd[data['shown'] - 1]['learning_rate']:g}" in label.inner_text()
    assert after.count("L") == len(gd[data["shown"] - 1]["points"]) - 1

    page.keyboard.press("End")  # the largest rate: gradient descent diverges
    last = gd[-1]
    assert last["diverged"] and f"diverged at step {last['diverged_at']}" in label.inner_text()
    assert page.locator(f"{OPT} g[data-key='gd'] path.if-diverged").count() == 1
    assert f"diverged at step {last['diverged_at']}" in page.locator(f"{OPT} .if-note").text_content()
    assert slider.get_attribute("aria-valuetext") == label.inner_text()
    _shoot(page, OPT, screenshots / "interactive-paths-diverged-light.png")

    _row(page, "momentum").locator("input[type=checkbox]").uncheck()
    assert page.locator(f"{OPT} g[data-key='momentum']").count() == 0
    assert page.locator(f"{OPT} svg path.if-line").count() == 3

    slider.focus()
    page.keyboard.press("Home")
    assert f"α = {gd[0]['learning_rate']:g}" in label.inner_text()
    light = _colours(page, OPT)
    _dark(page)
    dark = _colours(page, OPT)
    assert dark["frame"] != light["frame"] and dark["tick"] != light["tick"] and dark["text"] != light["text"]
    _row(page, "momentum").locator("input[type=checkbox]").check()
    _row(page, "gd").locator("input[type=range]").focus()
    for _ in range(data["shown"]):
        page.keyboard.press("ArrowRight")
    _shoot(page, OPT, screenshots / "interactive-paths-dark.png")


def test_optimizer_paths_fit_a_phone(open_page, screenshots):  # noqa: F811
    page = open_page("optimization/", width=390)
    box = page.locator(f"{OPT} svg").bounding_box()
    column = page.locator(OPT).bounding_box()
    assert box["width"] <= column["width"] + 1
    _shoot(page, OPT, screenshots / "interactive-paths-phone.png")


# ---------------------------------------------------------------------- schedules
LR = ".interactive-figure[data-kind='lr-schedules']"


def _python(key: str, p: dict, epochs: np.ndarray) -> np.ndarray:
    made = {"constant": lambda: schedules.constant(p["lr0"]),
            "inverse_time": lambda: schedules.inverse_time_decay(p["lr0"], p["decay_rate"]),
            "staircase": lambda: schedules.staircase_decay(p["lr0"], p["decay_rate"], p["time_interval"]),
            "exponential": lambda: schedules.exponential_decay(p["lr0"], p["gamma"])}[key]()
    return made(epochs)


def _drawn(page) -> tuple[dict, dict]:
    return page.evaluate(f"() => {{ const f = document.querySelector({LR!r}).interactive;"
                         " return [f.params, f.series]; }")


def test_schedule_formulas_in_javascript_equal_course_code(open_page):
    page = open_page("lr_decay/")
    epochs = np.arange(0, 5000)
    for p in ({"lr0": 0.1, "decay_rate": 1.0, "gamma": 0.95, "time_interval": 1000},
              {"lr0": 0.003, "decay_rate": 0.37, "gamma": 0.999, "time_interval": 7},
              {"lr0": 1.0, "decay_rate": 0.0, "gamma": 1.0, "time_interval": 1}):
        for key in ("constant", "inverse_time", "staircase", "exponential"):
            js = page.evaluate("([k, p, n]) => courseInteractive.rates(k, p, [...Array(n).keys()])",
                               [key, p, int(epochs.size)])
            np.testing.assert_allclose(js, _python(key, p, epochs), rtol=1e-12, atol=0, err_msg=f"{key} {p}")


def test_schedule_sliders_redraw_what_course_code_computes(open_page, site_dir, screenshots):  # noqa: F811
    data = json.loads((site_dir / "generated/lr_decay/lr_schedules.json").read_text())
    page = open_page("lr_decay/")
    lines = page.locator(f"{LR} svg path.if-line")
    assert lines.count() == len(data["schedules"])
    _shoot(page, LR, screenshots / "interactive-schedules-light.png")
    epochs = np.arange(data["num_epochs"])

    def check():
        params, series = _drawn(page)
        assert set(series) == {s["key"] for s in data["schedules"]}
        for key, values in series.items():
            np.testing.assert_allclose(values, _python(key, params, epochs), rtol=1e-12, err_msg=key)
        return params

    first = check()
    k_slider = page.locator(f"{LR} .if-slider").nth(1)
    before = page.get_attribute(f"{LR} path[data-key='staircase']", "d")
    k_slider.locator("input").focus()
    page.keyboard.press("ArrowLeft")
    moved = check()
    assert moved["decay_rate"] < first["decay_rate"]
    assert k_slider.locator("output").inner_text() == f"{moved['decay_rate']:g}"
    assert page.get_attribute(f"{LR} path[data-key='staircase']", "d") != before
    assert page.get_attribute(f"{LR} path[data-key='constant']", "d") is not None

    page.locator(f"{LR} .if-slider").nth(0).locator("input").focus()
    page.keyboard.press("ArrowRight")
    assert check()["lr0"] > first["lr0"]
    log = page.locator(f"{LR} .if-log input")
    d_log = page.get_attribute(f"{LR} path[data-key='inverse_time']", "d")
    log.uncheck()
    assert page.get_attribute(f"{LR} path[data-key='inverse_time']", "d") != d_log

    log.check()
    page.locator(f"{LR} .if-slider").nth(0).locator("input").focus()
    page.keyboard.press("ArrowLeft")
    k_slider.locator("input").focus()
    page.keyboard.press("ArrowRight")
    light = _colours(page, LR)
    _dark(page)
    dark = _colours(page, LR)
    assert dark["frame"] != light["frame"] and dark["text"] != light["text"]
    _shoot(page, LR, screenshots / "interactive-schedules-dark.png")
