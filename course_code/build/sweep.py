"""The sweep runner: execute :mod:`course_code.search` trials serially or on Dask, each cached.

A sweep is a list of :class:`~course_code.search.Trial`. Each trial is looked up in the
trial cache first (``<cache_dir>/<key>.json``, the key hashing the trial, the task, the
source of :mod:`course_code.search` and everything it imports, and the library versions,
as :func:`course_code.build.cache.result_key` does for experiments); only the missing ones run:

- ``serial=True``: one after the other in this process;
- otherwise on Dask (``dask.distributed``): an embedded ``LocalCluster`` of worker
  *processes* with one thread each (BLAS pinned to one thread), one per core by default,
  or an existing cluster when ``scheduler="tcp://HOST:PORT"`` is given.

A trial's result depends on its record only (its seed comes from its index), so the
same sweep gives the same results serially, on any number of workers, and after a worker
dies mid-sweep (Dask re-runs the lost trials elsewhere; each trial is reported once).
Part of the build: it writes files; :mod:`course_code.search` does not. Dask is the
``sweep`` extra (``pip install course_code[sweep]``), imported only when a sweep runs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ..search import Task, Trial, TrialResult, run_trial
from .cache import atomic_write, code_hash, library_versions

__all__ = ["SweepOutcome", "local_cluster", "sweep", "trial_key"]

DEFAULT_CACHE = Path(".cache/trials")
#: Environment of the embedded cluster's workers: one BLAS thread each (the workers are the parallelism).
WORKER_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
#: Dask settings of the embedded cluster: no statistical profiler in the workers (it samples every
#: worker's stack 100 times a second, which costs CPU the trials need on a small machine).
CLUSTER_CONFIG = {"distributed.worker.profile.enabled": False}


@dataclasses.dataclass(frozen=True)
class SweepOutcome:
    """Results in trial order, and how many were computed or read from the cache."""

    results: list[TrialResult]
    computed: int
    cached: int
    seconds: float
    where: str  # "serial", "LocalCluster(2 workers)" or the scheduler address


def trial_key(trial: Trial, task: Task, code: str, versions: dict) -> str:
    """Cache key of one trial: hash of its hyperparameters, index, seed, task, code and versions."""
    described = {"params": [[k, v] for k, v in trial.params], "index": trial.index, "seed": trial.seed,
                 "task": dataclasses.asdict(task), "code": code, "versions": versions}
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:24]


def _to_json(r: TrialResult) -> bytes:
    nan = None  # JSON has no nan
    blob = {"index": r.trial.index, "params": [[k, v] for k, v in r.trial.params], "seed": r.trial.seed,
            "val_accuracy": nan if math.isnan(r.val_accuracy) else r.val_accuracy,
            "final_cost": nan if math.isnan(r.final_cost) else r.final_cost, "diverged": r.diverged}
    return (json.dumps(blob, indent=1) + "\n").encode()


def _from_json(trial: Trial, text: str) -> TrialResult:
    blob = json.loads(text)
    def num(v):
        return math.nan if v is None else float(v)

    return TrialResult(trial, num(blob["val_accuracy"]), num(blob["final_cost"]), bool(blob["diverged"]))


def _load(path: Path, trial: Trial) -> TrialResult | None:
    try:
        return _from_json(trial, path.read_text())
    except (OSError, ValueError, KeyError):
        return None  # absent, or unreadable: run the trial again


# ---------------------------------------------------------------------- executors
def _serial(todo, task, done):
    for trial in todo:
        done(run_trial(trial, task))
    return "serial"


def local_cluster(workers: int | None = None):
    """A ``LocalCluster`` of ``workers`` processes (default: one per core), one thread each."""
    import dask
    from dask.distributed import LocalCluster

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with dask.config.set(CLUSTER_CONFIG):  # the nannies hand this config to their workers
        return LocalCluster(n_workers=workers or cores or 1, threads_per_worker=1, processes=True,
                            dashboard_address=None, env=WORKER_ENV)


def _dask(todo, task, done, *, workers, scheduler, connect_timeout):
    """Submit every trial to Dask and hand each result to ``done`` as it arrives.

    When a worker process dies, the scheduler runs its unfinished trials again on the
    others (a result lost with the worker is recomputed); ``done`` ignores a second
    result for a trial, so each trial is reported exactly once.
    """
    # --8<-- [start:dask]
    from dask.distributed import Client, as_completed

    cluster = None if scheduler else local_cluster(workers)
    try:
        with Client(scheduler or cluster, timeout=connect_timeout) as client:
            where = scheduler or f"LocalCluster({len(client.scheduler_info()['workers'])} workers)"
            # Deterministic keys: the same trial is the same task (on a shared cluster too).
            futures = [client.submit(run_trial, t, task, key=f"trial-{t.index}-{k}", pure=True)
                       for t, k in todo.items()]
            for _future, result in as_completed(futures, with_results=True):
                done(result)
            return where
    finally:
        if cluster is not None:
            cluster.close()
    # --8<-- [end:dask]


# ---------------------------------------------------------------------- the runner
def sweep(trials: Sequence[Trial], task: Task | None = None, *, serial: bool = False,
          workers: int | None = None, scheduler: str | None = None, cache_dir: Path | None = DEFAULT_CACHE,
          on_result: Callable[[TrialResult, bool, int, int], None] | None = None,
          connect_timeout: str = "20s") -> SweepOutcome:
    """Run every trial once (cached ones are read, not run) and return the results in trial order.

    Parameters
    ----------
    trials : sequence of Trial
        Distinct trial indices (the index seeds the trial).
    task : Task or None
        What each trial trains (default ``Task()``).
    serial : bool
        Run in this process instead of on Dask.
    workers : int or None
        Worker processes of the embedded ``LocalCluster`` (default: one per core).
    scheduler : str or None
        Address of an existing Dask scheduler, e.g. ``"tcp://10.0.0.5:8786"``; its workers
        need ``course_code`` installed.
    cache_dir : Path or None
        Folder of the trial cache; ``None`` neither reads nor writes it.
    on_result : callable or None
        Called as ``on_result(result, cached, k, n)`` as each of the ``n`` trials finishes
        (cached ones first); progress output and tests hook in here.
    """
    trials, task = list(trials), task or Task()
    if len({t.index for t in trials}) != len(trials):
        raise ValueError("trial indices must be distinct (each index seeds its trial)")
    if scheduler is not None and "://" not in scheduler:
        raise ValueError(f"scheduler must be an address like tcp://HOST:PORT, got {scheduler!r}")
    start = time.perf_counter()
    code = code_hash("course_code.search")
    versions = library_versions(("numpy", "scipy", "scikit-learn", "dask", "distributed"))
    keys = {t.index: trial_key(t, task, code, versions) for t in trials}
    results: dict[int, TrialResult] = {}
    todo: dict[Trial, str] = {}
    for t in trials:
        hit = _load(cache_dir / f"{keys[t.index]}.json", t) if cache_dir is not None else None
        if hit is not None:
            results[t.index] = hit
            if on_result:
                on_result(hit, True, len(results), len(trials))
        else:
            todo[t] = keys[t.index]

    def done(result: TrialResult) -> None:
        if result.trial.index in results:  # a re-run after a lost worker: report each trial once
            return
        results[result.trial.index] = result
        if cache_dir is not None:
            atomic_write(cache_dir / f"{keys[result.trial.index]}.json", _to_json(result))
        if on_result:
            on_result(result, False, len(results), len(trials))

    where = "cache"
    if todo:
        where = (_serial(todo, task, done) if serial else _dask(
            todo, task, done, workers=workers, scheduler=scheduler, connect_timeout=connect_timeout))
    return SweepOutcome([results[t.index] for t in trials], len(todo), len(trials) - len(todo),
                        time.perf_counter() - start, where)
