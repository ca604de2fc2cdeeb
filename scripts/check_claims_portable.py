"""Do the pages' claims survive another CPU's rounding?

Every ``{{ claim }}`` on a page is checked against this machine's build. A different CPU
takes other paths through the numerical libraries (OpenBLAS picks its kernels by CPU
type, NumPy its SIMD loops), which round differently; in a chaotic run (a deep network at
the edge of training, an unregularized network that finds the islands or not) a last-bit
difference grows into a different run. A claim that holds here and fails there states
rounding noise (a near tie, a borderline run), not a finding, and ``make site`` fails on
the other machine.

This script builds every experiment again, from empty caches in a scratch copy of the
package, once per *variant*: environment settings that make the libraries take the paths
another CPU would take (``OPENBLAS_CORETYPE``; ``NPY_DISABLE_CPU_FEATURES`` for NumPy's
dispatched loops). It then checks every claim of ``docs/*.md`` against each build and lists
those that flip. TensorFlow's float64 kernels are not varied (they have no such switch).

    python scripts/check_claims_portable.py [--jobs N] [--variant NAME ...] [--list]

Exit status 1 when a claim flips under some variant (each is printed with the page, the
line and the variant), 0 otherwise. About a minute per variant on two cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import hook_placeholders  # a sibling in scripts/

ROOT = Path(__file__).resolve().parent.parent

#: NumPy's dispatch targets above the x86-64-v2 baseline, newest last. Disabling the ones the
#: machine has makes NumPy run the loops a CPU without them runs.
NUMPY_WIDE = ("X86_V3", "X86_V4", "AVX512_ICL", "AVX512_SPR")


def cpu_flags() -> set[str]:
    """The instruction-set flags of the first CPU in ``/proc/cpuinfo`` (empty when unreadable)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def numpy_dispatched() -> list[str]:
    """The targets of :data:`NUMPY_WIDE` that this NumPy dispatches to on this CPU."""
    from numpy._core import _multiarray_umath as umath

    return [f for f in NUMPY_WIDE if f in umath.__cpu_dispatch__ and umath.__cpu_features__.get(f)]


def variants(machine: str, flags: set[str], numpy_targets: list[str]) -> dict[str, dict[str, str]]:
    """The variants this machine can run, by name: each is the environment to build under.

    ``older``: the kernels of an older x86 CPU (OpenBLAS' Sandy Bridge kernels with AVX,
    Nehalem's without; NumPy's baseline loops). ``avx512``: OpenBLAS' Skylake-X kernels, on
    a CPU that has AVX-512 (whose default here may be other kernels). None off x86-64: the
    switches name x86 kernels.
    """
    if machine.lower() not in ("x86_64", "amd64"):
        return {}
    older = {"OPENBLAS_CORETYPE": "Sandybridge" if "avx" in flags else "Nehalem"}
    if numpy_targets:
        older["NPY_DISABLE_CPU_FEATURES"] = " ".join(numpy_targets)
    out = {"older": older}
    if "avx512f" in flags:
        out["avx512"] = {"OPENBLAS_CORETYPE": "SkylakeX"}
    return out


def flipped_claims(pages: list[Path], root: Path) -> list[str]:
    """``page:line: what is wrong`` for every claim of ``pages`` that fails in the build under ``root``."""
    out = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for m in hook_placeholders.CLAIM.finditer(text):
            wrong = hook_placeholders.claim_error(m, root)
            if wrong:
                line = text.count("\n", 0, m.start()) + 1
                out.append(f"docs/{page.name}:{line}: {wrong}")
    return out


def build(root: Path, env: dict[str, str], jobs: int | None) -> float:
    """Build every experiment in ``root`` (a scratch copy of the package) under ``env``."""
    cmd = [sys.executable, "-m", "course_code", "build", "--force"] + (["--jobs", str(jobs)] if jobs else [])
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, env={**os.environ, **env, "PYTHONPATH": str(root)},
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"the build under {env} failed:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, help="worker processes of each build (default: one per core)")
    parser.add_argument("--variant", action="append", help="only this variant (repeatable)")
    parser.add_argument("--list", action="store_true", help="print the variants and stop")
    args = parser.parse_args(argv)
    available = variants(platform.machine(), cpu_flags(), numpy_dispatched())
    unknown = sorted(set(args.variant or ()) - set(available))
    if unknown:
        sys.exit(f"unknown variant(s) {', '.join(unknown)}; "
                 f"this machine has: {', '.join(available) or 'none'}")
    chosen = {k: v for k, v in available.items() if not args.variant or k in args.variant}
    for name, env in chosen.items():
        print(f"  {name}: " + " ".join(f"{k}={v!r}" for k, v in env.items()))
    if args.list:
        return 0
    if not chosen:
        print(f"no variants on {platform.machine()}: nothing to check")
        return 0
    pages = sorted((ROOT / "docs").glob("*.md"))
    failures = []
    with tempfile.TemporaryDirectory(prefix="claims-portable-") as tmp:
        for name, env in chosen.items():
            root = Path(tmp) / name
            shutil.copytree(ROOT / "course_code", root / "course_code",
                            ignore=shutil.ignore_patterns("__pycache__"))
            seconds = build(root, env, args.jobs)
            flips = flipped_claims(pages, root)
            print(f"{name}: built in {seconds:.0f} s; {len(flips)} claim(s) flip", flush=True)
            failures += [f"{f} (under {name})" for f in flips]
    if failures:
        print("\nClaims that another CPU's rounding flips (state them so that they hold on any machine):")
        print("\n".join(f"  {f}" for f in failures))
        return 1
    print("every claim holds under every variant")
    return 0


if __name__ == "__main__":
    sys.exit(main())
