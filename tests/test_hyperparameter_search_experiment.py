"""The hyperparameter-search experiment on short configs: its bookkeeping and its claims."""

import dataclasses
import itertools

import numpy as np
import pytest

from course_code.experiments import hyperparameter_search as exp
from course_code.figures import hyperparameter_search as hyperparameter_search_fig
from course_code.search import grid_trials, random_trials, run_trial

CFG = dataclasses.replace(exp.TINY, max_grid=4, n_seeds=3, refine_rounds=3, refine_budget=8)


@pytest.fixture(scope="module")
def result():
    return exp.run(CFG, rng=np.random.default_rng(0))


def test_best_so_far_and_trials_to_reach():
    best = exp.best_so_far(np.array([0.6, np.nan, 0.9, 0.7]))
    np.testing.assert_array_equal(best, [0.6, 0.6, 0.9, 0.9])
    assert exp.trials_to_reach(best, np.arange(1, 5), 0.85) == 3
    assert exp.trials_to_reach(best, np.arange(1, 5), 0.95) == 0  # never


def test_budgets_grids_and_random_searches(result):
    np.testing.assert_array_equal(result.budgets, [4, 9, 16])
    for k, grid in zip((2, 3, 4), result.grids, strict=True):
        assert len(grid.accuracy) == k * k and len(np.unique(grid.learning_rate)) == k
    assert result.random_best.shape == (3, 16) and len(result.random) == 3
    assert np.all(np.diff(result.random_best, axis=1) >= 0)
    assert all(len(np.unique(r.learning_rate)) == 16 for r in result.random)  # one alpha per trial
    assert result.target == pytest.approx(result.best_any - CFG.target_gap)


def test_the_experiment_runs_the_sweeps_trial_function(result):
    grid = grid_trials(exp.space(CFG), 3, seed=int(result.seeds[0]))
    accs = [run_trial(t, exp.task(CFG)).val_accuracy for t in grid]
    np.testing.assert_array_equal(accs, result.grids[1].accuracy)
    first = random_trials(exp.space(CFG), 5, seed=int(result.seeds[2]))
    lrs = [t.values["learning_rate"] for t in first]
    np.testing.assert_array_equal(lrs, result.random[0].learning_rate[:5])


def test_coarse_to_fine_boxes_nest(result):
    boxes = result.boxes
    assert boxes.shape == (3, 4)
    for outer, inner in itertools.pairwise(boxes):
        assert outer[0] <= inner[0] < inner[1] <= outer[1]  # learning rate
        assert outer[2] <= inner[2] < inner[3] <= outer[3]  # beta
        assert np.log(inner[1] / inner[0]) <= 0.5 * np.log(outer[1] / outer[0]) + 1e-9
    for trials, box in zip(result.rounds, boxes, strict=True):
        assert np.all((box[0] <= trials.learning_rate) & (trials.learning_rate <= box[1]))


def test_claims_follow_the_counts(result):
    report = hyperparameter_search_fig.report(result)
    m = report.metrics
    assert 0 <= m["random_fewer_count"] <= m["random_reached_count"] <= CFG.n_seeds
    assert m["random_fewer_all_seeds"] == (m["random_fewer_count"] == CFG.n_seeds)
    assert not m["random_wins"] or (m["random_fewer_mean"] and 2 * m["random_fewer_count"] > CFG.n_seeds)
    grid_n, _, fewer = hyperparameter_search_fig.race(result, result.target)
    assert grid_n == m["grid_trials_to_target"] and fewer.sum() == m["random_fewer_count"]
    if m["grid_reached"]:
        assert result.grid_best[list(result.budgets).index(grid_n)] >= m["target"]
    assert set(report.tables) == {"budgets", "rounds", "targets"}
    assert m["distinct_lr_grid"] == CFG.max_grid and m["distinct_lr_random"] == CFG.max_grid**2
