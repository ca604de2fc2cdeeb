"""Every experiment that chooses something chooses it on a dev set and scores the test set once.

Each test makes the test set disagree with the dev set and checks that the choice follows the
dev set: a choice that peeked at the test set would move.
"""

import dataclasses

import numpy as np
import pytest

from course_code import search
from course_code.experiments import data_splits, hyperparameter_search, regularization
from course_code.figures import regularization as regularization_fig


def test_regularization_chooses_lambda_on_the_dev_set():
    result = regularization.run(regularization.TINY, rng=np.random.default_rng(0))
    c = result.config
    # The dev set is its own draw: not the training set, not the test set.
    assert result.X_dev.shape == (2, c.n_dev)
    assert not np.array_equal(result.X_dev, result.data.X_test[:, :c.n_dev])
    assert result.sweep_accuracy.shape == (c.sweep_seeds, len(c.sweep_lambdas), 3)
    lams = c.sweep_lambdas
    # Make the test column prefer one lambda and the dev column another.
    acc = result.sweep_accuracy.copy()
    acc[:, :, 1] = 0.8
    acc[:, 1, 1] = 0.9            # dev prefers lams[1]
    acc[:, :, 2] = 0.8
    acc[:, 2, 2] = 0.99           # test prefers lams[2]
    rigged = dataclasses.replace(result, sweep_accuracy=acc)
    summary = regularization_fig.metrics(rigged)["sweep"]
    assert summary["best_lambda"] == lams[1]
    assert summary["test_at_best"] == pytest.approx(0.8)  # the test set is read at the dev choice only


def test_hyperparameter_search_chooses_on_validation_and_scores_the_test_set_after():
    cfg = hyperparameter_search.TINY
    result = hyperparameter_search.run(cfg, rng=np.random.default_rng(hyperparameter_search.SEED))
    last = result.rounds[-1]
    ok = ~np.isnan(last.accuracy)
    best = np.flatnonzero(ok & (last.accuracy == np.nanmax(last.accuracy)))[0]
    # The chosen trial is the last round's best on validation ...
    assert result.chosen_val == last.accuracy[best]
    assert result.chosen == (last.learning_rate[best], last.beta[best])
    # ... and the test set is a separate draw of its own size, scored once, for that trial only.
    task = hyperparameter_search.task(cfg)
    val = search._data(task.n_train, task.n_val, task.noise, task.data_seed)
    assert val.X_test.shape[1] == cfg.n_val and cfg.n_test > 0
    assert 0.0 <= result.chosen_test <= 1.0


def test_data_splits_dev_choice_ignores_the_test_set():
    result = data_splits.run(data_splits.TINY, rng=np.random.default_rng(1))
    k = result.config.n_models
    by_dev = data_splits.overstatement(result, k, choose_on="dev")
    # Scramble the test scores: a dev choice (and so its fresh accuracy) must not change.
    rng = np.random.default_rng(2)
    scrambled = dataclasses.replace(result, test_accuracy=rng.permutation(result.test_accuracy, axis=-1))
    again = data_splits.overstatement(scrambled, k, choose_on="dev")
    np.testing.assert_array_equal(by_dev["fresh"], again["fresh"])
    np.testing.assert_array_equal(by_dev["selection"], again["selection"])
