"""The averages experiment: runs on TINY, is deterministic, and its report holds what the page quotes."""

import numpy as np
import pytest

from course_code import experiments, figures
from course_code.averages import ewa

averages = experiments.get("averages")


@pytest.fixture(scope="module")
def result():
    return averages.run(averages.TINY, rng=np.random.default_rng(averages.SEED))


def test_shapes(result):
    c = averages.TINY
    n, b = c.n_seeds, len(c.betas)
    steps = result.costs.shape[1]
    assert result.costs.shape == (n, steps) and steps >= c.num_epochs  # at least one step per epoch
    assert result.averages.shape == result.corrected.shape == (n, b, steps)
    assert result.roughness.shape == (n, b) and result.start_error.shape == (n, b, 2)
    assert np.all(np.isfinite(result.costs)) and np.all(result.costs > 0)


def test_averages_are_ewa_of_the_recorded_costs(result):
    for s in range(averages.TINY.n_seeds):
        for i, beta in enumerate(averages.TINY.betas):
            np.testing.assert_array_equal(result.averages[s, i], ewa(result.costs[s], beta))
            corrected = ewa(result.costs[s], beta, bias_correction=True)
            np.testing.assert_array_equal(result.corrected[s, i], corrected)


def test_same_seed_same_arrays_other_seed_other_costs(result):
    again = averages.run(averages.TINY, rng=np.random.default_rng(averages.SEED))
    np.testing.assert_array_equal(again.costs, result.costs)
    np.testing.assert_array_equal(again.roughness, result.roughness)
    other = averages.run(averages.TINY, rng=np.random.default_rng(averages.SEED + 1))
    assert not np.array_equal(other.costs, result.costs)


def test_window_lag_and_catch_up_match_their_closed_forms(result):
    for i, beta in enumerate(averages.TINY.betas):
        assert result.mean_age[i] == pytest.approx(beta / (1 - beta), rel=1e-9)
        assert abs(result.window_steps[i] - 1 / np.log(1 / beta)) < 1
        t = result.catch_up_steps[i]  # first t with beta^t <= tolerance
        assert beta**t <= averages.TINY.catch_up < beta ** (t - 1)


def test_roughness_of_white_noise_matches_the_formula():
    x = np.random.default_rng(0).normal(size=200_000)
    fig = figures.get("averages")
    for beta in (0.5, 0.9):
        measured = averages.roughness(x, ewa(x, beta))
        assert measured == pytest.approx(fig.white_noise_roughness(beta), rel=0.03)


def test_report_has_the_metrics_and_claims_the_page_quotes(result):
    report = figures.get("averages").report(result)
    m = report.metrics
    assert set(m["betas"]) == {"b500", "b900", "b980"}
    for key in ("window_steps", "mean_age", "roughness_mean", "start_error_uncorrected", "catch_up_steps"):
        assert key in m["betas"]["b900"]
    assert {"smoother_with_larger_beta_every_seed", "lag_grows_with_beta",
            "window_is_one_over_one_minus_beta", "correction_closer_at_start_every_seed"} <= set(m["claims"])
    assert all(isinstance(v, bool) for v in m["claims"].values())
    assert m["claims"]["window_is_one_over_one_minus_beta"] and m["claims"]["lag_is_beta_over_one_minus_beta"]
    assert len(report.data["ewa_slider"]["series"]) == result.costs.shape[1]
    assert set(report.figures) == {"series", "tradeoff"}


@pytest.mark.parametrize("field,value", [("betas", (0.5, 1.0)), ("n_seeds", 0), ("learning_rate", -1.0),
                                         ("catch_up", 0.0), ("layer_dims", (3, 1))])
def test_bad_config_names_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        averages.Config(**{field: value})
