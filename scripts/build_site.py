"""Build the whole site: experiments and report notebooks, then ``mkdocs build --strict``.

What ``make site`` runs. The experiments step and the reports step run side by side: each
report starts as soon as the Results it reads are in the cache (scripts/build_reports.py
``--wait-for``). Each step is cached (see scripts/build_experiments.py and
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


def _start(title: str, cmd: list[str], quiet: bool) -> subprocess.Popen:
    print(f"==> {title}", file=sys.stderr, flush=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    capture = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT} if quiet else {}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, text=True, **capture)


def _finish(title: str, proc: subprocess.Popen, others: tuple[subprocess.Popen, ...] = ()) -> None:
    """Wait for ``proc``; if it failed, stop ``others``, show its output (quiet mode) and exit."""
    output = proc.communicate()[0]
    if proc.returncode:
        for other in others:
            other.terminate()
            other.communicate()
        if output:
            print(output, file=sys.stderr)
        raise SystemExit(f"{title} failed (exit status {proc.returncode}): {' '.join(map(str, proc.args))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", default="site", help="where to write the site (default: site/)")
    parser.add_argument("--quiet", action="store_true", help="print the steps' output only when one fails")
    args = parser.parse_args(argv)
    py = sys.executable
    start = time.perf_counter()
    exp = _start("experiments (cached)", [py, "scripts/build_experiments.py"], args.quiet)
    rep = _start("report notebooks (cached; each once its Results are cached)",
                 [py, "scripts/build_reports.py", "--wait-for", str(exp.pid)], args.quiet)
    _finish("experiments", exp, (rep,))
    times = {"experiments": time.perf_counter() - start}
    _finish("report notebooks", rep)
    times["experiments and reports"] = time.perf_counter() - start
    mkdocs = _start("mkdocs build --strict", [py, "-m", "mkdocs", "build", "--strict", "--quiet",
                                              "--site-dir", args.site_dir], args.quiet)
    _finish("mkdocs build", mkdocs)
    times["mkdocs"] = time.perf_counter() - start - times["experiments and reports"]
    site = Path(args.site_dir).resolve()
    print("built in " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()), file=sys.stderr)
    print(f"\nThe site is in {site}/\n  open it:  make serve, then http://127.0.0.1:8000/\n"
          f"       or:  python -m http.server -d {args.site_dir} 8000", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
