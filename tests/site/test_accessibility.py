"""Accessibility of the built site in a real headless Chromium, offline.

- An axe-core audit of every page (the topic pages, the report notebooks, the playground,
  the home page) in the light and the dark scheme at 1280 px, of four pages at a phone's
  390 px in both schemes, and of the search dialog open on results in both, with the WCAG
  2.0 and 2.1 level A and AA rules. Each page is loaded once and audited twice: in the
  scheme it opens in, then switched in place by the theme's toggle once the new colours
  have settled (the body's scheme attribute at each audit is checked). axe-core is the
  npm package at the version pinned below, downloaded once from the npm registry,
  checked against the registry's integrity hash and cached in .cache/npm/
  (scripts/npm_fetch.py), never committed. Violations are counted per page and scheme by
  impact and written to screenshots/axe-report.json; the test fails on any critical or
  serious one (there are none of any impact today).
- The keyboard: every Tab stop of a page is on screen and shows a focus ring; the scheme
  toggle, the search (and its results), the content tabs, the interactive figures' toggles
  and sliders, and wide tables are reached with Tab and work with keys.

The site is test_browser.py's build (the fixtures are shared). To iterate quickly on a site
already built, set ``COURSE_SITE_DIR`` to its folder.
"""

from __future__ import annotations

import json
import socket
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import test_browser
from test_browser import base_url, browser, screenshots, site_dir  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]

# `npm view axe-core@4.14.1 dist.integrity`; the latest 4.x when it was pinned.
AXE_VERSION = "4.14.1"
AXE_INTEGRITY = ("sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37Ogu"
                 "dVGtQ==")
AXE_CACHE = ROOT / ".cache" / "npm"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IMPACTS = ("critical", "serious", "moderate", "minor")

# Violations that come from the theme or from mkdocs-jupyter's notebook HTML and that the
# site cannot fix from its side: (rule id, CSS selector of the element, why). A node is
# let through only when both match; anything else still fails. Empty: everything axe
# found was fixed from our side (stylesheets/a11y.css, javascripts/a11y.js).
ALLOWED: list[tuple[str, str, str]] = []




@pytest.fixture(scope="session")
def axe_source() -> str:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import npm_fetch
    finally:
        sys.path.pop(0)
    try:
        archive = npm_fetch.npm_tarball("axe-core", AXE_VERSION, AXE_INTEGRITY, AXE_CACHE)
    except npm_fetch.NpmFetchError as e:
        if test_browser.in_ci():
            pytest.fail(f"axe-core: {e}")
        pytest.skip(f"axe-core: {e}")
    return npm_fetch.read_member(archive, "package/axe.min.js").decode("utf-8")


# axe's results, cut down to what the report needs; the allow-list is applied here, where
# the elements are at hand (a node is allowed when its element matches the selector).
AUDIT = """async ([tags, rules, allowed]) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, rules,
                                           resultTypes: ["violations"]});
  return results.violations.map(v => {
    const nodes = v.nodes.map(n => {
      const el = n.target.length === 1 ? document.querySelector(n.target[0]) : null;
      const why = allowed.find(([rule, sel]) => rule === v.id && el && el.matches(sel));
      return {target: n.target.join(" >>> "), html: n.html.slice(0, 160), impact: n.impact || v.impact,
              summary: (n.failureSummary || "").slice(0, 300), allowed: why ? why[2] : null};
    });
    return {id: v.id, impact: v.impact, help: v.help, nodes};
  });
}"""


def _counts(violations: list[dict], *, allowed: bool) -> dict[str, int]:
    """Failing elements by impact (``allowed``: the allow-listed ones instead)."""
    c = Counter(n["impact"] for v in violations for n in v["nodes"] if bool(n["allowed"]) == allowed)
    return {k: c[k] for k in IMPACTS if c[k]}


def _record(report: dict, failures: list[str], name: str, violations: list[dict]) -> None:
    report[name] = {"violations": _counts(violations, allowed=False),
                    "allowed": _counts(violations, allowed=True),
                    "rules": {v["id"]: {"impact": v["impact"], "help": v["help"], "count": len(v["nodes"]),
                                        "nodes": v["nodes"][:5]} for v in violations}}
    for v in violations:
        bad = [n for n in v["nodes"] if not n["allowed"] and n["impact"] in ("critical", "serious")]
        if bad:
            failures.append(f"{name}: {v['id']} ({v['impact']}, {len(bad)} elements): {v['help']}\n"
                            + "\n".join(f"    {n['target']}: {n['summary'][:200]}" for n in bad[:4]))


# The theme's scheme toggle, as a reader clicks it: the click checks the palette input that
# the shown toggle label is for (the focus stays where it was), and the theme sets the
# body's data-md-color-* attributes with transitions off (data-md-color-switching) until the
# next frame. While they are off, the style of every element and pseudo-element is read:
# the browser leaves the style of unrendered content (a closed <details>) stale until it is
# asked, and would then start a colour transition that never runs while it stays unrendered
# (axe asks). Then, once the theme has turned transitions back on, any transition still
# running is waited for; one that does not end is an error. axe thus reads the final
# colours, the same as on a page opened in that scheme.
SWITCH = """async () => {
  const label = document.querySelector("input.md-option[name='__palette']:checked").nextElementSibling;
  document.getElementById(label.htmlFor).click();
  if (!document.body.hasAttribute("data-md-color-switching")) return "the theme did not switch";
  for (const el of document.querySelectorAll("*")) {
    for (const pseudo of [null, "::before", "::after"]) getComputedStyle(el, pseudo).color;
  }
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  for (let i = 0; i < 100 && document.body.hasAttribute("data-md-color-switching"); i++) await frame();
  const running = () => document.getAnimations()
    .filter(a => a instanceof CSSTransition && a.playState === "running");
  for (let i = 0; i < 200 && running().length; i++) await frame();
  if (running().length) return `${running().length} colour transitions never ended`;
  return document.body.getAttribute("data-md-color-scheme");
}"""
SCHEMES = {"light": "default", "dark": "slate"}
OTHER = {"light": "dark", "dark": "light"}

# A page ready to audit: the fonts in, and every interactive figure drawn from its data (the
# playground: its controls built and its first run drawn). What is still not ready after
# ``timeout`` ms is returned.
READY = """async (timeout) => {
  await document.fonts.ready;
  const start = performance.now(), frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const pending = () => [...document.querySelectorAll(".interactive-figure, #pg-app")]
    .filter(e => e.dataset.state !== "ready");
  while (pending().length && performance.now() - start < timeout) await frame();
  return pending().map(e => `${e.id || e.className} (${e.dataset.state || "not started"})`);
}"""

# Audit, switch the scheme in place, check that ``shown`` (a selector) is still on screen,
# audit again; the scheme on the body at each audit is returned with its violations.
BOTH = """async ([tags, rules, allowed, shown]) => {
  const audit = %AUDIT%, toggle = %SWITCH%;
  const scheme = () => document.body.getAttribute("data-md-color-scheme");
  const schemes = [scheme()], audits = [await audit([tags, rules, allowed])];
  const switched = await toggle();
  if (switched !== scheme()) return {error: `the scheme toggle: ${switched}`};
  const el = shown && document.querySelector(shown);
  if (shown && !(el && el.getClientRects().length)) return {error: `${shown} is gone after the switch`};
  schemes.push(scheme());
  audits.push(await audit([tags, rules, allowed]));
  return {schemes, audits};
}""".replace("%AUDIT%", AUDIT).replace("%SWITCH%", SWITCH)


def _audit_both(page, scheme: str, name: str, width: int, report: dict, failures: list[str],
                extra_rules: tuple[str, ...] = (), note: str = "", shown: str = "") -> str:
    """Audit ``page`` in the ``scheme`` it shows, switch it in place to the other and audit
    again; return the scheme it is left in (the theme stores it: the next page opens in it)."""
    rules = {rule: {"enabled": True} for rule in extra_rules}
    out = page.evaluate(BOTH, [WCAG_TAGS, rules, ALLOWED, shown])
    assert "error" not in out, f"{name}: {out['error']}"
    for now, seen, violations in zip((scheme, OTHER[scheme]), out["schemes"], out["audits"], strict=True):
        assert seen == SCHEMES[now], f"{name}: audited with the scheme {seen}, expected the {now} one"
        where = now if width == 1280 else f"{now}, {width} px"
        _record(report, failures, f"{name} ({where}{note})", violations)
    return OTHER[scheme]


def _audit_pages(chromium, base: str, axe: str, proxy: dict, system: str, width: int, paths: list[str],
                 report: dict, failures: list[str], problems: list[str], *, search: bool) -> None:
    """Every page of ``paths`` in both schemes: as it opens, then switched in place with the
    theme's toggle. The theme remembers the reader's choice, so each page opens in the scheme
    the previous one ended in (the pages alternate between opening light and opening dark);
    the first follows the reader's system preference, ``system`` (the palette's media queries).
    Requests are not intercepted (``proxy`` keeps them on the machine: see the test)."""
    context = chromium.new_context(viewport={"width": width, "height": 900}, color_scheme=system, proxy=proxy)
    context.add_init_script(axe)  # sent to the browser once, not once per page
    page = context.new_page()
    test_browser.guard(page, base, problems, intercept=False)
    scheme = system
    for path in paths:
        page.goto(urljoin(base, path), wait_until="load")
        pending = page.evaluate(READY, 15_000)
        assert not pending, f"{path or '/'}: not ready: {pending}"
        scheme = _audit_both(page, scheme, path or "/", width, report, failures)
    if search:  # the search dialog, open on results (and named: a best-practice rule, asked for here)
        page.goto(base, wait_until="load")
        page.wait_for_load_state("networkidle")  # the search index is loaded
        page.locator("input.md-search__input").focus()
        page.keyboard.type("Adam", delay=10)
        page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
        page.wait_for_function("() => getComputedStyle(document.querySelector('.md-search__output')).opacity"
                               " === '1'")  # faded in: mid-fade colours are not the ones read
        _audit_both(page, scheme, "/", width, report, failures, ("aria-dialog-name",), ", search open",
                    shown=".md-search-result__item")
    context.close()


# A phone's layout (the navigation folds into a drawer, tables and code scroll sideways):
# a topic page with an interactive figure and content tabs, a report, the home page and the playground.
PHONE_PAGES = ["", "optimization/", "reports/optimization/", "playground/"]


def test_axe_wcag21_aa_every_page_light_and_dark(site_dir, base_url, browser, axe_source, screenshots):  # noqa: F811
    """Each page is audited in the light and the dark scheme in one visit: in the scheme it
    opens in, then again after the theme's toggle has switched it in place (and its colour
    transitions have ended); the body's scheme attribute at each audit is checked. At
    1280 px the reader's system is light, at 390 px dark, so both first-visit paths are
    covered; the pages after the first open in the scheme the reader chose last."""
    paths = test_browser.page_paths(site_dir)
    report, failures, problems = {}, [], []
    found = (report, failures, problems)
    # Offline without pausing every request (see test_browser.guard): what leaves the site's
    # host goes to a proxy that refuses it (a port bound and not listening), and is noted.
    with socket.socket() as refuse:
        refuse.bind(("127.0.0.1", 0))
        proxy = {"server": f"http://127.0.0.1:{refuse.getsockname()[1]}",
                 "bypass": urlparse(base_url).hostname}
        _audit_pages(browser, base_url, axe_source, proxy, "light", 1280, paths, *found, search=True)
        _audit_pages(browser, base_url, axe_source, proxy, "dark", 390, PHONE_PAGES, *found, search=False)
    (screenshots / "axe-report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    assert not problems, "\n".join(problems)
    assert not failures, f"axe-core {AXE_VERSION}, WCAG 2.1 A/AA (details: screenshots/axe-report.json):\n" \
        + "\n".join(failures)


# ---------------------------------------------------------------------- keyboard
# What draws the focus ring of the focused element: itself, or, for the theme's visually
# hidden radio buttons (the scheme toggle, the content tabs), the label (the one right
# after the button, as the theme's stylesheet has it) or row of labels that stands for
# them, and for the search box, its form.
RING = r"""() => {
  const e = document.activeElement;
  let shown = e;
  if (e.matches(".md-option")) shown = e.nextElementSibling;  // the theme rings the label after it
  else if (e.matches(".tabbed-set > input")) shown = e.parentElement.querySelector(":scope > .tabbed-labels");
  else if (e.matches(".md-search__input")) shown = e.closest(".md-search__form");
  const s = getComputedStyle(shown), box = shown.getBoundingClientRect();
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
  // A box-shadow counts when it is a ring: an outer shadow that spreads (not a soft drop
  // shadow, nor the inset rule under the tabs' titles that is there without the focus).
  const layers = s.boxShadow === "none" ? [] : s.boxShadow.split(/,(?![^(]*\))/);
  const spread = layers.some(l => !l.includes("inset")
    && parseFloat((l.replace(/rgba?\([^)]*\)/, "").match(/-?[\d.]+px/g) || [])[3] || 0) >= 1);
  return {tag: e.tagName.toLowerCase(), id: e.id, cls: String(e.className).slice(0, 60), href: e.href || null,
          name: (e.getAttribute("aria-label") || e.title || e.textContent || "").trim().slice(0, 50),
          ring: outline || spread, outline: `${s.outlineStyle} ${s.outlineWidth}`,
          shadow: s.boxShadow, visible: box.width > 0 && box.height > 0 && s.visibility !== "hidden"};
}"""


def _open(browser, base: str, path: str, problems: list[str], *, scheme: str = "light", width: int = 1280):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    test_browser.guard(page, base, problems)
    page.goto(urljoin(base, path), wait_until="load")
    page.wait_for_load_state("networkidle")
    if page.locator(".interactive-figure").count():
        page.wait_for_selector(".interactive-figure[data-state='ready']", timeout=10_000)
    return context, page


FOCUSED = "() => document.activeElement.tagName + '.' + document.activeElement.className"


def _tab_to(page, selector: str, limit: int = 250) -> dict:
    """Press Tab until the focus is on ``selector``; the focused element's facts."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return page.evaluate(RING)
        seen.append(page.evaluate(FOCUSED))
    raise AssertionError(f"{limit} Tab presses never reached {selector}; the last stops: {seen[-8:]}")


def _assert_ring(facts: dict, what: str) -> None:
    assert facts["visible"] and facts["ring"], f"{what}: no visible focus ring: {facts}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_tab_stop_is_visible_and_ringed(base_url, browser, scheme):  # noqa: F811
    """The whole Tab order of a page with every kind of control (header, navigation, code
    blocks, content tabs, figures, tables, the interactive figure): each stop is on screen
    and shows a focus ring. (The hidden twin of a figure used to be an invisible stop.)"""
    problems = []
    context, page = _open(browser, base_url, "optimization/", problems, scheme=scheme)
    stops, bad = [], []
    for _ in range(400):
        page.keyboard.press("Tab")
        facts = page.evaluate(RING)
        if facts["tag"] == "body" or (stops and facts == stops[0]):
            break  # past the last stop
        stops.append(facts)
        if not (facts["visible"] and facts["ring"]):
            bad.append(facts)
    context.close()
    assert len(stops) > 50, f"only {len(stops)} Tab stops: {stops}"
    assert not bad, f"{len(bad)} of {len(stops)} Tab stops invisible or without a focus ring:\n" \
        + "\n".join(map(str, bad[:10]))
    assert not problems, problems


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_scheme_toggle_and_search_by_keyboard(base_url, browser, scheme):  # noqa: F811
    """The reader's system scheme is light or dark; either way Tab reaches the toggle, which
    is named for what it does and ringed, and Enter switches the scheme and back."""
    problems = []
    context, page = _open(browser, base_url, "initialization/", problems, scheme=scheme)
    body = "document.body.getAttribute('data-md-color-scheme')"
    now, other = ("default", "slate") if scheme == "light" else ("slate", "default")
    toggle = _tab_to(page, "input.md-option", limit=10)
    _assert_ring(toggle, "the scheme toggle")
    assert toggle["name"] == ("Switch to dark mode" if scheme == "light" else "Switch to light mode"), toggle
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => {body} === '{other}'", timeout=5_000)
    _assert_ring(page.evaluate(RING), "the scheme toggle, switched")  # the focus stays on the toggle
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => {body} === '{now}'", timeout=5_000)

    facts = _tab_to(page, "input.md-search__input", limit=10)
    _assert_ring(facts, "the search box")
    assert page.get_attribute(".md-search[role='dialog']", "aria-label") == "Search"
    page.keyboard.type("Adam", delay=20)
    # Wait for the results of the whole word (its matches highlighted), not those of "Ada":
    # a list re-rendered under the focus as the last letter arrives drops the focus to the body.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.md-search-result__item mark')]"
        ".some(m => m.textContent.toLowerCase() === 'adam')", timeout=15_000)
    # Into the results, and Enter. Under load the theme now and then leaves the focus on the body
    # after the first ArrowDown (1 run in 16 with both cores busy; never seen in isolation), or
    # takes it there between the arrival on a result and the Enter (the list re-rendered), and a
    # keyboard reader then presses again: from the body ArrowDown goes to the search box, then to
    # the first result. So: at most three rounds of at most three presses, by keyboard only; the
    # focused link (its ring and its address) is read in one step, right before the Enter.
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # installed: the fixture started it

    on_result = "document.activeElement.classList.contains('md-search-result__link')"
    for _round in range(3):
        for _ in range(3):
            page.keyboard.press("ArrowDown")
            if page.evaluate(on_result):
                break
        result = page.evaluate(RING)
        if not result["cls"].startswith("md-search-result__link"):
            continue
        _assert_ring(result, "a search result")
        page.keyboard.press("Enter")
        try:
            page.wait_for_url(lambda url, r=result: url.split("#")[0] == r["href"].split("#")[0],
                              timeout=5_000)
            break
        except PlaywrightTimeout:
            continue  # the Enter reached no link: the focus had left it
    else:
        pytest.fail(f"no search result opened by keyboard in three rounds; last focus: {result}")
    assert "Adam" in page.locator("article").inner_text()
    context.close()
    assert not problems, problems


def test_content_tabs_by_keyboard(base_url, browser):  # noqa: F811
    problems = []
    context, page = _open(browser, base_url, "optimization/", problems)
    first = page.locator(".tabbed-set").first
    _assert_ring(_tab_to(page, ".tabbed-set > input"), "the content tabs")
    assert page.evaluate("document.activeElement.id") == first.locator("input").first.get_attribute("id")
    panels = first.locator(".tabbed-content > .tabbed-block")
    assert panels.nth(0).is_visible() and not panels.nth(1).is_visible()
    page.keyboard.press("ArrowRight")  # the next tab: Keras
    assert first.locator("input").nth(1).is_checked()
    assert panels.nth(1).is_visible() and not panels.nth(0).is_visible()
    _assert_ring(page.evaluate(RING), "the content tabs after ArrowRight")
    page.keyboard.press("ArrowLeft")
    assert first.locator("input").nth(0).is_checked() and panels.nth(0).is_visible()
    context.close()
    assert not problems, problems


def test_interactive_figures_by_keyboard(base_url, browser):  # noqa: F811
    problems = []
    context, page = _open(browser, base_url, "optimization/", problems)
    fig = ".interactive-figure[data-kind='optimizer-paths']"
    lines = page.locator(f"{fig} svg path.if-line")
    assert page.get_attribute(f"{fig} svg", "role") == "img"
    title = page.locator(f"{fig} svg title").text_content()
    assert page.get_attribute(f"{fig} svg", "aria-labelledby") and title.startswith("Paths of the optimizers")

    # The first control of the figure is the gradient-descent toggle; Space switches it.
    _assert_ring(_tab_to(page, f"{fig} input"), "the optimizer toggle")
    assert page.evaluate("document.activeElement.type") == "checkbox"
    before = lines.count()
    page.keyboard.press("Space")
    assert lines.count() == before - 1
    page.keyboard.press("Space")
    assert lines.count() == before
    # Then its learning-rate slider: the arrow keys move it.
    page.keyboard.press("Tab")
    facts = page.evaluate(RING)
    assert page.evaluate("document.activeElement.type") == "range", facts
    _assert_ring(facts, "the learning-rate slider")
    label = page.evaluate("document.activeElement.getAttribute('aria-valuetext')")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.getAttribute('aria-valuetext')") != label
    context.close()

    context, page = _open(browser, base_url, "lr_decay/", problems, scheme="dark")
    fig = ".interactive-figure[data-kind='lr-schedules']"
    _assert_ring(_tab_to(page, f"{fig} input[type=range]"), "the α₀ slider (dark)")
    output = page.locator(f"{fig} .if-slider output").first
    shown = output.inner_text()
    page.keyboard.press("ArrowLeft")
    assert output.inner_text() != shown
    log = _tab_to(page, f"{fig} .if-log input", limit=12)
    _assert_ring(log, "the log-scale toggle (dark)")
    d = page.get_attribute(f"{fig} path[data-key='inverse_time']", "d")
    page.keyboard.press("Space")
    assert not page.locator(f"{fig} .if-log input").is_checked()
    assert page.get_attribute(f"{fig} path[data-key='inverse_time']", "d") != d
    context.close()
    assert not problems, problems


def test_wide_boxes_take_the_focus_only_while_they_scroll(base_url, browser):  # noqa: F811
    """A wide table on a phone gets the focus (and a name), and gives it up when the
    window grows wide enough to show it whole."""
    problems = []
    context, page = _open(browser, base_url, "regularization/", problems, width=390)
    wrap = page.locator(".md-typeset__scrollwrap").first
    wrap.wait_for()
    page.wait_for_function("() => document.querySelector('.md-typeset__scrollwrap.a11y-scroll')")
    assert wrap.get_attribute("tabindex") == "0" and wrap.get_attribute("role") == "region"
    wrap.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.md-typeset__scrollwrap').scrollLeft > 0")
    _assert_ring(page.evaluate(RING), "a wide table")
    page.evaluate("document.activeElement.blur()")
    page.set_viewport_size({"width": 1600, "height": 900})
    page.wait_for_function("() => !document.querySelector('.md-typeset__scrollwrap[tabindex]')")
    context.close()
    assert not problems, problems
