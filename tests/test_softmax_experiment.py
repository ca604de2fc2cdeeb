"""The softmax experiment: the TensorFlow page's split, selection on dev, determinism, report."""

import dataclasses

import numpy as np
import pytest

from course_code import datasets
from course_code.experiments import softmax as exp
from course_code.experiments import tensorflow_intro
from course_code.figures import softmax as fig


@pytest.fixture(scope="module")
def tiny():
    return exp.run(exp.TINY, rng=np.random.default_rng(0))


def test_uses_the_tensorflow_pages_split():
    assert exp.Config().split_seed == tensorflow_intro.SEED
    assert exp.Config().layer_dims == tensorflow_intro.Config().layer_dims
    ours, _, _ = exp._split(exp.Config())
    theirs = datasets.digits(rng=np.random.default_rng(tensorflow_intro.SEED))  # its run draws this first
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, b)


def test_dev_set_is_cut_from_the_training_images_only():
    cfg = exp.Config()
    data, (X_fit, _), (X_dev, _) = exp._split(cfg)
    assert X_dev.shape[1] == cfg.n_dev and X_fit.shape[1] + X_dev.shape[1] == data.X_train.shape[1]
    np.testing.assert_array_equal(np.hstack([X_fit, X_dev]), data.X_train)


def test_tiny_run_types_and_shapes(tiny):
    cfg = exp.TINY
    assert tiny.dev_accuracy.shape == (len(cfg.learning_rates), len(cfg.epoch_choices), cfg.n_seeds)
    assert tiny.best_rate in cfg.learning_rates and tiny.best_epochs in cfg.epoch_choices
    i, j = cfg.learning_rates.index(tiny.best_rate), cfg.epoch_choices.index(tiny.best_epochs)
    assert tiny.dev_accuracy[i, j].mean() == tiny.dev_accuracy.mean(axis=2).max()  # chosen on dev
    assert tiny.selected_accuracy.shape == tiny.tf_settings_accuracy.shape == (cfg.n_seeds, 2)
    assert tiny.costs.shape == (tiny.best_epochs,)
    assert tiny.test_logits.shape == (6, 120)
    assert tiny.gradient_check < 1e-7 and tiny.gradient_check_l2 < 1e-7
    assert tiny.two_class_difference < 1e-12
    assert tiny.hardmax_gradient_nonzero == 0 and tiny.softmax_gradient_nonzero == 6 * cfg.check_examples


def test_same_seed_same_arrays_other_seed_other_arrays(tiny):
    again = exp.run(exp.TINY, rng=np.random.default_rng(0))
    for field in ("dev_accuracy", "selected_accuracy", "tf_settings_accuracy", "costs", "test_logits"):
        np.testing.assert_array_equal(getattr(tiny, field), getattr(again, field))
    other = exp.run(exp.TINY, rng=np.random.default_rng(1))
    assert not np.array_equal(tiny.test_logits, other.test_logits)


def test_report_has_its_claims_and_tables(tiny):
    rep = fig.report(tiny)
    for claim in ("gradients_correct", "two_class_is_sigmoid", "hardmax_has_no_gradient",
                  "softmax_gradient_everywhere", "hardmax_predicts_like_softmax", "reaches_target_every_seed",
                  "small_rate_needs_more_epochs", "small_rate_short_is_worst", "some_test_images_unsure"):
        assert isinstance(rep.metrics[claim], bool), claim
    for key in ("gradients_correct", "two_class_is_sigmoid", "hardmax_has_no_gradient",
                "softmax_gradient_everywhere", "hardmax_predicts_like_softmax"):
        assert rep.metrics[key], key  # these hold for any training
    assert set(rep.tables) == {"selection", "final", "least_confident"}
    assert set(rep.figures) == {"dev_selection", "softmax_vs_hardmax", "costs"}
    assert len(fig.least_confident(tiny)) == fig.SHOWN


def test_bad_config_is_named():
    with pytest.raises(ValueError, match=r"layer_dims.*\(64, 25, 3\)"):
        exp.Config(layer_dims=(64, 25, 3))
    with pytest.raises(ValueError, match=r"learning_rates"):
        exp.Config(learning_rates=(1e-3, -1.0))
    with pytest.raises(ValueError, match=r"n_dev=950"):
        dataclasses.replace(exp.Config(), n_dev=950)
