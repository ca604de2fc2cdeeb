"""Tier 4: training behaviour, the course's numbers, and engine == reference network."""

import numpy as np
import pytest
from conftest import legacy_rng

from course_code import datasets
from course_code.initializers import initialize_parameters
from course_code.losses import cross_entropy_from_logits, l2_cost
from course_code.minibatch import random_mini_batches
from course_code.network import accuracy, backward, forward
from course_code.optimizers import adam, gd, momentum, rmsprop
from course_code.schedules import constant, inverse_time_decay, staircase_decay
from course_code.training import TrainingDiverged, train

HE_COURSE_COSTS = [0.8830537463419761, 0.6879825919728063, 0.6751286264523371, 0.6526117768893805,
                   0.6082958970572938, 0.5304944491717495, 0.4138645817071794, 0.3117803464844441,
                   0.23696215330322562, 0.1859728720920684, 0.15015556280371808, 0.12325079292273551,
                   0.09917746546525937, 0.08457055954024283, 0.07357895962677366]


def test_he_initialization_reproduces_the_courses_run():
    data = datasets.circles()
    init = initialize_parameters([2, 10, 5, 1], "he", rng=legacy_rng(3))
    r = train(data.X_train, data.Y_train, [2, 10, 5, 1], optimizer=gd(), schedule=constant(0.01),
              num_epochs=15000, init=init, rng=np.random.default_rng(0), record_every=1000)
    np.testing.assert_array_equal(r.epochs, np.arange(0, 15000, 1000))
    np.testing.assert_allclose(r.costs, HE_COURSE_COSTS, rtol=1e-9)
    assert accuracy(data.X_train, data.Y_train, r.params) == pytest.approx(0.9933333333333333)
    assert accuracy(data.X_test, data.Y_test, r.params) == pytest.approx(0.96)


def test_zero_initialization_never_breaks_symmetry():
    data = datasets.circles()
    r = train(data.X_train, data.Y_train, [2, 10, 5, 1], optimizer=gd(), schedule=constant(0.01),
              num_epochs=3000, init="zeros", rng=np.random.default_rng(0), record_every=1000)
    np.testing.assert_allclose(r.costs, np.log(2), rtol=1e-12)
    assert np.all(r.params["W1"] == 0) and np.all(r.params["W2"] == 0)
    assert accuracy(data.X_train, data.Y_train, r.params) == 0.5


def _moons_run(optimizer, schedule, seed=10):
    data = datasets.moons()
    init = initialize_parameters([2, 5, 2, 1], "he", rng=legacy_rng(3))  # the course's weights
    r = train(data.X_train, data.Y_train, [2, 5, 2, 1], optimizer=optimizer, schedule=schedule,
              num_epochs=5000, mini_batch_size=64, init=init, rng=np.random.default_rng(seed))
    return r, accuracy(data.X_train, data.Y_train, r.params)


def test_adam_beats_gd_on_moons_and_staircase_decay_rescues_gd():
    r_gd, acc_gd = _moons_run(gd(), constant(0.0007))
    r_adam, acc_adam = _moons_run(adam(), constant(0.0007))
    r_stair, acc_stair = _moons_run(gd(), staircase_decay(0.1, 1, time_interval=1000))
    assert r_gd.costs.shape == (50,) and r_gd.steps == 5000 * 5
    assert r_gd.costs[0] == pytest.approx(0.7024, abs=2e-3)  # the course: 0.702405
    assert acc_adam > 0.92 and r_adam.costs[-1] < 0.2
    assert acc_gd < acc_adam - 0.1 and r_gd.costs[-1] > 0.5
    assert acc_stair >= 0.90
    np.testing.assert_allclose(r_stair.learning_rates[[0, 10, 20, 49]], [0.1, 0.05, 0.1 / 3, 0.02])


def _reference_training(X, Y, dims, opt, schedule, epochs, size, lambd, keep_prob, seed):
    """The same training written with the readable reference code, step by step."""
    rng = np.random.default_rng(seed)
    params = initialize_parameters(dims, "he", rng=rng)
    state, m, costs = opt.init(params), X.shape[1], []
    for epoch in range(epochs):
        batches = random_mini_batches(X, Y, size, rng=rng) if size < m else [(X, Y)]
        total, penalty = 0.0, l2_cost(params, lambd, m)
        for Xb, Yb in batches:
            AL, caches = forward(Xb, params, keep_prob=keep_prob, rng=rng)
            total += cross_entropy_from_logits(caches[-1].linear_activation.Z, Yb) * Xb.shape[1]
            # the penalty is lambda/(2m) with m the whole training set, whatever the batch size
            grads = backward(AL, Yb, caches, lambd=lambd * Xb.shape[1] / m, keep_prob=keep_prob)
            params, state = opt.update(params, grads, state, learning_rate=schedule(epoch))
        costs.append(total / m + penalty)
    return params, np.array(costs)


@pytest.mark.parametrize("opt, size, lambd, keep_prob", [
    (gd(), None, 0.0, 1.0),
    (gd(), None, 0.7, 1.0),
    (momentum(0.9), 16, 0.3, 1.0),
    (rmsprop(0.99), 16, 0.0, 0.8),
    (adam(), 32, 0.0, 0.7),
    (adam(), None, 0.2, 0.9),
], ids=["gd", "gd-l2", "momentum-minibatch-l2", "rmsprop-dropout", "adam-minibatch-dropout",
        "adam-l2-dropout"])
def test_engine_matches_the_reference_network(opt, size, lambd, keep_prob):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3, 70))
    Y = (X[0:1] * X[1:2] > 0).astype(float)
    dims, epochs, schedule = [3, 6, 4, 1], 12, inverse_time_decay(0.05, 0.1)
    r = train(X, Y, dims, optimizer=opt, schedule=schedule, num_epochs=epochs, mini_batch_size=size,
              lambd=lambd, keep_prob=keep_prob, rng=np.random.default_rng(7), record_every=1)
    ref_params, ref_costs = _reference_training(X, Y, dims, opt, schedule, epochs, size or 70,
                                                lambd, keep_prob, seed=7)
    for k in ref_params:
        np.testing.assert_allclose(r.params[k], ref_params[k], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(r.costs, ref_costs, rtol=1e-10)


def test_same_seed_same_result_different_seed_different_result():
    data = datasets.moons()

    def run(seed):
        return train(data.X_train, data.Y_train, [2, 5, 2, 1], optimizer=adam(), schedule=constant(0.01),
                     num_epochs=30, mini_batch_size=64, keep_prob=0.8, rng=np.random.default_rng(seed),
                     record_every=10)

    a, b, c = run(3), run(3), run(4)
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])
    np.testing.assert_array_equal(a.costs, b.costs)
    assert not np.array_equal(a.params["W1"], c.params["W1"])


def test_records_and_leaves_the_init_untouched(rng):
    X, Y = rng.standard_normal((2, 40)), (rng.random((1, 40)) < 0.5).astype(float)
    init = initialize_parameters([2, 3, 1], "he", rng=rng)
    before = {k: v.copy() for k, v in init.items()}
    r = train(X, Y, [2, 3, 1], optimizer=gd(), schedule=inverse_time_decay(0.1, 1.0), num_epochs=25,
              init=init, rng=rng, record_every=10)
    np.testing.assert_array_equal(r.epochs, [0, 10, 20])
    np.testing.assert_allclose(r.learning_rates, [0.1, 0.1 / 11, 0.1 / 21])
    assert r.steps == 25 and r.seconds > 0
    for k in init:
        np.testing.assert_array_equal(init[k], before[k])
    AL, _ = forward(X, init)
    assert r.costs[0] == pytest.approx(cross_entropy_from_logits(np.log(AL / (1 - AL)), Y), rel=1e-9)


def test_divergence_is_reported_with_the_value(rng):
    X, Y = rng.standard_normal((2, 40)) * 100, (rng.random((1, 40)) < 0.5).astype(float)
    with pytest.raises(TrainingDiverged, match=r"(nan|inf).*epoch"):
        train(X, Y, [2, 8, 1], optimizer=gd(), schedule=constant(1e12), num_epochs=200, rng=rng)


def test_bad_input_is_named(rng):
    X, Y = rng.standard_normal((2, 10)), np.ones((1, 10))
    kw = {"optimizer": gd(), "schedule": constant(0.1), "num_epochs": 2, "rng": rng}
    with pytest.raises(ValueError, match=r"\(1, 10\).*\(1, 9\)"):
        train(X, Y[:, :9], [2, 3, 1], **kw)
    with pytest.raises(ValueError, match=r"\(3, m\).*\(2, 10\)"):
        train(X, Y, [3, 3, 1], **kw)
    with pytest.raises(ValueError, match=r"xavierr"):
        train(X, Y, [2, 3, 1], init="xavierr", **kw)
    with pytest.raises(ValueError, match=r"keep_prob.*1\.2"):
        train(X, Y, [2, 3, 1], keep_prob=1.2, **kw)
    with pytest.raises(ValueError, match=r"lambd.*-0\.7"):
        train(X, Y, [2, 3, 1], lambd=-0.7, **kw)
    with pytest.raises(ValueError, match=r"num_epochs.*0"):
        train(X, Y, [2, 3, 1], **{**kw, "num_epochs": 0})
    with pytest.raises(ValueError, match=r"learning_rate.*-0\.5"):
        train(X, Y, [2, 3, 1], **{**kw, "schedule": lambda e: 0.1 if e == 0 else -0.5})
    with pytest.raises(ValueError, match=r"nan"):
        train(np.where(X > 1, np.nan, X), Y, [2, 3, 1], **kw)
    bad_init = initialize_parameters([2, 3, 1], "he", rng=rng)
    bad_init["W2"][0, 0] = np.nan
    with pytest.raises(ValueError, match=r"nan.*W2"):
        train(X, Y, [2, 3, 1], init=bad_init, **kw)
    with pytest.raises(TypeError, match=r"optimizer"):
        train(X, Y, [2, 3, 1], **{**kw, "optimizer": "adam"})
