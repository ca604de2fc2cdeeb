"""Execute the report notebooks (docs/reports/<topic>.py, jupytext percent format).

Each report becomes docs/reports/<topic>.ipynb with its outputs, which mkdocs-jupyter then
renders (without executing it again). Executing is cached under .cache/reports/: the key
hashes the report's source, the source of the ``course_code`` modules it uses (what it
imports, and the experiments and figures it asks for by name, with everything they import),
the published metrics and provenance of those experiments, and the versions of Python and
of the libraries the kernel uses. An unchanged report is copied from the cache in
milliseconds; a change to what it uses re-executes it, and only it.

A cell that raises fails the build (the error is printed with the report's name).

Reports that need executing run side by side, one kernel per core.

Usage: ``python scripts/build_reports.py [NAME ...] [--force] [--timeout SECONDS] [--jobs N]``
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from importlib import metadata
from pathlib import Path

from course_code.build import render
from course_code.build.cache import code_hash, imported_modules
from course_code.build.publish import GENERATED as GENERATED_REL
from course_code.build.runner import NATIVE_LOG  # TensorFlow's native log lines

sys.path.insert(0, str(Path(__file__).resolve().parent))
from prose_numbers import check_file

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "docs" / "reports"
GENERATED = ROOT / GENERATED_REL
CACHE = ROOT / ".cache" / "reports"
KEEP = 4  # executed versions kept per report
LIBRARIES = ("numpy", "matplotlib", "jupytext", "nbclient", "ipykernel", "nbformat", "pillow")
FORMAT = b"png-palette-256"  # how outputs are post-processed (see _palette_png)
KERNEL_ENV = {"MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYTHONHASHSEED": "0",
              "TF_CPP_MIN_LOG_LEVEL": "2"}


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


BY_NAME = re.compile(r"""\b(experiments|figures)\.get\(\s*["'](\w+)["']\s*\)""")


def used_modules(source: Path) -> tuple[list[str], list[str]]:
    """The ``course_code`` modules a report imports or asks for by name, and the topics it names."""
    text = source.read_text(encoding="utf-8")
    modules = sorted(m for m in imported_modules(text) if m.startswith("course_code"))
    named = BY_NAME.findall(text)
    topics = sorted({name for _, name in named})
    return modules + [f"course_code.{kind}.{name}" for kind, name in sorted(set(named))], topics


def cache_key(source: Path) -> str:
    """Hash of everything a report's outputs depend on."""
    modules, topics = used_modules(source)
    h = hashlib.sha256()
    h.update(b"report\0" + FORMAT + b"\0" + source.read_bytes())
    h.update(code_hash(*modules).encode())
    for topic in topics:
        for name in ("metrics.json", "provenance.json"):
            path = GENERATED / topic / name
            h.update(f"{topic}/{name}\0".encode() + (path.read_bytes() if path.is_file() else b"missing"))
    h.update(sys.version.encode())
    for lib in LIBRARIES:
        h.update(f"{lib}={_version(lib)}".encode())
    return h.hexdigest()[:24]


def _without_native_logs(output):
    """A stderr stream output without native log lines; None when nothing else was in it."""
    if output.get("output_type") != "stream" or output.get("name") != "stderr":
        return output
    text = NATIVE_LOG.sub("", "".join(output["text"]) if isinstance(output["text"], list) else output["text"])
    if not text.strip():
        return None
    output["text"] = text
    return output


def execute(source: Path, timeout: int) -> bytes:
    """Run the report in a fresh kernel (working directory: docs/reports/); the .ipynb bytes."""
    import jupytext
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = jupytext.read(source)
    nb.metadata.pop("jupytext", None)  # the .ipynb stands alone (Colab, download)
    for i, cell in enumerate(nb.cells):  # nbformat draws random cell ids: number them instead
        cell["id"] = f"cell-{i}"
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(source.parent)}})
    # The kernel's own stderr (ipykernel's transport warning, TensorFlow's start-up log) goes
    # to a file, shown only when the report fails; cell output is captured by nbclient.
    with tempfile.TemporaryFile(mode="w+") as kernel_log:
        try:
            client.execute(stderr=kernel_log)  # the kernel inherits KERNEL_ENV, set by build()
        except CellExecutionError as e:
            raise SystemExit(f"report {source.name} failed:\n{e}") from None
        except Exception:
            kernel_log.seek(0)
            print(f"report {source.name}: the kernel's log:\n{kernel_log.read()[-4000:]}", file=sys.stderr)
            raise
    for cell in nb.cells:  # deterministic bytes: no execution timestamps
        cell.get("metadata", {}).pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = [_palette_png(o) for o in map(_without_native_logs, cell.outputs) if o is not None]
    return nbformat.writes(nb).encode() + b"\n"


def _palette_png(output):
    """An output whose PNG figure is reduced to a 256-colour palette: a plot has few colours
    (their antialiased edges fit in 256), and the file shrinks ~4x with no visible change,
    which keeps a report page with dense figures under the 1 MB page budget."""
    data = output.get("data", {})
    if "image/png" in data:
        png = base64.b64decode(data["image/png"])
        data["image/png"] = base64.b64encode(render.palette(png, colors=256)).decode("ascii")
    return output


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return True


def _run_one(source: Path, cached: Path, timeout: int) -> float:
    start = time.perf_counter()
    data = execute(source, timeout)
    # Keep the few most recent executions of this report: undoing an edit finds its old one.
    older = sorted(CACHE.glob(f"{source.stem}-*.ipynb"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in older[KEEP - 1:]:
        stale.unlink()
    _write_if_changed(cached, data)
    _write_if_changed(source.with_suffix(".ipynb"), data)
    return time.perf_counter() - start


def build(names: list[str] | None = None, *, force: bool = False, timeout: int = 300,
          jobs: int | None = None) -> int:
    sources = sorted(REPORTS.glob("*.py"))
    if names:
        unknown = sorted(set(names) - {s.stem for s in sources})
        if unknown:
            print(f"unknown report(s) {unknown}; valid: {[s.stem for s in sources]}", file=sys.stderr)
            return 2
        sources = [s for s in sources if s.stem in names]
    typed = [f"{source.name}:{line}: {number!r} in: {text[:90]}"
             for source in sources for line, number, text in check_file(source)]
    if typed:
        print("numbers typed into the reports' Markdown (print results from code instead; see "
              "scripts/prose_numbers.py):\n  " + "\n  ".join(typed), file=sys.stderr)
        return 1
    CACHE.mkdir(parents=True, exist_ok=True)
    todo = []
    for source in sources:
        cached = CACHE / f"{source.stem}-{cache_key(source)}.ipynb"
        if cached.is_file() and not force:
            _write_if_changed(source.with_suffix(".ipynb"), cached.read_bytes())
            print(f"  cached report {source.stem}", file=sys.stderr)
        else:
            todo.append((source, cached))
    failures = []
    if todo:
        # Each report runs in its own kernel process: run them side by side, one per core.
        old = {k: os.environ.get(k) for k in KERNEL_ENV}
        os.environ.update(KERNEL_ENV)
        try:
            with ThreadPoolExecutor(max(1, min(jobs or os.cpu_count() or 1, len(todo)))) as pool:
                futures = {pool.submit(_run_one, source, cached, timeout): source for source, cached in todo}
                for future in as_completed(futures):
                    try:
                        print(f"  ran    report {futures[future].stem} in {future.result():.1f} s",
                              file=sys.stderr)
                    except SystemExit as e:
                        failures.append(str(e))
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1
    # Executed notebooks whose report source is gone would still be rendered: remove them.
    for nb in REPORTS.glob("*.ipynb"):
        if not nb.with_suffix(".py").is_file():
            nb.unlink()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these reports")
    parser.add_argument("--force", action="store_true", help="execute even when cached")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    parser.add_argument("--jobs", type=int, help="reports executed at once (default: one per core)")
    args = parser.parse_args(argv)
    return build(args.names, force=args.force, timeout=args.timeout, jobs=args.jobs)


if __name__ == "__main__":
    sys.exit(main())
