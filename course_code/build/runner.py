"""The build: bring every topic's published files up to date, doing only the work that changed.

For each experiment the build looks up its rendered entry, then its Result (see
:mod:`~course_code.build.cache`), and does the least that makes the published files current:

- ``cached``: the rendered files are current: publish them;
- ``rendered``: the Result is cached but the figures' code changed: load it and render;
- ``ran``: nothing usable is cached: run the experiment, cache its Result, render.

:func:`result` gives one experiment's Result the same way (from the cache, else computed and
cached): the report notebooks call it, so inside a built repository they show the page's
own run, and anywhere else they compute it.

Runs and renders go to a pool of worker processes (longest first, by the last recorded run
time). A corrupted cache entry is reported with its path, discarded and rebuilt. A failing
experiment is reported with its traceback and caches and publishes nothing; the others are
still built.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from .. import experiments
from .cache import (
    CACHE,
    TIMING,
    Entry,
    clean_partials,
    load_result,
    rendered_key,
    result_key,
    save_result,
)
from .codec import CorruptEntry
from .publish import GENERATED, PROVENANCE, publish

__all__ = ["CACHE_VARIABLE", "NATIVE_LOG", "NOT_CACHED", "BuildOutcome", "build", "result"]

#: An environment variable naming the cache folder for :func:`result` (the report notebooks
#: run in docs/reports/, and the build points them at the repository's cache with it).
CACHE_VARIABLE = "COURSE_CODE_CACHE"
#: What :func:`result` says when it has to compute a Result (the report build looks for it).
NOT_CACHED = "no cached Result"
RENDER_SECONDS = 2.0  # rough time to render a topic from its cached Result
# Lines that TensorFlow's C++ runtime writes straight to the process's stderr (glog/absl
# format, with a timestamp and a thread id): noise in the build's output. Anything else a
# worker writes to stderr (a Python warning, say) is passed on.
NATIVE_LOG = re.compile(r"^(?:[IWEF]\d{4} \d\d:\d\d:[\d.]+\s+\d+ [\w.]+:\d+\] .*"
                        r"|WARNING: All log messages before absl::InitializeLog\(\) is called .*"
                        r"|To enable the following instructions: .* rebuild TensorFlow with the appropriate "
                        r"compiler flags\.)\n?", re.MULTILINE)


@dataclasses.dataclass(frozen=True)
class BuildOutcome:
    """What happened to one experiment in a build."""

    name: str
    status: str            # "cached", "rendered", "ran" or "failed"
    seconds: float         # time of the run or render (0 when cached)
    error: str = ""        # the traceback, when failed


@dataclasses.dataclass(frozen=True)
class _Task:
    name: str
    config: object
    seed: int
    results: Path          # the results entry's folder
    rendered: Path         # the rendered entry's folder
    provenance: dict
    run: bool              # run the experiment (else load its cached Result)


def _render(task: _Task, result) -> None:
    from .. import figures
    from .render import render

    def fill(folder: Path) -> None:
        render(task.name, figures.get(task.name).report(result), folder)
        (folder / PROVENANCE).write_text(json.dumps(task.provenance, indent=2, sort_keys=True) + "\n")

    Entry(task.rendered).write(fill)


def _do(task: _Task) -> tuple[str, str, float, str]:
    """Run or load, then render one topic; ``(name, status, seconds, error)``."""
    import numpy as np

    start = time.perf_counter()
    try:
        result, status = None, "rendered"
        if not task.run:
            try:
                result = load_result(Entry(task.results))
            except CorruptEntry:  # changed since the build looked at it: compute it again
                result = None
        if result is None:
            module = experiments.get(task.name)
            result = module.run(task.config, rng=np.random.default_rng(task.seed))
            save_result(Entry(task.results), result, time.perf_counter() - start)
            status = "ran"
        _render(task, result)
        return task.name, status, time.perf_counter() - start, ""
    except Exception:
        return task.name, "failed", 0.0, traceback.format_exc()


@contextlib.contextmanager
def _quiet_native_stderr():
    """Send this process's stderr (file descriptor 2) to a file; replay it without native log lines."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            log.seek(0)
            rest = NATIVE_LOG.sub("", log.read().decode(errors="replace"))
            if rest.strip():
                sys.stderr.write(rest)
                sys.stderr.flush()


#: The thread-count variables of the BLAS libraries NumPy may be built with, and TensorFlow's
#: own pools (its ops on these small tensors gain nothing from a second thread, and the
#: threads compete with the other worker: the TensorFlow page's run took ~30 s beside another
#: worker with TensorFlow's default pools, ~25 s with one thread each, same numbers).
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                    "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def _worker(tasks: list[_Task]) -> list[tuple[str, str, float, str]]:
    """A pool process's entry point: :func:`_do` for each task in turn, without TensorFlow's
    native log lines."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter
    with _quiet_native_stderr():
        return [_do(task) for task in tasks]


def _chains(tasks: list[_Task]) -> list[list[_Task]]:
    """The tasks grouped into the lists one worker process runs in turn: the runs that use
    TensorFlow together (its import, ~3 s, is then paid once), every other task alone."""
    def uses_tensorflow(task: _Task) -> bool:
        return task.run and "tensorflow" in getattr(experiments.get(task.name), "EXTRA_LIBRARIES", ())

    together = [t for t in tasks if uses_tensorflow(t)]
    return ([together] if together else []) + [[t] for t in tasks if not uses_tensorflow(t)]


def expected_seconds(name: str, cache_dir: Path) -> float:
    """Run time of the experiment's most recent results entry (any key), else ``EXPECTED_SECONDS``."""
    times = []
    for timing in (cache_dir / "results" / name).glob(f"*/{TIMING}"):
        try:
            times.append((timing.stat().st_mtime, float(json.loads(timing.read_text())["seconds"])))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    if times:
        return max(times)[1]
    return float(getattr(experiments.get(name), "EXPECTED_SECONDS", 10))


def _checked(entry: Entry, progress: Callable[[str], None]) -> bool:
    """True if ``entry`` exists and is intact; a damaged entry is reported and discarded."""
    if not entry.exists():
        return False
    problem = entry.problem()
    if problem is None:
        return True
    progress(f"  discarding the corrupted cache entry {entry.path}: {problem}")
    entry.discard()
    return False


def _plan(name: str, config, seed: int, cache_dir: Path, force: bool,
          progress: Callable[[str], None]) -> tuple[Entry, _Task | None]:
    """The rendered entry of ``name`` and the task that brings it up to date (None: nothing to do)."""
    module = experiments.get(name)
    rkey, described = result_key(name, config, seed, getattr(module, "EXTRA_LIBRARIES", ()))
    results = Entry(cache_dir / "results" / name / rkey)
    rendered = Entry(cache_dir / "rendered" / name / rendered_key(name, rkey))
    for folder in (results.path.parent, rendered.path.parent):
        clean_partials(folder)
    results_ok = _checked(results, progress)
    if _checked(rendered, progress) and not force:
        return rendered, None
    task = _Task(name, config, seed, results.path, rendered.path, {**described, "key": rkey},
                 run=force or not results_ok)
    return rendered, task


def _execute(tasks: list[_Task], jobs: int, cache_dir: Path, progress: Callable[[str], None]):
    """Run the tasks (longest first), yielding ``(name, status, seconds, error)`` as each ends."""
    def seconds(task: _Task) -> float:
        return expected_seconds(task.name, cache_dir) if task.run else RENDER_SECONDS

    chains = sorted(_chains(tasks), key=lambda chain: -sum(map(seconds, chain)))
    jobs = max(1, min(jobs, len(chains)))
    progress(f"building {len(tasks)} topic(s) on {jobs} process(es): "
             + ", ".join(f"{t.name} ({'run' if t.run else 'render'})" for chain in chains for t in chain))
    if jobs == 1:
        yield from (_do(t) for chain in chains for t in chain)
        return
    import multiprocessing

    # One BLAS thread per pool process: `jobs` processes already fill the cores, and BLAS threads
    # on top of them oversubscribe the machine (many times slower on a loaded 2-core machine).
    # The variables must be set before a spawned process imports NumPy; a value the user set wins.
    added = {k: "1" for k in THREAD_VARIABLES if k not in os.environ}
    os.environ.update(added)
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(_worker, chain) for chain in chains]
            for future in as_completed(futures):
                yield from future.result()
    finally:
        for k in added:
            os.environ.pop(k, None)


def build(names: Iterable[str] | None = None, *, force: bool = False, jobs: int | None = None,
          out_dir: Path = GENERATED, cache_dir: Path = CACHE, configs: dict | None = None,
          seeds: dict | None = None,
          progress: Callable[[str], None] = lambda s: print(s, file=sys.stderr, flush=True),
          ) -> list[BuildOutcome]:
    """Bring the published files of the named experiments (all by default) up to date.

    ``configs`` and ``seeds`` map names to a ``Config`` or a seed other than the module's
    (``Config()`` and ``SEED``); ``jobs`` is the number of worker processes (default: one per
    core). Returns one :class:`BuildOutcome` per name, in order.
    """
    names = list(names) if names else experiments.names()
    configs, seeds = configs or {}, seeds or {}
    entries, tasks, outcomes = {}, [], {}
    for name in names:
        module = experiments.get(name)
        entries[name], task = _plan(name, configs.get(name, module.Config()), seeds.get(name, module.SEED),
                                    cache_dir, force, progress)
        if task is None:
            outcomes[name] = BuildOutcome(name, "cached", 0.0)
            progress(f"  cached   {name}")
        else:
            tasks.append(task)
    if tasks:
        start = time.perf_counter()
        for i, (name, status, seconds, error) in enumerate(
                _execute(tasks, jobs or os.cpu_count() or 1, cache_dir, progress), start=1):
            outcomes[name] = BuildOutcome(name, status, seconds, error)
            progress(f"  [{i}/{len(tasks)}] {status:8} {name}" + (f" in {seconds:.1f} s" if not error else "")
                     + f"  ({time.perf_counter() - start:.1f} s elapsed)")
            if error:
                progress(error)
    for name in names:
        if outcomes[name].status != "failed":
            publish(entries[name], out_dir / name)
    return [outcomes[n] for n in names]


def result(name: str, config=None, *, seed: int | None = None, cache_dir: Path | str | None = None,
           progress: Callable[[str], None] = lambda s: print(s, file=sys.stderr, flush=True)):
    """The Result of experiment ``name`` for ``config`` and ``seed`` (default: the site's
    ``Config()`` and ``SEED``), from the results cache if it holds an intact entry for them.

    Otherwise the experiment runs, ``run(config, rng=np.random.default_rng(seed))`` as in the
    build, and its Result is cached. The cache folder is ``cache_dir``, else the folder named by
    the ``COURSE_CODE_CACHE`` environment variable, else ``.cache`` in the working directory.
    The key is the build's (config, seed, the code that computes the Result, library
    versions), so a Result read here is exactly the one the site's pages were made from.
    """
    import numpy as np

    module = experiments.get(name)
    config = module.Config() if config is None else config
    seed = module.SEED if seed is None else seed
    if not isinstance(config, module.Config):
        raise TypeError(f"config must be a {name} Config, got {type(config).__name__}")
    folder = Path(cache_dir or os.environ.get(CACHE_VARIABLE) or CACHE)
    key, _ = result_key(name, config, seed, getattr(module, "EXTRA_LIBRARIES", ()))
    entry = Entry(folder / "results" / name / key)
    if _checked(entry, progress):
        try:
            return load_result(entry)
        except CorruptEntry as e:  # changed since it was checked
            progress(f"  discarding the corrupted cache entry {entry.path}: {e}")
            entry.discard()
    expected = expected_seconds(name, folder)
    progress(f"running {name} ({NOT_CACHED} for this config and seed; expected ~{expected:.0f} s)")
    start = time.perf_counter()
    value = module.run(config, rng=np.random.default_rng(seed))
    save_result(entry, value, time.perf_counter() - start)
    return value
