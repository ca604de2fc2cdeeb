"""Tier 2: schedules against the course's printed values and hand-computed ones."""

import numpy as np
import pytest

from course_code.schedules import (
    compounded_decay,
    constant,
    exponential_decay,
    inverse_time_decay,
    staircase_decay,
)


def test_inverse_time_matches_the_course():
    assert inverse_time_decay(0.5, 1)(2) == pytest.approx(0.16666666666666666, rel=1e-15)
    assert inverse_time_decay(0.1, 1)(0) == 0.1  # epoch 0 runs at lr0


@pytest.mark.parametrize("lr0, epoch, rate, interval, expected", [
    (0.5, 10, 0.3, 100, 0.5),
    (0.5, 100, 0.3, 100, 0.3846153846153846),
    (0.5, 100, 1, 100, 0.25),
    (0.5, 10, 1, 100, 0.5),
    (0.3, 1000, 0.25, 100, 0.085714285),
    (0.3, 100, 0.25, 100, 0.24),
])
def test_staircase_matches_the_course(lr0, epoch, rate, interval, expected):
    assert staircase_decay(lr0, rate, time_interval=interval)(epoch) == pytest.approx(expected, rel=1e-8)


def test_staircase_is_flat_between_steps():
    s = staircase_decay(0.1, 1, time_interval=1000)
    lrs = s(np.arange(5000))
    assert np.unique(lrs).size == 5
    np.testing.assert_allclose(lrs[[0, 999, 1000, 2000, 4999]], [0.1, 0.1, 0.05, 0.1 / 3, 0.02], rtol=1e-15)


def test_exponential_and_constant():
    np.testing.assert_allclose(exponential_decay(0.2, 0.95)(np.arange(4)), 0.2 * 0.95 ** np.arange(4),
                               rtol=1e-15)
    assert constant(0.0007)(4999) == 0.0007
    assert isinstance(constant(0.1)(3), float)
    assert constant(0.1)(np.arange(3)).shape == (3,)


def test_scalar_and_array_calls_agree():
    s = inverse_time_decay(0.3, 0.7)
    e = np.arange(50)
    np.testing.assert_array_equal(s(e), [s(int(i)) for i in e])


def test_bad_values_are_named():
    with pytest.raises(ValueError, match=r"lr0.*-0\.1"):
        constant(-0.1)
    with pytest.raises(ValueError, match=r"decay_rate.*-1"):
        inverse_time_decay(0.1, -1)
    with pytest.raises(ValueError, match=r"time_interval.*0"):
        staircase_decay(0.1, 1, time_interval=0)
    with pytest.raises(ValueError, match=r"decay_rate.*1\.5"):
        exponential_decay(0.1, 1.5)
    with pytest.raises(ValueError, match=r"lr0.*nan"):
        constant(float("nan"))
    with pytest.raises(ValueError, match=r"epoch.*-1"):
        constant(0.1)(-1)
    with pytest.raises(ValueError, match=r"epoch.*2\.5"):
        constant(0.1)(2.5)


def _fed_back(lr0, k, interval, n):
    """The loop the schedule stands for: after epoch e, ``lr = lr / (1 + k * floor(e / T))``."""
    lr, rates = lr0, []
    for e in range(n):
        rates.append(lr)
        lr = lr / (1 + k * (e // interval))
    return np.array(rates)


def test_compounded_is_the_rate_fed_back_into_the_decay():
    s = compounded_decay(0.1, 1)
    np.testing.assert_allclose(s(np.arange(6)), 0.1 / np.array([1, 1, 2, 6, 24, 120]), rtol=1e-14)  # 0.1 / e!
    np.testing.assert_allclose(s(np.arange(1, 4)), [0.1, 0.05, 0.1 / 6], rtol=1e-14)  # printed after 0-2
    np.testing.assert_allclose(s(np.arange(60)), _fed_back(0.1, 1, 1, 60), rtol=1e-12)
    np.testing.assert_allclose(compounded_decay(0.3, 0.25, 3)(np.arange(40)), _fed_back(0.3, 0.25, 3, 40),
                               rtol=1e-12)
    assert s(5000) == 0.0 and s(7) == pytest.approx(0.1 / 5040, rel=1e-13)


def test_compounded_staircase_halves_every_epoch_after_the_first_interval():
    lrs = compounded_decay(0.1, 1, time_interval=1000)(np.arange(1006))
    assert np.all(lrs[:1001] == 0.1)
    np.testing.assert_allclose(lrs[1001:], 0.1 / 2.0 ** np.arange(1, 6), rtol=1e-13)


def test_compounded_without_decay_is_constant_and_checks_its_arguments():
    np.testing.assert_array_equal(compounded_decay(0.2, 0)(np.arange(10)), 0.2)
    assert compounded_decay(0.2, 0.5)(np.zeros(0, dtype=int)).shape == (0,)
    assert isinstance(compounded_decay(0.2, 0.5)(3), float)
    with pytest.raises(ValueError, match=r"decay_rate.*-1"):
        compounded_decay(0.1, -1)
    with pytest.raises(ValueError, match=r"time_interval.*0"):
        compounded_decay(0.1, 1, time_interval=0)
