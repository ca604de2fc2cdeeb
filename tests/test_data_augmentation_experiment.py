"""The data augmentation experiment: the Softmax page's split, paired arms, determinism, report."""

import dataclasses

import numpy as np
import pytest

from course_code.experiments import data_augmentation as exp
from course_code.experiments import softmax
from course_code.figures import data_augmentation as fig


@pytest.fixture(scope="module")
def tiny():
    return exp.run(exp.TINY, rng=np.random.default_rng(0))


def test_uses_the_softmax_pages_split_and_dev_set():
    ours, sm = exp.Config(), softmax.Config()
    assert (ours.split_seed, ours.n_dev, ours.layer_dims) == (sm.split_seed, sm.n_dev, sm.layer_dims)
    data, fit, dev = exp.split(ours)
    theirs_data, theirs_fit, theirs_dev = softmax._split(sm)
    for a, b in zip((*fit, *dev, data.X_test), (*theirs_fit, *theirs_dev, theirs_data.X_test), strict=True):
        np.testing.assert_array_equal(a, b)
    assert ours.sizes[-1] == fit[0].shape[1]  # the largest size is every fit image


def test_both_arms_get_about_the_same_number_of_updates():
    cfg = exp.Config()
    for n in cfg.sizes:
        k = 1 + len(cfg.shifts)
        for m in (n, n * k):
            steps = exp.epochs_for(m, cfg) * -(-m // cfg.minibatch_size)
            assert abs(steps - cfg.num_steps) <= 0.5 * -(-m // cfg.minibatch_size) + 1, (n, m, steps)


def test_tiny_run_shapes_and_ranges(tiny):
    cfg = exp.TINY
    shape = (len(cfg.sizes), 2, cfg.n_seeds)
    for name in ("dev_accuracy", "shifted_dev_accuracy", "train_accuracy"):
        a = getattr(tiny, name)
        assert a.shape == shape and np.all((a >= 0) & (a <= 1)), name
    assert tiny.test_accuracy.shape == (2, cfg.n_seeds)
    assert tiny.n_shifted_dev == 4 * cfg.n_dev
    assert tiny.epochs.shape == (len(cfg.sizes), 2)
    assert np.all(tiny.epochs[:, 1] <= tiny.epochs[:, 0])  # more images, fewer passes, same updates
    assert tiny.example.shape == (64,) and 0 <= tiny.example_label < 6


def test_same_seed_same_arrays_other_seed_other_arrays(tiny):
    again = exp.run(exp.TINY, rng=np.random.default_rng(0))
    for field in ("dev_accuracy", "shifted_dev_accuracy", "train_accuracy", "test_accuracy"):
        np.testing.assert_array_equal(getattr(tiny, field), getattr(again, field))
    other = exp.run(exp.TINY, rng=np.random.default_rng(1))
    assert not np.array_equal(tiny.dev_accuracy, other.dev_accuracy)


def test_augmentation_changes_what_is_learned(tiny):
    # Same initial weights, same images: only the added copies (and batch order) differ.
    assert not np.array_equal(tiny.dev_accuracy[:, 0], tiny.dev_accuracy[:, 1]) or \
        not np.array_equal(tiny.shifted_dev_accuracy[:, 0], tiny.shifted_dev_accuracy[:, 1])


def test_rotations_add_copies():
    cfg = dataclasses.replace(exp.TINY, angle=10.0, sizes=(20,), n_seeds=1)
    assert cfg.angles == (10.0, -10.0)
    result = exp.run(cfg, rng=np.random.default_rng(0))
    titles = [t for t, _ in fig.copies(result)]
    assert titles == ["original", "moved right", "moved left", "moved down", "moved up", "turned 10°",
                      "turned -10°"]
    assert result.epochs[0, 1] <= result.epochs[0, 0]


def test_shift_sets_the_four_moves():
    assert exp.Config(shift=2).shifts == ((2, 0), (-2, 0), (0, 2), (0, -2))
    assert exp.Config(shift=0, angle=5.0).shifts == ()


def test_report_has_its_claims_tables_and_figures(tiny):
    rep = fig.report(tiny)
    claims = rep.metrics["claims"]
    for name in ("plain_memorizes", "dev_gain_within_seed_spread_every_size", "moved_better_every_network",
                 "plain_loses_more_on_moved_every_size", "plain_moved_improves_with_size",
                 "plain_full_moved_below_augmented_smallest", "test_gap_within_seed_spread",
                 "digits_centred_within_the_shift", "more_images_raise_dev_both_arms",
                 "augmented_fits_own_less_at_full"):
        assert isinstance(claims[name], bool), name
    assert set(rep.tables) == {"by_size", "moved", "final"}
    assert set(rep.figures) == {"examples", "dev_curves", "moved_curves"} and rep.thumbnail == "moved_curves"
    m = rep.metrics
    assert m["smallest"]["size"] == exp.TINY.sizes[0] and m["full"]["size"] == exp.TINY.sizes[-1]
    assert m["smallest"]["gain"] == pytest.approx(m["smallest"]["augmented"] - m["smallest"]["plain"])
    assert m["n_fit"] + m["n_dev"] == m["n_train"]


def test_gains_are_paired_differences():
    dev = np.array([[[0.5, 0.6], [0.7, 0.5]]])  # one size, (plain, augmented), two seeds
    result = dataclasses.replace(_fake(), dev_accuracy=dev)
    np.testing.assert_allclose(fig.gains(result), [[0.2, -0.1]])


def _fake():
    z = np.zeros((1, 2, 2))
    return exp.Result(exp.TINY, z, z, z, np.zeros((2, 2)), np.ones((1, 2), dtype=int), 80, np.zeros(64), 0,
                      963, 120, np.zeros(2))


def test_ink_centre_spread_of_known_images():
    a, b = np.zeros((8, 8)), np.zeros((8, 8))
    a[2, 3] = 1.0                       # centre (2, 3)
    b[4, 3] = b[4, 5] = 1.0             # centre (4, 4)
    X = np.stack([a.ravel(), b.ravel()], axis=1)
    np.testing.assert_allclose(exp.ink_centre_std(X), [1.0, 0.5])


@pytest.mark.parametrize(("changes", "message"), [
    ({"sizes": (100, 50)}, r"sizes must increase.*\(100, 50\)"),
    ({"sizes": (50, 900)}, r"at most the 843 fit images.*\(50, 900\)"),
    ({"shift": 8}, r"shift must be at most 7 .* got 8"),
    ({"shift": -1}, r"shift must be .* got -1"),
    ({"shift": 0, "angle": 0.0}, r"shift=0 and angle=0 leave nothing"),
    ({"angle": float("nan")}, r"angle must be .* got nan"),
    ({"angle": 90.0}, r"angle must be at most 45 degrees, got 90"),
    ({"num_steps": 0}, r"num_steps must be .* got 0"),
    ({"layer_dims": (64, 25, 3)}, r"layer_dims.*\(64, 25, 3\)"),
])
def test_bad_config_is_named(changes, message):
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(exp.Config(), **changes)
