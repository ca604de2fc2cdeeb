import numpy as np
import pytest

from course_code.losses import compute_cost, cross_entropy_cost, cross_entropy_from_logits, l2_cost


def test_cross_entropy_value():
    AL = np.array([[0.8, 0.9, 0.4]])
    Y = np.array([[1, 1, 0]])
    expected = -(np.log(0.8) + np.log(0.9) + np.log(0.6)) / 3
    assert cross_entropy_cost(AL, Y) == pytest.approx(expected, rel=1e-14)


def test_half_everywhere_costs_ln2():
    # The zero-initialized network outputs 1/2 for every example: cost ln 2 whatever the labels.
    Y = np.array([[0, 1, 1, 0, 1]])
    assert cross_entropy_cost(np.full((1, 5), 0.5), Y) == pytest.approx(np.log(2), rel=1e-15)


def test_saturated_sigmoid_gives_a_finite_cost():
    AL = np.array([[0.0, 1.0, 1.0, 0.0]])  # exactly saturated, two of them confidently wrong
    Y = np.array([[1, 0, 1, 0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        cost = cross_entropy_cost(AL, Y)
    assert np.isfinite(cost)
    # each wrong term is bounded by the clip: -log(1e-15) and -log(1 - (1 - 1e-15))
    assert cost == pytest.approx((-np.log(1e-15) - np.log1p(-(1 - 1e-15))) / 4, rel=1e-12)


def test_logits_version_is_exact_where_probabilities_saturate():
    Z = np.array([[-800.0, 800.0, 3.0, -2.0]])
    Y = np.array([[1, 0, 1, 0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        cost = cross_entropy_from_logits(Z, Y)
    expected = (800 + 800 + np.log1p(np.exp(-3.0)) + np.log1p(np.exp(-2.0))) / 4
    assert cost == pytest.approx(expected, rel=1e-14)
    # and equal to the probability form where nothing saturates
    Z2 = np.array([[0.3, -1.2, 2.0]])
    Y2 = np.array([[1, 0, 0]])
    assert cross_entropy_from_logits(Z2, Y2) == pytest.approx(
        cross_entropy_cost(1 / (1 + np.exp(-Z2)), Y2), rel=1e-13)


def test_l2_cost_counts_weights_not_biases():
    params = {"W1": np.ones((2, 3)), "b1": np.full((2, 1), 100.0), "W2": 2 * np.ones((1, 2)),
              "b2": np.full((1, 1), 100.0)}
    # lambda/(2m) * (6 * 1 + 2 * 4) = 0.7 / 10 * 14
    assert l2_cost(params, 0.7, 5) == pytest.approx(0.7 / 10 * 14, rel=1e-15)
    AL, Y = np.array([[0.8, 0.3]]), np.array([[1, 0]])
    assert compute_cost(AL, Y, params, lambd=0.7) == pytest.approx(
        cross_entropy_cost(AL, Y) + l2_cost(params, 0.7, 2), rel=1e-15)


def test_bad_shapes_are_named():
    with pytest.raises(ValueError, match=r"\(1, 3\).*\(1, 4\)"):
        cross_entropy_cost(np.full((1, 4), 0.5), np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"\(2, 4\)"):
        cross_entropy_cost(np.full((2, 4), 0.5), np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"-0.5"):
        l2_cost({"W1": np.ones((1, 1))}, -0.5, 3)
    with pytest.raises(ValueError, match=r"lambd"):
        compute_cost(np.full((1, 2), 0.5), np.ones((1, 2)), None, lambd=0.1)
