"""course_code.averages: golden values worked by hand, the closed forms, bad input refused."""

import numpy as np
import pytest

from course_code.averages import ewa, ewa_weights, step_response_steps


def test_golden_values_by_hand():
    # beta = 0.5, x = 4, 8, 0: v = 2, 5, 2.5; corrections 1/2, 3/4, 7/8 -> 4, 20/3, 20/7
    np.testing.assert_allclose(ewa([4.0, 8.0, 0.0], 0.5), [2.0, 5.0, 2.5], rtol=0, atol=1e-15)
    np.testing.assert_allclose(ewa([4.0, 8.0, 0.0], 0.5, bias_correction=True),
                               [4.0, 20 / 3, 20 / 7], rtol=1e-15)
    # beta = 0.9 on a constant 10: v_t = 10 (1 - 0.9^t), corrected exactly 10
    t = np.arange(1, 6)
    np.testing.assert_allclose(ewa(np.full(5, 10.0), 0.9), 10 * (1 - 0.9**t), rtol=1e-14)
    np.testing.assert_allclose(ewa(np.full(5, 10.0), 0.9, bias_correction=True), 10.0, rtol=1e-14)


def test_beta_zero_is_the_series():
    x = np.linspace(-1, 2, 7)
    np.testing.assert_array_equal(ewa(x, 0.0), x)
    np.testing.assert_array_equal(ewa(x, 0.0, bias_correction=True), x)


def test_equals_the_unrolled_weighted_sum():
    x = np.sin(np.linspace(0, 5, 40)) + np.linspace(0, 1, 40) ** 2
    for beta in (0.3, 0.9, 0.98):
        v = ewa(x, beta)
        for t in (1, 2, 17, 40):
            w = ewa_weights(beta, t)  # newest first
            assert v[t - 1] == pytest.approx(np.dot(w, x[:t][::-1]), rel=1e-13, abs=1e-15)
            corrected = ewa(x, beta, bias_correction=True)[t - 1]
            assert corrected == pytest.approx(np.dot(w, x[:t][::-1]) / w.sum(), rel=1e-13)


def test_weights_sum_to_one_minus_beta_to_the_t():
    for beta, t in ((0.5, 3), (0.9, 10), (0.98, 200)):
        assert ewa_weights(beta, t).sum() == pytest.approx(1 - beta**t, rel=1e-12)


def test_step_response_takes_about_one_over_one_minus_beta_steps():
    # 1 - beta^t >= 1 - 1/e  <=>  t >= 1 / ln(1/beta), counted by hand for these betas
    assert step_response_steps(0.5) == 2      # 1/ln 2 = 1.44
    assert step_response_steps(0.9) == 10     # 9.49
    assert step_response_steps(0.98) == 50    # 49.5
    assert step_response_steps(0.0) == 1


def test_input_is_not_modified_and_output_is_new():
    x = np.array([1.0, 2.0, 3.0])
    v = ewa(x, 0.0)
    v[0] = 99
    assert x[0] == 1.0


@pytest.mark.parametrize("beta", [1.0, -0.1, 1.5, float("nan"), "0.9", True])
def test_bad_beta_is_refused_by_name(beta):
    with pytest.raises(ValueError, match="beta"):
        ewa([1.0, 2.0], beta)


@pytest.mark.parametrize("x", [np.ones((2, 3)), 5.0, [1.0, np.nan]])
def test_bad_series_is_refused(x):
    with pytest.raises(ValueError, match="x must"):
        ewa(x, 0.9)


def test_bias_correction_must_be_a_bool():
    with pytest.raises(ValueError, match="bias_correction"):
        ewa([1.0], 0.9, bias_correction="yes")
