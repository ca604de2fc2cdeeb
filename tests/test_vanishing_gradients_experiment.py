"""The vanishing-gradients experiment: a tiny run, determinism, what He keeps flat, claims, training."""

import dataclasses
import json

import numpy as np
import pytest

from course_code.experiments import vanishing_gradients as exp
from course_code.figures import vanishing_gradients as fig


@pytest.fixture(scope="module")
def tiny():
    return exp.run(exp.TINY, rng=np.random.default_rng(0))


def test_shapes(tiny):
    c = exp.TINY
    assert tiny.layer_dims[0] == c.width and tiny.layer_dims[-1] == 1 and len(tiny.layer_dims) == c.depth + 1
    assert tiny.linear_outputs.shape == (len(c.linear_scales), c.depth)
    for n in exp.INITS:
        assert tiny.activation[n].shape == tiny.grad_activation[n].shape == (c.n_seeds, c.depth - 1)
        assert tiny.grad_weight[n].shape == (c.n_seeds, c.depth)


def test_same_seed_same_arrays(tiny):
    again = exp.run(exp.TINY, rng=np.random.default_rng(0))
    for n in exp.INITS:
        np.testing.assert_array_equal(again.activation[n], tiny.activation[n])
        np.testing.assert_array_equal(again.grad_weight[n], tiny.grad_weight[n])


def test_scales_follow_the_weight_variance(tiny):
    """Per layer, small weights shrink the signal, unit weights grow it, He keeps it in between."""
    r = fig.ratios(tiny)
    assert r["small"]["per_layer_activation"] < r["lecun"]["per_layer_activation"] < r["he"][
        "per_layer_activation"] < r["unit"]["per_layer_activation"]
    # LeCun halves the second moment per ReLU layer: about 1/sqrt(2) per layer in RMS
    assert r["lecun"]["per_layer_activation"] == pytest.approx(2 ** -0.5, rel=0.15)


def test_report_has_claims_and_metrics(tiny):
    report = fig.report(tiny)
    assert all(isinstance(v, bool) for v in report.metrics["claims"].values())
    assert report.metrics["claims"]["linear_grows_and_shrinks"]
    assert set(report.metrics["inits"]) == set(exp.INITS)


def test_bad_config_is_refused():
    with pytest.raises(ValueError, match="depth"):
        exp.Config(depth=1)
    with pytest.raises(ValueError, match="linear_scales"):
        exp.Config(linear_scales=(0.0,))


# ---------------------------------------------------------------------- training
def test_training_shapes(tiny):
    c, tr = exp.TINY, tiny.training
    assert tr.layer_dims == (2, *[c.train_width] * c.train_hidden, 1)
    np.testing.assert_array_equal(tr.epochs, np.arange(0, c.train_epochs, c.record_every))
    assert tr.n_train == 300 and tr.n_dev == c.n_dev
    for n in exp.INITS:
        assert tr.costs[n].shape == (c.n_seeds, len(tr.epochs))
        assert tr.first_grad_weight[n].shape == (c.n_seeds, c.train_hidden + 1)
        assert tr.first_activation[n].shape == (c.n_seeds, c.train_hidden)
        for per_seed in (tr.initial_cost, tr.train_accuracy, tr.dev_accuracy, tr.diverged, tr.dead_layer):
            assert per_seed[n].shape == (c.n_seeds,)


def test_training_is_deterministic(tiny):
    again = exp.run(exp.TINY, rng=np.random.default_rng(0)).training
    for n in exp.INITS:
        np.testing.assert_array_equal(again.costs[n], tiny.training.costs[n])
        np.testing.assert_array_equal(again.dev_accuracy[n], tiny.training.dev_accuracy[n])
        np.testing.assert_array_equal(again.first_grad_weight[n], tiny.training.first_grad_weight[n])


def test_first_recorded_cost_is_the_cost_at_initialization(tiny):
    """The training loop's first cost (the engine) equals the reference network's forward pass."""
    tr = tiny.training
    for n in exp.INITS:
        ok = ~tr.diverged[n]
        np.testing.assert_allclose(tr.costs[n][ok, 0], tr.initial_cost[n][ok], rtol=1e-9)


def test_first_step_gradients_follow_the_weight_scale(tiny):
    g = {n: np.median(tiny.training.first_grad_weight[n]) for n in exp.INITS}
    assert g["small"] < g["lecun"] < g["he"] < g["unit"]


def test_small_weights_do_not_move_and_accuracies_are_fractions(tiny):
    tr = tiny.training
    np.testing.assert_allclose(tr.costs["small"][:, -1], tr.initial_cost["small"], rtol=1e-6)
    for n in exp.INITS:
        acc = tr.dev_accuracy[n][~tr.diverged[n]]
        assert np.all((acc >= 0) & (acc <= 1))


def test_a_diverging_run_is_reported_not_raised():
    """Gradient descent with a huge step sends the weights to infinity: kept as 'diverged'."""
    config = dataclasses.replace(exp.TINY, optimizer="gd", learning_rate=1e12)
    result = exp.run(config, rng=np.random.default_rng(0))
    tr = result.training
    assert any(tr.diverged[n].any() for n in exp.INITS)
    for n in exp.INITS:
        d = tr.diverged[n]
        assert np.all(np.isnan(tr.costs[n][d])) and np.all(np.isnan(tr.dev_accuracy[n][d]))
        assert np.all(np.isfinite(tr.dev_accuracy[n][~d]))
    report = fig.report(result)  # figures, tables and metrics still work
    json.dumps(report.metrics, allow_nan=False)
    assert "diverged" in report.tables["training_summary"]
    s = report.metrics["training"]["inits"]
    assert sum(v["diverged"] for v in s.values()) == sum(int(tr.diverged[n].sum()) for n in exp.INITS)


def test_trained_means_dev_accuracy_reaches_the_threshold(tiny):
    tr = tiny.training
    acc = {n: np.array([0.9, 0.89]) for n in exp.INITS}
    div = {n: np.array([False, False]) for n in exp.INITS}
    div["he"] = np.array([True, False])
    rigged = dataclasses.replace(tr, dev_accuracy=acc, diverged=div)
    ok = exp.trained(rigged, 0.9)
    assert ok["lecun"].tolist() == [True, False]
    assert ok["he"].tolist() == [False, False]  # a diverged run never counts as trained


def test_report_has_training_figure_table_and_claims(tiny):
    report = fig.report(tiny)
    assert "training" in report.figures and "training_summary" in report.tables
    claims = report.metrics["claims"]
    assert {"train_he_most_seeds", "train_small_never_moves", "train_gradient_gap"} <= set(claims)
    assert all(isinstance(v, bool) for v in claims.values())
    s = report.metrics["training"]["inits"]
    assert all(0 <= s[n]["trained"] <= exp.TINY.n_seeds for n in exp.INITS)
    json.dumps(report.metrics, allow_nan=False)


def test_bad_training_config_is_refused():
    with pytest.raises(ValueError, match="optimizer"):
        exp.Config(optimizer="sgd")
    with pytest.raises(ValueError, match="trained_accuracy"):
        exp.Config(trained_accuracy=0.0)
    with pytest.raises(ValueError, match="train_hidden"):
        exp.Config(train_hidden=0)


def _with_final_costs(result, final, dead, dev):
    """``result`` with each init's runs replaced: final cost, dead layer and dev accuracy per seed."""
    tr = result.training
    costs = {n: np.column_stack([tr.costs[n][:, :-1], final]) for n in exp.INITS}
    return dataclasses.replace(result, training=dataclasses.replace(
        tr, costs=costs, dead_layer={n: np.array(dead) for n in exp.INITS},
        dev_accuracy={n: np.array(dev, float) for n in exp.INITS},
        diverged={n: np.zeros(len(final), bool) for n in exp.INITS}))


def test_runs_at_log2_and_the_misses_are_counted(tiny):
    """Seed 0 trained; seed 1 stuck at log 2 with a dead layer; a live miss would be a third case."""
    result = _with_final_costs(tiny, final=[0.01, np.log(2)], dead=[False, True], dev=[0.95, 0.5])
    flat = fig.at_log2(result)
    assert all(flat[n].tolist() == [False, True] for n in exp.INITS)
    assert fig.careful_misses(result) == {"missed": 3, "at_log2": 3, "missed_alive": 0}
    c = fig.training_claims(result)
    assert c["train_some_stuck_at_log2"] and c["train_log2_runs_dead"] and c["train_dead_runs_at_log2"]
    live = _with_final_costs(tiny, final=[0.01, 0.3], dead=[False, False], dev=[0.95, 0.85])
    assert fig.careful_misses(live) == {"missed": 3, "at_log2": 0, "missed_alive": 3}
    assert not fig.training_claims(live)["train_some_stuck_at_log2"]
    # a dead layer whose run is not at log 2 (or the reverse) breaks the pairing the page states
    odd = _with_final_costs(tiny, final=[0.01, 0.3], dead=[False, True], dev=[0.95, 0.85])
    assert not fig.training_claims(odd)["train_dead_runs_at_log2"]
    odd = _with_final_costs(tiny, final=[0.01, np.log(2)], dead=[False, False], dev=[0.95, 0.5])
    assert not fig.training_claims(odd)["train_log2_runs_dead"]
    # a diverged run (nan cost) is never at log 2
    nan = _with_final_costs(tiny, final=[np.nan, np.nan], dead=[False, False], dev=[0.5, 0.5])
    assert not any(fig.at_log2(nan)[n].any() for n in exp.INITS)
