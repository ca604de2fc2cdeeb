"""course_code.tf_intro: the course's TensorFlow exercises, training, Keras and GradientTape.

The import check runs without TensorFlow; the rest is skipped when it is not installed.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from conftest import PRINTED, legacy_rng

from course_code import datasets
from course_code.gradient_check import relative_difference
from course_code.initializers import initialize_parameters as np_initialize

DIMS = (64, 25, 12, 6)


def test_import_does_not_pull_in_tensorflow():
    code = ("import sys, course_code, course_code.tf_intro, course_code.experiments.tensorflow_intro; "
            "print('tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.fixture(scope="module")
def ti():
    pytest.importorskip("tensorflow")
    from course_code import tf_intro

    return tf_intro


@pytest.fixture(scope="module")
def small_data():
    """The digits, cut to 200 training and 60 test images to keep the tests fast."""
    d = datasets.digits(rng=np.random.default_rng(0), n_test=60)
    return d.X_train[:, :200], d.Y_train[:, :200], d.X_test, d.Y_test


@pytest.mark.keras
def test_course_exercise_values(ti):
    Y = ti.linear_function(legacy_rng(1))
    np.testing.assert_allclose(Y, [[-2.15657382], [2.95891446], [-1.08926781], [-0.84538042]],
                               atol=PRINTED)
    assert Y.dtype.name == "float64"
    np.testing.assert_allclose(ti.sigmoid(-1), 0.26894143, atol=PRINTED)
    assert float(ti.sigmoid(0)) == 0.5
    np.testing.assert_allclose(ti.sigmoid(12), 0.9999939, atol=5e-8)
    np.testing.assert_array_equal(ti.one_hot_matrix(1, 4), [0.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(ti.one_hot_matrix(np.array([2]), 4), [0.0, 0.0, 1.0, 0.0])
    assert ti.one_hot_matrix(1, 4).shape == (4,)


@pytest.mark.keras
def test_initialization_shapes_zero_biases_and_glorot_scale(ti):
    tf = pytest.importorskip("tensorflow")
    params = ti.initialize_parameters((12288, 25, 12, 6), seed=1)
    shapes = {"W1": (25, 12288), "b1": (25, 1), "W2": (12, 25), "b2": (12, 1), "W3": (6, 12), "b3": (6, 1)}
    assert {k: tuple(v.shape) for k, v in params.items()} == shapes
    assert all(isinstance(v, tf.Variable) and v.dtype == tf.float64 for v in params.values())
    assert all(not np.any(params[f"b{l}"].numpy()) for l in (1, 2, 3))
    np.testing.assert_allclose(params["W1"].numpy().std(), np.sqrt(2 / (12288 + 25)), rtol=0.05)
    again = ti.initialize_parameters((12288, 25, 12, 6), seed=1)
    other = ti.initialize_parameters((12288, 25, 12, 6), seed=2)
    assert np.array_equal(params["W2"].numpy(), again["W2"].numpy())
    assert not np.array_equal(params["W2"].numpy(), other["W2"].numpy())


@pytest.mark.keras
def test_forward_and_total_loss_match_numpy(ti):
    rng = np.random.default_rng(5)
    params = ti.initialize_parameters((4, 5, 3), seed=3)
    X = rng.standard_normal((4, 7))
    Y = np.eye(3)[:, rng.integers(0, 3, 7)]
    logits = ti.forward_propagation(X, params).numpy()
    W = {k: v.numpy() for k, v in params.items()}
    np.testing.assert_allclose(logits, W["W2"] @ np.maximum(W["W1"] @ X + W["b1"], 0) + W["b2"],
                               rtol=1e-13)
    z = logits - logits.max(0)
    expected = -np.sum(Y * (z - np.log(np.exp(z).sum(0))))
    np.testing.assert_allclose(float(ti.compute_total_loss(logits, Y)), expected, rtol=1e-13)


@pytest.mark.keras
def test_course_total_loss_value(ti):
    """The course's loss test: two examples with labels 5 and 0 sum to 0.810287."""
    logits = np.array([[2.4048107, 5.0334096], [-0.7921977, -4.1523376], [0.9447198, -0.46802214],
                       [1.158121, 3.9810789], [4.768706, 2.3220146], [6.1481323, 3.909829]])
    labels = np.eye(6)[:, [5, 0]]
    np.testing.assert_allclose(float(ti.compute_total_loss(logits, labels)), 0.810287, atol=5e-7)


@pytest.mark.keras
def test_bad_shapes_raise_value_errors_naming_them(ti, small_data):
    params = ti.initialize_parameters((4, 5, 3), seed=3)
    with pytest.raises(ValueError, match=r"\(4, m\).*\(5, 2\)"):
        ti.forward_propagation(np.zeros((5, 2)), params)
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(2, 3\)"):
        ti.compute_total_loss(np.zeros((3, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"outside 0 \.\. 3"):
        ti.one_hot_matrix(4, 4)
    X, Y, Xt, Yt = small_data
    with pytest.raises(ValueError, match=r"Y_train must have shape \(6, 200\), got \(200, 6\)"):
        ti.train_model(X, Y.T, Xt, Yt, layer_dims=DIMS, learning_rate=1e-3, num_epochs=1, seed=0)
    with pytest.raises(ValueError, match=r"X_test must have shape \(64, m\), got \(60, 64\)"):
        ti.train_model(X, Y, Xt.T, Yt, layer_dims=DIMS, learning_rate=1e-3, num_epochs=1, seed=0)


@pytest.fixture(scope="module")
def trained(ti, small_data):
    return ti.train_model(*small_data, layer_dims=DIMS, learning_rate=1e-2, num_epochs=4, seed=7)


@pytest.mark.keras
def test_training_is_deterministic_and_learns(ti, small_data, trained):
    again = ti.train_model(*small_data, layer_dims=DIMS, learning_rate=1e-2, num_epochs=4, seed=7)
    for k in trained.params:
        assert np.array_equal(trained.params[k], again.params[k]), k
    assert np.array_equal(trained.costs, again.costs)
    assert np.array_equal(trained.test_accuracy, again.test_accuracy)
    other = ti.train_model(*small_data, layer_dims=DIMS, learning_rate=1e-2, num_epochs=4, seed=8)
    assert not np.array_equal(trained.params["W1"], other.params["W1"])
    assert trained.costs.shape == trained.train_accuracy.shape == (4,)
    assert trained.costs[0] < np.log(6) + 0.2 and trained.costs[-1] < 0.6 * trained.costs[0]
    assert trained.final_train_accuracy == trained.train_accuracy[-1] > 0.7


@pytest.mark.keras
def test_cost_is_the_per_example_mean(ti, small_data):
    """With a zero learning rate nothing moves: the epoch cost is the mean loss at the start."""
    r = ti.train_model(*small_data, layer_dims=DIMS, learning_rate=0.0, num_epochs=1, seed=7)
    start = ti.initialize_parameters(DIMS, seed=7)
    X, Y = small_data[0], small_data[1]
    mean = float(ti.compute_total_loss(ti.forward_propagation(X, start), Y)) / X.shape[1]
    np.testing.assert_allclose(r.costs[0], mean, rtol=1e-12)
    np.testing.assert_array_equal(r.params["W1"], start["W1"].numpy())


@pytest.mark.keras
def test_keras_fit_matches_the_low_level_loop(ti, small_data, trained):
    cmp = ti.compare_with_keras(trained, *small_data, layer_dims=DIMS, learning_rate=1e-2,
                                num_epochs=4, seed=7)
    assert cmp.max_abs_weight_difference < 1e-12 and cmp.max_abs_weight > 0.1
    for pair in (cmp.train_cost, cmp.test_cost):
        assert abs(pair[0] - pair[1]) < 1e-12
    assert cmp.train_accuracy[0] == cmp.train_accuracy[1]
    assert cmp.test_accuracy[0] == cmp.test_accuracy[1]


@pytest.mark.keras
def test_keras_model_copies_the_weights_transposed(ti):
    params = {k: v.numpy() for k, v in ti.initialize_parameters((4, 5, 3), seed=1).items()}
    params["b1"] = np.arange(5.0).reshape(5, 1)
    model = ti.keras_model(params)
    X = np.random.default_rng(0).standard_normal((4, 6))
    np.testing.assert_allclose(np.asarray(model(X.T)).T, ti.forward_propagation(X, params),
                               rtol=1e-13)


@pytest.mark.keras
def test_gradient_tape_agrees_with_our_backward(ti, small_data):
    X, Y = small_data[0][:, :32], small_data[1][:1, :32]
    params = np_initialize([64, 10, 5, 1], "he", rng=np.random.default_rng(1))
    errors = ti.gradient_tape_check(X, Y, params)
    assert set(errors) == set(params)
    assert max(errors.values()) < 1e-6
    # The comparison has teeth: the gradients are far from zero, and flipping the labels
    # (a different cost) is detected.
    tape = ti.tape_gradients(X, Y, params)
    assert min(np.linalg.norm(tape["d" + k]) for k in params) > 1e-3
    flipped = ti.tape_gradients(X, 1 - Y, params)
    assert relative_difference(flipped["dW3"], tape["dW3"]) > 1e-2
    with pytest.raises(ValueError, match=r"Y must have shape \(1, 32\)"):
        ti.tape_gradients(X, Y.T, params)
