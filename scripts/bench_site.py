"""Time ``make site`` as a maintainer meets it: cold in a fresh clone, then warm.

Clones the committed repository into a temporary folder (dependencies are already installed:
this script's Python is used), runs ``scripts/build_site.py`` there from empty caches
(experiments, reports, mkdocs), then again with nothing changed, then after a one-line edit
of a figures module (that topic re-renders, its report re-executes, nothing trains), and prints each run's
wall time, its phases, and the peak memory of the whole process tree (the build and every
worker and kernel it starts, sampled every 0.1 s). Targets: cold <= 90 s,
warm <= 5 s, figure edit <= 10 s, peak memory <= 3 GB.

Usage: ``python scripts/bench_site.py [--json PATH]``. Measure on a quiet machine: the build
uses every core.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil  # a dependency of dask.distributed, which course_code uses

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"cold": 90.0, "warm": 5.0, "figure edit": 10.0}
EDITED = "course_code/figures/regularization.py"  # the topic with the slowest render and report
MEMORY_TARGET = 3 * 1024**3


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:  # it ended between listing and reading
            pass
    return total


def run_build(clone: Path) -> tuple[float, int, str]:
    """(seconds, peak bytes of the process tree, the build's summary line)."""
    env = {**os.environ, "PYTHONPATH": str(clone)}  # the clone's course_code
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "scripts/build_site.py", "--quiet"], cwd=clone, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak, watched = 0, psutil.Process(proc.pid)

    def sample():
        nonlocal peak
        while proc.poll() is None:
            try:
                peak = max(peak, _tree_rss(watched))
            except psutil.Error:
                return
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = proc.communicate()[0]
    seconds = time.perf_counter() - start
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"the build in {clone} failed:\n{output[-4000:]}")
    summary = next((line for line in output.splitlines() if line.startswith("built in")), "")
    return seconds, peak, summary


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the results there")
    args = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        clone = Path(tmp) / "repo"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        fonts = ROOT / ".cache" / "fonts"  # a download, not build work: reuse it
        if fonts.is_dir():
            shutil.copytree(fonts, clone / ".cache" / "fonts")
        results = {}
        for phase in ("cold", "warm", "figure edit"):
            if phase == "figure edit":
                with (clone / EDITED).open("a") as f:
                    f.write("# an edit\n")
            seconds, peak, summary = run_build(clone)
            results[phase] = {"seconds": round(seconds, 2), "peak_bytes": peak, "phases": summary}
            print(f"{phase}: {seconds:.1f} s (target <= {TARGETS[phase]:g}), peak memory "
                  f"{peak / 1024**3:.2f} GB; {summary}", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    ok = all(results[p]["seconds"] <= TARGETS[p] for p in TARGETS) and \
        max(r["peak_bytes"] for r in results.values()) <= MEMORY_TARGET
    print("targets met" if ok else "TARGETS MISSED")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    main()
