"""Tier 1: the whole network's backward pass against centred differences."""

import numpy as np
import pytest
from conftest import course_tensors

from course_code.gradient_check import gradient_check, params_to_vector, vector_to_params
from course_code.initializers import initialize_parameters
from course_code.layers import linear_activation_backward, linear_activation_forward
from course_code.losses import compute_cost
from course_code.network import accuracy, backward, forward, predict


def _problem(rng, dims=(4, 5, 3, 1), m=7):
    params = initialize_parameters(list(dims), "xavier", rng=rng)
    for k in params:  # nonzero biases so their gradients are exercised
        if k.startswith("b"):
            params[k] = rng.standard_normal(params[k].shape) * 0.1
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    return params, X, Y


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_network_gradient(seed):
    params, X, Y = _problem(np.random.default_rng(seed))
    assert gradient_check(params, X, Y, epsilon=1e-6) < 1e-7


@pytest.mark.parametrize("seed", [0, 1])
def test_network_gradient_with_l2(seed):
    params, X, Y = _problem(np.random.default_rng(seed))
    assert gradient_check(params, X, Y, lambd=0.7, epsilon=1e-6) < 1e-7


@pytest.mark.parametrize("seed", [0, 1])
def test_network_gradient_with_a_fixed_dropout_mask(seed):
    rng = np.random.default_rng(seed)
    params, X, Y = _problem(rng, dims=(3, 6, 4, 1), m=9)
    masks = [(rng.random((6, 9)) < 0.7).astype(float), (rng.random((4, 9)) < 0.7).astype(float)]
    assert gradient_check(params, X, Y, keep_prob=0.7, masks=masks, epsilon=1e-6) < 1e-7


def test_deeper_network_gradient(rng):
    params, X, Y = _problem(rng, dims=(3, 6, 5, 4, 3, 1), m=11)
    assert gradient_check(params, X, Y, lambd=0.3, epsilon=1e-6) < 1e-7


def test_layer_gradients(rng):
    A_prev, W, b = rng.standard_normal((3, 5)), rng.standard_normal((4, 3)), rng.standard_normal((4, 1))
    for act in ("relu", "sigmoid"):
        dA = rng.standard_normal((4, 5))
        _, cache = linear_activation_forward(A_prev, W, b, act)
        dA_prev, dW, db = linear_activation_backward(dA, cache, act)
        theta = np.concatenate([A_prev.ravel(), W.ravel(), b.ravel()])

        def f(t, act=act, dA=dA):
            a, w, bb = t[:15].reshape(3, 5), t[15:27].reshape(4, 3), t[27:].reshape(4, 1)
            return float(np.sum(linear_activation_forward(a, w, bb, act)[0] * dA))

        from course_code.gradient_check import numerical_gradient, relative_difference
        num = numerical_gradient(f, theta, epsilon=1e-6)
        ana = np.concatenate([dA_prev.ravel(), dW.ravel(), db.ravel()])
        assert relative_difference(ana, num) < 1e-7


def test_gradient_check_catches_the_courses_bug():
    # The course's N-D test case and its deliberately broken backward pass (dW2 x 2, db1 x 4).
    t = course_tensors(1, {"x": (4, 3), "W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1),
                           "W3": (1, 3), "b3": (1, 1)})
    X, Y = t.pop("x"), np.array([[1, 1, 0]])
    AL, _ = forward(X, t)
    assert compute_cost(AL, Y) == pytest.approx(2.407833389834357, rel=1e-12)

    def buggy(AL, Y, caches, **kw):
        g = backward(AL, Y, caches, **kw)
        return {**g, "dW2": 2 * g["dW2"], "db1": 4 * g["db1"]}

    assert gradient_check(t, X, Y, epsilon=1e-7, backward_fn=buggy) == pytest.approx(
        0.2850931567761623, rel=1e-6)
    assert gradient_check(t, X, Y, epsilon=1e-7) < 2e-7   # the course's threshold at its epsilon
    assert gradient_check(t, X, Y, epsilon=1e-5) < 1e-8   # a better-chosen epsilon


def test_vector_round_trip(rng):
    params, _, _ = _problem(rng)
    theta = params_to_vector(params)
    assert theta.shape == (47,)  # the course's [4, 5, 3, 1] network
    back = vector_to_params(theta, params)
    for k in params:
        np.testing.assert_array_equal(back[k], params[k])
    with pytest.raises(ValueError, match=r"\(46,\)"):
        vector_to_params(theta[:-1], params)


def test_dropout_scales_to_keep_the_mean(rng):
    params = initialize_parameters([2, 200, 1], "he", rng=rng)
    X = rng.standard_normal((2, 50))
    _, caches = forward(X, params, keep_prob=0.8, rng=rng)
    mask = caches[0].dropout_mask
    assert set(np.unique(mask)) <= {0.0, 1.0}
    assert abs(mask.mean() - 0.8) < 0.02
    # The hidden layer's output is its ReLU output * mask / 0.8.
    Z1 = caches[0].linear_activation.Z
    np.testing.assert_allclose(caches[1].linear_activation.linear.A_prev, np.maximum(Z1, 0) * mask / 0.8)


def test_predict_and_accuracy(rng):
    params = initialize_parameters([2, 3, 1], "he", rng=rng)
    X = rng.standard_normal((2, 20))
    p = predict(X, params)
    assert p.shape == (1, 20) and p.dtype.kind == "i" and set(np.unique(p)) <= {0, 1}
    assert accuracy(X, p, params) == 1.0
    assert accuracy(X, 1 - p, params) == 0.0


def test_bad_input_is_named(rng):
    params = initialize_parameters([2, 3, 1], "he", rng=rng)
    with pytest.raises(ValueError, match=r"\(2, m\).*\(3, 5\)"):
        forward(np.ones((3, 5)), params)
    with pytest.raises(ValueError, match=r"keep_prob.*0\.0"):
        forward(np.ones((2, 5)), params, keep_prob=0.0, rng=rng)
    with pytest.raises(ValueError, match=r"1\.5"):
        forward(np.ones((2, 5)), params, keep_prob=1.5, rng=rng)
    with pytest.raises(ValueError, match="rng"):
        forward(np.ones((2, 5)), params, keep_prob=0.5)
    AL, caches = forward(np.ones((2, 5)), params)
    with pytest.raises(ValueError, match=r"\(1, 4\).*\(1, 5\)"):
        backward(AL, np.ones((1, 4)), caches)
    with pytest.raises(ValueError, match="b1"):
        forward(np.ones((2, 5)), {**params, "b1": np.zeros((4, 1))})
    with pytest.raises(ValueError, match="keys"):
        forward(np.ones((2, 5)), {"W1": params["W1"]})
