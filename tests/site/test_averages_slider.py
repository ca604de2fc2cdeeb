"""The beta slider of the averages page (docs/javascripts/averages.js) in a real headless Chromium.

The averages it computes in the browser equal ``course_code.averages.ewa`` to 1e-12 for every
beta it offers, with and without bias correction; the slider (driven by the keyboard) and the
toggles redraw what it shows; the page logs no error and loads nothing from another host.
Screenshots of the figure, light and dark, wide and phone-sized, go to screenshots/.

The site is test_browser.py's build (the fixtures are shared). To iterate quickly on a site
already built, set ``COURSE_SITE_DIR`` to its folder.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_browser import base_url, browser, screenshots, site_dir  # noqa: F401 (fixtures)
from test_interactive import open_page  # noqa: F401 (fixture)

from course_code.averages import ewa

pytestmark = pytest.mark.slow
EWA = ".interactive-figure[data-kind='ewa']"


def _data(site_dir) -> dict:  # noqa: F811 (the fixture's value)
    return json.loads((site_dir / "generated/averages/ewa_slider.json").read_text())


def _shown(page) -> list[float]:
    return page.evaluate(f"() => document.querySelector({EWA!r}).interactive.average()")


def _shoot(page, path):
    fig = page.locator(EWA)
    fig.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.mouse.move(0, 0)
    fig.screenshot(path=str(path))


def test_browser_average_equals_course_code(open_page, site_dir):  # noqa: F811
    data = _data(site_dir)
    x = np.array(data["series"])
    page = open_page("averages/")
    for beta in data["betas"]:
        for corrected in (False, True):
            js = page.evaluate("([x, b, c]) => courseAverages.ewa(x, b, c)",
                               [data["series"], beta, corrected])
            expected = ewa(x, beta, bias_correction=corrected)
            np.testing.assert_allclose(js, expected, rtol=0, atol=1e-12, err_msg=f"beta {beta}, {corrected}")


def test_slider_and_toggles_redraw(open_page, site_dir, screenshots):  # noqa: F811
    data = _data(site_dir)
    x = np.array(data["series"])
    betas = data["betas"]
    page = open_page("averages/", width=1280)
    slider = page.locator(f"{EWA} input[type='range']")
    i = int(slider.input_value())
    assert betas[i] == data["default"]
    np.testing.assert_allclose(_shown(page), ewa(x, betas[i], bias_correction=True), atol=1e-12)
    before = page.get_attribute(f"{EWA} path.if-average", "d")
    label = page.text_content(f"{EWA} output")
    _shoot(page, screenshots / "averages-slider-light.png")

    slider.focus()
    page.keyboard.press("ArrowRight")
    assert int(slider.input_value()) == i + 1
    np.testing.assert_allclose(_shown(page), ewa(x, betas[i + 1], bias_correction=True), atol=1e-12)
    assert page.get_attribute(f"{EWA} path.if-average", "d") != before
    assert page.text_content(f"{EWA} output") != label

    correction = page.get_by_label("bias correction")
    correction.uncheck()
    shown = _shown(page)
    np.testing.assert_allclose(shown, ewa(x, betas[i + 1]), atol=1e-12)
    assert shown[0] == pytest.approx((1 - betas[i + 1]) * x[0])  # starts from v_0 = 0

    page.get_by_label(f"first {data['zoom_steps']} steps only").check()
    d = page.get_attribute(f"{EWA} path.if-average", "d")
    assert d.count("L") == data["zoom_steps"] - 1

    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    _shoot(page, screenshots / "averages-slider-dark.png")


def test_slider_fits_a_phone(open_page, screenshots):  # noqa: F811
    page = open_page("averages/", width=390)
    svg = page.locator(f"{EWA} svg").bounding_box()
    column = page.locator(EWA).bounding_box()
    assert svg["width"] <= column["width"] + 1
    _shoot(page, screenshots / "averages-slider-phone.png")
