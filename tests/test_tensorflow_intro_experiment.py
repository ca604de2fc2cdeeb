"""The tensorflow_intro experiment's claims, on a shortened run."""

import numpy as np
import pytest

from course_code.experiments import tensorflow_intro as exp
from course_code.figures import tensorflow_intro as tensorflow_intro_fig

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.keras


@pytest.fixture(scope="module")
def result():
    cfg = exp.Config(num_epochs=12, n_seeds=2, check_examples=32)
    return exp.run(cfg, rng=np.random.default_rng(exp.SEED))


def test_raised_rate_reaches_the_target_and_the_course_rate_lags(result):
    run, course = result.run, result.course_rate
    assert result.data.X_train.shape == (64, 843) and result.data.Y_test.shape == (6, 120)
    assert result.X_dev.shape == (64, 120) and result.Y_dev.shape == (6, 120)
    assert run.final_test_accuracy >= exp.TARGET_ACCURACY  # on the dev set
    assert np.all(result.seed_accuracy[:, 1] >= exp.TARGET_ACCURACY - 0.03)
    # Same start, same batches: ten times the rate is far ahead after 12 epochs.
    assert course.final_test_accuracy < run.final_test_accuracy - 0.1
    assert course.costs[-1] > 3 * run.costs[-1]
    assert run.costs[0] < np.log(6) + 0.1  # starts near a uniform guess


def test_keras_gradient_tape_and_confusion(result):
    assert result.keras.max_abs_weight_difference < 1e-12
    assert max(result.tape_errors.values()) < 1e-6 and set(result.tape_errors) == {
        "W1", "b1", "W2", "b2", "W3", "b3"}
    M = result.confusion
    assert M.shape == (6, 6) and M.sum() == 120
    np.testing.assert_array_equal(M.sum(1), result.data.Y_test.sum(1))
    assert np.trace(M) / M.sum() == pytest.approx(result.test_accuracy)


def test_report_metrics_and_tables(result):
    rep = tensorflow_intro_fig.report(result)
    m = rep.metrics
    assert m["learning_rate_ratio"] == pytest.approx(10.0)
    assert m["course_learning_rate"] == 1e-4 and m["learning_rate"] == 1e-3
    assert 1 <= m["epochs_to_target"] <= 12
    assert m["course_rate_epochs_to_target"] == 0  # never within 12 epochs
    assert set(rep.tables) == {"accuracy", "seeds", "gradient_tape", "keras"}
    assert "never" in rep.tables["accuracy"]
    assert set(rep.figures) == {"samples", "costs", "accuracy_curves", "confusion"}
    assert m["n_train"] == 843 and m["n_dev"] == 120 and m["n_test"] == 120
    assert m["n_images"] == 1083 and m["test_accuracy"] == result.test_accuracy
    assert all(m["claims"].values()), m["claims"]


def test_selection_uses_the_dev_set_and_the_test_set_once(result):
    """The curves and the choice of rate come from dev images, never from the test images."""
    assert result.curve_set == "dev"
    dev, train = result.dev_index, result.train_index
    assert np.intersect1d(dev, train).size == 0 and dev.size + train.size == exp.N_POOL
    # the dev images are drawn from the training images, never from the test images
    from course_code import datasets
    full = datasets.digits(rng=np.random.default_rng(exp.SEED))  # run's first draw
    np.testing.assert_array_equal(result.X_dev, full.X_train[:, dev])
    np.testing.assert_array_equal(result.data.X_train, full.X_train[:, train])
    np.testing.assert_array_equal(result.data.X_test, full.X_test)
    # the last point of each per-epoch curve is the final network's accuracy on DEV ...
    for r in (result.run, result.course_rate):
        assert r.test_accuracy[-1] == pytest.approx(exp.accuracy(r.params, result.X_dev, result.Y_dev))
    # ... and the test number is the chosen network on the test images
    assert result.chosen_learning_rate == result.config.learning_rate
    assert result.test_accuracy == pytest.approx(
        exp.accuracy(result.run.params, result.data.X_test, result.data.Y_test))
    assert result.seed_test_accuracy.shape == (result.config.n_seeds,)


def test_choose_rate_uses_epochs_then_accuracy():
    acc = np.array([[0.9, 0.95], [0.9, 0.95]])
    assert exp.choose_rate(np.array([[3, 0], [5, 0]]), acc, 10) == 0
    assert exp.choose_rate(np.array([[0, 4], [0, 6]]), acc, 10) == 1
    assert exp.choose_rate(np.array([[0, 0], [0, 0]]), acc, 10) == 1  # tie: higher dev accuracy


def test_split_dev_is_a_partition():
    dev, train = exp.split_dev(10, 3, np.random.default_rng(0))
    assert dev.size == 3 and np.array_equal(np.sort(np.concatenate([dev, train])), np.arange(10))
    with pytest.raises(ValueError, match="n_dev"):
        exp.Config(n_dev=963)


def test_confusion_matrix_counts():
    Y = np.eye(3)[:, [0, 1, 2, 2]]
    logits = np.eye(3)[:, [0, 2, 2, 1]]
    np.testing.assert_array_equal(exp.confusion_matrix(logits, Y),
                                  [[1, 0, 0], [0, 0, 1], [0, 1, 1]])


def test_first_epoch_at_target():
    assert exp.first_epoch_at_target(np.array([0.5, 0.96, 0.9])) == 2
    assert exp.first_epoch_at_target(np.array([0.5])) == 0


def test_seed_study_shapes(result):
    n = result.config.n_seeds
    assert result.seed_accuracy.shape == result.seed_course_accuracy.shape == (n, 2)
    assert result.seed_epochs_to_target.shape == (n, 2)
    # within 12 epochs the raised rate reaches the target on every seed, the course's on none
    assert np.all(result.seed_epochs_to_target[:, 0] > 0)
    assert np.all(result.seed_epochs_to_target[:, 1] == 0)
    m = tensorflow_intro_fig.report(result).metrics
    assert m["seed_course_reaching_target"] == 0 and m["seed_course_epochs_to_target_min"] == 0
