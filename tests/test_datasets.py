import numpy as np
import pytest

from course_code import datasets


def test_circles_are_the_courses():
    d = datasets.circles()
    assert d.X_train.shape == (2, 300) and d.Y_train.shape == (1, 300)
    assert d.X_test.shape == (2, 100) and d.Y_test.shape == (1, 100)
    np.testing.assert_allclose(d.X_train[:, :3], [[-0.0774, 0.4319, 0.0792], [0.8526, -0.8721, 0.8407]],
                               atol=5e-5)
    np.testing.assert_array_equal(d.Y_train[0, :8], [1, 0, 1, 1, 0, 0, 1, 0])
    np.testing.assert_array_equal(d.Y_test[0, :8], [1, 0, 1, 0, 0, 0, 0, 0])


def test_moons_are_the_courses():
    d = datasets.moons()
    assert d.X_train.shape == (2, 300) and d.X_test.shape == (2, 0)
    np.testing.assert_allclose(d.X_train[:, :3], [[-0.2169, 0.8051, 0.7113], [1.0154, -0.5580, -0.4101]],
                               atol=5e-5)
    np.testing.assert_array_equal(d.Y_train[0, :8], [0, 1, 1, 1, 0, 0, 1, 1])
    assert d.Y_train.sum() == 150


@pytest.mark.parametrize("make", [datasets.circles, datasets.moons, datasets.football])
def test_generator_draws_are_deterministic_and_fresh(make):
    a = make(rng=np.random.default_rng(5))
    b = make(rng=np.random.default_rng(5))
    c = make(rng=np.random.default_rng(6))
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a.X_train, c.X_train)
    assert set(np.unique(a.Y_train)) == {0.0, 1.0}


def test_football_stand_in_has_the_courses_shape_and_range():
    d = datasets.football(rng=np.random.default_rng(0))
    assert d.X_train.shape == (2, 211) and d.X_test.shape == (2, 200)
    assert d.X_train[0].min() >= -0.6 and d.X_train[0].max() <= 0.3
    assert d.X_train[1].min() >= -0.66 and d.X_train[1].max() <= 0.57
    assert 0.3 < d.Y_train.mean() < 0.7


def test_digits_stand_in():
    d = datasets.digits(rng=np.random.default_rng(0))
    assert d.X_train.shape == (64, 963) and d.X_test.shape == (64, 120)
    assert d.Y_train.shape == (6, 963)
    np.testing.assert_array_equal(d.Y_train.sum(axis=0), 1)
    assert 0 <= d.X_train.min() and d.X_train.max() <= 1


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"n_train.*0"):
        datasets.circles(n_train=0)
    with pytest.raises(ValueError, match=r"noise.*-1"):
        datasets.moons(noise=-1)
    with pytest.raises(ValueError, match=r"patches.*-1"):
        datasets.football(rng=np.random.default_rng(0), patches=-1)
    with pytest.raises(ValueError, match=r"reach.*nan"):
        datasets.football(rng=np.random.default_rng(0), reach=float("nan"))
    with pytest.raises(ValueError, match=r"n_classes.*11"):
        datasets.digits(rng=np.random.default_rng(0), n_classes=11)
