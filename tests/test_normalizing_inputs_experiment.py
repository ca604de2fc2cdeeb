"""The normalizing-inputs experiment: a tiny run, determinism, the training statistics, claims."""

import dataclasses

import numpy as np
import pytest

from course_code.experiments import normalizing_inputs as exp
from course_code.figures import normalizing_inputs as fig
from course_code.normalize import fit_input_stats, normalize_inputs


@pytest.fixture(scope="module")
def tiny():
    return exp.run(exp.TINY, rng=np.random.default_rng(0))


def test_shapes(tiny):
    c = exp.TINY
    assert (
        tiny.final_cost.shape
        == tiny.dev_cost.shape
        == tiny.epochs_to_target.shape
        == (2, c.n_rates, c.n_seeds)
    )
    assert tiny.test_accuracy.shape == (2, c.n_seeds)
    assert sum(tiny.n_split) == 178
    assert tiny.pictures["raw"].path.shape == (c.gd_steps + 1, 2)


def test_same_seed_same_arrays(tiny):
    again = exp.run(exp.TINY, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(again.final_cost, tiny.final_cost)
    np.testing.assert_array_equal(again.curves, tiny.curves)
    np.testing.assert_array_equal(again.pictures["raw"].path, tiny.pictures["raw"].path)


def test_rate_is_chosen_by_the_dev_cost(tiny):
    for i, kind in enumerate(exp.KINDS):
        dev = tiny.dev_cost[i]
        ok = ~np.isnan(dev).any(axis=1)
        assert tiny.chosen[kind] == int(np.flatnonzero(ok)[np.argmin(dev[ok].mean(axis=1))])


def test_dev_and_test_are_normalized_with_the_training_statistics():
    train, _dev, test = exp.wine_split(exp.Config(), np.random.default_rng(0))
    stats = fit_input_stats(train[0])
    out = normalize_inputs(test[0], stats)
    np.testing.assert_allclose(
        out, (test[0] - train[0].mean(1, keepdims=True)) / train[0].std(1, keepdims=True), rtol=1e-6
    )
    r = exp.run(exp.TINY, rng=np.random.default_rng(0))
    assert r.dev_mean_abs["train"] < 1e-12 < r.dev_mean_abs["test"]


def test_wine_is_the_bundled_data():
    data, target = exp.load_wine()
    assert data.shape == (178, 13) and np.bincount(target).tolist() == [59, 71, 48]


def test_stretched_axis_is_worse_conditioned_for_gradient_descent():
    cfg = dataclasses.replace(exp.TINY, n_seeds=3)
    pics = exp.picture(cfg, np.random.default_rng(5))
    assert np.all(pics["raw"].condition > 10 * pics["normalized"].condition)
    assert np.all(pics["normalized"].steps >= 0)


def test_report_has_claims_and_metrics(tiny):
    report = fig.report(tiny)
    claims = report.metrics["claims"]
    assert all(isinstance(v, bool) for v in claims.values())
    assert claims["wine_conditioning_improves_thousandfold"]
    assert {"raw", "normalized", "condition_ratio"} <= set(report.metrics)
    assert set(report.figures) == {"contours", "rates", "curves"}


def test_bad_config_is_refused():
    with pytest.raises(ValueError, match="rate_min"):
        exp.Config(rate_min=1.0, rate_max=0.1)
    with pytest.raises(ValueError, match="n_seeds"):
        exp.Config(n_seeds=0)
