"""Tier 3 for the softmax network: against Keras, step for step in float64, and in accuracy on a
bundled multi-class set.

Skipped when TensorFlow is not installed.
"""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from course_code import datasets, keras_compat  # noqa: E402
from course_code.initializers import initialize_parameters  # noqa: E402
from course_code.network import accuracy  # noqa: E402
from course_code.optimizers import adam, gd  # noqa: E402
from course_code.schedules import constant  # noqa: E402
from course_code.training import train  # noqa: E402

pytestmark = pytest.mark.keras
f64 = np.float64
DIMS = [2, 6, 4, 3]


def _keras_model(dims: list[int], dtype: str):
    """ReLU hidden layers and a last layer of logits (the loss takes logits)."""
    return keras.Sequential([
        keras.Input(shape=(dims[0],), dtype=dtype),
        *[keras.layers.Dense(n, activation="relu", dtype=dtype) for n in dims[1:-1]],
        keras.layers.Dense(dims[-1], activation=None, dtype=dtype),
    ])


@pytest.fixture(scope="module")
def three_classes():
    """Three bands of 2-D points, one-hot labels, and a He start in which every hidden unit is
    active on >= 10% of the points."""
    rng = np.random.default_rng(5)
    X = rng.standard_normal((2, 240))
    labels = np.digitize(X[0] + 0.5 * X[1], [-0.5, 0.5])
    Y = np.eye(3)[:, labels]
    init = initialize_parameters(DIMS, "he", rng=np.random.default_rng(2))
    assert keras_compat.least_active_fraction(init, X) > 0.1
    return X, Y, init


CASES = {  # name: (ours, Keras, learning rate, tolerance on the final parameters)
    "gd": (gd, lambda lr: keras.optimizers.SGD(learning_rate=f64(lr)), 0.5, 1e-12),
    "adam": (lambda: adam(epsilon=1e-16),
             lambda lr: keras.optimizers.Adam(learning_rate=f64(lr), beta_1=f64(0.9), beta_2=f64(0.999),
                                              epsilon=f64(1e-16)), 0.02, 1e-6),
}


@pytest.mark.parametrize("name", list(CASES))
def test_full_batch_softmax_training_matches_keras(three_classes, name):
    """20 full-batch updates: softmax, categorical cross-entropy, its gradient y_hat - y and the
    update rule, end to end against Keras' CategoricalCrossentropy on logits."""
    X, Y, init = three_classes
    make_ours, make_keras, lr, tol = CASES[name]
    epochs = 20
    ours = train(X, Y, DIMS, optimizer=make_ours(), schedule=constant(lr), num_epochs=epochs,
                 init=init, rng=np.random.default_rng(0), record_every=1, output="softmax")
    with keras_compat.float64_keras():
        model = _keras_model(DIMS, "float64")
        for l, layer in enumerate(model.layers, start=1):
            layer.set_weights([init[f"W{l}"].T, init[f"b{l}"].ravel()])
        theirs, costs = keras_compat.train_full_batch(
            model, X, Y, keras.losses.CategoricalCrossentropy(from_logits=True), make_keras(lr), epochs)
    np.testing.assert_allclose(ours.costs, costs, rtol=1e-10)
    err = keras_compat.max_rel_error(ours.params, theirs)
    assert err < tol, f"final parameters: max relative error {err:.3e}"
    assert keras_compat.max_rel_error(ours.params, init) > 1e-3  # training did move them


SEEDS = (0, 1, 2)
DIGIT_DIMS = [64, 25, 12, 6]


def test_softmax_on_the_digits_reaches_the_accuracy_of_keras(capsys):
    """The same network shape, optimizer, batch size and epochs on the same split of
    scikit-learn's digits (6 classes): our mean test accuracy over seeds is within 2 points of
    a Keras model trained with ``fit`` from its own initialization."""
    data = datasets.digits(rng=np.random.default_rng(1))
    lr, epochs, batch = 1e-3, 60, 32
    ours, theirs = [], []
    for seed in SEEDS:
        r = train(data.X_train, data.Y_train, DIGIT_DIMS, optimizer=adam(), schedule=constant(lr),
                  num_epochs=epochs, mini_batch_size=batch, init="xavier", rng=np.random.default_rng(seed),
                  output="softmax")
        ours.append(accuracy(data.X_test, data.Y_test, r.params, output="softmax"))
        keras.utils.set_random_seed(seed)
        model = _keras_model(DIGIT_DIMS, "float32")
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr),
                      loss=keras.losses.CategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
        model.fit(data.X_train.T, data.Y_train.T, batch_size=batch, epochs=epochs, shuffle=True, verbose=0)
        theirs.append(float(model.evaluate(data.X_test.T, data.Y_test.T, verbose=0)[1]))
    with capsys.disabled():
        print(f"\n  digits, {len(SEEDS)} seeds, test accuracy: ours {np.round(ours, 4)} "
              f"(mean {np.mean(ours):.4f}), Keras {np.round(theirs, 4)} (mean {np.mean(theirs):.4f})")
    assert min(ours) > 0.9 and min(theirs) > 0.9  # both really learned the six classes
    assert abs(np.mean(ours) - np.mean(theirs)) <= 0.02
