"""Fixtures of the built-site tests: a fresh build, a local server, a headless Chromium.

The site is built once per session into a temporary folder (experiments and reports come
from their caches, so a warm build takes seconds), served by a thread on 127.0.0.1 at a
free port, and visited with Playwright driving the system's ``chromium`` (Debian's package:
Playwright never downloads a browser here). Outside CI, the browser tests are skipped with
the install command when chromium is missing; in CI (``CI=true``) that is a failure.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """A fresh strict build of the whole site (experiments, reports, mkdocs)."""
    pytest.importorskip("mkdocs", reason="the docs extra is not installed (make test installs it)")
    out = tmp_path_factory.mktemp("site")
    cmd = [sys.executable, str(ROOT / "scripts" / "build_site.py"), "--site-dir", str(out), "--quiet"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    if proc.returncode:
        pytest.fail(f"site build failed ({' '.join(cmd)}):\n{proc.stdout[-4000:]}\n{proc.stderr[-8000:]}")
    return out


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@pytest.fixture(scope="session")
def base_url(site_dir):
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    # $CHROMIUM names another Chromium-based browser (the GitHub runner's Chrome, say).
    executable = (shutil.which(os.environ.get("CHROMIUM", "")) if os.environ.get("CHROMIUM") else None) \
        or shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        message = ("chromium is not installed: run `sudo apt-get update && sudo apt-get install -y chromium` "
                   "(make test does it when run as root)")
        if in_ci():
            pytest.fail(message + " (CI=true: the browser tests must run)")
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make test installs it)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
