"""Tier 1 for batch normalization: backward against centred differences, both modes."""

import numpy as np
import pytest

from course_code.batchnorm import RunningStats, batchnorm_backward, batchnorm_forward
from course_code.gradient_check import numerical_gradient, relative_difference


@pytest.mark.parametrize("training", [True, False])
def test_backward_matches_finite_differences(training, rng):
    n, m = 4, 9
    Z = rng.standard_normal((n, m)) * 3 + 1
    gamma, beta = rng.standard_normal((n, 1)), rng.standard_normal((n, 1))
    running = RunningStats(rng.standard_normal((n, 1)), rng.random((n, 1)) + 0.5)
    dout = rng.standard_normal((n, m))

    def f(Z_, g_, b_):
        out, _, _ = batchnorm_forward(Z_, g_, b_, running, training=training)
        return float(np.sum(out * dout))

    _, cache, _ = batchnorm_forward(Z, gamma, beta, running, training=training)
    dZ, dgamma, dbeta = batchnorm_backward(dout, cache)
    assert relative_difference(dZ, numerical_gradient(lambda z: f(z, gamma, beta), Z, epsilon=1e-6)) < 1e-7
    num_dgamma = numerical_gradient(lambda g: f(Z, g, beta), gamma, epsilon=1e-6)
    assert relative_difference(dgamma, num_dgamma) < 1e-7
    assert relative_difference(dbeta, numerical_gradient(lambda b: f(Z, gamma, b), beta, epsilon=1e-6)) < 1e-7


def test_training_mode_normalizes_each_unit(rng):
    Z = rng.standard_normal((3, 50)) * np.array([[1.0], [10.0], [0.1]]) + 5
    out, _, running = batchnorm_forward(Z, np.ones((3, 1)), np.zeros((3, 1)), None, training=True)
    np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=1), 1, rtol=1e-3)
    # running stats start at (0, 1) and move 10% of the way towards the batch's
    np.testing.assert_allclose(running.mean, 0.1 * Z.mean(axis=1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(running.var, 0.9 + 0.1 * Z.var(axis=1, keepdims=True), rtol=1e-12)


def test_running_statistics_converge_and_drive_inference(rng):
    running = None
    for _ in range(200):
        Z = rng.standard_normal((2, 64)) * 2 + 3
        _, _, running = batchnorm_forward(Z, np.ones((2, 1)), np.zeros((2, 1)), running, training=True)
    np.testing.assert_allclose(running.mean, 3, atol=0.15)
    np.testing.assert_allclose(running.var, 4, atol=0.5)
    Z = np.full((2, 1), 3.0)
    out, _, after = batchnorm_forward(Z, np.ones((2, 1)), np.zeros((2, 1)), running, training=False)
    assert np.all(np.abs(out) < 0.1)  # inference uses the running stats, not the one example
    assert after is running


def test_bad_shapes_are_named():
    with pytest.raises(ValueError, match=r"gamma.*\(3, 1\).*\(2, 1\)"):
        batchnorm_forward(np.ones((3, 4)), np.ones((2, 1)), np.ones((3, 1)), training=True)
    with pytest.raises(ValueError, match=r"momentum.*1.2"):
        batchnorm_forward(np.ones((3, 4)), np.ones((3, 1)), np.ones((3, 1)), training=True, momentum=1.2)
