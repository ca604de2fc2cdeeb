"""Every page of the built site in a real headless Chromium, offline.

The site is built once per session into a temporary folder (experiments and reports come
from their caches, so a warm build takes seconds), served by a thread on 127.0.0.1 at a
free port, and visited with Playwright driving the system's ``chromium`` (Debian's package:
Playwright never downloads a browser here). Outside CI, the browser tests are skipped with
the install command when chromium is missing; in CI (``CI=true``) that is a failure.

Per page: HTTP 200, no console error, no failed or off-site request, every visible image
decoded, every formula rendered (MathML made at build time, drawn with the site's own
math font; no TeX left in the text), every internal link (and its
#anchor) resolving, the dark-mode toggle switching the scheme. Full-page screenshots in
light and dark go to screenshots/ for a person to look at, with the pages' weights.

(The fixtures live here, not in a conftest.py: a second conftest module would shadow the
``from conftest import ...`` of the tests in tests/.)
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


# test_interactive.py imports these fixtures, which makes pytest hold a second definition of
# each; the objects behind them live here, once per session, so the site is built once and
# one browser runs (two sync Playwright instances cannot run in one thread).
_SHARED: dict[str, object] = {}


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """A fresh strict build of the whole site (experiments, reports, mkdocs), or the site
    already built in $COURSE_SITE_DIR (to iterate on the browser tests)."""
    if "site" in _SHARED:
        return _SHARED["site"]
    if os.environ.get("COURSE_SITE_DIR"):
        _SHARED["site"] = Path(os.environ["COURSE_SITE_DIR"])
        return _SHARED["site"]
    pytest.importorskip("mkdocs", reason="the docs extra is not installed (make test installs it)")
    out = tmp_path_factory.mktemp("site")
    cmd = [sys.executable, str(ROOT / "scripts" / "build_site.py"), "--site-dir", str(out), "--quiet"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    if proc.returncode:
        pytest.fail(f"site build failed ({' '.join(cmd)}):\n{proc.stdout[-4000:]}\n{proc.stderr[-8000:]}")
    _SHARED["site"] = out
    return out


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def base_url(site_dir, request):
    if "url" not in _SHARED:
        handler = functools.partial(_QuietHandler, directory=str(site_dir))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()

        def stop():
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

        request.config.add_cleanup(stop)
        _SHARED["url"] = f"http://127.0.0.1:{server.server_address[1]}/"
    return _SHARED["url"]


@pytest.fixture(scope="session")
def browser(request):
    if "browser" in _SHARED:
        return _SHARED["browser"]
    # $CHROMIUM names another Chromium-based browser (the GitHub runner's Chrome, say).
    executable = (shutil.which(os.environ.get("CHROMIUM", "")) if os.environ.get("CHROMIUM") else None) \
        or shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        message = ("chromium is not installed: run `sudo apt-get update && sudo apt-get install -y chromium` "
                   "(make test does it when run as root)")
        if in_ci():
            pytest.fail(message + " (CI=true: the browser tests must run)")
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (make test installs it)")
    playwright = sync_api.sync_playwright().start()
    b = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)

    def stop():
        b.close()
        playwright.stop()

    request.config.add_cleanup(stop)
    _SHARED["browser"] = b
    return b


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


pytestmark = pytest.mark.slow


def write_record(path: Path, measured: dict) -> None:
    """Write what a test module measured (numbers the report quotes) to ``path`` as JSON,
    when it measured anything (a module deselected or skipped writes nothing)."""
    if measured:
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(measured, indent=2) + "\n")


def page_paths(site_dir: Path) -> list[str]:
    """URL paths of every HTML page (404.html aside)."""
    paths = []
    for html in sorted(site_dir.rglob("index.html")):
        rel = html.parent.relative_to(site_dir).as_posix()
        paths.append("" if rel == "." else rel + "/")
    return paths


def test_site_has_the_expected_pages(site_dir):
    paths = page_paths(site_dir)
    for expected in ("", "initialization/", "reports/initialization/"):
        assert expected in paths, f"page {expected or 'home'} missing from the build: {paths}"
    assert (site_dir / "reports" / "initialization" / "initialization.ipynb").is_file()
    font = site_dir / "assets" / "fonts" / "math.woff2"
    assert font.is_file() and font.stat().st_size < 100_000, "the subset math font is missing or not subset"
    assert not (site_dir / "assets" / "mathjax").exists(), "MathJax is no longer shipped"


SCROLL_THROUGH = """async () => {
  const step = Math.max(200, window.innerHeight - 100);
  for (let y = 0; y < document.body.scrollHeight; y += step) {
    window.scrollTo(0, y);
    await new Promise(r => setTimeout(r, 60));
  }
  window.scrollTo(0, 0);
  await Promise.all([...document.images].filter(i => i.offsetParent !== null).map(
    i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; })));
}"""

#: Parts of an inline fraction keep at least this share of the text's size, and this many pixels
#: (MathML's compact style alone gives about 70 %, 9 px inside an admonition).
MIN_FRACTION_RATIO = 0.8
MIN_FRACTION_PX = 10.5

PAGE_FACTS = r"""() => {
  const content = document.querySelector(".md-content") || document.body;
  const clone = content.cloneNode(true);
  clone.querySelectorAll("pre, code, script, style, math, .jp-CodeCell")
    .forEach(e => e.remove());
  return {
    arithmatex: document.querySelectorAll(".arithmatex").length,
    withoutMath: [...document.querySelectorAll(".arithmatex")].filter(e => !e.querySelector("math"))
      .map(e => e.textContent.slice(0, 80)),
    math: document.querySelectorAll("math").length,
    // A formula the browser did not lay out has no size (e.g. MathML disabled).
    flat: [...document.querySelectorAll("math")].filter(m => m.getBoundingClientRect().width === 0
      && m.offsetParent !== null).length,
    mathFont: document.fonts.check('16px "Course Math"'),
    // Each part of an inline fraction: its font size over the size of the text around it.
    fractions: [...document.querySelectorAll('math:not([display="block"]) mfrac > *')]
      .filter(e => e.offsetParent !== null || e.getBoundingClientRect().height > 0)
      .map(e => ({text: e.closest("math").textContent.slice(0, 30),
                  px: parseFloat(getComputedStyle(e).fontSize),
                  ratio: parseFloat(getComputedStyle(e).fontSize)
                         / parseFloat(getComputedStyle(e.closest("math").parentElement).fontSize)})),
    text: clone.innerText,
    images: [...document.images].filter(i => i.offsetParent !== null)
      .map(i => ({src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0})),
    links: [...document.querySelectorAll("a[href]")].map(a => a.href),
    scheme: document.body.getAttribute("data-md-color-scheme"),
  };
}"""


def guard(page, base_url: str, problems: list[str], *, statuses: bool = True, intercept: bool = True) -> None:
    """Record on ``problems`` every console error, page error and (with ``statuses``) HTTP
    error of ``page``, and abort any request that leaves the site's host (noted too).

    Without ``intercept``, off-site requests are only noted: the caller keeps them from
    leaving the machine another way (a context whose proxy refuses them, as in
    test_accessibility.py). Intercepting pauses every request of the page on its way and
    turns the browser's cache off, which costs about 0.1 s a page."""
    host = urlparse(base_url).netloc

    def route(r):
        if urlparse(r.request.url).netloc != host:
            problems.append(f"off-site request {r.request.url}")
            r.abort()
        else:
            r.continue_()

    def note(r):
        url = urlparse(r.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != host:
            problems.append(f"off-site request {r.url}")

    if intercept:
        page.route("**/*", route)
    else:
        page.on("request", note)
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    if statuses:
        page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))


def _visit(browser, url: str):
    """Open ``url``; return (page, context, problems, resources)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    page = context.new_page()
    problems, resources = [], {}
    guard(page, url, problems, statuses=False)  # the response handler below records them
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} ({r.failure})"))

    def response(r):
        if r.status >= 400:
            problems.append(f"HTTP {r.status}: {r.url}")
        elif r.request.method == "GET":
            try:
                body = r.body()
                resources[r.url] = (len(body), len(gzip.compress(body, 6)))
            except Exception:  # a redirect or an aborted body has none
                pass

    page.on("response", response)
    first = page.goto(url, wait_until="load")
    assert first is not None and first.status == 200, f"{url}: HTTP {first and first.status}"
    page.evaluate("document.fonts.ready.then(() => true)")
    page.evaluate(SCROLL_THROUGH)
    page.wait_for_load_state("networkidle")
    return page, context, problems, resources


def _check_links(links: list[str], base_url: str, cache: dict) -> list[str]:
    """Internal links that do not resolve (HTTP status or missing #anchor)."""
    bad = []
    for link in sorted(set(links)):
        if not link.startswith(base_url):
            continue
        target, fragment = urldefrag(link)
        if target not in cache:
            try:
                with urllib.request.urlopen(target, timeout=10) as r:
                    cache[target] = (r.status, r.read().decode("utf-8", "replace"))
            except urllib.error.HTTPError as e:
                cache[target] = (e.code, "")
        status, body = cache[target]
        if status != 200:
            bad.append(f"{link}: HTTP {status}")
        elif fragment and target.endswith((".svg", ".png")):
            continue  # #only-light / #only-dark select the theme, they are not anchors
        elif fragment and f'id="{fragment}"' not in body and f"id={fragment}" not in body:
            bad.append(f"{link}: no element with id {fragment!r}")
    return bad


def test_every_page(site_dir, base_url, browser, screenshots):
    link_cache, weights, failures, math_counts, fractions = {}, {}, {}, {}, 0
    for path in page_paths(site_dir):
        url = urljoin(base_url, path)
        page, context, problems, resources = _visit(browser, url)
        facts = page.evaluate(PAGE_FACTS)
        name = path.strip("/").replace("/", "-") or "home"

        if facts["withoutMath"]:
            problems.append(f"formulas not converted to MathML: {facts['withoutMath'][:3]}")
        if facts["flat"]:
            problems.append(f"{facts['flat']} of {facts['math']} formulas have no size (not rendered)")
        if facts["math"] and not facts["mathFont"]:
            problems.append("the math font (assets/fonts/math.woff2) did not load")
        math_counts[path or "/"] = facts["math"]
        fractions += len(facts["fractions"])
        small = [f for f in facts["fractions"]
                 if f["ratio"] < MIN_FRACTION_RATIO or f["px"] < MIN_FRACTION_PX]
        problems += [f"inline fraction part at {f['px']:.1f} px ({f['ratio']:.0%} of its text): {f['text']!r}"
                     for f in small[:3]]
        for raw in ("$$", "\\(", "\\[", "\\frac", "\\sqrt", "\\mathcal", "^{"):
            if raw in facts["text"]:
                i = facts["text"].index(raw)
                context_text = facts["text"][max(0, i - 60):i + 60]
                problems.append(f"raw TeX {raw!r} left in the text: ...{context_text!r}")
        dollar = re.search(r"\$[^$\s][^$]{0,80}\$", facts["text"])
        if dollar:
            problems.append(f"raw $...$ TeX left in the text: {dollar.group(0)!r}")
        problems += [f"image not decoded: {i['src']}" for i in facts["images"] if not i["ok"]]
        problems += _check_links(facts["links"], base_url, link_cache)

        page.screenshot(path=str(screenshots / f"{name}-light.png"), full_page=True)
        page.locator("label.md-header__button[for^='__palette']:visible").first.click()
        page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'",
                               timeout=5_000)
        page.evaluate(SCROLL_THROUGH)  # the dark twins of the figures load now
        page.wait_for_load_state("networkidle")
        dark_images = page.evaluate(PAGE_FACTS)["images"]
        problems += [f"dark image not decoded: {i['src']}" for i in dark_images if not i["ok"]]
        page.screenshot(path=str(screenshots / f"{name}-dark.png"), full_page=True)
        context.close()

        light = {u: n for u, n in resources.items() if "-dark.svg" not in u and "search_index" not in u}
        weights[path or "/"] = {
            "bytes": sum(n for n, _ in light.values()),
            "gzip_bytes": sum(g for _, g in light.values()),
            "files": len(light),
            "largest": sorted(((n, urlparse(u).path) for u, (n, _) in light.items()), reverse=True)[:6],
        }
        if problems:
            failures[url] = problems
    (screenshots / "page-weights.json").write_text(json.dumps(weights, indent=2) + "\n")
    assert sum(math_counts.values()) > 100, f"formulas found per page: {math_counts}"
    assert fractions > 10, f"only {fractions} inline fraction parts measured: is the selector stale?"
    assert not failures, "\n".join(f"{u}:\n  " + "\n  ".join(p) for u, p in failures.items())


def test_dark_mode_persists_across_pages(base_url, browser):
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    page.goto(base_url)
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "default"
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    page.goto(urljoin(base_url, "initialization/"))
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    context.close()


@pytest.mark.parametrize("query, expected", [("Adam", "Adam"), ("He initialization", "Initialization")])
def test_search_finds(base_url, browser, query, expected):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url)
    page.wait_for_load_state("networkidle")  # the search worker has loaded the index
    search = page.locator("input.md-search__input")
    if not search.is_visible():  # narrow screens: the search box opens from a button
        page.locator("label.md-header__button[for='__search']").first.click()
    search.click()
    page.keyboard.type(query, delay=20)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15_000)
    text = page.locator(".md-search-result").inner_text()
    context.close()
    assert expected.lower() in text.lower(), f"search for {query!r} did not list {expected!r}:\n{text[:500]}"


def test_page_weights(site_dir, screenshots):
    """Heaviest page (HTML, styles, scripts, fonts and figures it loads, light theme, figures
    scrolled into view, search index aside) <= 1 MB as stored (uncompressed; GitHub Pages
    serves text gzipped, which page-weights.json also records), and the search index
    <= 1 MB. Measured by test_every_page."""
    record = screenshots / "page-weights.json"
    if not record.is_file():
        pytest.skip("test_every_page did not run")
    weights = json.loads(record.read_text())
    name, heaviest = max(weights.items(), key=lambda kv: kv[1]["bytes"])
    assert heaviest["bytes"] <= 1_000_000, f"heaviest page {name}: {heaviest}"
    assert heaviest["gzip_bytes"] < heaviest["bytes"], heaviest
    index = site_dir / "search" / "search_index.json"
    assert index.stat().st_size <= 1_000_000, f"search index is {index.stat().st_size} bytes"
