"""Command line: ``python -m course_code list | run NAME | build | sweep``.

Bad names, keys or values exit with status 2 and one line, ``error: ...``, naming the bad
value and saying what is valid; nothing is run or written before the input is checked.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
import typing
from pathlib import Path

from . import experiments

__all__ = ["main", "parse_overrides"]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: ``error: <what is wrong> (see --help)``."""

    def error(self, message: str):
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def _describe(field: dataclasses.Field) -> str:
    return f"{field.name}={field.default!r}"


def _convert(text: str, kind, key: str):
    """Parse ``text`` as the field type ``kind`` (int, float, bool, str or tuple of those)."""
    origin = typing.get_origin(kind)
    if origin is tuple:
        inner = typing.get_args(kind)[0]
        parts = [p for p in text.replace("(", "").replace(")", "").split(",") if p.strip()]
        return tuple(_convert(p.strip(), inner, key) for p in parts)
    if kind is bool:
        if text.lower() in ("true", "1", "yes"):
            return True
        if text.lower() in ("false", "0", "no"):
            return False
        raise ValueError(f"{key} takes true or false, got {text!r}")
    try:
        return kind(text)
    except (TypeError, ValueError):
        raise ValueError(f"{key} takes a value of type {kind.__name__}, got {text!r}") from None


def parse_overrides(config_cls, items: list[str]):
    """A ``config_cls`` instance from its defaults and ``key=value`` strings.

    Raises ``ValueError`` naming the valid keys (unknown key) or the expected type.
    """
    fields = {f.name: f for f in dataclasses.fields(config_cls)}
    hints = typing.get_type_hints(config_cls)
    changes = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep:
            raise ValueError(f"--set expects key=value, got {item!r}")
        if key not in fields:
            valid = ", ".join(_describe(f) for f in fields.values())
            raise ValueError(f"unknown key {key!r}; valid keys (with defaults): {valid}")
        changes[key] = _convert(text, hints[key], key)
    return dataclasses.replace(config_cls(), **changes)


def _cmd_list(args, parser) -> int:
    for name in experiments.names():
        module = experiments.get(name)
        summary = (module.__doc__ or "").strip().splitlines()[0]
        fields = ", ".join(_describe(f) for f in dataclasses.fields(module.Config))
        print(f"{name:18} {summary}\n{'':18} seed={module.SEED}; {fields}")
    return 0


def _cmd_run(args, parser) -> int:
    from . import figures
    from .build.render import render

    try:
        module = experiments.get(args.name)
        config = parse_overrides(module.Config, args.set or [])
    except (KeyError, ValueError) as e:
        parser.error(str(e).strip('"'))
    import numpy as np

    seed = module.SEED if args.seed is None else args.seed
    out = Path(args.out or f"out/{args.name}")
    try:  # before the run, so a bad folder costs nothing
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        parser.error(f"--out {str(out)!r} cannot be made: {e.strerror}")
    print(f"running {args.name} with seed {seed}: {config}", file=sys.stderr)
    result = module.run(config, rng=np.random.default_rng(seed))
    report = figures.get(args.name).report(result)
    render(args.name, report, out)
    print(json.dumps(report.metrics, indent=2, sort_keys=True))
    print(f"wrote {len(list(out.iterdir()))} files to {out}/", file=sys.stderr)
    return 0


def _cmd_build(args, parser) -> int:
    from .build import build

    valid = experiments.names()
    unknown = [n for n in args.names if n not in valid]
    if unknown:
        listed = ", ".join(map(repr, unknown))
        parser.error(f"unknown experiment(s) {listed}; valid names: {', '.join(valid)}")
    if args.jobs is not None and args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    outcomes = build(args.names or None, force=args.force, jobs=args.jobs,
                     out_dir=Path(args.out), cache_dir=Path(args.cache))
    count = {s: [o.name for o in outcomes if o.status == s] for s in ("ran", "rendered", "cached", "failed")}
    failed = count["failed"]
    print(f"build: {len(count['ran'])} ran, {len(count['rendered'])} rendered from a cached result, "
          f"{len(count['cached'])} cached, {len(failed)} failed"
          + (f" ({', '.join(failed)})" if failed else ""), file=sys.stderr)
    return 1 if failed else 0


def _sweep_progress(result, cached: bool, k: int, n: int) -> None:
    params = " ".join(f"{name}={value:.4g}" if isinstance(value, float) else f"{name}={value}"
                      for name, value in result.trial.params)
    score = "diverged" if result.diverged else f"val acc {result.val_accuracy:.3f}"
    note = "  (cached)" if cached else ""
    print(f"  [{k}/{n}] trial {result.trial.index:3d}  {params}  -> {score}{note}",
          file=sys.stderr, flush=True)


def _sweep_table(results, shown: int = 20) -> str:
    from .figures.report import markdown_table
    from .search import best

    ranked = sorted(results, key=lambda r: (r.diverged, -(0 if r.diverged else r.val_accuracy),
                                            r.trial.index))
    names = [name for name, _ in results[0].trial.params]
    rows = [[r.trial.index, *[f"{v:.4g}" if isinstance(v, float) else v for _, v in r.trial.params],
             "diverged" if r.diverged else f"{r.val_accuracy:.3f}",
             "-" if r.diverged else f"{r.final_cost:.4f}"] for r in ranked[:shown]]
    table = markdown_table(["trial", *names, "val accuracy", "final cost"], rows)
    more = f"... {len(results) - shown} more trials\n" if len(results) > shown else ""
    b = best(results)
    return table + more + f"best: trial {b.trial.index} ({b.val_accuracy:.3f}); " \
        f"{sum(r.diverged for r in results)} diverged\n"


def _cmd_sweep(args, parser) -> int:
    from .build.sweep import DEFAULT_CACHE, sweep
    from .search import SPACE, coarse_to_fine, make_trials

    for flag, value in (("--trials", args.trials), ("--workers", args.workers), ("--rounds", args.rounds)):
        if value is not None and value < 1:
            parser.error(f"{flag} must be at least 1, got {value}")
    if args.scheduler is not None and "://" not in args.scheduler:
        parser.error(f"--scheduler takes an address like tcp://HOST:PORT, got {args.scheduler!r}")
    if args.scheduler and (args.workers or args.serial):
        parser.error("--scheduler runs on an existing cluster: drop --workers / --serial")
    try:
        make_trials(SPACE, args.trials, method=args.method, seed=args.seed)
    except ValueError as e:
        parser.error(f"--trials {args.trials} with --method {args.method}: {e}")
    cache = None if args.no_cache else Path(args.cache or DEFAULT_CACHE)
    totals = {"computed": 0, "cached": 0, "where": "cache"}

    def evaluate(trials):
        outcome = sweep(trials, serial=args.serial, workers=args.workers, scheduler=args.scheduler,
                        cache_dir=cache, on_result=_sweep_progress)
        totals["computed"] += outcome.computed
        totals["cached"] += outcome.cached
        totals["where"] = outcome.where if outcome.computed else totals["where"]
        return outcome.results

    start = time.perf_counter()
    try:
        rounds = coarse_to_fine(SPACE, args.trials, rounds=args.rounds, evaluate=evaluate,
                                method=args.method, seed=args.seed)
    except OSError as e:  # includes the scheduler's connection timeout
        parser.error(f"could not run the sweep on {args.scheduler or 'the local cluster'}: {e}")
    for r, (space, results) in enumerate(rounds, start=1):
        box = ", ".join(f"{d.name} in [{d.low:.4g}, {d.high:.4g}]" for d in space)
        print(f"\nround {r}/{len(rounds)}: {len(results)} {args.method} trials, {box}\n")
        print(_sweep_table(results))
    print(f"sweep: {totals['computed']} computed ({totals['where']}), {totals['cached']} cached, "
          f"{time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


def _seed(text: str) -> int:
    """A seed for ``numpy.random.default_rng``: a whole number >= 0."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, got {text!r}")
    return value


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m course_code", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    lst = sub.add_parser("list", help="list the experiments and their settings")
    run = sub.add_parser("run", help="run one experiment and write its outputs")
    run.add_argument("name")
    run.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a config field")
    run.add_argument("--seed", type=_seed, help="a whole number >= 0 (default: the site's seed)")
    run.add_argument("--out", help="output folder (default: out/NAME)")
    bld = sub.add_parser("build", help="run every experiment (cached, in parallel) into docs/generated")
    bld.add_argument("names", nargs="*", help="only these experiments")
    bld.add_argument("--force", action="store_true", help="re-run even when cached")
    bld.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    bld.add_argument("--out", default="docs/generated", help=argparse.SUPPRESS)
    bld.add_argument("--cache", default=".cache", help=argparse.SUPPRESS)
    swp = sub.add_parser("sweep", help="hyperparameter search (learning rate, momentum beta) on Dask",
                         description="Random or grid search over the learning rate and 1 - beta (both on a "
                         "log scale) of a small net on the moons data; trials run on an embedded Dask "
                         "LocalCluster (or --scheduler) and are cached one by one.")
    swp.add_argument("--trials", type=int, default=32, help="trials per round (a grid uses the largest "
                     "k x k grid that fits; default 32)")
    swp.add_argument("--method", choices=("random", "grid"), default="random")
    swp.add_argument("--rounds", type=int, default=1, help="coarse-to-fine rounds (default 1)")
    swp.add_argument("--workers", type=int, help="local Dask worker processes (default: one per core)")
    swp.add_argument("--scheduler", help="address of an existing Dask scheduler, e.g. tcp://HOST:8786")
    swp.add_argument("--serial", action="store_true", help="run the trials in this process, without Dask")
    swp.add_argument("--seed", type=_seed, default=0)
    swp.add_argument("--no-cache", action="store_true", help="neither read nor write the trial cache")
    swp.add_argument("--cache", help=argparse.SUPPRESS)
    for command, handler in ((lst, _cmd_list), (run, _cmd_run), (bld, _cmd_build), (swp, _cmd_sweep)):
        command.set_defaults(handler=handler, parser=command)  # the subcommand's parser words its errors
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    return args.handler(args, args.parser)
