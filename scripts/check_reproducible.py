"""Check that two cold builds of the site give the same files.

Clones the repository's committed state twice into a temporary folder, runs the whole
build (``scripts/build_site.py``: experiments, reports, mkdocs) in each from empty caches,
one after the other, and compares:

- ``docs/generated/``: every file byte for byte;
- ``site/``: every file byte for byte, except that in HTML pages the run times of the
  provenance lines (``<span class="run-time">``) and in the sitemap the build dates
  (``<lastmod>``) are masked first: they are measurements of the build, not its results.

Prints what differs (and exits 1), or the number of files that matched.

Usage: ``python scripts/check_reproducible.py [--keep]`` (about two cold builds' time).
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MASKS = (
    (re.compile(rb'(<span class="run-time"[^>]*>)[^<]*</span>'), rb"\1(masked)</span>"),
    (re.compile(rb"<lastmod>[^<]*</lastmod>"), b"<lastmod>(masked)</lastmod>"),
)


def build(clone: Path) -> float:
    """Clone the committed repository into ``clone`` and build its site from empty caches."""
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    font_cache = ROOT / ".cache" / "fonts"  # a download, not a build product: reuse it
    if font_cache.is_dir():
        shutil.copytree(font_cache, clone / ".cache" / "fonts")
    env = {**os.environ, "PYTHONPATH": str(clone)}  # the clone's course_code, not this one's
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "scripts/build_site.py", "--quiet"], cwd=clone, env=env,
                          capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"the build in {clone} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start


def normalised(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name == "sitemap.xml.gz":
        data = gzip.decompress(data)
    if path.suffix in (".html", ".xml", ".gz"):
        for pattern, replacement in MASKS:
            data = pattern.sub(replacement, data)
    return data


def _first_difference(x: bytes, y: bytes, width: int = 100) -> str:
    """The two versions around their first differing byte (for text files)."""
    i = next((k for k, (p, q) in enumerate(zip(x, y, strict=False)) if p != q), min(len(x), len(y)))
    if b"\0" in x[:1000]:
        return f" (binary, from byte {i})"
    start = max(0, i - width // 2)
    return (f" (from byte {i}):\n    first:  {x[start:i + width].decode(errors='replace')!r}"
            f"\n    second: {y[start:i + width].decode(errors='replace')!r}")


def compare(a: Path, b: Path) -> tuple[int, list[str]]:
    """(files that match, descriptions of the differences) between folders ``a`` and ``b``."""
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    problems = [f"only in one build: {p}" for p in sorted(files_a ^ files_b)]
    same = 0
    for rel in sorted(files_a & files_b):
        x, y = normalised(a / rel), normalised(b / rel)
        if x == y:
            same += 1
            continue
        problems.append(f"differs: {rel}{_first_difference(x, y)}")
    return same, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the two clones (printed) for inspection")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="reproducible-"))
    try:
        for name in ("first", "second"):
            print(f"cold build {name} ...", flush=True)
            print(f"  {build(work / name):.1f} s", flush=True)
        failures = []
        for part in ("docs/generated", "site"):
            same, problems = compare(work / "first" / part, work / "second" / part)
            print(f"{part}: {same} files identical, {len(problems)} different")
            failures += problems
        for problem in failures:
            print("  " + problem)
        return 1 if failures else 0
    finally:
        if args.keep:
            print(f"clones kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
