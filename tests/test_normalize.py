"""Input normalization: statistics from the training set, applied to every set."""

import numpy as np
import pytest

from course_code.normalize import condition_number, fit_input_stats, logistic_hessian, normalize_inputs


def test_golden_statistics():
    X = np.array([[1.0, 2.0, 3.0, 6.0], [10.0, 10.0, 30.0, 30.0]])
    stats = fit_input_stats(X, epsilon=0.0)
    np.testing.assert_allclose(stats.mu, [[3.0], [20.0]])
    np.testing.assert_allclose(stats.sigma, [[np.sqrt(3.5)], [10.0]])  # (4 + 1 + 0 + 9) / 4 = 3.5
    Xn = normalize_inputs(X, stats)
    np.testing.assert_allclose(Xn[1], [-1.0, -1.0, 1.0, 1.0])
    np.testing.assert_allclose(Xn.mean(axis=1), 0.0, atol=1e-15)
    np.testing.assert_allclose(Xn.var(axis=1), 1.0)


def test_test_set_uses_the_training_statistics():
    rng = np.random.default_rng(0)
    X_train = rng.normal([[5.0], [-300.0]], [[2.0], [50.0]], size=(2, 200))
    X_test = rng.normal([[6.0], [-250.0]], [[2.0], [50.0]], size=(2, 50))
    stats = fit_input_stats(X_train)
    out = normalize_inputs(X_test, stats)
    expected = (X_test - X_train.mean(axis=1, keepdims=True)) / X_train.std(axis=1, keepdims=True)
    np.testing.assert_allclose(out, expected, rtol=1e-7)
    # with its own statistics the test set would be centred; with the training ones it is not
    assert abs(out[1].mean()) > 0.5
    assert not np.allclose(out, normalize_inputs(X_test, fit_input_stats(X_test)))


def test_constant_feature_does_not_divide_by_zero():
    X = np.array([[1.0, 1.0, 1.0], [0.0, 1.0, 2.0]])
    out = normalize_inputs(X, fit_input_stats(X))
    assert np.all(np.isfinite(out)) and np.all(out[0] == 0)


def test_logistic_hessian_matches_finite_differences():
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(3, 40)), rng.integers(0, 2, (1, 40)).astype(float)

    def grad(theta):
        z = theta[:3] @ X + theta[3]
        a = 1 / (1 + np.exp(-z))
        return np.append(X @ (a - Y[0]), np.sum(a - Y[0])) / 40

    eps, H = 1e-6, np.zeros((4, 4))
    for k in range(4):
        e = np.zeros(4)
        e[k] = eps
        H[:, k] = (grad(e) - grad(-e)) / (2 * eps)
    np.testing.assert_allclose(logistic_hessian(X), H, atol=1e-8)
    assert logistic_hessian(X, bias=False).shape == (3, 3)


def test_condition_number_of_a_stretched_axis():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((2, 20000)) * np.array([[1.0], [10.0]])
    assert condition_number(logistic_hessian(X, bias=False)) == pytest.approx(100, rel=0.05)
    assert condition_number(np.diag([4.0, 0.5])) == pytest.approx(8.0)


@pytest.mark.parametrize("bad", [np.ones(3), np.ones((2, 0)), np.array([[1.0, np.nan]])])
def test_bad_inputs_are_refused(bad):
    with pytest.raises(ValueError, match="X"):
        fit_input_stats(bad)


def test_mismatched_stats_and_bad_matrices_are_refused():
    stats = fit_input_stats(np.ones((2, 3)))
    with pytest.raises(ValueError, match="stats must have shape"):
        normalize_inputs(np.ones((3, 3)), stats)
    with pytest.raises(ValueError, match="symmetric"):
        condition_number(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="positive definite"):
        condition_number(np.diag([1.0, 0.0]))
