import numpy as np
import pytest
from conftest import legacy_rng

from course_code.minibatch import batch_bounds, random_mini_batches


def test_matches_the_courses_shuffle():
    # The course's assert test: X = arange(nx * m).reshape(m, nx).T, shuffled after seed(0).
    nx, m = 12288, 148
    X = np.arange(nx * m).reshape(m, nx).T
    Y = np.arange(m).reshape(1, m)
    batches = random_mini_batches(X, Y, 64, rng=legacy_rng(0))
    assert [b[0].shape for b in batches] == [(nx, 64), (nx, 64), (nx, 20)]
    np.testing.assert_array_equal(batches[0][0][0][0:3], [294912, 86016, 454656])
    np.testing.assert_array_equal(batches[-1][0][-1][0:3], [1425407, 1769471, 897023])


def test_columns_stay_paired_and_nothing_is_lost(rng):
    X = rng.standard_normal((3, 300))
    Y = np.arange(300, dtype=float).reshape(1, 300)
    batches = random_mini_batches(X, Y, 64, rng=rng)
    assert [b[0].shape[1] for b in batches] == [64, 64, 64, 64, 44]
    idx = np.concatenate([b[1][0] for b in batches]).astype(int)
    assert sorted(idx) == list(range(300)) and not np.array_equal(idx, np.arange(300))
    for Xb, Yb in batches:
        np.testing.assert_array_equal(Xb, X[:, Yb[0].astype(int)])


def test_exact_multiple_and_oversized_batch(rng):
    assert batch_bounds(128, 64) == [(0, 64), (64, 128)]
    X, Y = np.ones((2, 10)), np.ones((1, 10))
    assert len(random_mini_batches(X, Y, 1000, rng=rng)) == 1


def test_bad_input_is_named(rng):
    with pytest.raises(ValueError, match=r"\(n_y, 10\).*\(1, 9\)"):
        random_mini_batches(np.ones((2, 10)), np.ones((1, 9)), 4, rng=rng)
    with pytest.raises(ValueError, match=r"mini_batch_size.*0"):
        random_mini_batches(np.ones((2, 10)), np.ones((1, 10)), 0, rng=rng)
    with pytest.raises(ValueError, match=r"mini_batch_size.*6\.5"):
        random_mini_batches(np.ones((2, 10)), np.ones((1, 10)), 6.5, rng=rng)
