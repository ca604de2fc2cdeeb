"""The network with batch-normalized layers: gradients, modes, running statistics, training."""

import functools

import numpy as np
import pytest

from course_code import datasets
from course_code.batchnorm import batchnorm_backward
from course_code.batchnorm_network import (
    accuracy,
    backward,
    batch_statistics_output,
    batchnorm_layers,
    forward,
    predict,
    train,
    with_batchnorm,
)
from course_code.gradient_check import gradient_check
from course_code.initializers import initialize_parameters
from course_code.layers import linear_backward
from course_code.losses import cross_entropy_from_logits, l2_cost
from course_code.network import param_keys
from course_code.optimizers import adam, gd
from course_code.schedules import constant
from course_code.training import TrainingDiverged
from course_code.training import train as plain_train

#: gradient_check on this network: its forward pass in training mode and its backward pass.
BN = {"forward_fn": functools.partial(forward, training=True), "backward_fn": backward}


def _bn_problem(rng, dims=(3, 6, 5, 4, 1), layers=(1, 2, 3), m=12):
    params = with_batchnorm(initialize_parameters(list(dims), "xavier", rng=rng), layers)
    for k in params:  # move gamma, beta (and the remaining biases) off their initial values
        if not k.startswith("W"):
            params[k] = params[k] + rng.standard_normal(params[k].shape) * 0.3
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    return params, X, Y


@pytest.mark.parametrize("seed, layers", [(0, (1, 2, 3)), (1, (1, 2, 3)), (2, (2,)), (3, (1, 3))])
def test_network_gradient_with_batchnorm(seed, layers):
    params, X, Y = _bn_problem(np.random.default_rng(seed), layers=layers)
    assert gradient_check(params, X, Y, epsilon=1e-6, **BN) < 1e-7
    assert gradient_check(params, X, Y, lambd=0.5, epsilon=1e-6, **BN) < 1e-7


def test_batchnorm_layer_has_gamma_beta_and_no_bias(rng):
    params, X, Y = _bn_problem(rng, layers=(2,))
    assert batchnorm_layers(params) == (2,)
    assert param_keys(params) == ["W1", "b1", "W2", "gamma2", "beta2", "W3", "b3", "W4", "b4"]
    AL, caches = forward(X, params, training=True)
    grads = backward(AL, Y, caches)
    assert set(grads) == {"d" + k for k in params}
    # Training mode: the normalized layer's input to the ReLU has mean beta and std |gamma| per unit.
    Zt = caches[1].linear_activation.Z
    np.testing.assert_allclose(Zt.mean(axis=1, keepdims=True), params["beta2"], atol=1e-12)
    np.testing.assert_allclose(Zt.std(axis=1, keepdims=True), np.abs(params["gamma2"]), rtol=1e-3)
    # A bias before batch norm would be cancelled exactly: its gradient is zero.
    _, _, db = linear_backward(batchnorm_backward(np.ones_like(Zt), caches[1].batchnorm)[0],
                               caches[1].linear_activation.linear)
    np.testing.assert_allclose(db, 0, atol=1e-12)


def test_running_statistics_drive_inference(rng):
    params, X, _ = _bn_problem(rng, layers=(1, 2, 3), m=40)
    running = None
    for _ in range(300):  # same batch again and again: the running stats converge to its stats
        _, caches = forward(X, params, training=True, running=running)
        running = tuple(c.running for c in caches[:-1])
    AL_train, _ = forward(X, params, training=True)
    AL_infer, _ = forward(X, params, training=False, running=running)
    np.testing.assert_allclose(AL_infer, AL_train, rtol=1e-6)
    # Inference does not depend on the rest of the batch: one example alone gives the same output.
    one, _ = forward(X[:, :1], params, training=False, running=running)
    np.testing.assert_allclose(one, AL_infer[:, :1], rtol=1e-12)
    alone, _ = forward(X[:, :2], params, training=True)  # batch statistics of 2 examples differ
    assert not np.allclose(alone, AL_train[:, :2])
    p = predict(X, params, running=running)
    np.testing.assert_array_equal(p, (AL_train > 0.5).astype(int))
    assert accuracy(X, p, params, running=running) == 1.0


def test_batchnorm_bad_input_is_named(rng):
    params, X, _ = _bn_problem(rng, layers=(1, 3))
    with pytest.raises(ValueError, match=r"training=True.*training=None"):
        forward(X, params, training=None)
    with pytest.raises(ValueError, match=r"training='yes'"):
        forward(X, params, training="yes")
    with pytest.raises(ValueError, match="running"):
        predict(X, params, running=None)
    _, caches = forward(X, params, training=True)
    running = tuple(c.running for c in caches[:-1])
    with pytest.raises(ValueError, match=r"one entry per hidden layer \(3\), got 2"):
        predict(X, params, running=running[:2])
    with pytest.raises(ValueError, match=r"running\[1\].*layer 2 is not"):
        predict(X, params, running=(running[0], running[0], running[2]))
    with pytest.raises(ValueError, match=r"running\[0\].*\(6, 1\)"):
        predict(X, params, running=(running[2], None, running[2]))
    with pytest.raises(ValueError, match=r"gamma3.*\(2, 1\).*\(4, 1\)"):
        forward(X, {**params, "gamma3": np.ones((2, 1))}, training=True)
    with pytest.raises(ValueError, match="keys"):
        forward(X, {**params, "b1": np.zeros((6, 1))}, training=True)  # both b1 and gamma1
    with pytest.raises(ValueError, match=r"layer 4"):
        with_batchnorm(initialize_parameters([3, 6, 5, 4, 1], "he", rng=rng), (4,))
    with pytest.raises(ValueError, match=r"running\[0\] is given but layer 1 is not batch-normalized"):
        predict(X, initialize_parameters([3, 6, 5, 4, 1], "he", rng=rng), running=running)


def _deep_moons(**kw):
    data = datasets.moons()
    dims = [2, 8, 8, 8, 1]
    args = {"optimizer": gd(), "schedule": constant(0.1), "num_epochs": 60, "record_every": 10,
            "rng": np.random.default_rng(5), **kw}
    batch_norm = args.pop("batch_norm", None)
    if batch_norm is None:
        return data, dims, plain_train(data.X_train, data.Y_train, dims, **args)
    return data, dims, train(data.X_train, data.Y_train, dims, batch_norm=batch_norm, **args)


def test_batchnorm_training_reduces_the_cost_and_carries_running_statistics():
    data, _, r = _deep_moons(batch_norm=True, mini_batch_size=64)
    assert r.costs[-1] < 0.6 * r.costs[0]
    assert set(r.params) == {"W1", "gamma1", "beta1", "W2", "gamma2", "beta2", "W3", "gamma3", "beta3",
                             "W4", "b4"}
    assert r.steps == 60 * 5 and len(r.running) == 3
    for l, stats in enumerate(r.running, start=1):
        assert stats.mean.shape == stats.var.shape == (8, 1) and np.all(stats.var > 0)
        assert not np.allclose(r.params[f"gamma{l}"], 1)  # gamma and beta were learned
    acc = accuracy(data.X_train, data.Y_train, r.params, running=r.running)
    assert acc > 0.8
    with pytest.raises(ValueError, match="running"):
        accuracy(data.X_train, data.Y_train, r.params, running=None)


def test_batchnorm_on_some_layers_and_from_an_init_dict(rng):
    data = datasets.moons()
    init = initialize_parameters([2, 8, 8, 8, 1], "he", rng=rng)
    before = {k: v.copy() for k, v in init.items()}
    r = train(data.X_train, data.Y_train, [2, 8, 8, 8, 1], optimizer=adam(), schedule=constant(0.01),
              num_epochs=20, mini_batch_size=100, init=init, rng=rng, batch_norm=(False, True, False))
    assert "b1" in r.params and "gamma2" in r.params and "b2" not in r.params and "b3" in r.params
    assert r.running[0] is None and r.running[2] is None and r.running[1].mean.shape == (8, 1)
    assert set(init) == set(before)  # the dict given as init is left as it was (b2 included)
    for k in init:
        np.testing.assert_array_equal(init[k], before[k])


def test_batchnorm_is_deterministic_and_all_false_is_the_plain_network():
    _, _, a = _deep_moons(batch_norm=True, mini_batch_size=64, keep_prob=0.9)
    _, _, b = _deep_moons(batch_norm=True, mini_batch_size=64, keep_prob=0.9)
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])
    np.testing.assert_array_equal(a.costs, b.costs)
    _, _, plain = _deep_moons(mini_batch_size=64)
    _, _, none = _deep_moons(mini_batch_size=64, batch_norm=(False, False, False))
    # No layer batch-normalized: the readable loop trains what the fast engine trains (the two
    # orders of summation differ in the last bit, so equal to rounding, not bitwise).
    assert plain.running is None and none.running == (None, None, None)
    for k in plain.params:
        np.testing.assert_allclose(none.params[k], plain.params[k], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(none.costs, plain.costs, rtol=1e-12)


def test_batchnorm_cost_matches_the_readable_network_in_training_mode():
    data, _, r = _deep_moons(batch_norm=True, lambd=0.3, num_epochs=1, record_every=1)
    init = initialize_parameters([2, 8, 8, 8, 1], "he", rng=np.random.default_rng(5))
    params = with_batchnorm(init, (1, 2, 3))
    _, caches = forward(data.X_train, params, training=True)
    expected = cross_entropy_from_logits(caches[-1].linear_activation.Z, data.Y_train) + l2_cost(
        params, 0.3, data.X_train.shape[1])
    assert r.costs[0] == pytest.approx(expected, rel=1e-12)


def test_batchnorm_divergence_and_bad_arguments_are_named(rng):
    X, Y = rng.standard_normal((2, 40)), (rng.random((1, 40)) < 0.5).astype(float)
    kw = {"optimizer": gd(), "schedule": constant(0.1), "num_epochs": 2, "rng": rng}
    with pytest.raises(ValueError, match=r"batch_norm.*\(2\).*\(True,\)"):
        train(X, Y, [2, 3, 3, 1], batch_norm=(True,), **kw)
    with pytest.raises(ValueError, match=r"batch_norm.*'yes'"):
        train(X, Y, [2, 3, 3, 1], batch_norm="yes", **kw)
    with pytest.raises(ValueError, match=r"batch_norm.*\(1, 0\)"):
        train(X, Y, [2, 3, 3, 1], batch_norm=(1, 0), **kw)
    with pytest.raises(TrainingDiverged, match=r"(nan|inf).*epoch.*1e\+300"):
        train(X * 100, Y, [2, 8, 1], batch_norm=True, **{**kw, "schedule": constant(1e300), "num_epochs": 50})


def test_without_batchnorm_layers_it_is_the_plain_network(rng):
    """forward/backward here equal course_code.network's when no layer is batch-normalized."""
    from course_code import network

    params = initialize_parameters([3, 6, 4, 1], "he", rng=rng)
    X, Y = rng.standard_normal((3, 9)), (rng.random((1, 9)) < 0.5).astype(float)
    AL, caches = forward(X, params, training=True)
    AL0, caches0 = network.forward(X, params)
    np.testing.assert_array_equal(AL, AL0)
    grads, grads0 = backward(AL, Y, caches, lambd=0.2), network.backward(AL0, Y, caches0, lambd=0.2)
    assert grads.keys() == grads0.keys()
    for k in grads:
        np.testing.assert_array_equal(grads[k], grads0[k])


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@pytest.mark.parametrize("layers", [(1, 2, 3), (2,)])
def test_a_batch_of_one_gives_every_example_the_same_output(layers, rng):
    """Alone in its batch, z - mu = 0 in every normalized unit, so the unit outputs relu(beta)."""
    params, X, _ = _bn_problem(rng, layers=layers, m=7)
    out = batch_statistics_output(X, params, 1)
    # golden value from the parameters alone: the last normalized layer outputs relu(beta) for
    # every example, and the plain layers after it see that same constant
    last = max(layers)
    A = np.maximum(params[f"beta{last}"], 0.0)
    for l in range(last + 1, 4):
        A = np.maximum(params[f"W{l}"] @ A + params[f"b{l}"], 0.0)
    expected = _sigmoid(params["W4"] @ A + params["b4"])
    assert out.shape == (1, 7)
    np.testing.assert_allclose(out, np.repeat(expected, 7, axis=1), rtol=1e-12)


def test_batch_statistics_output_depends_on_the_neighbours(rng):
    params, X, _ = _bn_problem(rng, layers=(1, 2, 3), m=8)
    whole, _ = forward(X, params, training=True)
    np.testing.assert_array_equal(batch_statistics_output(X, params, 8), whole)
    np.testing.assert_array_equal(batch_statistics_output(X, params, 50), whole)  # larger: one batch
    pairs = batch_statistics_output(X, params, 2)
    # batches of two: change the second point and the first point's output changes too
    X2 = X.copy()
    X2[:, 1] += 3.0
    moved = batch_statistics_output(X2, params, 2)
    assert not np.isclose(moved[0, 0], pairs[0, 0])
    np.testing.assert_array_equal(moved[:, 2:], pairs[:, 2:])  # the other batches are untouched
    # a remainder batch: 8 points in batches of 3 -> the last two points form their own batch
    np.testing.assert_array_equal(batch_statistics_output(X, params, 3)[:, 6:],
                                  batch_statistics_output(X[:, 6:], params, 2))
    with pytest.raises(ValueError, match=r"batch_size.*0"):
        batch_statistics_output(X, params, 0)
    with pytest.raises(ValueError, match=r"batch_size.*2\.0"):
        batch_statistics_output(X, params, 2.0)
