"""Hyperparameter search: search spaces, grid and random trials, coarse to fine, the trial.

The course's advice (Week 3, "Hyperparameter tuning"): try random values, not a grid;
sample the learning rate and :math:`1 - \\beta` on a log scale; zoom into the region of
the best trials ("coarse to fine"). Everything here is pure: a trial is a frozen record
of its hyperparameters and its seed, and :func:`run_trial` is a function of that record
only, so it gives the same result in this process, in a Dask worker, or from the cache.
The sweep runner that executes trials (serially or on Dask) is :mod:`course_code.build.sweep`.
The module is a little over 300 lines because the search spaces, the two samplers, the
refinement and the trial belong together: each uses the others' unit coordinates.

Every dimension maps the unit interval :math:`u \\in [0, 1]` onto its values; sampling,
grids and refinement all work in those unit coordinates.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace

import numpy as np

__all__ = ["SPACE", "Choice", "LogUniform", "OneMinusLogUniform", "Task", "Trial", "TrialResult", "Uniform",
           "best", "coarse_to_fine", "grid_points", "grid_trials", "make_trials", "random_trials", "refine",
           "run_trial", "trial_rng"]

#: First spawn-key entry of the streams that *sample* trials (trial indices are below it).
_SAMPLING = 2**31


@dataclass(frozen=True)
class Uniform:
    """``low + u (high - low)``: every stretch of the same length is equally likely."""

    name: str
    low: float
    high: float

    def __post_init__(self):
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError(f"{self.name}: need finite low < high, got low={self.low!r}, high={self.high!r}")

    def value(self, u: float) -> float:
        return self.low + u * (self.high - self.low)

    def unit(self, value: float) -> float:
        return (value - self.low) / (self.high - self.low)

    def narrowed(self, u_low: float, u_high: float):
        return replace(self, low=self.value(u_low), high=self.value(u_high))


@dataclass(frozen=True)
class LogUniform(Uniform):
    """``low (high / low)^u``: each decade (0.001-0.01, 0.01-0.1, ...) is equally likely.

    The course's learning rate: ``r = -4 * rng.random(); alpha = 10**r`` is
    ``LogUniform("learning_rate", 1e-4, 1)``.
    """

    def __post_init__(self):
        super().__post_init__()
        if self.low <= 0:
            raise ValueError(f"{self.name}: a log scale needs low > 0, got low={self.low!r}")

    # --8<-- [start:log_uniform]
    def value(self, u: float) -> float:
        return self.low * (self.high / self.low) ** u  # log(value) is uniform between log(low), log(high)
    # --8<-- [end:log_uniform]

    def unit(self, value: float) -> float:
        return (math.log(value) - math.log(self.low)) / (math.log(self.high) - math.log(self.low))


@dataclass(frozen=True)
class OneMinusLogUniform(Uniform):
    """A :math:`\\beta` in ``[low, high)`` with :math:`1 - \\beta` log-uniform.

    :math:`\\beta` averages over about :math:`1 / (1 - \\beta)` steps: 0.9 to 0.9005 changes
    nothing, 0.999 to 0.9995 doubles the window. Sampling :math:`1 - \\beta = 10^r` with
    ``r`` uniform in ``[-3, -1]`` (the course's example, ``low=0.9, high=0.999``) spends
    as many trials between 0.99 and 0.999 as between 0.9 and 0.99.
    """

    def __post_init__(self):
        super().__post_init__()
        if self.high >= 1:
            raise ValueError(f"{self.name}: 1 - beta on a log scale needs high < 1, got high={self.high!r}")

    # --8<-- [start:one_minus_log_uniform]
    def value(self, u: float) -> float:
        return 1 - (1 - self.low) * ((1 - self.high) / (1 - self.low)) ** u  # 1 - beta log-uniform
    # --8<-- [end:one_minus_log_uniform]

    def unit(self, value: float) -> float:
        a, b = math.log(1 - self.low), math.log(1 - self.high)
        return (math.log(1 - value) - a) / (b - a)


@dataclass(frozen=True)
class Choice:
    """One of ``options``, each equally likely (a grid tries them all)."""

    name: str
    options: tuple

    def __post_init__(self):
        if not self.options:
            raise ValueError(f"{self.name}: a choice needs at least one option")

    def value(self, u: float):
        return self.options[min(int(u * len(self.options)), len(self.options) - 1)]

    def unit(self, value) -> float:
        return (self.options.index(value) + 0.5) / len(self.options)


def _check_space(space) -> tuple:
    space = tuple(space)
    names = [d.name for d in space]
    if not space or len(set(names)) != len(names):
        raise ValueError(f"a search space needs at least one dimension and distinct names, got {names}")
    return space


# ---------------------------------------------------------------------- trials
@dataclass(frozen=True)
class Trial:
    """One point to try: its position in the sweep, its hyperparameters and the sweep's seed."""

    index: int
    params: tuple[tuple[str, object], ...]  # (name, value) pairs, in the space's order
    seed: int

    @property
    def values(self) -> dict:
        return dict(self.params)


def trial_rng(seed: int, index: int) -> np.random.Generator:
    """The generator of trial ``index``: ``SeedSequence(seed, spawn_key=(index,))``.

    It depends on the trial's index only, never on which worker runs it or when.
    """
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))


def random_trials(space, n: int, *, seed: int, start: int = 0) -> list[Trial]:
    """``n`` trials with every coordinate drawn independently: ``u ~ U(0, 1)``, value = ``dim.value(u)``.

    ``start`` numbers the trials ``start, start + 1, ...`` (later rounds of a coarse-to-fine
    search continue the numbering and draw from their own stream).
    """
    space = _check_space(space)
    # --8<-- [start:random_trials]
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_SAMPLING, start)))
    units = rng.random((n, len(space)))  # u ~ U(0, 1) for every trial and dimension
    return [Trial(start + i, tuple((d.name, d.value(float(u))) for d, u in zip(space, row, strict=True)),
                  seed) for i, row in enumerate(units)]
    # --8<-- [end:random_trials]


def grid_trials(space, points_per_dim: int, *, seed: int, start: int = 0) -> list[Trial]:
    """The full grid: ``points_per_dim`` evenly spaced unit coordinates (ends included) per
    continuous dimension, every option of a :class:`Choice`; the last dimension varies fastest."""
    space = _check_space(space)
    if points_per_dim < 2 and any(not isinstance(d, Choice) for d in space):
        raise ValueError(f"a grid needs at least 2 points per dimension, got {points_per_dim}")
    axes = [list(d.options) if isinstance(d, Choice) else [d.value(float(u)) for u in
            np.linspace(0, 1, points_per_dim)] for d in space]
    mesh = np.array(np.meshgrid(*[np.arange(len(a)) for a in axes], indexing="ij")).reshape(len(space), -1).T
    return [Trial(start + i, tuple((d.name, axes[j][k]) for j, (d, k)
                                   in enumerate(zip(space, row, strict=True))),
                  seed) for i, row in enumerate(mesh)]


def refine(space, trials, scores, *, top: int = 5, margin: float = 0.25, max_fraction: float = 0.5):
    """Coarse to fine: a smaller box around the best trials.

    In unit coordinates, take the bounding box of the ``top`` best trials, widen it by
    ``margin`` of its width on each side, cap its width at ``max_fraction`` of the old box
    (centred on the best trial, shifted to stay inside; at least 2% wide), and map it back
    to values. The new
    box therefore always lies inside the old one, is at most ``max_fraction`` as wide on
    every continuous dimension, and contains the best trial. A :class:`Choice` keeps the
    options of the ``top`` trials. ``nan`` scores (diverged trials) count as the worst.
    """
    # --8<-- [start:refine]
    space = _check_space(space)
    order = _ranking(trials, scores)[:top]
    chosen = [trials[i] for i in order]
    new = []
    for d in space:
        if isinstance(d, Choice):
            keep = {t.values[d.name] for t in chosen}
            new.append(replace(d, options=tuple(o for o in d.options if o in keep)))
            continue
        u = np.array([d.unit(t.values[d.name]) for t in chosen])
        lo, hi = u.min(), u.max()
        lo, hi = lo - margin * (hi - lo), hi + margin * (hi - lo)
        width = float(np.clip(hi - lo, 0.02, max_fraction))  # never a box of zero width
        centre = min(max(u[0], lo + width / 2), hi - width / 2)  # near the best, inside [lo, hi]
        lo = min(max(centre - width / 2, 0.0), 1.0 - width)
        new.append(d.narrowed(lo, lo + width))
    return tuple(new)
    # --8<-- [end:refine]


def grid_points(space, budget: int) -> int:
    """The most points per continuous dimension whose full grid fits in ``budget`` trials."""
    space = _check_space(space)
    fixed = math.prod(len(d.options) for d in space if isinstance(d, Choice))
    free = sum(not isinstance(d, Choice) for d in space)
    k = 1 if free == 0 else math.floor((budget / fixed) ** (1 / free) + 1e-9)
    if fixed * k**free > budget or (free and k < 2):
        raise ValueError(f"a grid over {[d.name for d in space]} needs at least {fixed * 2**free} trials, "
                         f"got a budget of {budget}")
    return k


def make_trials(space, budget: int, *, method: str, seed: int, start: int = 0) -> list[Trial]:
    """``budget`` random trials, or the largest full grid that fits in ``budget``."""
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
        raise ValueError(f"the number of trials must be a whole number >= 1, got {budget!r}")
    if method == "random":
        return random_trials(space, budget, seed=seed, start=start)
    if method == "grid":
        return grid_trials(space, grid_points(space, budget), seed=seed, start=start)
    raise ValueError(f"method must be 'random' or 'grid', got {method!r}")


def coarse_to_fine(space, budget: int, *, rounds: int, evaluate, method: str = "random", seed: int,
                   top: int = 3) -> list[tuple[tuple, list]]:
    """``rounds`` searches, each in the box :func:`refine` draws around the previous round's best.

    ``evaluate(trials) -> list of TrialResult`` runs a round (serially, or with
    :func:`course_code.sweep.sweep`). Trial indices continue from round to round. Returns
    ``[(space, results), ...]``, one pair per round.
    """
    out, start = [], 0
    for _ in range(rounds):
        trials = make_trials(space, budget, method=method, seed=seed, start=start)
        results = list(evaluate(trials))
        out.append((space, results))
        start += len(trials)
        space = refine(space, [r.trial for r in results], [r.val_accuracy for r in results], top=top)
    return out


def _ranking(trials, scores) -> list[int]:
    """Positions of the trials, best score first (ties: lower trial index first)."""
    s = np.asarray(scores, dtype=float)
    if len(s) != len(trials) or not len(s):
        raise ValueError(f"need one score per trial and at least one trial, got {len(s)} for {len(trials)}")
    key = np.where(np.isnan(s), -np.inf, s)
    return sorted(range(len(s)), key=lambda i: (-key[i], trials[i].index))


def best(results):
    """The :class:`TrialResult` with the highest validation accuracy (diverged ones last)."""
    results = list(results)
    order = _ranking([r.trial for r in results], [r.val_accuracy for r in results])
    return results[order[0]]


# ---------------------------------------------------------------------- the trial
#: The default search space: the course's two log scales (learning rate, momentum beta).
SPACE = (LogUniform("learning_rate", 1e-4, 10.0), OneMinusLogUniform("beta", 0.9, 0.999))

@dataclass(frozen=True)
class Task:
    """What every trial trains: a small ReLU net with momentum on the moons data.

    The hyperparameters a trial may set are ``learning_rate`` (required), ``beta``
    (momentum, default 0.9), ``hidden_units`` (the width of every hidden layer) and
    ``mini_batch_size``; the rest is fixed here. The data are the same for every trial
    (drawn from ``data_seed``): a training split and a validation split that only scores.
    """

    n_train: int = 200
    n_val: int = 200
    noise: float = 0.25
    hidden: tuple[int, ...] = (16, 8)
    num_epochs: int = 40
    mini_batch_size: int = 32
    data_seed: int = 0


@dataclass(frozen=True)
class TrialResult:
    """A trial and what it scored; ``nan`` accuracy and cost when training diverged."""

    trial: Trial
    val_accuracy: float
    final_cost: float
    diverged: bool


@functools.lru_cache(maxsize=4)
def _data(n_train: int, n_val: int, noise: float, data_seed: int):
    from .datasets import moons

    return moons(rng=np.random.default_rng(data_seed), n_train=n_train, n_test=n_val, noise=noise)


def _fit(trial: Trial, task: Task):
    """The trained parameters of ``trial`` on ``task``'s training split, and the result of ``train``."""
    from .optimizers import momentum
    from .schedules import constant
    from .training import train

    p = trial.values
    unknown = set(p) - {"learning_rate", "beta", "hidden_units", "mini_batch_size"}
    if unknown or "learning_rate" not in p:
        raise ValueError(f"a trial sets learning_rate and optionally beta, hidden_units, "
                         f"mini_batch_size; got {sorted(p)}")
    data = _data(task.n_train, task.n_val, task.noise, task.data_seed)
    hidden = [int(p["hidden_units"])] * len(task.hidden) if "hidden_units" in p else list(task.hidden)
    # --8<-- [start:trial]
    return train(data.X_train, data.Y_train, [2, *hidden, 1], optimizer=momentum(p.get("beta", 0.9)),
                 schedule=constant(p["learning_rate"]), num_epochs=task.num_epochs,
                 mini_batch_size=int(p.get("mini_batch_size", task.mini_batch_size)),
                 rng=trial_rng(trial.seed, trial.index), record_every=max(1, task.num_epochs - 1))
    # --8<-- [end:trial]


def run_trial(trial: Trial, task: Task = Task()) -> TrialResult:
    """Train ``task``'s network with ``trial``'s hyperparameters; score it on the validation split.

    The final cost is the training cost over the last epoch (mean mini-batch loss, each
    measured before its update). A :class:`~course_code.training.TrainingDiverged` run
    scores ``nan`` and ``diverged=True``: a sweep expects some of its trials to blow up.
    """
    from .network import accuracy
    from .training import TrainingDiverged

    try:
        r = _fit(trial, task)
    except TrainingDiverged:
        return TrialResult(trial, math.nan, math.nan, True)
    data = _data(task.n_train, task.n_val, task.noise, task.data_seed)
    return TrialResult(trial, accuracy(data.X_test, data.Y_test, r.params), float(r.costs[-1]), False)


def score_on_test(trial: Trial, task: Task, n_test: int) -> float:
    """Accuracy of ``trial``'s network (trained exactly as :func:`run_trial` trains it) on a test
    set of ``n_test`` points drawn from the same distribution as the task's data, with a
    generator of its own: the set is used once, after the search chose the trial."""
    from .datasets import moons
    from .network import accuracy

    test = moons(rng=np.random.default_rng([task.data_seed, 1]), n_train=n_test, n_test=0, noise=task.noise)
    return accuracy(test.X_train, test.Y_train, _fit(trial, task).params)
