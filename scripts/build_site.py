"""Build the whole site: experiments and report notebooks side by side, then ``mkdocs build --strict``.

What ``make site`` runs. Each step is cached (see scripts/build_experiments.py and
scripts/build_reports.py), so a rebuild with nothing changed takes a few seconds. The report
notebooks run their own (small) experiments and read nothing the experiments step writes, so
the two steps run at the same time, their output lines prefixed with the step's name.

Usage: ``python scripts/build_site.py [--site-dir DIR] [--quiet]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _step(title: str, cmd: list[str], quiet: bool) -> float:
    start = time.perf_counter()
    print(f"==> {title}", file=sys.stderr, flush=True)
    capture = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT} if quiet else {}
    proc = subprocess.run(cmd, cwd=ROOT, env=_env(), text=True, **capture)
    if proc.returncode:
        if quiet:
            print(proc.stdout, file=sys.stderr)
        raise SystemExit(f"{title} failed (exit status {proc.returncode}): {' '.join(cmd)}")
    return time.perf_counter() - start


def _side_by_side(steps: dict[str, list[str]], quiet: bool) -> dict[str, float]:
    """Run the commands at once; each output line is printed as it comes, prefixed with its step."""
    print("==> " + " and ".join(f"{name} (cached)" for name in steps), file=sys.stderr, flush=True)
    start, seconds, logs, lock = time.perf_counter(), {}, {name: [] for name in steps}, threading.Lock()
    width = max(map(len, steps))

    def pump(name: str, proc: subprocess.Popen):
        for line in proc.stdout:
            logs[name].append(line)
            if not quiet:
                with lock:
                    sys.stderr.write(f"{name:>{width}} | {line}")
                    sys.stderr.flush()
        proc.wait()
        seconds[name] = time.perf_counter() - start

    procs = {name: subprocess.Popen(cmd, cwd=ROOT, env=_env(), text=True, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT) for name, cmd in steps.items()}
    threads = [threading.Thread(target=pump, args=item) for item in procs.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    failed = [name for name, proc in procs.items() if proc.returncode]
    for name in failed:
        if quiet:
            print("".join(logs[name]), file=sys.stderr)
    if failed:
        raise SystemExit("; ".join(f"{name} failed (exit status {procs[name].returncode}): "
                                   f"{' '.join(steps[name])}" for name in failed))
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", default="site", help="where to write the site (default: site/)")
    parser.add_argument("--quiet", action="store_true", help="print the steps' output only when one fails")
    args = parser.parse_args(argv)
    py = sys.executable
    times = _side_by_side({"experiments": [py, "scripts/build_experiments.py"],
                           "reports": [py, "scripts/build_reports.py"]}, args.quiet)
    times["mkdocs"] = _step("mkdocs build --strict", [py, "-m", "mkdocs", "build", "--strict", "--quiet",
                                                      "--site-dir", args.site_dir], args.quiet)
    site = Path(args.site_dir).resolve()
    print("built in " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()), file=sys.stderr)
    print(f"\nThe site is in {site}/\n  open it:  make serve, then http://127.0.0.1:8000/\n"
          f"       or:  python -m http.server -d {args.site_dir} 8000", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
