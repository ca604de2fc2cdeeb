import numpy as np
import pytest
from conftest import PRINTED, legacy_rng

from course_code.initializers import METHODS, initialize_parameters


def test_zeros():
    p = initialize_parameters([3, 2, 1], "zeros")
    assert set(p) == {"W1", "b1", "W2", "b2"}
    assert p["W1"].shape == (2, 3) and p["b1"].shape == (2, 1)
    assert p["W2"].shape == (1, 2) and p["b2"].shape == (1, 1)
    assert all(np.all(v == 0) for v in p.values())


def test_random_x10_matches_the_course():
    # The course: np.random.seed(3); W = randn(n, n_prev) * 10.
    p = initialize_parameters([3, 2, 1], "random", rng=legacy_rng(3), scale=10)
    np.testing.assert_allclose(p["W1"], [[17.88628473, 4.36509851, 0.96497468],
                                         [-18.63492703, -2.77388203, -3.54758979]], rtol=1e-8)
    np.testing.assert_allclose(p["W2"], [[-0.82741481, -6.27000677]], rtol=1e-8)
    assert np.all(p["b1"] == 0) and np.all(p["b2"] == 0)


def test_he_matches_the_course():
    p = initialize_parameters([2, 4, 1], "he", rng=legacy_rng(3))
    np.testing.assert_allclose(p["W1"], [[1.78862847, 0.43650985], [0.09649747, -1.8634927],
                                         [-0.2773882, -0.35475898], [-0.08274148, -0.62700068]],
                               atol=PRINTED)
    np.testing.assert_allclose(p["W2"], [[-0.03098412, -0.33744411, -0.92904268, 0.62552248]], atol=PRINTED)
    q = initialize_parameters([3, 1, 2], "he", rng=legacy_rng(3))  # the hidden public test
    np.testing.assert_allclose(q["W1"], [[1.46040903, 0.3564088, 0.07878985]], atol=PRINTED)
    np.testing.assert_allclose(q["W2"], [[-2.63537665], [-0.39228616]], atol=PRINTED)


@pytest.mark.parametrize("method, std", [
    ("he", lambda n_prev, n: np.sqrt(2 / n_prev)),
    ("lecun", lambda n_prev, n: np.sqrt(1 / n_prev)),
    ("xavier", lambda n_prev, n: np.sqrt(2 / (n_prev + n))),
    ("random", lambda n_prev, n: 10.0),
])
def test_empirical_scale(method, std, rng):
    n_prev, n = 400, 300
    W = initialize_parameters([n_prev, n], method, rng=rng)["W1"]
    assert abs(W.std() / std(n_prev, n) - 1) < 0.01
    assert abs(W.mean()) < 0.01 * std(n_prev, n) * 5


def test_same_seed_same_weights():
    a = initialize_parameters([2, 5, 1], "he", rng=np.random.default_rng(7))
    b = initialize_parameters([2, 5, 1], "he", rng=np.random.default_rng(7))
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="glorot"):
        initialize_parameters([2, 3, 1], "glorot", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng"):
        initialize_parameters([2, 3, 1], "he")
    with pytest.raises(ValueError, match="-3"):
        initialize_parameters([2, -3, 1], "zeros")
    with pytest.raises(ValueError, match=r"\[2\]"):
        initialize_parameters([2], "zeros")
    assert set(METHODS) == {"zeros", "random", "he", "lecun", "xavier"}
