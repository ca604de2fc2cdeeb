"""The gradient-checking experiment: the course's numbers, the caught bug, the epsilon trade-off."""

import numpy as np
import pytest

from course_code.experiments import gradient_checking as exp
from course_code.gradient_check import (
    gradient_check,
    grads_to_vector,
    numerical_gradient,
    params_to_vector,
    relative_difference,
)
from course_code.network import backward, forward


@pytest.fixture(scope="module")
def result():
    return exp.run(exp.Config(n_eps=12, n_seeds=3), rng=np.random.default_rng(0))


def test_reproduces_the_course_values(result):
    assert result.one_d == exp.COURSE["one_d"]  # 7.814075313343006e-11, digit for digit
    assert result.nd["buggy_course"] == pytest.approx(exp.COURSE["buggy"], rel=1e-12)
    # Round-off dominated: only the magnitude is meaningful, between the course's two thresholds.
    assert result.nd["correct_course"] == pytest.approx(exp.COURSE["correct"], rel=1e-3)
    assert exp.THRESHOLDS[0] < result.nd["correct_course"] < exp.THRESHOLDS[1]


def test_course_tensors_are_the_47_parameter_net():
    params, X, Y = exp.draw_case(exp.Config(), rng=None)
    assert params_to_vector(params).shape == (47,) and X.shape == (4, 3)
    np.testing.assert_array_equal(Y, [[1, 1, 0]])
    cost = exp.cost_function("course", params, X, Y)(params_to_vector(params))
    assert cost == pytest.approx(2.407833389834357, rel=1e-12)  # the course's initial cost
    with pytest.raises(ValueError, match="m=3"):
        exp.draw_case(exp.Config(m=4), rng=None)


def test_stable_cost_is_what_gradient_check_uses_and_has_far_less_roundoff(result):
    params, X, Y = exp.draw_case(exp.Config(), rng=None)
    AL, caches = forward(X, params)
    grad = grads_to_vector(backward(AL, Y, caches), params)
    approx = numerical_gradient(exp.cost_function("stable", params, X, Y), params_to_vector(params))
    assert relative_difference(grad, approx) == gradient_check(params, X, Y) == result.nd["correct_stable"]
    # log(1 - a) with a = 0.99887 loses about three digits: ~100x more round-off in the course's cost.
    assert result.min_one_minus_a == pytest.approx(1.1267e-3, rel=1e-3)
    assert result.nd["correct_course"] > 30 * result.nd["correct_stable"]
    assert result.nd["buggy_stable"] == pytest.approx(result.nd["buggy_course"], rel=1e-6)


def test_buggy_backward_scales_only_dW2_and_db1():
    params, X, Y = exp.draw_case(exp.Config(), rng=None)
    AL, caches = forward(X, params)
    good, bad = backward(AL, Y, caches), exp.buggy_backward(AL, Y, caches)
    for key in good:
        np.testing.assert_array_equal(bad[key], good[key] * exp.BUG.get(key, 1.0))


def test_per_block_errors_point_at_the_buggy_blocks(result):
    blocks = dict(zip(result.block_names, result.blocks["buggy"], strict=True))
    correct = dict(zip(result.block_names, result.blocks["correct"], strict=True))
    assert result.block_names == ("W1", "b1", "W2", "b2", "W3", "b3")
    assert result.block_sizes == (20, 5, 15, 3, 3, 1)
    assert blocks["W2"] == pytest.approx(1 / 3, rel=1e-6)  # |2g - g| / (|2g| + |g|)
    assert blocks["b1"] == pytest.approx(3 / 5, rel=1e-6)
    for name in ("W1", "b2", "W3", "b3"):
        assert blocks[name] == correct[name] < 1e-6
    assert max(correct.values()) < 1e-6 < 0.1 < min(blocks["W2"], blocks["b1"])


def test_error_model_recovers_a_synthetic_curve():
    eps = np.logspace(-1, -12, 23)
    c1, c2 = 0.02, 100.0
    fit = exp.fit_error_model(eps, c1 * eps**2 + c2 * exp.UNIT_ROUNDOFF / eps)
    assert fit["c1"] == pytest.approx(c1, rel=0.05) and fit["c2"] == pytest.approx(c2, rel=0.05)
    assert fit["best_eps"] == pytest.approx((c2 * exp.UNIT_ROUNDOFF / (2 * c1)) ** (1 / 3), rel=0.05)
    assert fit["slope_truncation"] == pytest.approx(2, abs=0.05)
    assert fit["slope_roundoff"] == pytest.approx(-1, abs=0.05)


def test_sweep_shows_truncation_and_roundoff(result):
    model, sweep, eps = result.model, result.sweep["course"], result.epsilons
    assert model["slope_truncation"] == pytest.approx(2, abs=0.1)
    assert model["slope_roundoff"] == pytest.approx(-1, abs=0.15)
    best = eps[np.argmin(sweep)]
    assert 1e-6 <= best <= 1e-3
    at_course = sweep[np.argmin(np.abs(np.log(eps / 1e-7)))]
    assert at_course > 100 * sweep.min()  # the course's epsilon is deep in the round-off regime
    # J = theta * x is linear: no truncation error, so the largest step is the most accurate.
    assert result.one_d_sweep[0] < 1e-14 < result.one_d_sweep[-1]


def test_seeds_correct_passes_and_buggy_fails_everywhere(result):
    s = result.seeds
    assert s["correct_course"].shape == (3,) and result.seed_sweeps.shape == (3, 12)
    assert np.all(s["correct_course"] < exp.THRESHOLDS[0]) and np.all(s["correct_stable"] < exp.THRESHOLDS[0])
    assert np.all(s["buggy_course"] > 1e-2)
    assert np.all(s["best_err_course"] < s["correct_course"])


def test_random_cases_come_from_rng():
    cfg = exp.Config(course_case=False)
    a = exp.draw_case(cfg, np.random.default_rng(1))[0]["W1"]
    b = exp.draw_case(cfg, np.random.default_rng(2))[0]["W1"]
    assert not np.array_equal(a, b)
    with pytest.raises(ValueError, match="n_seeds"):
        exp.Config(n_seeds=0)
