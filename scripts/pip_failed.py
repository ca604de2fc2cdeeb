"""Explain a failed dependency install in one paragraph (the Makefile calls this when pip fails).

It names what pip could not get, read from pip's log, and says whether the package index
can be reached at all. Standard library only: it runs in a venv that holds nothing else yet.

Usage: ``python scripts/pip_failed.py PIP_LOG``
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

DEFAULT_INDEX = "https://pypi.org/simple"
# What pip writes when it cannot get a package (pip 23-26).
MISSING = (
    re.compile(r"Could not find a version that satisfies the requirement ([A-Za-z0-9_.\-\[\]]+)"),
    re.compile(r"No matching distribution found for ([A-Za-z0-9_.\-\[\]]+)"),
)
NO_DISTRIBUTIONS = re.compile(r"no matching distributions available for your environment:\n"
                              r"((?:[ \t]+\S+\n?)+)")


def index_url() -> str:
    """The index pip uses: PIP_INDEX_URL, else pip's configuration, else PyPI."""
    if os.environ.get("PIP_INDEX_URL"):
        return os.environ["PIP_INDEX_URL"]
    try:
        configured = subprocess.run([sys.executable, "-m", "pip", "config", "get", "global.index-url"],
                                    capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        configured = ""
    return configured or DEFAULT_INDEX


def reach(url: str) -> str | None:
    """None when ``url`` answers, else why it does not."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/pip/", timeout=15):
            return None
    except urllib.error.HTTPError as e:
        return None if e.code < 500 else f"HTTP {e.code}"
    except (urllib.error.URLError, OSError, ValueError) as e:
        return str(getattr(e, "reason", e))


def missing_packages(log: str) -> list[str]:
    names = [m.group(1) for pattern in MISSING for m in pattern.finditer(log)]
    for block in NO_DISTRIBUTIONS.findall(log):
        names += block.split()
    return sorted(set(names), key=names.index)


def explain(log: str, index: str, problem: str | None) -> str:
    names = missing_packages(log)
    what = f"pip could not get {', '.join(names)}" if names else "installing the dependencies failed"
    if problem:
        where = f"the package index {index} cannot be reached ({problem})"
        advice = "Check the network, or set PIP_INDEX_URL to a mirror you can reach, and run make again."
    else:
        where = f"the package index {index} answers, so the error is in pip's log"
        advice = "Read the log; a second `make` starts the install again."
    return f"error: {what}: {where}. {advice}"


def main(argv: list[str]) -> int:
    log_path = Path(argv[0]) if argv else None
    log = log_path.read_text(errors="replace") if log_path and log_path.is_file() else ""
    tail = [line for line in log.splitlines() if line.startswith("ERROR:")][-3:]
    if tail:
        print("\n".join(tail), file=sys.stderr)
    index = index_url()
    print(explain(log, index, reach(index)), file=sys.stderr)
    if log_path:
        print(f"(pip's whole output: {log_path})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
