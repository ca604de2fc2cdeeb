"""The regularization experiment's findings (on shortened runs) and its helpers."""

import dataclasses

import numpy as np
import pytest

from course_code import datasets
from course_code.experiments import regularization as exp
from course_code.figures import regularization as regularization_fig


@pytest.fixture(scope="module")
def short():
    """3000 iterations, one more seed, a sweep of 0 / 0.03 / 0.7 / 7 (about 1 s)."""
    cfg = exp.Config(num_iterations=3000, n_seeds=1, sweep_lambdas=(0.0, 0.03, 0.7, 7.0),
                     sweep_iterations=3000, sweep_seeds=1, strip_lambdas=(0.03, 0.7, 7.0))
    return exp.run(cfg, rng=np.random.default_rng(0))


def test_l2_shrinks_the_weights_and_pays_a_penalty(short):
    metrics = regularization_fig.metrics(short)
    assert metrics["claims"]["l2_shrinks_weights_every_run"]
    assert short.runs["l2"].weight_sq < 0.5 * short.runs["none"].weight_sq
    # The L2 run's recorded cost includes (lambda / 2m) sum W^2, so it stays above the plain one.
    assert short.runs["l2"].costs[-1] > short.runs["none"].costs[-1]
    np.testing.assert_array_equal(short.runs["none"].iterations, np.arange(0, 3000, 500))


def test_sweep_weights_fall_with_lambda_and_large_lambda_loses_training_accuracy(short):
    w, acc = short.sweep_weight_sq[0], short.sweep_accuracy[0]
    assert np.all(np.diff(w) < 0)
    assert w[-1] < 15                      # lambda 7: the weights are crushed
    assert acc[-1, 0] < acc[0, 0]          # ... and so is the training accuracy (high bias)
    assert len(short.strip_params) == 3
    assert exp.weight_sq(short.strip_params[2]) == pytest.approx(w[-1])


def test_variants_share_initial_weights_and_masks_stream():
    # With lambda 0 and keep_prob 1 the three variants are the same computation.
    cfg = dataclasses.replace(exp.TINY, lambd=0.0, keep_prob=1.0)
    runs = exp.run(cfg, rng=np.random.default_rng(5)).runs
    for v in ("l2", "dropout"):
        for k, value in runs["none"].params.items():
            np.testing.assert_array_equal(runs[v].params[k], value)


def test_sweep_summary_finds_the_regimes_and_chooses_on_dev():
    lams = (0.0, 0.1, 1.0, 10.0)
    # (S=2, K=4, 3: train, dev, test): overfit, overfit, best on dev, high bias. The test column
    # would pick lambda 0.1 (0.99): a choice made on dev must not look at it.
    acc = np.array([[[1.0, 0.88, 0.80], [0.99, 0.90, 0.99], [0.95, 0.94, 0.91], [0.85, 0.84, 0.80]],
                    [[1.0, 0.90, 0.80], [0.97, 0.90, 0.99], [0.95, 0.93, 0.89], [0.86, 0.85, 0.80]]])
    w = np.array([[500.0, 300.0, 30.0, 5.0], [700.0, 100.0, 20.0, 5.0]])
    s = regularization_fig.sweep_summary(lams, acc, w, overfit_gap=0.03, over_drop=0.02)
    assert s["best_lambda"] == 1.0 and s["best_dev_mean"] == pytest.approx(0.935)
    assert s["test_at_best"] == pytest.approx(0.90) and s["test_at_best_min"] == 0.89
    assert s["under_regularized"] == [0.0, 0.1]
    assert s["over_regularization_starts"] == 10.0
    assert s["large_lambda_underfits"] and s["small_lambda_overfits"]
    assert s["weights_shrink_from"] == 0.0 and s["weight_sq_ratio_0_to_max"] == pytest.approx(120.0)
    w[0, 1] = 1200.0  # mean at 0.1 (650) now above the mean at 0 (600): weights shrink only from 0.1 on
    s = regularization_fig.sweep_summary(lams, acc, w, overfit_gap=0.03, over_drop=0.02)
    assert s["weights_shrink_from"] == 0.1
    flat = np.repeat(acc[:, 2:3], 4, axis=1)  # every lambda equally good: no over-regularization
    s = regularization_fig.sweep_summary(lams, flat, w, overfit_gap=0.03, over_drop=0.02)
    assert "over_regularization_starts" not in s and not s["large_lambda_underfits"]


def test_weight_sq_ignores_biases():
    params = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[10.0]]), "W2": np.array([[3.0]]),
              "b2": np.array([[-4.0]])}
    assert exp.weight_sq(params) == 14.0


def test_field_limits_cover_the_points_with_a_margin():
    d = datasets.Dataset(np.array([[-0.6, 0.3], [-0.66, 0.57]]), np.array([[0.0, 1.0]]),
                         np.array([[0.0], [0.0]]), np.array([[1.0]]))
    xlim, ylim = regularization_fig.field_limits(d)
    assert xlim == pytest.approx((-0.7, 0.4)) and ylim == pytest.approx((-0.75, 0.65))


@pytest.mark.parametrize("change", [{"sweep_lambdas": (0.1, 0.7, 3.0)}, {"sweep_lambdas": (0.0, 0.7)},
                                    {"sweep_lambdas": (0.0, 3.0, 0.7)}, {"strip_lambdas": (0.0, 0.7, 0.5)},
                                    {"n_seeds": 0}])
def test_bad_config_raises(change):
    with pytest.raises(ValueError):
        exp.run(dataclasses.replace(exp.TINY, **change), rng=np.random.default_rng(0))


def test_tables_say_what_is_not_comparable():
    result = exp.run(exp.TINY, rng=np.random.default_rng(0))
    t = regularization_fig.tables(result)
    assert "not comparable" in t["accuracy"] and "frozen mask" in t["accuracy"]
    assert "0.948 / 0.915" in t["accuracy"] and "| 727 |" in t["weights"]
    assert t["sweep_table"].count("\n| ") == 1 + len(exp.TINY.sweep_lambdas)  # separator + rows
    S, K = exp.TINY.sweep_seeds, len(exp.TINY.sweep_lambdas)
    assert result.seed_accuracy["none"].shape == (2, 2) and result.sweep_accuracy.shape == (S, K, 3)
    assert result.X_dev.shape == (2, exp.TINY.n_dev) and "(chosen)" in t["sweep_table"]


def _claims_with_seeds(short, train, test):
    """The claims when the seeds end at these (train, test) accuracies per variant."""
    seeds = {v: np.column_stack([np.array(train[v], float), np.array(test[v], float)]) for v in train}
    return regularization_fig.metrics(dataclasses.replace(short, seed_accuracy=seeds))["claims"]


def test_a_training_change_inside_the_seed_spread_is_called_so(short):
    """The claim compares each regularizer's mean change with the unregularized seeds' spread."""
    test = {v: [0.8, 0.8] for v in ("none", "l2", "dropout")}

    def within(none, l2, dropout):
        claims = _claims_with_seeds(short, {"none": none, "l2": l2, "dropout": dropout}, test)
        return claims["train_changes_within_none_spread"]

    assert within([0.90, 1.00], [0.94, 0.94], [0.96, 0.96])
    assert not within([0.90, 1.00], [0.80, 0.80], [0.96, 0.96])
    assert not within([0.95, 0.95], [0.94, 0.94], [0.95, 0.95])


def test_test_accuracy_claims_compare_spreads_and_gains(short):
    train = {v: [0.9, 0.9] for v in ("none", "l2", "dropout")}
    c = _claims_with_seeds(short, train, {"none": [0.80, 0.90], "l2": [0.87, 0.88], "dropout": [0.88, 0.88]})
    assert c["regularized_test_spread_narrower"] and c["test_gains_within_none_spread"]
    assert c["best_none_matches_a_regularized_run"]
    c = _claims_with_seeds(short, train, {"none": [0.80, 0.82], "l2": [0.87, 0.88], "dropout": [0.84, 0.90]})
    assert not c["regularized_test_spread_narrower"]        # dropout scatters more than none
    assert not c["test_gains_within_none_spread"]          # gains of 6.5 and 6 points > a spread of 2
    assert not c["best_none_matches_a_regularized_run"]    # none's best 0.82 < every regularized run
