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


def test_bad_depth_is_refused():
    with pytest.raises(ValueError, match="depth"):
        linear_chain(1.5, 0, [1.0])
