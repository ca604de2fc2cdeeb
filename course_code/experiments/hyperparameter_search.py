"""Hyperparameter search: random vs grid at equal budget, log scales, coarse to fine.

The course's advice (Week 3) measured on one small problem: a [2, 16, 8, 1] ReLU network
trained with momentum on the moons data, scored on a validation split. The search space
is the course's: the learning rate and :math:`1 - \\beta` both on a log scale. For each
budget :math:`k^2` (4 to 64 trials) a full :math:`k \\times k` grid is compared with the
same number of random trials, ``n_seeds`` times over for random search; then a
coarse-to-fine search zooms in on the best region in a few small rounds. Trials run
serially here with the same trial function the Dask sweep runs
(:func:`course_code.search.run_trial`): ``run`` stays pure and single-process.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import check_fields
from ..search import (
    LogUniform,
    OneMinusLogUniform,
    Task,
    coarse_to_fine,
    grid_trials,
    random_trials,
    run_trial,
    score_on_test,
)

SEED = 3
EXPECTED_SECONDS = 5


@dataclass(frozen=True)
class Config:
    lr_low: float = 1e-4
    lr_high: float = 10.0
    beta_low: float = 0.9
    beta_high: float = 0.999
    max_grid: int = 8                 # grids of 2x2 ... max_grid x max_grid trials
    n_seeds: int = 5                  # random searches (each with its own samples and training seeds)
    target_gap: float = 0.02          # target = best accuracy of any trial minus this
    refine_rounds: int = 3
    refine_budget: int = 16           # random trials per coarse-to-fine round
    refine_top: int = 3               # the next box surrounds the best `refine_top` trials
    num_epochs: int = 20
    mini_batch_size: int = 32
    n_train: int = 200
    n_val: int = 500
    n_test: int = 500                 # scores the chosen trial once, after the search
    noise: float = 0.25
    hidden: tuple[int, ...] = (16, 8)
    data_seed: int = 0

    def __post_init__(self):
        check_fields(self, lr_low="positive", lr_high="positive", beta_low="beta", beta_high="beta",
                     max_grid="count", n_seeds="count", target_gap="fraction", refine_rounds="count",
                     refine_budget="count", refine_top="count", num_epochs="count", mini_batch_size="count",
                     n_train="count", n_val="count", n_test="count", noise="nonnegative", hidden="counts",
                     data_seed="count0")
        for low, high in (("lr_low", "lr_high"), ("beta_low", "beta_high")):
            if getattr(self, low) >= getattr(self, high):
                raise ValueError(f"{low} must be below {high} ({getattr(self, high)}), "
                                 f"got {getattr(self, low)}")


#: Small enough for the tests.
TINY = Config(max_grid=3, n_seeds=2, refine_rounds=2, refine_budget=6, num_epochs=5)


@dataclass(frozen=True)
class Trials:
    """Trials as arrays: hyperparameters and validation accuracy (``nan`` = diverged)."""

    index: np.ndarray
    learning_rate: np.ndarray
    beta: np.ndarray
    accuracy: np.ndarray


@dataclass(frozen=True)
class Result:
    config: Config
    budgets: np.ndarray              # (K,) k*k for k = 2..max_grid
    grids: tuple[Trials, ...]        # (K,) the full k x k grid of each budget
    grid_best: np.ndarray            # (K,) best accuracy of each grid
    random: tuple[Trials, ...]       # (n_seeds,) max budget random trials each; [0] is the headline
    random_best: np.ndarray          # (n_seeds, max budget): best so far after n = 1, 2, ... trials
    rounds: tuple[Trials, ...]       # coarse-to-fine rounds
    boxes: np.ndarray                # (rounds, 4): lr low, lr high, beta low, beta high of each round
    best_any: float                  # best accuracy of any grid or random trial
    target: float                    # best_any - config.target_gap
    seeds: np.ndarray                # sweep seeds: grid, coarse to fine, then one per random search
    chosen: tuple                    # (learning rate, beta) of the best trial of the last round
    chosen_val: float                # its validation accuracy: what chose it
    chosen_test: float               # its accuracy on a test set, scored once, after the choice


def space(config: Config) -> tuple:
    """The search space: learning rate and 1 - beta, both log-uniform."""
    return (LogUniform("learning_rate", config.lr_low, config.lr_high),
            OneMinusLogUniform("beta", config.beta_low, config.beta_high))


def task(config: Config) -> Task:
    return Task(n_train=config.n_train, n_val=config.n_val, noise=config.noise, hidden=config.hidden,
                num_epochs=config.num_epochs, mini_batch_size=config.mini_batch_size,
                data_seed=config.data_seed)


def _as_arrays(results) -> Trials:
    values = [r.trial.values for r in results]
    return Trials(np.array([r.trial.index for r in results]), np.array([v["learning_rate"] for v in values]),
                  np.array([v["beta"] for v in values]), np.array([r.val_accuracy for r in results]))


def best_so_far(accuracy: np.ndarray) -> np.ndarray:
    """Running maximum of the accuracies along the last axis; diverged (``nan``) trials add nothing."""
    return np.maximum.accumulate(np.where(np.isnan(accuracy), -np.inf, accuracy), axis=-1)


def trials_to_reach(best: np.ndarray, budgets: np.ndarray, target: float) -> int:
    """The first budget whose best accuracy reaches ``target``; 0 when none does."""
    hit = np.flatnonzero(best >= target)
    return int(budgets[hit[0]]) if hit.size else 0


def run(config: Config, *, rng: np.random.Generator) -> Result:
    """Grids of every size, ``n_seeds`` random searches of the largest budget, coarse-to-fine rounds."""
    sp, tk = space(config), task(config)
    seeds = [int(s) for s in rng.integers(0, 2**31, size=config.n_seeds + 2)]

    def evaluate(trials):
        return [run_trial(t, tk) for t in trials]

    ks = np.arange(2, config.max_grid + 1)
    grids = tuple(_as_arrays(evaluate(grid_trials(sp, int(k), seed=seeds[0]))) for k in ks)
    grid_best = np.array([best_so_far(g.accuracy)[-1] for g in grids])
    budget = config.max_grid**2
    random = tuple(_as_arrays(evaluate(random_trials(sp, budget, seed=s))) for s in seeds[2:])
    random_best = np.array([best_so_far(r.accuracy) for r in random])
    rounds = coarse_to_fine(sp, config.refine_budget, rounds=config.refine_rounds, evaluate=evaluate,
                            seed=seeds[1], top=config.refine_top)
    boxes = np.array([[s[0].low, s[0].high, s[1].low, s[1].high] for s, _ in rounds])
    best_any = float(np.concatenate([grid_best, random_best[:, -1]]).max())
    final = [r for r in rounds[-1][1] if not r.diverged]  # the search's answer: its last round's best
    chosen = max(final, key=lambda r: (r.val_accuracy, -r.trial.index))
    return Result(config, ks**2, grids, grid_best, random, random_best,
                  tuple(_as_arrays(results) for _, results in rounds), boxes,
                  best_any, best_any - config.target_gap, np.array(seeds),
                  (chosen.trial.values["learning_rate"], chosen.trial.values["beta"]), chosen.val_accuracy,
                  score_on_test(chosen.trial, tk, config.n_test))
