"""The build: run experiments (cached, in parallel) and write their figures, tables and provenance.

This module and :mod:`course_code.cli` are the only parts of the package that touch the
disk. Everything else is pure computation.

Layout of what it writes::

    .cache/experiments/<name>/<key>/     one complete, immutable entry per cache key
    docs/generated/<name>/               the entry's files, copied for the site:
        <figure>.svg, <figure>-dark.svg  light- and dark-theme versions of each figure
        <figure>.md                      the Markdown that shows the pair (for includes)
        <figure>-thumb[-dark].png        a small PNG of the report's thumbnail figure (home page)
        <table>.md                       Markdown tables
        metrics.json                     headline numbers quoted by the pages
        <data>.json                      data of the interactive figures (report.encode_data)
        provenance.json                  config, seed, code hash, library versions, cache key

The run time is a measurement, not a result: it stays in the cache entry (``timing.json``,
not published), so two cold builds publish byte-identical files. The site reads it from
there for the provenance lines.

The key hashes the experiment's name, config and seed, the source of every
``course_code`` module it imports (directly or not), and the versions of the libraries
that compute or draw it. An unchanged experiment is therefore never re-run, and an edit
re-runs exactly the experiments that import the edited module.
"""

from __future__ import annotations

import ast
import base64
import dataclasses
import hashlib
import io
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from importlib import metadata
from pathlib import Path

from . import experiments

__all__ = ["BuildOutcome", "build", "cache_key", "code_files", "run_experiment"]

PACKAGE_DIR = Path(__file__).resolve().parent
#: Modules every experiment's outputs depend on, whether or not it imports them.
ALWAYS = ("course_code.plotting", "course_code.report", "course_code.build")
LIBRARIES = ("numpy", "scipy", "scikit-learn", "matplotlib")


# ---------------------------------------------------------------------- cache key
def _module_file(name: str, root: Path) -> Path | None:
    rel = name.split(".")[1:]
    for candidate in (root.joinpath(*rel).with_suffix(".py"), root.joinpath(*rel, "__init__.py")):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path, module: str) -> set[str]:
    """``course_code`` modules that the file imports (absolute or relative)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("course_code")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            if base.startswith("course_code"):
                found.add(base)
                found |= {f"{base}.{a.name}" for a in node.names}  # `from . import x` imports a module
    return found


def code_files(module: str, root: Path = PACKAGE_DIR) -> list[Path]:
    """Source files of ``module`` and of every ``course_code`` module it imports, transitively.

    ``root`` is the package folder (another copy of it in the tests).
    """
    todo, seen, files = [module, *ALWAYS], set(), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _module_file(name, root)
        if path is None:
            continue
        files.add(path)
        todo.extend(_imports(path, name))
        if "." in name:
            todo.append(name.rsplit(".", 1)[0])  # importing a.b runs a/__init__.py too
    return sorted(files)


def code_hash(module: str, root: Path = PACKAGE_DIR) -> str:
    """SHA-256 over the relative paths and contents of :func:`code_files`."""
    h = hashlib.sha256()
    for path in code_files(module, root):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def library_versions(extra: Iterable[str] = ()) -> dict[str, str]:
    """Python's and the libraries' versions (they change numbers and figure bytes)."""
    out = {"python": platform.python_version()}
    for lib in (*LIBRARIES, *extra):
        try:
            out[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            out[lib] = "absent"
    return out


def _jsonable(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def cache_key(name: str, config, seed: int) -> tuple[str, dict]:
    """The cache key and the description it hashes."""
    module = experiments.get(name)
    described = {
        "experiment": name,
        "config": _jsonable(config),
        "seed": seed,
        "code": code_hash(module.__name__),
        "versions": library_versions(getattr(module, "EXTRA_LIBRARIES", ())),
    }
    blob = json.dumps(described, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:20], described


# ---------------------------------------------------------------------- writing
def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the site's files are public
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


THUMB_WIDTH = 720  # pixels of a home-page thumbnail (cards are ~350 CSS px: sharp at 2x)


EMBEDDED_PNG = re.compile(rb"data:image/png;base64,([A-Za-z0-9+/=\n]+)")


def _palette(png: bytes) -> bytes:
    """A PNG reduced to a 64-colour palette (decision-boundary shading and dots need no more)."""
    from PIL import Image  # matplotlib's own dependency

    out = io.BytesIO()
    with Image.open(io.BytesIO(png)) as image:
        image.quantize(colors=64, method=Image.Quantize.FASTOCTREE).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _palette_images(svg: bytes) -> bytes:
    """``svg`` with its embedded raster images (the rasterized parts of a figure) palettized:
    decision-boundary figures shrink by ~60 %, with no visible change."""
    return EMBEDDED_PNG.sub(
        lambda m: b"data:image/png;base64," + base64.b64encode(_palette(base64.b64decode(m.group(1)))), svg)


def _save_thumbnail(fig, width_inches: float, path: Path) -> None:
    """``fig`` as a THUMB_WIDTH-pixel PNG with a 64-colour palette (a quarter of the bytes of
    full colour, with no visible difference at card size)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=THUMB_WIDTH / width_inches, metadata={"Software": None})
    path.write_bytes(_palette(buffer.getvalue()))


def _figure_markdown(name: str, fig: str, alt: str) -> str:
    base = f"generated/{name}/{fig}"
    return (f'![{alt}]({base}.svg#only-light){{ loading=lazy }}\n'
            f'![{alt}]({base}-dark.svg#only-dark){{ loading=lazy }}\n')


def render(name: str, report, directory: Path) -> None:
    """Write a report's files into ``directory`` (which must exist)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from .plotting import theme
    from .report import encode_data

    for fig_name, spec in report.figures.items():
        for variant, suffix in (("light", ""), ("dark", "-dark")):
            with theme(variant):
                fig = Figure(figsize=spec.size, layout="constrained")
                spec.draw(fig)
                svg = io.BytesIO()
                fig.savefig(svg, format="svg", dpi=150, metadata={"Date": None, "Creator": None})
                (directory / f"{fig_name}{suffix}.svg").write_bytes(_palette_images(svg.getvalue()))
        (directory / f"{fig_name}.md").write_text(_figure_markdown(name, fig_name, spec.alt))
        if fig_name == report.thumbnail:
            for variant, suffix in (("light", ""), ("dark", "-dark")):
                with theme(variant):
                    fig = Figure(figsize=spec.size, layout="constrained")
                    spec.draw(fig)
                    _save_thumbnail(fig, spec.size[0], directory / f"{fig_name}-thumb{suffix}.png")
    for table_name, markdown in report.tables.items():
        (directory / f"{table_name}.md").write_text(markdown)
    (directory / "metrics.json").write_text(json.dumps(report.metrics, indent=2, sort_keys=True) + "\n")
    for data_name, value in report.data.items():
        (directory / f"{data_name}.json").write_text(encode_data(value, data_name))


TIMING = "timing.json"  # in a cache entry: the measured run time (never published)


def run_seconds(entry: Path) -> float | None:
    """The run time recorded in cache entry ``entry``, or None."""
    try:
        return float(json.loads((entry / TIMING).read_text())["seconds"])
    except (OSError, ValueError, KeyError):
        return None


def run_experiment(name: str, config, seed: int, entry: Path, described: dict) -> float:
    """Run one experiment and write its complete cache entry to ``entry``; return seconds."""
    import numpy as np

    module = experiments.get(name)
    start = time.perf_counter()
    result = module.run(config, rng=np.random.default_rng(seed))
    seconds = time.perf_counter() - start
    entry.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=entry.parent, prefix=".partial-"))
    try:
        render(name, module.report(result), tmp)
        provenance = {**described, "key": entry.name}
        (tmp / "provenance.json").write_text(json.dumps(provenance, indent=2, sort_keys=True) + "\n")
        (tmp / TIMING).write_text(json.dumps({"seconds": round(seconds, 2)}) + "\n")
        if entry.exists():
            shutil.rmtree(entry)
        os.replace(tmp, entry)  # the entry appears complete, or not at all
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return seconds


def publish(entry: Path, target: Path) -> int:
    """Copy a cache entry's files into ``target`` (atomically, only those that changed).

    Files in ``target`` that the entry does not have are removed. Returns the number of
    files written.
    """
    target.mkdir(parents=True, exist_ok=True)
    written = 0
    wanted = {p.name for p in entry.iterdir() if p.is_file() and p.name != TIMING}
    for name in sorted(wanted):
        data = (entry / name).read_bytes()
        dest = target / name
        if not dest.is_file() or dest.read_bytes() != data:
            atomic_write(dest, data)
            written += 1
    for stale in target.iterdir():
        if stale.is_file() and stale.name not in wanted:
            stale.unlink()
    return written


# ---------------------------------------------------------------------- the build
@dataclasses.dataclass(frozen=True)
class BuildOutcome:
    """What happened to one experiment in a build."""

    name: str
    status: str            # "cached", "ran" or "failed"
    seconds: float         # run time (0 when cached)
    error: str = ""        # the traceback, when failed


def expected_seconds(name: str, cache_dir: Path, default: float | None = None) -> float:
    """Run time of the experiment's most recent cache entry (any key), or else ``default``,
    or else the module's ``EXPECTED_SECONDS``."""
    times = []
    for timing in (cache_dir / name).glob(f"*/{TIMING}"):
        try:
            times.append((timing.stat().st_mtime, float(json.loads(timing.read_text())["seconds"])))
        except (OSError, ValueError, KeyError):
            continue
    if times:
        return max(times)[1]
    return default if default is not None else float(getattr(experiments.get(name), "EXPECTED_SECONDS", 10))


def _worker(name: str, config, seed: int, entry: str, described: dict) -> tuple[str, float, str]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter
    try:
        return name, run_experiment(name, config, seed, Path(entry), described), ""
    except Exception:
        return name, 0.0, traceback.format_exc()


def build(names: Iterable[str] | None = None, *, force: bool = False, jobs: int | None = None,
          out_dir: Path = Path("docs/generated"), cache_dir: Path = Path(".cache/experiments"),
          configs: dict | None = None, seeds: dict | None = None,
          progress: Callable[[str], None] = lambda s: print(s, file=sys.stderr, flush=True),
          ) -> list[BuildOutcome]:
    """Build the named experiments (all by default); see the module docstring.

    Experiments whose key is in the cache are only published; the others run in a pool of
    ``jobs`` processes (default: one per core). A failing experiment is reported with its
    traceback and caches nothing; the others are still built and published.
    """
    names = list(names) if names else experiments.names()
    configs, seeds = configs or {}, seeds or {}
    todo, outcomes, entries = [], {}, {}
    for name in names:
        module = experiments.get(name)
        config = configs.get(name, module.Config())
        seed = seeds.get(name, module.SEED)
        key, described = cache_key(name, config, seed)
        entry = cache_dir / name / key
        entries[name] = entry
        for partial in (cache_dir / name).glob(".partial-*"):  # left by a killed build
            shutil.rmtree(partial, ignore_errors=True)
        if entry.is_dir() and not force:
            outcomes[name] = BuildOutcome(name, "cached", 0.0)
            progress(f"  cached   {name}")
        else:
            todo.append((name, config, seed, str(entry), described))

    if todo:
        # Longest first (by the last recorded run time): the pool then finishes soonest.
        todo.sort(key=lambda t: -expected_seconds(t[0], cache_dir))
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
        progress(f"running {len(todo)} experiment(s) on {jobs} process(es): "
                 + ", ".join(t[0] for t in todo))
        start = time.perf_counter()
        if jobs == 1:
            results = (_worker(*t) for t in todo)
            done = results
        else:
            import multiprocessing

            pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"))
            futures = [pool.submit(_worker, *t) for t in todo]
            done = (f.result() for f in as_completed(futures))
        for i, (name, seconds, error) in enumerate(done, start=1):
            status = "failed" if error else "ran"
            outcomes[name] = BuildOutcome(name, status, seconds, error)
            elapsed = time.perf_counter() - start
            progress(f"  [{i}/{len(todo)}] {status:6} {name}"
                     + (f" in {seconds:.1f} s" if not error else "") + f"  ({elapsed:.1f} s elapsed)")
            if error:
                progress(error)
        if jobs > 1:
            pool.shutdown()

    for name in names:
        if outcomes[name].status != "failed":
            publish(entries[name], out_dir / name)
    return [outcomes[n] for n in names]
