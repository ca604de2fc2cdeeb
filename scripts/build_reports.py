"""Execute the report notebooks (docs/reports/<topic>.py, jupytext percent format).

Each report becomes docs/reports/<topic>.ipynb with its outputs, which mkdocs-jupyter then
renders (without executing it again). A report gets its experiment's Result with
``course_code.build.result(name)``, which the kernel reads from the build's results cache
(``COURSE_CODE_CACHE`` points it there): the notebook shows the page's own run and trains
nothing that the experiments step already trained.

Executing is cached under .cache/reports/: the key hashes the report's source, the source of
the ``course_code`` modules it uses (what it imports, and the experiments and figures it
asks for by name, with everything they import), the cache keys of the Results it reads, and
the versions of Python and of the libraries the kernel uses. An unchanged report is copied
from the cache in milliseconds; a change to what it uses re-executes it, and only it.

With ``--wait-for PID`` (how ``make site`` runs it, beside the experiments step, whose process
is PID), a report starts as soon as the Results it reads are in the cache, or when PID has
ended. Reports run side by side, one kernel per core. A cell that raises fails the build
(the error is printed with the report's name).

Each executed notebook is also converted to HTML for its page right away
(``hook_notebooks.convert_ahead``), while the experiments still run.

From three reports to run, their kernels are forked from one process that has already
imported ipykernel, NumPy, matplotlib and ``course_code`` (``scripts/warm_kernels.py``):
the same kernels and outputs, without a second of start-up each (``--fresh-kernels``: not).

Usage: ``python scripts/build_reports.py [NAME ...] [--force] [--timeout S] [--jobs N]
[--wait-for PID] [--fresh-kernels]``
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import os
import re
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from importlib import metadata
from pathlib import Path

from course_code import experiments
from course_code.build import render
from course_code.build.cache import code_hash, imported_modules, result_key
from course_code.build.publish import results_entry
from course_code.build.runner import (  # NATIVE_LOG: TensorFlow's log lines
    CACHE_VARIABLE,
    NATIVE_LOG,
    NOT_CACHED,
    THREAD_VARIABLES,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hook_notebooks
import warm_kernels
from prose_numbers import check_file

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "docs" / "reports"
CACHE_ROOT = ROOT / ".cache"
CACHE = CACHE_ROOT / "reports"
KEEP = 4  # executed versions kept per report
WARM_FROM = 3  # reports to run from which their kernels are forked from a warm process
_CONVERTING = threading.Lock()
LIBRARIES = ("numpy", "matplotlib", "jupytext", "nbclient", "ipykernel", "nbformat", "pillow")
FORMAT = b"png-palette-256"  # how outputs are post-processed (see _palette_png)
KERNEL_ENV = {"MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYTHONHASHSEED": "0",
              "TF_CPP_MIN_LOG_LEVEL": "2", CACHE_VARIABLE: str(CACHE_ROOT),
              # one BLAS (and TensorFlow) thread per kernel: the kernels (and the experiments' workers beside
              # them) already fill the cores; a value the user set wins
              **{k: os.environ.get(k, "1") for k in THREAD_VARIABLES}}


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


BY_NAME = re.compile(r"""\b(experiments|figures)\.get\(\s*["'](\w+)["']\s*\)""")
# ``build.result("name")`` (or ``result("name")``): the report reads that experiment's Result.
RESULT_CALL = re.compile(r"""\bresult\(\s*["'](\w+)["']\s*\)""")


def used_modules(source: Path) -> list[str]:
    """The ``course_code`` modules a report imports or asks for by name (``experiments.get``,
    ``figures.get``, ``build.result``)."""
    text = source.read_text(encoding="utf-8")
    modules = sorted(m for m in imported_modules(text) if m.startswith("course_code"))
    named = set(BY_NAME.findall(text)) | {("experiments", name) for name in RESULT_CALL.findall(text)}
    return modules + [f"course_code.{kind}.{name}" for kind, name in sorted(named)]


def results_read(source: Path) -> dict[str, str]:
    """The experiments whose Result the report reads with ``result(name)``, and their keys
    (the site's ``Config()`` and ``SEED``: the Result the experiments step caches)."""
    keys = {}
    for name in sorted(set(RESULT_CALL.findall(source.read_text(encoding="utf-8")))):
        module = experiments.get(name)
        keys[name] = result_key(name, module.Config(), module.SEED, getattr(module, "EXTRA_LIBRARIES", ()))[0]
    return keys


def cache_key(source: Path) -> str:
    """Hash of everything a report's outputs depend on."""
    h = hashlib.sha256()
    h.update(b"report\0" + FORMAT + b"\0" + source.read_bytes())
    h.update(code_hash(*used_modules(source)).encode())
    for name, key in results_read(source).items():
        h.update(f"result {name} {key}\0".encode())
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


def execute(source: Path, timeout: int, kernel_manager=None) -> bytes:
    """Run the report in a fresh kernel (working directory: docs/reports/); the .ipynb bytes.

    ``kernel_manager``: a jupyter_client kernel manager class (``warm_kernels.kernels``
    gives one whose kernels are forked from a warm process); None: ordinary kernels.
    """
    import jupytext
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = jupytext.read(source)
    nb.metadata.pop("jupytext", None)  # the .ipynb stands alone (Colab, download)
    for i, cell in enumerate(nb.cells):  # nbformat draws random cell ids: number them instead
        cell["id"] = f"cell-{i}"
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(source.parent)}},
                            **({"kernel_manager_class": kernel_manager} if kernel_manager else {}))
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
            _refuse_a_recomputed_result(source, cell)
    return nbformat.writes(nb).encode() + b"\n"


def _refuse_a_recomputed_result(source: Path, cell) -> None:
    """Fail when ``build.result`` had to run an experiment in the report: inside the build the
    report must show the Result the pages were made from (a variant runs with ``module.run``)."""
    for output in cell.outputs:
        text = output.get("text", "")
        text = "".join(text) if isinstance(text, list) else text
        if NOT_CACHED in text:
            line = next(line for line in text.splitlines() if NOT_CACHED in line)
            raise SystemExit(f"report {source.name} computed a Result the build did not give it "
                             f"({line.strip()}): read the page's run with build.result(name), "
                             "a variant with module.run(...)")


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


def _run_one(source: Path, cached: Path, timeout: int, kernel_manager=None) -> float:
    start = time.perf_counter()
    data = execute(source, timeout, kernel_manager)
    # Keep the few most recent executions of this report: undoing an edit finds its old one.
    older = sorted(CACHE.glob(f"{source.stem}-*.ipynb"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in older[KEEP - 1:]:
        stale.unlink()
    _write_if_changed(cached, data)
    _write_if_changed(source.with_suffix(".ipynb"), data)
    with _CONVERTING:  # nbconvert holds the GIL: one at a time
        try:
            hook_notebooks.convert_ahead(str(source.with_suffix(".ipynb")))
        except Exception as e:  # mkdocs converts it then, and reports any error
            print(f"  report {source.stem}: not converted ahead of mkdocs ({e!r})", file=sys.stderr)
    return time.perf_counter() - start


def _running(pid: int) -> bool:
    """Whether process ``pid`` is still running (an exited child not yet reaped counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def _wait_for_results(source: Path, pid: int | None) -> None:
    """Return when the Results ``source`` reads are cached, or when process ``pid`` has ended
    (a Result still missing is then computed by the report itself)."""
    if pid is None:
        return
    needed = [results_entry(name, key, CACHE_ROOT) for name, key in results_read(source).items()]
    while not all(entry.exists() for entry in needed) and _running(pid):
        time.sleep(0.1)


def build(names: list[str] | None = None, *, force: bool = False, timeout: int = 300,
          jobs: int | None = None, wait_for: int | None = None, fresh_kernels: bool = False) -> int:
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
        # Each report runs in its own kernel process: run them side by side, one per core,
        # each as soon as the Results it reads are cached.
        old = {k: os.environ.get(k) for k in KERNEL_ENV}
        os.environ.update(KERNEL_ENV)
        slots = threading.Semaphore(max(1, jobs or os.cpu_count() or 1))

        # Several reports: fork their kernels from one warm process (it costs about two
        # kernels' start-up once, and saves about a second of CPU on each kernel).
        warm = (warm_kernels.kernels(dict(os.environ)) if len(todo) >= WARM_FROM and not fresh_kernels
                else contextlib.nullcontext())

        def run(source: Path, cached: Path) -> float:
            _wait_for_results(source, wait_for)
            with slots:
                return _run_one(source, cached, timeout, manager)

        try:
            with warm as manager, ThreadPoolExecutor(len(todo)) as pool:
                futures = {pool.submit(run, source, cached): source for source, cached in todo}
                for future in as_completed(futures):
                    try:
                        print(f"  ran    report {futures[future].stem} in {future.result():.1f} s",
                              file=sys.stderr, flush=True)
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
    parser.add_argument("--wait-for", type=int, metavar="PID",
                        help="start each report once the Results it reads are cached or process PID ended")
    parser.add_argument("--fresh-kernels", action="store_true",
                        help="start every kernel afresh instead of forking it from a warm process")
    args = parser.parse_args(argv)
    return build(args.names, force=args.force, timeout=args.timeout, jobs=args.jobs, wait_for=args.wait_for,
                 fresh_kernels=args.fresh_kernels)


if __name__ == "__main__":
    sys.exit(main())
