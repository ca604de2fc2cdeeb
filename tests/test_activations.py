import numpy as np
import pytest
from scipy.special import expit

from course_code.activations import (
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    softmax,
    softmax_backward,
)
from course_code.gradient_check import numerical_gradient, relative_difference


def _check_backward(forward, backward, Z, rng):
    """Gradient check of one activation: f(Z) = sum(forward(Z) * dA) for a random dA."""
    dA = rng.standard_normal(Z.shape)
    _, cache = forward(Z)
    analytic = backward(dA, cache)
    numeric = numerical_gradient(lambda z: float(np.sum(forward(z)[0] * dA)), Z, epsilon=1e-6)
    return relative_difference(analytic, numeric)


@pytest.mark.parametrize("forward, backward", [(sigmoid, sigmoid_backward), (softmax, softmax_backward)])
def test_smooth_activation_gradients(forward, backward, rng):
    Z = rng.standard_normal((4, 6)) * 2
    assert _check_backward(forward, backward, Z, rng) < 1e-7


def test_relu_gradient_away_from_the_kink(rng):
    Z = rng.standard_normal((4, 6))
    Z[np.abs(Z) < 1e-3] = 0.5  # finite differences are meaningless across the kink
    assert _check_backward(relu, relu_backward, Z, rng) < 1e-7


def test_sigmoid_values_and_no_overflow():
    Z = np.array([[-1000.0, -1.0, 0.0, 12.0, 1000.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # any overflow would raise here
        A, _ = sigmoid(Z)
    np.testing.assert_allclose(A[0, 1:4], [0.2689414213699951, 0.5, 0.9999938558253978], rtol=1e-15)
    assert A[0, 0] == 0.0 and A[0, -1] == 1.0
    np.testing.assert_allclose(A, expit(Z), rtol=1e-15, atol=0)


def test_relu_values():
    A, _ = relu(np.array([[-2.0, 0.0, 3.0]]))
    np.testing.assert_array_equal(A, [[0.0, 0.0, 3.0]])
    np.testing.assert_array_equal(relu_backward(np.ones((1, 3)), np.array([[-2.0, 0.0, 3.0]])),
                                  [[0.0, 0.0, 1.0]])


def test_softmax_columns_sum_to_one_even_for_huge_scores():
    Z = np.array([[1000.0, 1.0], [0.0, 2.0], [-1000.0, 3.0]])
    A, _ = softmax(Z)
    np.testing.assert_allclose(A.sum(axis=0), 1.0)
    assert np.all(np.isfinite(A))
