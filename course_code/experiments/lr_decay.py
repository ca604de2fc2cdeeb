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
from ..schedules import Schedule, compounded_decay, constant, inverse_time_decay, staircase_decay
from ..training import train_many

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


# ---------------------------------------------------------------------- the course's loop
# The course's ``model()`` shuffles epoch e after ``np.random.seed(11 + e)`` and, *after*
# finishing epoch i, sets ``learning_rate = decay(learning_rate0, i, decay_rate)`` and prints
# it. What it printed, and the pieces needed to rerun that loop exactly: its batch order,
# its one-epoch lag, and its printouts formatted the way it formats them (``%f``).
#: The epochs after which the course prints cost and rate.
PRINT_EPOCHS = (0, 1000, 2000, 3000, 4000)
#: Section 7 runs (lr0 0.1 for GD and momentum, 0.01 for Adam; k = 1; interval 1000):
#: train accuracy and the costs printed after ``PRINT_EPOCHS``.
COURSE = {
    "gd_per_epoch": (0.6533333333333333, ("0.701091", "0.661884", "0.658620", "0.656765", "0.655486")),
    "gd_staircase": (0.9433333333333334, ("0.701091", "0.127161", "0.120304", "0.117033", "0.117512")),
    "momentum_staircase": (0.9533333333333334, ("0.702226", "0.128974", "0.125965", "0.123375", "0.123218")),
    "adam_staircase": (0.94, ("0.699346", "0.130074", "0.129826", "0.129282", "0.128361")),
}
#: The course's "learning rate after epoch i" for GD, i in ``PRINT_EPOCHS``.
COURSE_PRINTED_LR = {"per_epoch": ("0.100000", "0.000100", "0.000050", "0.000033", "0.000025"),
                     "staircase": ("0.100000", "0.050000", "0.033333", "0.025000", "0.020000")}


@dataclass(frozen=True)
class OneEpochLate(Schedule):
    """``inner`` one epoch late: epoch :math:`e` runs at ``inner(max(e - 1, 0))``.

    The course sets the rate *after* finishing epoch :math:`i` to ``decay(lr0, i)``, so
    epoch :math:`i + 1` runs at :math:`\\alpha(i)` and epochs 0 and 1 both at :math:`\\alpha_0`.
    """

    inner: Schedule

    def rate(self, e):
        return self.inner.rate(np.maximum(np.asarray(e) - 1, 0))


def course_batch_order(num_epochs: int, m: int) -> np.ndarray:
    """The course's shuffles, shape (num_epochs, m): row e is ``seed(11 + e); permutation(m)``."""
    legacy = np.random.RandomState()
    order = np.empty((num_epochs, m), dtype=np.intp)
    for e in range(num_epochs):
        legacy.seed(11 + e)  # the same stream as the course's np.random.seed(11 + e)
        order[e] = legacy.permutation(m)
    return order


class Replay:
    """Stands in for ``train``'s ``rng`` when it only shuffles: hands out one fixed row per epoch."""

    def __init__(self, order: np.ndarray):
        self._rows = iter(order)

    def permutation(self, m: int) -> np.ndarray:
        return next(self._rows)


def printed_rates(sched: Schedule) -> tuple[str, ...]:
    """What ``"learning rate after epoch %i: %f"`` shows at ``PRINT_EPOCHS`` for a schedule.

    After epoch :math:`i` the loop's variable holds the rate of epoch :math:`i + 1`.
    """
    return tuple(f"{sched(i + 1):.6f}" for i in PRINT_EPOCHS)


def printed_costs(epochs: np.ndarray, costs: np.ndarray) -> tuple[str, ...] | None:
    """Recorded costs at ``PRINT_EPOCHS`` formatted as the course prints them; None if not recorded."""
    where = dict(zip(np.asarray(epochs).tolist(), costs, strict=True))
    return tuple(f"{where[e]:.6f}" for e in PRINT_EPOCHS) if all(e in where for e in PRINT_EPOCHS) else None


def count_equal(a, b) -> int:
    """How many positions of two equally long sequences hold equal values."""
    return sum(x == y for x, y in zip(a, b, strict=True))


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
    momentum_baseline: bool = True   # momentum without decay too (what decay adds to momentum)

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
    return OneEpochLate(base) if reading == "late" else base


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
    fixed = course_batch_order(config.num_epochs, m) if config.course_order else None
    starts = []  # (initial weights, batch-order generator) per seed
    for child in children:
        init_rng, seed_order_rng = child.spawn(2)
        starts.append((initialize_parameters(dims, "he", rng=init_rng), seed_order_rng))
    # Each run trains together with the same run from every seed that has it (train_many); every
    # run gets its own copy of its generator, so within a seed all runs see the same batch order.
    done, accs, costs = {}, {}, {}
    for key, (opt, sched) in _jobs(config, True).items():
        seeds = [starts[i] for i in range(len(starts)) if key in _jobs(config, i < config.n_variant_seeds)]
        head_order = Replay(fixed) if fixed is not None else copy.deepcopy(order_rng)
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
