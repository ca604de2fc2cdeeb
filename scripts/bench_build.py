"""Time the experiments build: cold (empty caches), warm (nothing changed), then three edits.

Runs in a scratch copy of the package so the real caches and docs/generated are untouched,
and prints seconds for each phase (targets: cold <= 60 s, warm <= 2 s, a figure edit <= 10 s)
and the build's summary line (what ran, what was only rendered): a figure edit re-renders one
topic and runs nothing; an edit to optimizers.py re-runs the experiments that import it.

    python scripts/bench_build.py [--jobs N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGETS = {"cold": 60.0, "warm": 2.0, "figure edit (optimization)": 10.0}


def _build(cwd: Path, jobs: int | None) -> float:
    cmd = [sys.executable, "-m", "course_code", "build"] + (["--jobs", str(jobs)] if jobs else [])
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"build failed in {cwd}:\n{proc.stderr}")
    print(proc.stderr.rstrip().splitlines()[-1], file=sys.stderr)
    return seconds


def _edit(root: Path, relpath: str) -> None:
    """Append a comment to a module of the copy of the package."""
    module = root / "course_code" / relpath
    module.write_text(module.read_text() + "\n# benchmark edit\n")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "course_code", root / "course_code",
                        ignore=shutil.ignore_patterns("__pycache__"))
        results = {"cold": _build(root, args.jobs), "warm": _build(root, args.jobs)}
        # A figure edit re-renders that topic from its cached Result; a math edit re-runs the
        # experiments that import the module (the build's last line says which).
        for phase, relpath in (("figure edit (optimization)", "figures/optimization.py"),
                               ("experiment edit (initialization)", "experiments/initialization.py"),
                               ("math edit (optimizers.py)", "optimizers.py")):
            _edit(root, relpath)
            results[phase] = _build(root, args.jobs)
    print(f"{'phase':34} {'seconds':>8} {'target':>8}")
    for phase, seconds in results.items():
        target = f"<= {TARGETS[phase]:.0f}" if phase in TARGETS else ""
        print(f"{phase:34} {seconds:8.2f} {target:>8}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    main()
