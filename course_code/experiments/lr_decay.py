"""Learning-rate decay: no decay, decay every epoch and staircase decay on the moons.

The course's W2A1 section 7: the [2, 5, 2, 1] network on the moons, mini-batches of 64,
5000 epochs. Inverse-time decay every epoch, :math:`\\alpha_0 / (1 + k e)` (which the course
calls "exponential"), drives GD's rate to 1e-4 by epoch 1000 and training stalls; staircase
decay, :math:`\\alpha_0 / (1 + k \\lfloor e / 1000 \\rfloor)`, is compared for GD, momentum and
Adam, and so are runs without decay at the same starting rates, to show what decay adds.

The headline runs use the course's initial weights and, with ``course_order``, its batch
order (``np.random.seed(11 + epoch)`` before each shuffle). Three readings of the course's
decay are run with GD: the formula (the site's schedules), the formula one epoch late (the
course's ``model()`` sets the next epoch's rate after each epoch) and the rate fed back
into the decay (compounded). The metrics say which one reproduces the course's printouts.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from .. import datasets
from ..checks import check_fields
from ..initializers import initialize_parameters
from ..network import accuracy
from ..optimizers import adam, gd, momentum
from ..report import FigureSpec, Report, markdown_table, seed_summary
from ..schedules import Schedule, compounded_decay, constant, inverse_time_decay, staircase_decay
from ..training import train_many
from . import _course_decay as course
from . import _lr_decay_figures as figures

SEED = 0
#: Rough run time of the default config on a 2-core machine (the build starts long ones first).
EXPECTED_SECONDS = 10
STUCK = 0.55  # a run at or below this accuracy is stuck (dead ReLUs or one-class output)
OPT_LABELS = {"gd": "GD", "momentum": "momentum", "adam": "Adam"}
DECAY_LABELS = {"none": "no decay", "per_epoch": "decay every epoch", "staircase": "staircase decay"}
#: The headline runs: key -> (optimizer, decay).
RUNS = {"gd": ("gd", "none"), "momentum": ("momentum", "none"), "adam": ("adam", "none"),
        "gd_per_epoch": ("gd", "per_epoch"), "gd_staircase": ("gd", "staircase"),
        "momentum_staircase": ("momentum", "staircase"), "adam_staircase": ("adam", "staircase")}
READINGS = {"formula": "formula (the site)", "late": "formula, one epoch late (the course)",
            "compounded": "rate fed back (compounded)"}
#: The extra GD runs of the readings, key -> (decay, reading); "formula" is a headline run.
VARIANT_RUNS = {f"{d}/{v}": (d, v) for d in ("per_epoch", "staircase") for v in ("late", "compounded")}


@dataclass(frozen=True)
class Config:
    layer_dims: tuple[int, ...] = (2, 5, 2, 1)
    num_epochs: int = 5000
    mini_batch_size: int = 64
    lr0: float = 0.1          # GD and momentum
    lr0_adam: float = 0.01
    beta: float = 0.9         # momentum
    decay_rate: float = 1.0
    time_interval: int = 1000
    record_every: int = 50
    n_seeds: int = 5
    n_variant_seeds: int = 0  # seeds for the "late" and "compounded" GD runs
    course_weights: bool = True
    course_order: bool = True
    momentum_baseline: bool = False  # momentum without decay (6 more runs: over the time budget)

    def __post_init__(self):
        check_fields(self, layer_dims="net", num_epochs="count", mini_batch_size="count", lr0="positive",
                     lr0_adam="positive", beta="beta", decay_rate="nonnegative", time_interval="count",
                     record_every="count", n_seeds="count", n_variant_seeds="count0", course_weights="bool",
                     course_order="bool", momentum_baseline="bool")


#: Small enough for the tests.
TINY = Config(num_epochs=40, time_interval=10, record_every=10, n_seeds=2, n_variant_seeds=1,
              momentum_baseline=True)


@dataclass(frozen=True)
class Run:
    epochs: np.ndarray   # recorded epoch numbers
    costs: np.ndarray    # cost at those epochs
    params: dict
    accuracy: float      # training accuracy (the course has no test set)


@dataclass(frozen=True)
class Result:
    config: Config
    data: datasets.Dataset
    runs: dict[str, Run]                  # RUNS keys (momentum only if momentum_baseline)
    variants: dict[str, Run]              # VARIANT_RUNS keys, GD from the headline's start
    seed_accuracy: dict[str, np.ndarray]  # RUNS keys: (n_seeds,); VARIANT_RUNS keys: (n_variant_seeds,)
    seed_costs: dict[str, np.ndarray]     # the same keys: (n, 2): final cost, late_cost_range


def schedule(config: Config, optimizer: str, decay: str, reading: str = "formula") -> Schedule:
    """The schedule of a run: ``decay`` in ``DECAY_LABELS``, ``reading`` in ``READINGS``."""
    lr0, k = (config.lr0_adam if optimizer == "adam" else config.lr0), config.decay_rate
    if decay == "none":
        return constant(lr0)
    interval = 1 if decay == "per_epoch" else config.time_interval
    if reading == "compounded":
        return compounded_decay(lr0, k, time_interval=interval)
    base = inverse_time_decay(lr0, k) if decay == "per_epoch" else staircase_decay(lr0, k, interval)
    return course.OneEpochLate(base) if reading == "late" else base


def _train(config: Config, data, optimizer: str, sched: Schedule, params0: list[dict],
           orders: list) -> list[Run]:
    """Run ``i`` from ``params0[i]`` with batch order ``orders[i]``; all in one ``train_many`` call."""
    opt = {"gd": gd, "momentum": lambda: momentum(config.beta), "adam": adam}[optimizer]()
    results = train_many(data.X_train, data.Y_train, list(config.layer_dims), optimizer=opt, schedule=sched,
                         num_epochs=config.num_epochs, mini_batch_size=config.mini_batch_size,
                         inits=params0, rngs=orders, record_every=config.record_every)
    return [Run(r.epochs, r.costs, r.params, accuracy(data.X_train, data.Y_train, r.params)) for r in results]


def _jobs(config: Config, variants: bool) -> dict[str, tuple[str, Schedule]]:
    jobs = {key: (opt, schedule(config, opt, decay)) for key, (opt, decay) in RUNS.items()
            if key != "momentum" or config.momentum_baseline}
    if variants:
        jobs |= {key: ("gd", schedule(config, "gd", d, v)) for key, (d, v) in VARIANT_RUNS.items()}
    return jobs


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """Every run from the course's start (or one from ``rng``), then from ``n_seeds`` fresh He draws.

    Within a seed every run starts from the same weights and sees the same batch order,
    so differences between runs come from the optimizer and the schedule only.
    """
    data, dims = datasets.moons(), list(config.layer_dims)  # the course's exact points
    head, *children = rng.spawn(config.n_seeds + 1)
    init_rng, order_rng = head.spawn(2)
    # The course: np.random.seed(3) before drawing the weights.
    params0 = initialize_parameters(dims, "he", rng=np.random.RandomState(3) if config.course_weights
                                    else init_rng)
    m = data.X_train.shape[1]
    fixed = course.course_batch_order(config.num_epochs, m) if config.course_order else None
    starts = []  # (initial weights, batch-order generator) per seed
    for child in children:
        init_rng, seed_order_rng = child.spawn(2)
        starts.append((initialize_parameters(dims, "he", rng=init_rng), seed_order_rng))
    # Each run trains together with the same run from every seed that has it (train_many); every
    # run gets its own copy of its generator, so within a seed all runs see the same batch order.
    done, accs, costs = {}, {}, {}
    for key, (opt, sched) in _jobs(config, True).items():
        seeds = [starts[i] for i in range(len(starts)) if key in _jobs(config, i < config.n_variant_seeds)]
        head_order = course.Replay(fixed) if fixed is not None else copy.deepcopy(order_rng)
        done[key], *runs = _train(config, data, opt, sched, [params0] + [p for p, _ in seeds],
                                  [head_order] + [copy.deepcopy(r) for _, r in seeds])
        accs[key] = [r.accuracy for r in runs]
        costs[key] = [(r.costs[-1], late_cost_range(r, config.num_epochs)) for r in runs]
    return Result(config, data, {k: done[k] for k in RUNS if k in done}, {k: done[k] for k in VARIANT_RUNS},
                  {k: np.array(v) for k, v in accs.items()},
                  {k: np.array(v, dtype=float).reshape(-1, 2) for k, v in costs.items()})


def late_cost_range(run: Run, num_epochs: int) -> float:
    """Max minus min of the recorded cost over the second half of training: how much it still jumps."""
    return float(np.ptp(run.costs[run.epochs >= num_epochs // 2]))


# ---------------------------------------------------------------------- evidence
def readings(result: Result) -> dict[str, dict]:
    """For each ``"decay/reading"``: its run, schedule, and how many printouts equal the course's.

    The counts are None unless the config is the course's (rates: same α0, k and interval;
    costs: also the course's weights and batch order).
    """
    cfg, out = result.config, {}
    course_rates = (cfg.lr0, cfg.decay_rate, cfg.time_interval) == (0.1, 1.0, 1000)
    course_costs = course_rates and cfg.course_weights and cfg.course_order and cfg.num_epochs == 5000 \
        and (cfg.layer_dims, cfg.mini_batch_size, cfg.beta) == ((2, 5, 2, 1), 64, 0.9)
    for decay in ("per_epoch", "staircase"):
        for reading in READINGS:
            key = f"{decay}/{reading}"
            run = result.runs[f"gd_{decay}"] if reading == "formula" else result.variants[key]
            sched, costs = schedule(cfg, "gd", decay, reading), course.printed_costs(run.epochs, run.costs)
            seeds = (result.seed_accuracy[f"gd_{decay}"][:cfg.n_variant_seeds] if reading == "formula"
                     else result.seed_accuracy[key])
            printed = course.printed_rates(sched)
            out[key] = {"run": run, "schedule": sched, "printed_lr": printed, "seeds": seeds,
                        "lr_matches": course.count_equal(printed, course.COURSE_PRINTED_LR[decay])
                        if course_rates else None,
                        "cost_matches": course.count_equal(costs, course.COURSE[f"gd_{decay}"][1])
                        if course_costs and costs else None}
    return out


# ---------------------------------------------------------------------- report
def label(key: str) -> str:
    """A run's name for tables and legends, e.g. ``"GD, staircase decay"``."""
    opt, decay = RUNS[key]
    return f"{OPT_LABELS[opt]}, {DECAY_LABELS[decay]}"


def _lr0(config: Config, key: str) -> float:
    return config.lr0_adam if RUNS[key][0] == "adam" else config.lr0


def _accuracy_table(result: Result) -> str:
    cfg, n = result.config, result.config.n_seeds
    ran = {key: f"{acc:.3f}" for key, (acc, _) in course.COURSE.items()}
    rows = [[label(key), f"{_lr0(cfg, key):g}", ran.get(key, "not run"),
             f"{result.runs[key].accuracy:.3f}", seed_summary(result.seed_accuracy[key]),
             f"{int(np.sum(result.seed_accuracy[key] <= STUCK))} of {n}"] for key in result.runs]
    return markdown_table(["run", "α0", "course", "this run", f"{n} seeds: mean (range)",
                           f"stuck seeds (accuracy ≤ {STUCK})"], rows, align="lrcccc")


def _readings_table(result: Result) -> str:
    nv, rows = result.config.n_variant_seeds, []
    for key, r in readings(result).items():
        decay, reading = key.split("/")
        start = 0 if decay == "per_epoch" else result.config.time_interval
        first = f"{start}-{start + 3}: " + ", ".join(f"{x:.3g}" for x in r["schedule"](start + np.arange(4)))
        row = [DECAY_LABELS[decay], READINGS[reading], first, " / ".join(r["printed_lr"][:3])]
        row += ["n/a" if r[c] is None else f"{r[c]} of 5" for c in ("lr_matches", "cost_matches")]
        rows.append([*row, f"{r['run'].accuracy:.3f}"] + ([seed_summary(r["seeds"])] if nv else []))
    header = ["decay (GD)", "reading", "rates of epochs", "rate printed after epochs 0 / 1000 / 2000",
              "printed rates equal to the course's", "printed costs equal to the course's", "train accuracy"]
    header += [f"{nv} seeds: mean (range)"] if nv else []
    return markdown_table(header, rows, align="ll" + "c" * (len(header) - 2))


def _stats(values) -> dict:
    v = np.asarray(values, dtype=float)
    return {"seed_mean": float(v.mean()), "seed_min": float(v.min()), "seed_max": float(v.max())}


def _metrics(result: Result) -> dict:
    runs, seeds, cfg = result.runs, result.seed_accuracy, result.config
    m = {"runs": {}, "decay_gain": {}, "readings": {}, "site_reading": "formula", "stuck_threshold": STUCK,
         "per_epoch_lr_at_1000": float(schedule(cfg, "gd", "per_epoch")(1000))}
    for key, run in runs.items():
        m["runs"][key] = {"accuracy": run.accuracy, "final_cost": float(run.costs[-1]), "lr0": _lr0(cfg, key),
                          "late_cost_range": late_cost_range(run, cfg.num_epochs), **_stats(seeds[key]),
                          "stuck_seeds": int(np.sum(seeds[key] <= STUCK))}
        if key in course.COURSE:
            m["runs"][key]["course_accuracy"] = course.COURSE[key][0]
    for key in ("gd_per_epoch", "gd_staircase", "momentum_staircase", "adam_staircase"):
        base = RUNS[key][0]  # the same optimizer, no decay
        if base not in runs:
            continue
        d, c = seeds[key] - seeds[base], result.seed_costs[key] - result.seed_costs[base]
        m["decay_gain"][key] = {"headline": runs[key].accuracy - runs[base].accuracy, **_stats(d),
                                "seeds_better": int(np.sum(d > 1e-9)), "seeds_worse": int(np.sum(d < -1e-9)),
                                "seeds_final_cost_lower": int(np.sum(c[:, 0] < 0)),
                                "seeds_late_range_smaller": int(np.sum(c[:, 1] < 0))}
    for key, r in readings(result).items():
        entry = {"accuracy": r["run"].accuracy, "printed_lr": [float(x) for x in r["printed_lr"]]}
        entry |= {name: r[k] for name, k in (("printed_lr_matches", "lr_matches"),
                                              ("printed_cost_matches", "cost_matches")) if r[k] is not None}
        m["readings"][key] = entry | (_stats(r["seeds"]) if len(r["seeds"]) else {})
    full = [v for v in READINGS if all(m["readings"][f"{d}/{v}"].get(k) == 5
                                       for d in ("per_epoch", "staircase")
                                       for k in ("printed_lr_matches", "printed_cost_matches"))]
    if full:
        m["course_reading"] = full[0]  # the reading whose every printed rate and cost equals the course's
    return m


#: The values the page's interactive schedule figure offers (its sliders), and their defaults.
SLIDER_LR0 = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
SLIDER_DECAY_RATE = (0.0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
SLIDER_GAMMA = (0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9998, 1.0)


def schedule_data(config: Config) -> dict:
    """What the page's interactive figure needs to draw the schedules of ``course_code.schedules``.

    The page computes each rate from its formula (the browser tests check it against this
    module's schedules), so only the parameters and the sliders' values are stored.
    """
    def slider(values, default):
        return {"values": list(values), "default": default if default in values else values[0]}

    return {"num_epochs": config.num_epochs, "time_interval": config.time_interval,
            "lr0": slider(SLIDER_LR0, config.lr0), "decay_rate": slider(SLIDER_DECAY_RATE, config.decay_rate),
            "gamma": slider(SLIDER_GAMMA, 0.999),
            # colour: the index in plotting.COLORS, as in the static figure of the schedules
            "schedules": [{"key": "constant", "label": DECAY_LABELS["none"], "color": 0},
                          {"key": "inverse_time", "label": DECAY_LABELS["per_epoch"], "color": 5},
                          {"key": "staircase", "label": f"{DECAY_LABELS['staircase']} "
                                                        f"(every {config.time_interval} epochs)", "color": 2},
                          {"key": "exponential", "label": "exponential decay (not in the course)",
                           "color": 3}]}


def report(result: Result) -> Report:
    specs = {
        "schedules": FigureSpec(figures.draw_schedules(result), (9.0, 4.2),
                                "Learning rate against epoch, log scale, for each schedule; and the first "
                                "epochs of three readings of the per-epoch decay"),
        "costs": FigureSpec(figures.draw_costs(result), (9.0, 3.6),
                            "Cost against epoch with no decay, decay every epoch and staircase decay, "
                            "for GD, momentum and Adam"),
        "reading_costs": FigureSpec(figures.draw_readings(result), (9.0, 3.9),
                                    "Cost against epoch of GD under three readings of the course's decay, "
                                    "with the course's printed costs marked"),
        "boundaries": FigureSpec(figures.draw_boundaries(result), (8.0, 5.4),
                                 "Decision boundaries on the moons after staircase decay with GD, momentum "
                                 "and Adam, and after decay every epoch with GD"),
    }
    tables = {"accuracy": _accuracy_table(result), "readings": _readings_table(result)}
    return Report(specs, tables, _metrics(result), {"lr_schedules": schedule_data(result.config)},
                  thumbnail="schedules")
