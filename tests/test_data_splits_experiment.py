"""The data_splits experiment: choosing on a set overstates, choosing elsewhere does not."""

import dataclasses

import numpy as np
import pytest

from course_code.experiments import data_splits as exp
from course_code.figures import data_splits as fig


@pytest.fixture(scope="module")
def tiny():
    return exp.run(exp.TINY, rng=np.random.default_rng(0))


def test_shapes_and_ranges(tiny):
    c = tiny.config
    assert tiny.lambdas.shape == (c.n_seeds, c.n_models)
    assert np.all((tiny.lambdas >= c.lambda_low) & (tiny.lambdas <= c.lambda_high))
    for a in (tiny.dev_accuracy, tiny.test_accuracy):
        assert a.shape == (c.n_seeds, c.n_redraws, c.n_models)
        # accuracies on sets of n points are multiples of 1/n
        np.testing.assert_allclose(a * c.n_test, np.round(a * c.n_test), atol=1e-9)
    assert tiny.fresh_accuracy.shape == tiny.train_accuracy.shape == (c.n_seeds, c.n_models)
    assert np.all((tiny.fresh_accuracy > 0) & (tiny.fresh_accuracy <= 1))


def test_same_seed_same_arrays(tiny):
    again = exp.run(exp.TINY, rng=np.random.default_rng(0))
    for f in ("lambdas", "train_accuracy", "dev_accuracy", "test_accuracy", "fresh_accuracy"):
        np.testing.assert_array_equal(getattr(tiny, f), getattr(again, f))
    other = exp.run(exp.TINY, rng=np.random.default_rng(1))
    assert not np.array_equal(tiny.test_accuracy, other.test_accuracy)


def test_choose_takes_the_first_best_among_the_first_k():
    scores = np.array([[0.5, 0.9, 0.9, 1.0], [0.7, 0.1, 0.2, 0.3]])
    np.testing.assert_array_equal(exp.choose(scores, 3), [1, 0])
    np.testing.assert_array_equal(exp.choose(scores, 4), [3, 0])
    np.testing.assert_array_equal(exp.choose(scores, 1), [0, 0])


def test_overstatement_on_a_hand_made_result():
    # One seed, two redraws, three models with fresh accuracies 0.8, 0.9, 0.85.
    # Redraw 0: the test set favours model 0 (lucky), the dev set model 1.
    test = np.array([[[0.95, 0.90, 0.80], [0.80, 0.92, 0.85]]])
    dev = np.array([[[0.70, 0.91, 0.85], [0.80, 0.86, 0.90]]])
    fresh = np.array([[0.8, 0.9, 0.85]])
    r = exp.Result(exp.TINY, np.ones((1, 3)), np.ones((1, 3)), dev, test, fresh)
    t = exp.overstatement(r, 3, choose_on="test")
    np.testing.assert_allclose(t["test_over"], [[0.95 - 0.8, 0.92 - 0.9]])
    d = exp.overstatement(r, 3, choose_on="dev")
    np.testing.assert_allclose(d["reported"], [[0.90, 0.85]])
    np.testing.assert_allclose(d["selection"] - d["fresh"], [[0.91 - 0.9, 0.90 - 0.85]])
    with pytest.raises(ValueError, match="choose_on"):
        exp.overstatement(r, 3, choose_on="train")


def test_report_has_claims_metrics_and_figures(tiny):
    rep = fig.report(tiny)
    assert set(rep.figures) == {"overstatement", "pool"}
    assert set(rep.tables) == {"choice", "splits"}
    m = rep.metrics
    assert set(m["claims"]) >= {"overstatement_grows_with_models", "dev_choice_test_unbiased",
                                 "test_choice_overstates_every_seed"}
    assert all(isinstance(v, bool) for v in m["claims"].values())
    assert m["max_k"] == tiny.config.model_counts[-1]
    assert "10,000" in rep.tables["splits"] and "980,000" in rep.tables["splits"]


@pytest.mark.parametrize(("field", "value", "match"), [
    ("n_models", 0, "n_models"), ("lambda_low", 5.0, "lambda_low"), ("model_counts", (1, 50), "model_counts"),
    ("model_counts", (3, 2), "model_counts"), ("init", "nope", "init"), ("n_redraws", 0, "n_redraws")])
def test_bad_config_is_refused(field, value, match):
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(exp.Config(), **{field: value})
