"""The bias_variance experiment: the Bayes error of the stand-in, the grid, the learning curves."""

import dataclasses

import numpy as np
import pytest

from course_code import datasets
from course_code.experiments import bias_variance as exp
from course_code.figures import bias_variance as fig


@pytest.fixture(scope="module")
def tiny():
    return exp.run(exp.TINY, rng=np.random.default_rng(0))


def test_clean_labels_are_the_generator_labels_without_noise():
    d = datasets.football(rng=np.random.default_rng(3), n_train=300, n_test=0, patches=0)
    np.testing.assert_array_equal(exp.clean_labels(d.X_train), d.Y_train)


def test_bayes_error_counts_the_flipped_labels():
    # Without patches nothing is flipped; with them, at most patches * patch_size / n are.
    cfg = dataclasses.replace(exp.TINY, patches=0)
    assert exp.bayes_error(cfg, np.random.default_rng(0))[0] == 0.0
    cfg = dataclasses.replace(exp.TINY, n_dev=200, n_ref=200, bayes_sets=30)
    bayes, se, max_rate = exp.bayes_error(cfg, np.random.default_rng(0))
    assert 0.05 < bayes <= cfg.patches * cfg.patch_size / 200
    assert 0 < se < 0.01 and bayes < max_rate < 1


def test_shapes_and_determinism(tiny):
    c = tiny.config
    assert tiny.train_error.shape == tiny.dev_error.shape == (len(c.hidden), len(c.lambdas), c.n_seeds)
    assert tiny.curve_train.shape == tiny.curve_dev.shape == (2, len(c.curve_sizes), c.n_seeds)
    assert np.all((tiny.dev_error >= 0) & (tiny.dev_error <= 1))
    again = exp.run(exp.TINY, rng=np.random.default_rng(0))
    for f in ("train_error", "dev_error", "curve_train", "curve_dev"):
        np.testing.assert_array_equal(getattr(tiny, f), getattr(again, f))
    assert again.bayes_error == tiny.bayes_error


@pytest.mark.parametrize(("train", "dev", "label"), [
    (0.20, 0.21, "high bias"), (0.01, 0.15, "high variance"), (0.20, 0.30, "high bias and high variance"),
    (0.08, 0.09, "neither")])
def test_the_course_rule(train, dev, label):
    assert fig.diagnose(train, dev, bayes=0.07, gap=0.02) == label


def test_report_has_claims_tables_and_figures(tiny):
    rep = fig.report(tiny)
    assert set(rep.figures) == {"errors", "curves"}
    assert set(rep.tables) == {"grid", "recipe"}
    assert all(isinstance(v, bool) for v in rep.metrics["claims"].values())
    assert rep.metrics["bayes_error"] == tiny.bayes_error
    assert rep.tables["grid"].count("\n| [2,") == len(tiny.config.hidden) * len(tiny.config.lambdas)


@pytest.mark.parametrize(("field", "value", "match"), [
    ("hidden", (), "hidden"), ("hidden", ((0,),), "hidden"), ("curve_models", (0, 9), "curve_models"),
    ("curve_sizes", (50, 25), "curve_sizes"), ("gap", 2.0, "gap"), ("lambdas", (-1.0,), "lambdas")])
def test_bad_config_is_refused(field, value, match):
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(exp.Config(), **{field: value})
