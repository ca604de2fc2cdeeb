"""Build the whole site: experiments, then report notebooks, then ``mkdocs build --strict``.

What ``make site`` runs. Each step is cached (see scripts/build_experiments.py and
scripts/build_reports.py), so a rebuild with nothing changed takes a few seconds.

Usage: ``python scripts/build_site.py [--site-dir DIR] [--quiet]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _step(title: str, cmd: list[str], quiet: bool) -> float:
    start = time.perf_counter()
    print(f"==> {title}", file=sys.stderr, flush=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    capture = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT} if quiet else {}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, text=True, **capture)
    if proc.returncode:
        if quiet:
            print(proc.stdout, file=sys.stderr)
        raise SystemExit(f"{title} failed (exit status {proc.returncode}): {' '.join(cmd)}")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", default="site", help="where to write the site (default: site/)")
    parser.add_argument("--quiet", action="store_true", help="print the steps' output only when one fails")
    args = parser.parse_args(argv)
    py = sys.executable
    times = {
        "experiments": _step("experiments (cached)", [py, "scripts/build_experiments.py"], args.quiet),
        "reports": _step("report notebooks (cached)", [py, "scripts/build_reports.py"], args.quiet),
        "mkdocs": _step("mkdocs build --strict", [py, "-m", "mkdocs", "build", "--strict", "--quiet",
                                                 "--site-dir", args.site_dir], args.quiet),
    }
    site = Path(args.site_dir).resolve()
    print("built in " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()), file=sys.stderr)
    print(f"\nThe site is in {site}/\n  open it:  make serve, then http://127.0.0.1:8000/\n"
          f"       or:  python -m http.server -d {args.site_dir} 8000", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
