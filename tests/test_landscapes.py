"""course_code.landscapes: gradients against finite differences, golden values, random Hessians."""

import numpy as np
import pytest

from course_code import landscapes as L


def _numerical_grad(f, P, eps=1e-6):
    g = np.zeros_like(P)
    for i in range(2):
        d = np.zeros_like(P)
        d[i] = eps
        g[i] = (f(P + d) - f(P - d)) / (2 * eps)
    return g


POINTS = np.array([[1.0, -0.3, 0.0, 2.5, -1.2], [0.2, 0.7, -1.1, 0.5, 1e-3]])


@pytest.mark.parametrize("f,grad", [(L.saddle, L.saddle_grad), (L.plateau, L.plateau_grad)])
def test_gradients_match_centred_differences(f, grad):
    analytic, numeric = grad(POINTS), _numerical_grad(f, POINTS)
    rel = np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic) + np.linalg.norm(numeric))
    assert rel < 1e-8


def test_saddle_hessian_matches_differences_of_the_gradient():
    eps = 1e-6
    H = L.saddle_hessian(POINTS)
    for i in range(2):
        d = np.zeros_like(POINTS)
        d[i] = eps
        column = (L.saddle_grad(POINTS + d) - L.saddle_grad(POINTS - d)) / (2 * eps)  # (2, K)
        np.testing.assert_allclose(H[:, :, i], column.T, atol=1e-7)


def test_golden_values_and_critical_points():
    P = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, -1.0]])
    np.testing.assert_allclose(L.saddle(P), [0.75, 0.25, 0.0, 0.0])
    np.testing.assert_array_equal(L.saddle_grad(P[:, 1:]), 0.0)  # the saddle and the two minima
    np.testing.assert_array_equal(np.linalg.eigvalsh(L.saddle_hessian(P[:, 1:2]))[0], [-1.0, 1.0])
    np.testing.assert_allclose(L.plateau(np.array([[0.0, 2.0], [0.0, 0.0]])), [0.0, 1 - np.exp(-2.0)])
    np.testing.assert_allclose(L.plateau_grad(np.array([[2.0], [0.0]])), [[2 * np.exp(-2.0)], [0.0]])


@pytest.mark.parametrize("P", [np.zeros((3, 2)), np.zeros(2), np.zeros((2, 2, 2))])
def test_points_must_be_columns_of_two(P):
    with pytest.raises(ValueError, match=r"shape \(2, K\)"):
        L.saddle_grad(P)


def test_random_symmetric_is_symmetric_with_the_ensemble_variances():
    H = L.random_symmetric(3, 40_000, rng=np.random.default_rng(0))
    assert H.shape == (40_000, 3, 3)
    np.testing.assert_array_equal(H, np.swapaxes(H, 1, 2))
    assert H[:, 0, 0].var() == pytest.approx(2.0, rel=0.03)
    assert H[:, 0, 1].var() == pytest.approx(1.0, rel=0.03)


def test_exact_two_by_two_value_by_an_independent_route():
    # [[a, b], [b, c]] is positive definite iff a > 0 and ac > b^2 (no eigenvalues computed)
    rng = np.random.default_rng(1)
    m = 400_000
    a, c = rng.normal(0, np.sqrt(2), m), rng.normal(0, np.sqrt(2), m)
    b = rng.normal(0, 1, m)
    p = np.mean((a > 0) & (a * c > b**2))
    se = np.sqrt(p * (1 - p) / m)
    assert abs(p - L.exact_fraction_positive_definite(2)) < 4 * se
    assert L.exact_fraction_positive_definite(1) == 0.5


def test_exact_three_by_three_value_against_monte_carlo():
    H = L.random_symmetric(3, 200_000, rng=np.random.default_rng(2))
    p = np.mean(np.linalg.eigvalsh(H)[:, 0] > 0)
    exact = L.exact_fraction_positive_definite(3)
    assert abs(p - exact) < 4 * np.sqrt(exact * (1 - exact) / 200_000)


@pytest.mark.parametrize("n", [0, 4])
def test_exact_values_only_where_known(n):
    with pytest.raises(ValueError, match="n must be"):
        L.exact_fraction_positive_definite(n)


def test_random_symmetric_refuses_bad_sizes():
    with pytest.raises(ValueError, match="n must"):
        L.random_symmetric(0, 5, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="size must"):
        L.random_symmetric(2, 1.5, rng=np.random.default_rng(0))
