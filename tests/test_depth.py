"""Signal propagation through deep networks: the linear chain and the per-layer scales."""

import numpy as np
import pytest

from course_code.depth import linear_chain, signal_propagation
from course_code.initializers import initialize_parameters
from course_code.network import backward, forward


def test_linear_chain_is_geometric():
    out, grad = linear_chain(1.5, 6, [1.0, 1.0])
    np.testing.assert_allclose(out, 1.5 ** np.arange(1, 7) * np.sqrt(2))
    np.testing.assert_allclose(grad, 1.5 ** (6 - np.arange(1, 7)) * np.sqrt(2))
    out, _ = linear_chain(0.5, 4, [3.0, 4.0])
    np.testing.assert_allclose(out, [2.5, 1.25, 0.625, 0.3125])


def test_weight_gradients_match_the_network_backward_pass():
    rng = np.random.default_rng(0)
    params = initialize_parameters([5, 6, 4, 6, 1], "he", rng=rng)
    X, Y = rng.standard_normal((5, 9)), rng.integers(0, 2, (1, 9)).astype(float)
    s = signal_propagation(params, X, Y)
    AL, caches = forward(X, params)
    grads = backward(AL, Y, caches)
    np.testing.assert_allclose(s["grad_weight"], [np.linalg.norm(grads[f"dW{l}"]) for l in range(1, 5)])
    A1 = np.maximum(params["W1"] @ X + params["b1"], 0)
    assert s["activation"][0] == pytest.approx(np.sqrt(np.mean(A1**2)))
    assert s["activation"].shape == s["grad_activation"].shape == (3,)


def test_gradient_into_a_layer_matches_finite_differences():
    rng = np.random.default_rng(1)
    params = initialize_parameters([3, 4, 4, 1], "he", rng=rng)
    X, Y = rng.standard_normal((3, 5)), rng.integers(0, 2, (1, 5)).astype(float)
    s = signal_propagation(params, X, Y)

    def cost_from_A2(A2):
        Z = params["W3"] @ A2 + params["b3"]
        return float(np.mean(np.maximum(Z, 0) - Y * Z + np.log1p(np.exp(-np.abs(Z)))))

    _, caches = forward(X, params)
    A2 = np.maximum(caches[1].linear_activation.Z, 0)
    dA2 = np.zeros_like(A2)
    for idx in np.ndindex(A2.shape):
        e = np.zeros_like(A2)
        e[idx] = 1e-6
        dA2[idx] = (cost_from_A2(A2 + e) - cost_from_A2(A2 - e)) / 2e-6
    assert s["grad_activation"][1] == pytest.approx(np.sqrt(np.mean(dA2**2)) * 5, rel=1e-6)


def test_cost_is_the_cross_entropy_and_stays_finite_when_saturated():
    # zero weights: every output is sigmoid(0) = 1/2, so the cost is log 2 whatever the labels
    params = initialize_parameters([2, 3, 3, 1], "zeros")
    X, Y = np.ones((2, 4)), np.array([[0.0, 1.0, 1.0, 0.0]])
    assert signal_propagation(params, X, Y)["cost"] == pytest.approx(np.log(2))
    # one example with logit z = 40 and label 0: the loss is log(1 + e^40), about 40 (the sigmoid is 1.0)
    params = {"W1": np.array([[1.0]]), "b1": np.zeros((1, 1)),
              "W2": np.array([[40.0]]), "b2": np.zeros((1, 1))}
    cost = signal_propagation(params, np.array([[1.0]]), np.array([[0.0]]))["cost"]
    assert cost == pytest.approx(40 + np.log1p(np.exp(-40)), rel=1e-12)


def test_bad_depth_is_refused():
    with pytest.raises(ValueError, match="depth"):
        linear_chain(1.5, 0, [1.0])
