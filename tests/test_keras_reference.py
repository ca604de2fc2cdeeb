"""Tier 3: our optimizers, schedules and training loop against TensorFlow/Keras, in float64.

Conventions are mapped as follows:

- course momentum (an exponential average) is Keras ``SGD(learning_rate=lr * (1 - beta),
  momentum=beta)``; the naive ``SGD(learning_rate=lr, momentum=beta)`` is a different rule;
- Keras ``RMSprop`` puts epsilon inside the square root and Keras ``Adam`` uses "epsilon hat",
  so both sides use a tiny epsilon;
- Keras schedules count optimizer steps, ours count epochs: step = epoch * steps_per_epoch.

Every hyperparameter handed to Keras is a NumPy float64 (``f64``), not a Python float: Keras 3
on TensorFlow turns a Python float into a float32 tensor before casting it to the variable's
dtype, so ``ops.cast(0.9, "float64") == 0.8999999761581421``. That shifts ``beta`` by ~3e-8
relative, which momentum amplifies to ~1e-6 in the parameters within 20 steps, and it makes
``InverseTimeDecay(0.1, ...)`` a float32 schedule. A float64 scalar is kept as float64.

Skipped when TensorFlow is not installed.
"""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from course_code import datasets, keras_compat  # noqa: E402
from course_code.initializers import initialize_parameters  # noqa: E402
from course_code.optimizers import adam, gd, momentum, rmsprop  # noqa: E402
from course_code.schedules import (  # noqa: E402
    constant,
    exponential_decay,
    inverse_time_decay,
    staircase_decay,
)
from course_code.training import train  # noqa: E402

pytestmark = pytest.mark.keras

#: Small enough that epsilon's placement changes an update by ~1e-10 relative (see below).
TINY_EPS = 1e-12
TOL = 1e-6
N_STEPS = 20
f64 = np.float64
SHAPES = {"W1": (3, 4), "b1": (3, 1), "W2": (1, 3), "b2": (1, 1)}
#: 300 moons in mini-batches of 64 -> batches of 64, 64, 64, 64, 44: 5 updates per epoch.
STEPS_PER_EPOCH = 5


@pytest.fixture(autouse=True)
def float64_keras():
    """Keras' default float type is global state: float64 for the test, then restored."""
    with keras_compat.float64_keras():
        yield


max_rel_error = keras_compat.max_rel_error
run_keras = keras_compat.run_keras


def random_problem(seed: int):
    """A parameter dict and ``N_STEPS`` gradient dicts, all standard normal."""
    return keras_compat.random_problem(np.random.default_rng(seed), SHAPES, N_STEPS)


def run_ours(opt, params, grads, lr):
    """Our parameters after every step (the harness checks ``state.count == len(grads)``)."""
    return keras_compat.run_ours(opt, params, grads, lr)


def assert_same_trajectory(ours, theirs, start):
    """Every step agrees to ``TOL``; and the parameters did move, so agreement means something."""
    for step, err in enumerate(keras_compat.step_errors(ours, theirs), start=1):
        assert err < TOL, f"step {step}: max relative error {err:.3e}"
    assert max_rel_error(ours[-1], start) > 1e-3


# ---------------------------------------------------------------- update rules

@pytest.mark.parametrize("spec", [
    ("SGD", {"learning_rate": f64(0.05)}),
    ("SGD", {"learning_rate": f64(0.005), "momentum": f64(0.9)}),
    ("RMSprop", {"learning_rate": f64(0.01), "rho": f64(0.999), "epsilon": f64(TINY_EPS)}),
    ("Adam", {"learning_rate": f64(0.01), "beta_1": f64(0.9), "beta_2": f64(0.999), "epsilon": f64(1e-7)}),
])
def test_run_keras_in_a_graph_gives_the_eager_numbers_bit_for_bit(spec):
    # the graph optimizer's arithmetic rewrites are off while the graph is built (exact_graphs);
    # with them on, RMSprop's parameters differ in the last bits
    params, grads = random_problem(5)
    name, kwargs = spec
    graph = run_keras(getattr(keras.optimizers, name)(**kwargs), params, grads)
    eager = run_keras(getattr(keras.optimizers, name)(**kwargs), params, grads, graph=False)
    for step, (a, b) in enumerate(zip(graph, eager, strict=True), start=1):
        for k in a:
            assert np.array_equal(a[k], b[k]), f"step {step}: {k}"
    assert tf.config.optimizer.get_experimental_options().get("arithmetic_optimization", True)


def test_gd_matches_keras_sgd():
    params, grads = random_problem(0)
    lr = 0.05
    ours = run_ours(gd(), params, grads, lr)
    theirs = run_keras(keras.optimizers.SGD(learning_rate=f64(lr)), params, grads)
    assert_same_trajectory(ours, theirs, params)


@pytest.mark.parametrize("beta", [0.9, 0.5])
def test_momentum_matches_keras_sgd_with_mapped_learning_rate(beta):
    # Ours: v = beta v + (1 - beta) g, W -= lr v. Keras: u = beta u - eta g, W += u.
    # With eta = lr (1 - beta), u = -lr v at every step.
    params, grads = random_problem(1)
    lr = 0.05
    ours = run_ours(momentum(beta), params, grads, lr)
    keras_opt = keras.optimizers.SGD(learning_rate=f64(lr * (1 - beta)), momentum=f64(beta))
    theirs = run_keras(keras_opt, params, grads)
    assert_same_trajectory(ours, theirs, params)


def test_naive_momentum_mapping_is_wrong():
    """``SGD(learning_rate=lr, momentum=beta)`` takes steps ~1/(1 - beta) times ours: the
    mapping above is needed, and the comparison is able to fail."""
    params, grads = random_problem(1)
    lr, beta = 0.05, 0.9
    ours = run_ours(momentum(beta), params, grads, lr)
    naive = run_keras(keras.optimizers.SGD(learning_rate=f64(lr), momentum=f64(beta)), params, grads)
    assert max_rel_error(ours[-1], naive[-1]) > 1e-3


@pytest.mark.parametrize("beta", [0.9, 0.999])
def test_rmsprop_matches_keras(beta):
    # Ours divides by sqrt(s) + eps, Keras by sqrt(s + eps). With s ~ 1e-3 or more here
    # (squared N(0, 1) gradients, averaged), eps = 1e-12 changes either denominator by
    # at most ~1e-10 relative, far below TOL; with Keras' default 1e-7 it would not.
    params, grads = random_problem(2)
    lr = 0.01
    ours = run_ours(rmsprop(beta=beta, epsilon=TINY_EPS), params, grads, lr)
    keras_opt = keras.optimizers.RMSprop(learning_rate=f64(lr), rho=f64(beta), epsilon=f64(TINY_EPS),
                                         momentum=0.0, centered=False)
    theirs = run_keras(keras_opt, params, grads)
    assert_same_trajectory(ours, theirs, params)


@pytest.mark.parametrize("beta1, beta2", [(0.9, 0.999), (0.8, 0.888)])
def test_adam_matches_keras(beta1, beta2):
    # Ours adds eps to sqrt(s_hat) (Algorithm 1); Keras adds "epsilon hat" to sqrt(s) and
    # folds the bias corrections into the step size. The rules agree exactly at eps = 0;
    # with eps = 1e-12 they differ by ~eps / sqrt(s) ~ 1e-10 relative per step.
    params, grads = random_problem(3)
    lr = 0.01
    ours = run_ours(adam(beta1=beta1, beta2=beta2, epsilon=TINY_EPS), params, grads, lr)
    keras_opt = keras.optimizers.Adam(learning_rate=f64(lr), beta_1=f64(beta1), beta_2=f64(beta2),
                                      epsilon=f64(TINY_EPS))
    theirs = run_keras(keras_opt, params, grads)
    assert_same_trajectory(ours, theirs, params)


# ---------------------------------------------------------------- schedules

N_EPOCHS = 40


def keras_at_epochs(schedule, epochs):
    steps = np.asarray(epochs) * STEPS_PER_EPOCH
    return np.array([float(schedule(tf.constant(int(s), dtype=tf.int64))) for s in steps])


@pytest.mark.parametrize("schedule", [constant(0.1), inverse_time_decay(0.5, 0.3),
                                      staircase_decay(0.1, 1.0, 3), exponential_decay(0.1, 0.95)])
def test_harness_schedules_match_at_every_step(schedule):
    """The harness' mapping (decay_steps in steps, staircase=True): equal at every optimizer
    step, not only at the start of each epoch."""
    err = keras_compat.schedule_errors(schedule, STEPS_PER_EPOCH, N_EPOCHS * STEPS_PER_EPOCH)
    assert err.max() < 1e-12, err.max()


def assert_close_schedules(ours, theirs):
    err = np.abs(ours - theirs) / np.maximum(np.abs(ours) + np.abs(theirs), 1e-300)
    assert err.max() < 1e-12, err.max()


@pytest.mark.parametrize("lr0, k", [(0.1, 1.0), (0.5, 0.3)])
def test_inverse_time_decay_matches_keras(lr0, k):
    epochs = np.arange(N_EPOCHS + 1)
    theirs = keras_at_epochs(
        keras.optimizers.schedules.InverseTimeDecay(f64(lr0), decay_steps=STEPS_PER_EPOCH,
                                                    decay_rate=f64(k)), epochs)
    assert_close_schedules(inverse_time_decay(lr0, k)(epochs), theirs)


@pytest.mark.parametrize("lr0, k, T", [(0.1, 1.0, 3), (0.5, 0.3, 10), (0.01, 1.0, 1)])
def test_staircase_decay_matches_keras(lr0, k, T):
    epochs = np.arange(N_EPOCHS + 1)
    theirs = keras_at_epochs(
        keras.optimizers.schedules.InverseTimeDecay(
            f64(lr0), decay_steps=T * STEPS_PER_EPOCH, decay_rate=f64(k), staircase=True), epochs)
    ours = staircase_decay(lr0, k, time_interval=T)(epochs)
    assert_close_schedules(ours, theirs)
    assert len(np.unique(ours)) == N_EPOCHS // T + 1  # it does decay, in steps of T epochs


@pytest.mark.parametrize("lr0, gamma", [(0.1, 0.95), (0.01, 0.5)])
def test_exponential_decay_matches_keras(lr0, gamma):
    epochs = np.arange(N_EPOCHS + 1)
    theirs = keras_at_epochs(
        keras.optimizers.schedules.ExponentialDecay(f64(lr0), decay_steps=STEPS_PER_EPOCH,
                                                    decay_rate=f64(gamma)),
        epochs)
    assert_close_schedules(exponential_decay(lr0, gamma)(epochs), theirs)


def test_keras_staircase_is_constant_within_an_epoch():
    """Every optimizer step of epoch e gets our rate for epoch e; without ``staircase``
    Keras would instead decay a little at every step inside the epoch."""
    lr0, k, T = 0.1, 1.0, 3
    stair = keras.optimizers.schedules.InverseTimeDecay(
        f64(lr0), decay_steps=T * STEPS_PER_EPOCH, decay_rate=f64(k), staircase=True)
    smooth = keras.optimizers.schedules.InverseTimeDecay(
        f64(lr0), decay_steps=STEPS_PER_EPOCH, decay_rate=f64(k), staircase=False)
    ours = staircase_decay(lr0, k, time_interval=T)
    for epoch in range(3 * T + 1):
        steps = range(epoch * STEPS_PER_EPOCH, (epoch + 1) * STEPS_PER_EPOCH)
        rates = np.array([float(stair(tf.constant(s, dtype=tf.int64))) for s in steps])
        np.testing.assert_allclose(rates, ours(epoch), rtol=1e-12, atol=0)
        within = np.array([float(smooth(tf.constant(s, dtype=tf.int64))) for s in steps])
        assert np.all(np.diff(within) < 0)


# ---------------------------------------------------------------- whole training

LAYER_DIMS = [2, 5, 2, 1]
TRAIN_EPOCHS = 20


@pytest.fixture(scope="module")
def moons_and_init():
    """The course's moons and a He initialization in which every hidden unit is active on
    >= 10% of the points, so every layer really trains."""
    data = datasets.moons()
    X, Y = data.X_train, data.Y_train
    init = initialize_parameters(LAYER_DIMS, "he", rng=np.random.default_rng(3))
    assert keras_compat.least_active_fraction(init, X) > 0.1
    return X, Y, init


def keras_full_batch(X, Y, init, keras_opt, epochs):
    """The same network in Keras, trained full batch; returns (params, cost of each epoch).

    The last layer outputs logits and the loss takes logits: BinaryCrossentropy on
    probabilities clips them to [eps, 1 - eps], which is not exact for saturated outputs.
    """
    model = keras.Sequential([
        keras.Input(shape=(LAYER_DIMS[0],), dtype="float64"),
        keras.layers.Dense(LAYER_DIMS[1], activation="relu", dtype="float64"),
        keras.layers.Dense(LAYER_DIMS[2], activation="relu", dtype="float64"),
        keras.layers.Dense(LAYER_DIMS[3], activation=None, dtype="float64"),
    ])
    for l, layer in enumerate(model.layers, start=1):
        layer.set_weights([init[f"W{l}"].T, init[f"b{l}"].ravel()])  # Keras kernels are (in, out)
    return keras_compat.train_full_batch(model, X, Y, keras.losses.BinaryCrossentropy(from_logits=True),
                                         keras_opt, epochs)


# Adam's epsilon: in a ReLU network some weights get an exactly zero gradient for a while
# (two units that are never active on the same point) and then a tiny one, so their s is
# tiny and the two epsilon conventions (ours on sqrt(s_hat), Keras' on sqrt(s)) differ by
# ~eps / sqrt(s_hat) there. Measured on this run: 3e-6 relative at eps = 1e-12, 3e-10 at
# eps = 1e-16, scaling with eps. So this run uses 1e-16; eps = 0 would divide 0 by 0.
WHOLE_RUN_CASES = {
    # name: (our optimizer, Keras optimizer, learning rate, tolerance)
    "gd": (gd, lambda lr: keras.optimizers.SGD(learning_rate=f64(lr)), 0.3, 1e-12),
    "adam": (lambda: adam(epsilon=1e-16),
             lambda lr: keras.optimizers.Adam(learning_rate=f64(lr), beta_1=f64(0.9), beta_2=f64(0.999),
                                              epsilon=f64(1e-16)),
             0.01, TOL),
}


@pytest.mark.parametrize("name", list(WHOLE_RUN_CASES))
def test_full_batch_training_matches_keras(moons_and_init, name):
    """20 full-batch updates of the [2, 5, 2, 1] network on the moons: forward, backward,
    cost and update rule end to end against TensorFlow. Plain GD agrees to rounding, so
    any difference in the Adam run is the update rule's."""
    X, Y, init = moons_and_init
    make_ours, make_keras, lr, tol = WHOLE_RUN_CASES[name]
    ours = train(X, Y, LAYER_DIMS, optimizer=make_ours(), schedule=constant(lr), num_epochs=TRAIN_EPOCHS,
                 mini_batch_size=None, init=init, rng=np.random.default_rng(0), record_every=1)
    assert ours.steps == TRAIN_EPOCHS
    theirs, keras_costs = keras_full_batch(X, Y, init, make_keras(lr), TRAIN_EPOCHS)
    err = max_rel_error(ours.params, theirs)
    assert err < tol, f"final parameters: max relative error {err:.3e}"
    np.testing.assert_allclose(ours.costs, keras_costs, rtol=1e-10)
    assert max_rel_error(ours.params, init) > 1e-3  # training did move the parameters


def test_least_active_fraction_finds_the_quietest_unit():
    """Unit 1 of layer 1 fires on 1 of the 4 points, unit 2 on 2; the unit of layer 2 on all 4."""
    params = {"W1": np.array([[1.0, 0.0], [-1.0, 0.0]]), "b1": np.array([[-2.5], [0.5]]),
              "W2": np.array([[0.0, 1.0]]), "b2": np.array([[0.1]]),
              "W3": np.ones((1, 1)), "b3": np.zeros((1, 1))}
    X = np.array([[1.0, -1.0, 0.0, 3.0], [0.0, 0.0, 0.0, 0.0]])
    assert keras_compat.least_active_fraction(params, X) == 0.25
    params["b1"][0] = -5.0  # unit 1 never fires
    assert keras_compat.least_active_fraction(params, X) == 0.0
