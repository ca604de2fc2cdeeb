"""Early stopping: the stop and the lambda are chosen on the dev set, and the blocks equal one run."""

import dataclasses

import numpy as np
import pytest

from course_code import datasets
from course_code.experiments import early_stopping as exp
from course_code.figures import early_stopping as fig
from course_code.initializers import initialize_parameters
from course_code.optimizers import gd
from course_code.schedules import constant
from course_code.training import train, train_many


@pytest.fixture(scope="module")
def tiny():
    return exp.run(exp.TINY, rng=np.random.default_rng(3))


def test_training_in_blocks_equals_one_long_run():
    """Gradient descent keeps no state, so blocks of check_every iterations are one long run."""
    data = datasets.football(rng=np.random.default_rng(0))
    p0 = initialize_parameters([2, 20, 3, 1], "lecun", rng=np.random.default_rng(1))
    kw = dict(optimizer=gd(), schedule=constant(0.3), lambd=0.1)
    whole = train(data.X_train, data.Y_train, [2, 20, 3, 1], num_epochs=300, init=p0,
                  rng=np.random.default_rng(0), **kw).params
    params = p0
    for _ in range(3):
        (r,) = train_many(data.X_train, data.Y_train, [2, 20, 3, 1], num_epochs=100, inits=[params],
                          rngs=[np.random.default_rng(0)], record_every=100, **kw)
        params = r.params
    for k in whole:
        np.testing.assert_allclose(params[k], whole[k], rtol=1e-12, atol=1e-14)


def test_the_stop_is_the_lowest_dev_cost_and_lambda_the_best_dev_accuracy(tiny):
    np.testing.assert_array_equal(tiny.stop, np.argmin(tiny.dev_cost, axis=1))
    for s, chosen in enumerate(tiny.chosen):
        best = tiny.l2_dev_accuracy[s].max()
        assert tiny.l2_dev_accuracy[s, chosen] == best
        assert np.all(tiny.l2_dev_accuracy[s, :chosen] < best)  # ties go to the smaller lambda
    np.testing.assert_array_equal(tiny.iterations, np.arange(1, 5) * exp.TINY.check_every)
    assert tiny.test_accuracy.shape == (exp.TINY.n_seeds, 3)


def test_the_test_set_plays_no_part_in_the_choices(monkeypatch, tiny):
    """Flip every test label: the stops, the lambdas and the curves stay; only test accuracy moves."""
    real = datasets.football

    def flipped(**kw):
        d = real(**kw)
        return d._replace(Y_test=1 - d.Y_test)

    monkeypatch.setattr(datasets, "football", flipped)
    other = exp.run(exp.TINY, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(other.stop, tiny.stop)
    np.testing.assert_array_equal(other.chosen, tiny.chosen)
    np.testing.assert_array_equal(other.dev_cost, tiny.dev_cost)
    np.testing.assert_allclose(other.test_accuracy, 1 - tiny.test_accuracy)


def test_metrics_and_claims_follow_the_arrays(tiny):
    m = fig.metrics(tiny)
    assert m["early"]["test_mean"] == pytest.approx(tiny.test_accuracy[:, 1].mean())
    assert m["stop"]["first_seed"] == tiny.iterations[tiny.stop[0]]
    assert m["runs"] == {"early": 1, "l2": len(exp.TINY.lambdas)}
    claims, acc = m["claims"], tiny.test_accuracy
    assert claims["early_beats_none_every_seed"] == bool(np.all(acc[:, 1] > acc[:, 0]))
    one_always_wins = bool(np.all(acc[:, 1] > acc[:, 2])) or bool(np.all(acc[:, 2] > acc[:, 1]))
    assert claims["neither_wins_every_seed"] != one_always_wins


@pytest.mark.parametrize("change, message", [
    (dict(num_iterations=450), "multiple of check_every"),
    (dict(lambdas=(0.7, 0.1)), "lambdas must increase"),
    (dict(lambdas=(0.0, 0.1)), "lambdas"),
    (dict(n_dev=0), "n_dev"),
])
def test_bad_configs_are_refused_naming_the_value(change, message):
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(exp.TINY, **change)


def test_weight_sq_sums_the_squared_weights_and_leaves_the_biases_out():
    params = {"W1": np.array([[1.0, -2.0], [0.5, 0.0]]), "b1": np.array([[100.0], [-7.0]]),
              "W2": np.array([[3.0, 1.0]]), "b2": np.array([[9.0]])}
    assert exp.weight_sq(params) == pytest.approx(1 + 4 + 0.25 + 9 + 1)


def test_weights_are_recorded_at_every_check_and_for_every_lambda(tiny):
    S, T, L = exp.TINY.n_seeds, len(tiny.iterations), len(exp.TINY.lambdas)
    assert tiny.weight_sq.shape == (S, T) and tiny.l2_weight_sq.shape == (S, L)
    assert tiny.init_weight_sq.shape == (S,)
    # LeCun weights of a [2, 20, 3, 1] network: about 20 + 3 + 1 in expectation, never zero
    assert np.all((tiny.init_weight_sq > 5) & (tiny.init_weight_sq < 80))
    # a stronger penalty leaves smaller weights at the end of the same run
    assert np.all(np.diff(tiny.l2_weight_sq, axis=1) < 0)


def test_weight_metrics_and_claims_follow_the_arrays(tiny):
    m = fig.metrics(tiny)
    rows = np.arange(exp.TINY.n_seeds)
    stop_sq = tiny.weight_sq[rows, tiny.stop]
    assert m["weight_sq"]["stop_mean"] == pytest.approx(stop_sq.mean())
    assert m["weight_sq"]["end_mean"] == pytest.approx(tiny.weight_sq[:, -1].mean())
    assert m["weight_sq"]["l2_mean"] == pytest.approx(tiny.l2_weight_sq[rows, tiny.chosen].mean())
    between = np.all((tiny.init_weight_sq < stop_sq) & (stop_sq < tiny.weight_sq[:, -1]))
    assert m["claims"]["stop_weights_between_init_and_end_every_seed"] == bool(between)
    l2_sq, end_sq = tiny.l2_weight_sq[rows, tiny.chosen], tiny.weight_sq[:, -1]
    assert m["claims"]["l2_weights_below_end_every_seed"] == bool(np.all(l2_sq < end_sq))
    # on a log scale: nearer the stop's mean than the end's (geometric midpoint of the two)
    nearer = l2_sq.mean() ** 2 < stop_sq.mean() * end_sq.mean()
    assert m["claims"]["l2_weights_mean_nearer_stop_than_end"] == bool(nearer)
    assert m["iterations_trained"]["l2"] == len(exp.TINY.lambdas) * exp.TINY.num_iterations


def test_the_seeds_table_shows_stops_as_whole_iterations(tiny):
    table = fig.report(tiny).tables["seeds"]
    last = table.strip().splitlines()[-1]
    stops = tiny.iterations[tiny.stop]
    assert f"({stops.min()}–{stops.max()})" in last
