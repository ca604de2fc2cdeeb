"""Benchmark: a 64-trial sweep on a Dask LocalCluster with 1 worker, then with 2 workers.

    .venv/bin/python scripts/bench_sweep.py [--trials 64] [--epochs 1500] [--repeats 3] [--json PATH]

Each trial trains the sweep's small network for ``--epochs`` mini-batch epochs (about
0.25 s at the default, so that Dask's per-task overhead, a few milliseconds, stays small).
The cluster is started and warmed up (every worker imports the package and runs a trial)
before the clock starts; the cache is off. Prints the median of ``--repeats`` runs per
worker count, the speedup (target >= 1.7x on 2 workers) and the machine's load average,
since other processes on a shared machine slow the 2-worker run most.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from course_code.build.sweep import local_cluster, sweep
from course_code.search import SPACE, Task, random_trials


def time_sweep(workers: int, trials, task: Task, repeats: int) -> list[float]:
    """Wall-clock seconds of each of ``repeats`` sweeps on a warmed-up LocalCluster of ``workers``
    processes (the sweep runner's own cluster: one thread per worker, BLAS pinned, no profiler),
    and the CPU seconds this process (the scheduler and the client) spent on each."""
    from dask.distributed import Client

    with local_cluster(workers) as cluster, Client(cluster):
        warm = random_trials(SPACE, workers, seed=999, start=10_000)
        sweep(warm, Task(num_epochs=5), scheduler=cluster.scheduler_address, cache_dir=None)
        times, cpu = [], []
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            outcome = sweep(trials, task, scheduler=cluster.scheduler_address, cache_dir=None)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            assert outcome.computed == len(trials)
    return times, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=2000, help="training epochs per trial")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the numbers to this JSON file")
    args = parser.parse_args(argv)
    for flag, value in (("--trials", args.trials), ("--epochs", args.epochs), ("--repeats", args.repeats)):
        if value < 1:
            parser.error(f"{flag} must be at least 1, got {value}")
    trials, task = random_trials(SPACE, args.trials, seed=0), Task(num_epochs=args.epochs)
    load_before = os.getloadavg()
    result = {"trials": args.trials, "epochs": args.epochs, "repeats": args.repeats}
    for workers in (1, 2):
        times, cpu = time_sweep(workers, trials, task, args.repeats)
        result[f"seconds_{workers}"] = statistics.median(times)
        print(f"{workers} worker(s): median {statistics.median(times):.2f} s  "
              f"(runs: {', '.join(f'{t:.2f}' for t in times)}; "
              f"{statistics.median(times) / args.trials * workers:.3f} s per trial per worker; "
              f"scheduler + client CPU {statistics.median(cpu):.2f} s)")
    result["speedup"] = result["seconds_1"] / result["seconds_2"]
    result["load_before"], result["load_after"] = load_before, os.getloadavg()
    print(f"speedup on 2 workers: {result['speedup']:.2f}x (target >= 1.7x)")
    print("load average (1, 5, 15 min): before " + ", ".join(f"{x:.2f}" for x in load_before)
          + "; after " + ", ".join(f"{x:.2f}" for x in result["load_after"]) + f"; {os.cpu_count()} cores")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
