"""Hyperparameter search: sampling, grids, coarse to fine, the trial cache and the Dask runner.

The Dask tests start real ``LocalCluster`` worker processes (a few seconds each); the fault
test kills one of them with SIGKILL in the middle of a sweep.
"""

import dataclasses
import math
import os
import signal

import numpy as np
import pytest

from course_code.build.sweep import sweep
from course_code.search import (
    SPACE,
    Choice,
    LogUniform,
    OneMinusLogUniform,
    Task,
    Uniform,
    best,
    coarse_to_fine,
    grid_points,
    grid_trials,
    make_trials,
    random_trials,
    refine,
    run_trial,
)

LR, BETA = LogUniform("learning_rate", 1e-4, 1.0), OneMinusLogUniform("beta", 0.9, 0.999)
FAST = Task(num_epochs=10)  # a few milliseconds per trial


# ---------------------------------------------------------------------- sampling
def test_log_uniform_spends_the_same_share_on_every_decade():
    values = np.array([t.values["learning_rate"] for t in random_trials((LR,), 4000, seed=0)])
    assert values.min() >= 1e-4 and values.max() <= 1.0
    shares = np.histogram(np.log10(values), bins=[-4, -3, -2, -1, 0])[0] / len(values)
    np.testing.assert_allclose(shares, 0.25, atol=0.03)
    # A uniform draw would put ~90% of the trials in the top decade.
    uniform = np.array([t.values["x"] for t in random_trials((Uniform("x", 1e-4, 1.0),), 4000, seed=0)])
    assert np.mean(uniform > 0.1) > 0.85


def test_one_minus_beta_is_log_uniform():
    betas = np.array([t.values["beta"] for t in random_trials((BETA,), 4000, seed=1)])
    assert betas.min() >= 0.9 and betas.max() <= 0.999
    assert abs(np.mean(betas > 0.99) - 0.5) < 0.03  # as many trials in [0.99, 0.999] as in [0.9, 0.99]
    for u in (0.0, 0.3, 1.0):
        assert BETA.unit(BETA.value(u)) == pytest.approx(u)
    assert BETA.value(0.5) == pytest.approx(1 - 10**-2)


def test_bad_dimensions_and_budgets_are_refused():
    with pytest.raises(ValueError, match="low > 0"):
        LogUniform("learning_rate", 0.0, 1.0)
    with pytest.raises(ValueError, match="high < 1"):
        OneMinusLogUniform("beta", 0.9, 1.0)
    with pytest.raises(ValueError, match="low < high"):
        Uniform("x", 2.0, 1.0)
    with pytest.raises(ValueError, match="at least 4 trials"):
        make_trials(SPACE, 3, method="grid", seed=0)
    with pytest.raises(ValueError, match="'random' or 'grid'"):
        make_trials(SPACE, 3, method="bayes", seed=0)
    with pytest.raises(ValueError, match="distinct names"):
        random_trials((LR, LR), 2, seed=0)


def test_trials_are_deterministic_and_independent_of_the_budget():
    a, b = random_trials(SPACE, 10, seed=3), random_trials(SPACE, 10, seed=3)
    assert a == b and random_trials(SPACE, 10, seed=4) != a
    assert random_trials(SPACE, 4, seed=3) == a[:4]
    # A trial's result depends on its record only: not on the order trials are run in.
    forward = [run_trial(t, FAST) for t in a[:4]]
    backward = [run_trial(t, FAST) for t in reversed(a[:4])][::-1]
    assert forward == backward
    # ...and its seed on its index: the same hyperparameters with another index train differently.
    other = dataclasses.replace(a[0], index=99)
    assert run_trial(other, FAST).final_cost != forward[0].final_cost


def test_grid_size_and_points():
    trials = grid_trials((LR, BETA), 4, seed=0)
    assert len(trials) == 16 and len({t.params for t in trials}) == 16
    lrs = sorted({t.values["learning_rate"] for t in trials})
    np.testing.assert_allclose(lrs, [1e-4, 1e-4 * 10 ** (4 / 3), 1e-4 * 10 ** (8 / 3), 1.0])
    with_choice = grid_trials((LR, BETA, Choice("hidden_units", (4, 8, 16))), 3, seed=0)
    assert len(with_choice) == 27
    assert grid_points(SPACE, 30) == 5 and len(make_trials(SPACE, 30, method="grid", seed=0)) == 25
    assert [t.index for t in grid_trials((LR,), 3, seed=0, start=10)] == [10, 11, 12]


def test_choice_samples_every_option_evenly():
    hidden = Choice("hidden_units", (4, 8, 16, 32))
    values = [t.values["hidden_units"] for t in random_trials((hidden,), 2000, seed=2)]
    counts = np.array([values.count(o) for o in hidden.options])
    assert np.all(np.abs(counts / 2000 - 0.25) < 0.04)


# ---------------------------------------------------------------------- coarse to fine
def _peak_score(t):
    """A made-up accuracy surface peaking at learning rate 0.03, beta 0.98."""
    v = t.values
    return 1 - (math.log10(v["learning_rate"] / 0.03)) ** 2 - 10 * (math.log10((1 - v["beta"]) / 0.02)) ** 2


def test_refine_shrinks_the_box_around_the_best():
    trials = random_trials((LR, BETA), 40, seed=5)
    scores = [_peak_score(t) for t in trials]
    top = trials[int(np.argmax(scores))]
    new = refine((LR, BETA), trials, scores, top=4)
    for old, dim in zip((LR, BETA), new, strict=True):
        assert type(dim) is type(old) and old.low <= dim.low < dim.high <= old.high
        assert old.unit(dim.high) - old.unit(dim.low) <= 0.5 + 1e-12
        assert dim.low <= top.values[dim.name] <= dim.high
    # Diverged (nan) trials count as the worst, never as the best.
    nan_scores = [math.nan, *scores[1:]]
    assert refine((LR, BETA), trials, nan_scores, top=1) == refine((LR, BETA), trials[1:], scores[1:], top=1)


def test_coarse_to_fine_rounds_zoom_in():
    def evaluate(trials):
        return [dataclasses.replace(run_trial(trials[0], FAST), trial=t, val_accuracy=_peak_score(t))
                for t in trials]

    rounds = coarse_to_fine((LR, BETA), 20, rounds=3, evaluate=evaluate, seed=0)
    widths = [math.log(space[0].high / space[0].low) for space, _ in rounds]
    assert widths[0] > widths[1] > widths[2]
    assert [r.trial.index for r in rounds[1][1]] == list(range(20, 40))
    bests = [best(results).val_accuracy for _, results in rounds]
    assert bests[2] > bests[0]


def test_a_diverging_trial_is_reported_not_raised(monkeypatch):
    from course_code import training
    from course_code.search import Trial

    def blow_up(*args, **kwargs):
        raise training.TrainingDiverged("nan in parameters W1")

    monkeypatch.setattr(training, "train", blow_up)  # ReLU nets here die (cost ~ lr) rather than overflow
    result = run_trial(Trial(0, (("learning_rate", 10.0),), 0), FAST)
    monkeypatch.undo()
    assert result.diverged and math.isnan(result.val_accuracy) and math.isnan(result.final_cost)
    with pytest.raises(ValueError, match="learning_rate"):
        run_trial(Trial(0, (("lr", 0.1),), 0), FAST)


# ---------------------------------------------------------------------- cache
def test_cached_trials_are_not_run_again(tmp_path, monkeypatch):
    trials = random_trials(SPACE, 6, seed=7)
    first = sweep(trials, FAST, serial=True, cache_dir=tmp_path)
    assert (first.computed, first.cached) == (6, 0) and len(list(tmp_path.glob("*.json"))) == 6

    import course_code.build.sweep as S

    def refuse(*args, **kwargs):
        raise AssertionError("a cached trial was run again")

    monkeypatch.setattr(S, "run_trial", refuse)
    second = sweep(trials, FAST, serial=True, cache_dir=tmp_path)
    assert (second.computed, second.cached) == (0, 6) and second.results == first.results
    monkeypatch.undo()
    # A corrupt entry is recomputed, not trusted; another task is another key.
    next(iter(tmp_path.glob("*.json"))).write_text("{not json")
    assert sweep(trials, FAST, serial=True, cache_dir=tmp_path).computed == 1
    assert sweep(trials[:1], Task(num_epochs=11), serial=True, cache_dir=tmp_path).computed == 1


# ---------------------------------------------------------------------- Dask
def test_local_cluster_gives_the_serial_results():
    trials = random_trials(SPACE, 8, seed=11) + grid_trials(SPACE, 2, seed=11, start=8)
    serial = sweep(trials, FAST, serial=True, cache_dir=None)
    seen = []
    parallel = sweep(trials, FAST, workers=2, cache_dir=None,
                     on_result=lambda r, *a: seen.append(r.trial.index))
    assert parallel.where == "LocalCluster(2 workers)" and parallel.computed == len(trials)
    assert parallel.results == serial.results
    assert sorted(seen) == [t.index for t in trials]


def test_sweep_survives_a_killed_worker():
    from dask.distributed import Client, LocalCluster

    task = Task(num_epochs=600)  # ~0.1 s per trial: the kill lands while trials are running
    trials = random_trials(SPACE, 16, seed=13)
    expected = sweep(trials, task, serial=True, cache_dir=None).results
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        pids = client.run(os.getpid)  # worker address -> pid
        killed, seen = [], []

        def on_result(result, cached, k, n):
            seen.append(result.trial.index)
            if k == 3:  # three trials in, thirteen to go: kill a worker process outright
                victim = sorted(pids)[0]
                os.kill(pids[victim], signal.SIGKILL)
                killed.append(pids[victim])

        outcome = sweep(trials, task, scheduler=cluster.scheduler_address, cache_dir=None,
                        on_result=on_result)
        alive = set(client.run(os.getpid).values())
    assert killed and killed[0] not in alive  # the process really died (its nanny started another)
    assert sorted(seen) == list(range(16))      # every trial reported exactly once
    assert outcome.results == expected          # with the serial results
