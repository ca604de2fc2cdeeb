"""Benchmark: ``course_code.training.train`` on the course's 11 training workloads, and Keras.

Usage::

    python scripts/bench_training.py [--repeats N] [--no-keras] [--json PATH]

Each workload is timed around the whole ``train(...)`` call (initialization included) and
reported as the median of ``--repeats`` runs. The total is compared with the original course
code's total on the same machine and with the project's target. Keras ``model.fit`` runs the
Adam/moons workload's network for a few epochs to compare the cost of one epoch.

The script reads the thread environment (``OPENBLAS_*``, ``OMP_NUM_THREADS``, ...) and
reports it, but never changes it. TensorFlow is imported only by :func:`bench_keras`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_code import datasets
from course_code.optimizers import Optimizer, adam, gd, momentum
from course_code.schedules import constant, inverse_time_decay, staircase_decay
from course_code.training import train

#: Total of the 11 workloads with the original course code (the assignments' NumPy
#: notebooks, which are not part of this project), measured on this 2-core VM.
REFERENCE_TOTAL_SECONDS = 21.0
#: The project's target for our total.
TARGET_TOTAL_SECONDS = 7.0
#: The project's target for (Keras ms per epoch) / (our ms per epoch) on Adam/moons.
TARGET_KERAS_RATIO = 200.0

MOONS_EPOCHS = 5000
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS",
                    "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


@dataclass(frozen=True)
class Workload:
    """One ``train`` call of the course."""

    name: str
    description: str
    data: str                                  # key into the dict from load_data()
    layer_dims: tuple[int, ...]
    optimizer: Callable[[], Optimizer]
    schedule: Callable[[], Callable]
    num_epochs: int
    mini_batch_size: int | None = None
    lambd: float = 0.0
    keep_prob: float = 1.0
    init: str = "he"
    record_every: int = 100


def workloads() -> list[Workload]:
    """The course's 11 training workloads: its Initialization, Regularization and Optimization runs."""
    moons = dict(data="moons", layer_dims=(2, 5, 2, 1), num_epochs=MOONS_EPOCHS, mini_batch_size=64,
                 init="he", record_every=100)
    football = dict(data="football", layer_dims=(2, 20, 3, 1), optimizer=gd, schedule=lambda: constant(0.3),
                    num_epochs=30000, init="lecun", record_every=1000)
    return [
        Workload("init_he", "He init, circles, GD 0.01, 15000 it", data="circles", layer_dims=(2, 10, 5, 1),
                 optimizer=gd, schedule=lambda: constant(0.01), num_epochs=15000, init="he",
                 record_every=1000),
        Workload("reg_none", "football, GD 0.3, 30000 it", **football),
        Workload("reg_l2", "football, L2 lambda=0.7", lambd=0.7, **football),
        Workload("reg_dropout", "football, dropout keep_prob=0.86", keep_prob=0.86, **football),
        Workload("opt_gd", "moons, mini-batch GD 0.0007", optimizer=gd,
                 schedule=lambda: constant(0.0007), **moons),
        Workload("opt_momentum", "moons, momentum 0.9, 0.0007", optimizer=lambda: momentum(0.9),
                 schedule=lambda: constant(0.0007), **moons),
        Workload("opt_adam", "moons, Adam 0.0007", optimizer=adam,
                 schedule=lambda: constant(0.0007), **moons),
        Workload("decay_gd_every_epoch", "moons, GD 0.1, 1/(1+epoch)", optimizer=gd,
                 schedule=lambda: inverse_time_decay(0.1, 1.0), **moons),
        Workload("decay_gd_staircase", "moons, GD 0.1, staircase 1000", optimizer=gd,
                 schedule=lambda: staircase_decay(0.1, 1.0, 1000), **moons),
        Workload("decay_momentum_staircase", "moons, momentum 0.1, staircase",
                 optimizer=lambda: momentum(0.9),
                 schedule=lambda: staircase_decay(0.1, 1.0, 1000), **moons),
        Workload("decay_adam_staircase", "moons, Adam 0.01, staircase", optimizer=adam,
                 schedule=lambda: staircase_decay(0.01, 1.0, 1000), **moons),
    ]


def load_data() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Training sets ``(X, Y)`` by name, loaded once, outside the timed region."""
    circles = datasets.circles()
    football = datasets.football(rng=np.random.default_rng(0))
    moons = datasets.moons()
    return {"circles": (circles.X_train, circles.Y_train),
            "football": (football.X_train, football.Y_train),
            "moons": (moons.X_train, moons.Y_train)}


def time_workload(w: Workload, data, *, repeats: int, seed: int = 0) -> list[float]:
    """Wall-clock seconds of ``repeats`` runs of ``train`` (initialization included)."""
    X, Y = data[w.data]
    times = []
    for _ in range(repeats):
        optimizer, schedule, rng = w.optimizer(), w.schedule(), np.random.default_rng(seed)
        start = time.perf_counter()
        train(X, Y, list(w.layer_dims), optimizer=optimizer, schedule=schedule, num_epochs=w.num_epochs,
              mini_batch_size=w.mini_batch_size, lambd=w.lambd, keep_prob=w.keep_prob, init=w.init,
              rng=rng, record_every=w.record_every)
        times.append(time.perf_counter() - start)
    return times


def bench_keras(X: np.ndarray, Y: np.ndarray, *, epochs: int = 20, warmup_epochs: int = 2) -> dict:
    """Milliseconds per epoch of Keras ``model.fit`` on the Adam/moons workload.

    The same [2, 5, 2, 1] network (ReLU, ReLU, sigmoid) in Keras' default float32 (the
    precision does not matter for speed at this size), ``Adam(0.0007)``, batches of 64,
    shuffled every epoch, as the course's workload. A first ``fit`` of ``warmup_epochs``
    epochs traces the graph, so the timed ``fit`` measures training only.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ log lines, not threads
    import keras
    import tensorflow as tf

    Xk, Yk = X.T.astype("float32"), Y.T.astype("float32")  # Keras wants examples in rows: (300, 2)
    model = keras.Sequential([
        keras.Input(shape=(X.shape[0],)),
        keras.layers.Dense(5, activation="relu"),
        keras.layers.Dense(2, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.0007), loss="binary_crossentropy")
    fit = dict(batch_size=64, shuffle=True, verbose=0)
    model.fit(Xk, Yk, epochs=warmup_epochs, **fit)
    start = time.perf_counter()
    model.fit(Xk, Yk, epochs=epochs, **fit)
    seconds = time.perf_counter() - start
    return {"ms_per_epoch": 1000.0 * seconds / epochs, "epochs": epochs, "warmup_epochs": warmup_epochs,
            "tensorflow": tf.__version__, "keras": keras.__version__, "dtype": keras.backend.floatx()}


def environment() -> dict:
    return {"python": platform.python_version(), "numpy": np.__version__, "machine": platform.machine(),
            "cpus": os.cpu_count(), "load_average": list(os.getloadavg()),
            "thread_env": {k: os.environ[k] for k in THREAD_VARIABLES if k in os.environ}}


def run(*, repeats: int = 3, keras: bool = True, keras_epochs: int = 20, log=print) -> dict:
    """Time every workload (and Keras); returns the results as a JSON-ready dict."""
    env = environment()
    data = load_data()
    rows = []
    for w in workloads():
        times = time_workload(w, data, repeats=repeats)
        rows.append({"name": w.name, "description": w.description, "seconds": statistics.median(times),
                     "repeats": times})
        log(f"  {w.name:<26} {rows[-1]['seconds']:7.3f} s", file=sys.stderr)
    total = sum(r["seconds"] for r in rows)
    results = {"workloads": rows, "total_seconds": total,
               "reference_total_seconds": REFERENCE_TOTAL_SECONDS,
               "target_total_seconds": TARGET_TOTAL_SECONDS,
               "ratio_to_reference": total / REFERENCE_TOTAL_SECONDS, "environment": env}
    adam_row = next(r for r in rows if r["name"] == "opt_adam")
    ours_ms = 1000.0 * adam_row["seconds"] / MOONS_EPOCHS
    results["ours_ms_per_epoch_adam"] = ours_ms
    if keras:
        k = bench_keras(*data["moons"], epochs=keras_epochs)
        k["ratio"] = k["ms_per_epoch"] / ours_ms
        k["target_ratio"] = TARGET_KERAS_RATIO
        results["keras"] = k
    results["environment"]["load_average_after"] = list(os.getloadavg())
    return results


def format_table(results: dict) -> str:
    lines = [f"{'workload':<26} {'description':<38} {'seconds':>8}", "-" * 74]
    for r in results["workloads"]:
        lines.append(f"{r['name']:<26} {r['description']:<38} {r['seconds']:8.3f}")
    total, ref, target = (results["total_seconds"], results["reference_total_seconds"],
                          results["target_total_seconds"])
    lines += ["-" * 74,
              f"{'total':<65} {total:8.3f}",
              f"{'course code (reference, this VM)':<65} {ref:8.3f}",
              f"ratio to reference {total / ref:.3f} (speed-up {ref / total:.2f}x); "
              f"target <= {target:g} s: {'met' if total <= target else 'NOT met'}"]
    ours = results["ours_ms_per_epoch_adam"]
    lines.append(f"ours, Adam/moons: {ours:.4f} ms per epoch")
    k = results.get("keras")
    if k:
        lines.append(f"Keras {k['keras']} model.fit ({k['dtype']}), Adam/moons: "
                     f"{k['ms_per_epoch']:.3f} ms per epoch "
                     f"({k['epochs']} epochs after a {k['warmup_epochs']}-epoch warm-up)")
        lines.append(f"Keras / ours per epoch: {k['ratio']:.0f}x; target >= {k['target_ratio']:g}x: "
                     f"{'met' if k['ratio'] >= k['target_ratio'] else 'NOT met'}")
    env = results["environment"]
    lines.append(f"python {env['python']}, numpy {env['numpy']}, {env['cpus']} CPUs, load average "
                 f"{env['load_average'][0]:.2f} before, {env['load_average_after'][0]:.2f} after; "
                 f"thread env {env['thread_env'] or 'unset'}")
    return "\n".join(lines)


def write_json(results: dict, path: Path) -> None:
    """Write atomically: a temporary file in the same folder, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(results, f, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per workload; the median is reported")
    parser.add_argument("--no-keras", action="store_true", help="skip the Keras comparison (no TensorFlow)")
    parser.add_argument("--keras-epochs", type=int, default=20, help="timed Keras epochs (default 20)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.keras_epochs < 1:
        parser.error("--repeats and --keras-epochs must be >= 1")
    print(f"timing {len(workloads())} workloads, median of {args.repeats} run(s) each ...", file=sys.stderr)
    results = run(repeats=args.repeats, keras=not args.no_keras, keras_epochs=args.keras_epochs)
    print(format_table(results))
    if args.json:
        write_json(results, args.json)
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
