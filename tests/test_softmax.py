"""Softmax regression: the softmax output layer, the categorical cross-entropy, and training it."""

import math

import numpy as np
import pytest

from course_code.activations import hardmax, softmax, softmax_backward
from course_code.gradient_check import gradient_check, numerical_gradient
from course_code.initializers import initialize_parameters
from course_code.losses import (
    categorical_cross_entropy,
    categorical_cross_entropy_from_logits,
    check_one_hot,
    compute_cost,
    cost_from_logits,
    cross_entropy_from_logits,
)
from course_code.minibatch import random_mini_batches
from course_code.network import accuracy, backward, forward, predict
from course_code.optimizers import adam, gd, momentum
from course_code.schedules import constant, inverse_time_decay
from course_code.training import train, train_many


def _one_hot(labels, C):
    Y = np.zeros((C, len(labels)))
    Y[labels, np.arange(len(labels))] = 1.0
    return Y


def _problem(rng, dims=(4, 5, 3, 3), m=8):
    params = initialize_parameters(list(dims), "xavier", rng=rng)
    for k in params:  # nonzero biases so their gradients are exercised
        if k.startswith("b"):
            params[k] = rng.standard_normal(params[k].shape) * 0.1
    X = rng.standard_normal((dims[0], m))
    return params, X, _one_hot(rng.integers(0, dims[-1], m), dims[-1])


# ------------------------------------------------------------------ the cost and its gradient
def test_categorical_cross_entropy_golden_value():
    AL = np.array([[0.7, 0.2], [0.2, 0.5], [0.1, 0.3]])
    Y = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])
    # -(ln 0.7 + ln 0.3) / 2, worked out by hand
    assert categorical_cross_entropy(AL, Y) == pytest.approx(0.7803238741323343, rel=1e-14)
    assert compute_cost(AL, Y) == pytest.approx(0.7803238741323343, rel=1e-14)


def test_uniform_scores_cost_ln_C():
    Y = _one_hot([0, 3, 5, 1], 6)
    assert categorical_cross_entropy_from_logits(np.zeros((6, 4)), Y) == pytest.approx(math.log(6), rel=1e-14)


def test_logits_version_matches_probabilities_and_survives_huge_scores(rng):
    Z, Y = rng.standard_normal((4, 9)) * 3, _one_hot(rng.integers(0, 4, 9), 4)
    assert categorical_cross_entropy_from_logits(Z, Y) == pytest.approx(
        categorical_cross_entropy(softmax(Z)[0], Y), rel=1e-12)
    big = np.array([[1000.0, -1000.0], [0.0, 1000.0]])  # exp(1000) overflows
    Yb = np.array([[0.0, 1.0], [1.0, 0.0]])             # both wrong, by 1000 and by 2000
    assert categorical_cross_entropy_from_logits(big, Yb) == pytest.approx(1500.0, rel=1e-12)


def test_softmax_with_cross_entropy_has_gradient_yhat_minus_y(rng):
    m = 7
    Z, Y = rng.standard_normal((5, m)), _one_hot(rng.integers(0, 5, m), 5)
    numeric = numerical_gradient(lambda z: categorical_cross_entropy_from_logits(z, Y), Z, epsilon=1e-6)
    expected = (softmax(Z)[0] - Y) / m
    assert np.max(np.abs(numeric - expected)) < 1e-9
    # the long way round: dJ/dA = -Y / (m A), through the softmax's Jacobian
    A = softmax(Z)[0]
    np.testing.assert_allclose(softmax_backward(-Y / (m * A), A), expected, atol=1e-15)


# ------------------------------------------------------------------ the network
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_softmax_network_gradient(seed):
    params, X, Y = _problem(np.random.default_rng(seed))
    assert gradient_check(params, X, Y, epsilon=1e-6, output="softmax") < 1e-7


@pytest.mark.parametrize("seed", [0, 1])
def test_softmax_network_gradient_with_l2_and_dropout(seed):
    rng = np.random.default_rng(seed)
    params, X, Y = _problem(rng, dims=(3, 6, 4, 5), m=9)
    assert gradient_check(params, X, Y, lambd=0.7, epsilon=1e-6, output="softmax") < 1e-7
    masks = [(rng.random((6, 9)) < 0.7).astype(float), (rng.random((4, 9)) < 0.7).astype(float)]
    assert gradient_check(params, X, Y, keep_prob=0.7, masks=masks, epsilon=1e-6, output="softmax") < 1e-7


def test_gradient_check_catches_a_wrong_output_gradient():
    params, X, Y = _problem(np.random.default_rng(3))

    def broken(AL, Y, caches, **kw):  # an off-by-one class index in the labels
        return backward(AL, np.roll(Y, 1, axis=0), caches, **kw)

    assert gradient_check(params, X, Y, epsilon=1e-6, output="softmax", backward_fn=broken) > 1e-2


def _sigmoid_twin(params):
    """The sigmoid network computing the same function as a C = 2 softmax network."""
    L = len(params) // 2
    twin = {k: v.copy() for k, v in params.items()}
    twin[f"W{L}"] = params[f"W{L}"][1:2] - params[f"W{L}"][0:1]
    twin[f"b{L}"] = params[f"b{L}"][1:2] - params[f"b{L}"][0:1]
    return twin


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_class_softmax_is_the_sigmoid_network(seed):
    rng = np.random.default_rng(seed)
    params, X, Y2 = _problem(rng, dims=(4, 6, 3, 2), m=11)
    twin, y = _sigmoid_twin(params), Y2[1:2]            # class 1 is the sigmoid's "1"
    A2, caches2 = forward(X, params, output="softmax")
    A1, caches1 = forward(X, twin)
    rel = np.max(np.abs(A2[1:2] - A1) / A1)
    assert rel < 1e-12
    assert compute_cost(A2, Y2, params, lambd=0.0) == pytest.approx(compute_cost(A1, y), rel=1e-12)
    assert cost_from_logits(caches2[-1].linear_activation.Z, Y2) == pytest.approx(
        cross_entropy_from_logits(caches1[-1].linear_activation.Z, y), rel=1e-12)
    g2, g1 = backward(A2, Y2, caches2), backward(A1, y, caches1)
    for k in ("dW1", "db1", "dW2", "db2"):               # hidden layers: the same gradients
        np.testing.assert_allclose(g2[k], g1[k], rtol=1e-12, atol=1e-15)
    for k in ("dW3", "db3"):                             # the two rows: +g and -g
        np.testing.assert_allclose(g2[k][1:2], g1[k], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(g2[k][0:1], -g1[k], rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(predict(X, params, output="softmax")[1:2], predict(X, twin))


def test_predict_is_the_hardmax_and_accuracy_counts_columns():
    params = {"W1": np.eye(3), "b1": np.zeros((3, 1))}
    X = np.array([[2.0, 0.0, 0.1, 5.0], [1.0, 3.0, 0.2, 5.0], [0.0, 1.0, 0.3, 0.0]])
    P = predict(X, params, output="softmax")
    np.testing.assert_array_equal(P, [[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0]])  # tie: first class
    np.testing.assert_array_equal(P, hardmax(X))
    Y = _one_hot([0, 1, 0, 1], 3)
    assert accuracy(X, Y, params, output="softmax") == 0.5


def test_hardmax_has_no_gradient(rng):
    Z, Y = rng.standard_normal((4, 6)), _one_hot(rng.integers(0, 4, 6), 4)
    numeric = numerical_gradient(lambda z: float(np.sum(hardmax(z) * Y)), Z, epsilon=1e-6)
    assert np.all(numeric == 0.0)


# ------------------------------------------------------------------ bad input
def test_bad_one_hot_labels_are_named(rng):
    params, X, Y = _problem(rng)
    AL, caches = forward(X, params, output="softmax")
    twice = Y.copy()
    twice[:, 2] = 1.0
    with pytest.raises(ValueError, match=r"column 2 sums to 3"):
        backward(AL, twice, caches)
    with pytest.raises(ValueError, match=r"only 0s and 1s"):
        compute_cost(AL, Y * 0.5)
    with pytest.raises(ValueError, match=r"4 classes.*3 units"):
        backward(AL, np.vstack([Y, np.zeros((1, 8))]), caches)
    with pytest.raises(ValueError, match=r"column 0 sums to 0"):
        check_one_hot(np.zeros((3, 2)))


def test_bad_output_settings_are_named(rng):
    params, X, _ = _problem(rng, dims=(4, 5, 1))
    with pytest.raises(ValueError, match=r"softmax.*C >= 2.*got 1"):
        forward(X, params, output="softmax")
    with pytest.raises(ValueError, match=r"output must be one of.*'softplus'"):
        forward(X, params, output="softplus")
    kw = {"optimizer": gd(), "schedule": constant(0.1), "num_epochs": 2, "rng": rng}
    Y3 = _one_hot(rng.integers(0, 3, 8), 3)
    with pytest.raises(ValueError, match=r"1 unit.*output='softmax'"):
        train(X, Y3, [4, 5, 3], **kw)
    with pytest.raises(ValueError, match=r"Y must have shape \(4, 8\).*\(3, 8\)"):
        train(X, Y3, [4, 5, 4], output="softmax", **kw)
    with pytest.raises(ValueError, match=r"column 1 sums to 2"):
        bad = Y3.copy()
        bad[:, 1] = [1.0, 1.0, 0.0]
        train(X, bad, [4, 5, 3], output="softmax", **kw)


# ------------------------------------------------------------------ training: engine == reference
def _reference(X, Y, dims, opt, schedule, epochs, size, lambd, keep_prob, seed):
    rng = np.random.default_rng(seed)
    params = initialize_parameters(dims, "he", rng=rng)
    state, m, costs = opt.init(params), X.shape[1], []
    for epoch in range(epochs):
        batches = random_mini_batches(X, Y, size, rng=rng) if size < m else [(X, Y)]
        total = 0.0
        penalty = lambd / (2 * m) * sum(np.sum(params[k] ** 2) for k in params if k[0] == "W")
        for Xb, Yb in batches:
            AL, caches = forward(Xb, params, keep_prob=keep_prob, rng=rng, output="softmax")
            total += categorical_cross_entropy_from_logits(caches[-1].linear_activation.Z, Yb) * Xb.shape[1]
            grads = backward(AL, Yb, caches, lambd=lambd * Xb.shape[1] / m, keep_prob=keep_prob)
            params, state = opt.update(params, grads, state, learning_rate=schedule(epoch))
        costs.append(total / m + penalty)
    return params, np.array(costs)


@pytest.mark.parametrize("opt, size, lambd, keep_prob", [
    (gd(), None, 0.0, 1.0),
    (momentum(0.9), 16, 0.3, 1.0),
    (adam(), 32, 0.2, 0.8),
], ids=["gd", "momentum-minibatch-l2", "adam-minibatch-l2-dropout"])
def test_softmax_engine_matches_the_reference_network(opt, size, lambd, keep_prob):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((3, 70))
    Y = _one_hot((X[0] > 0).astype(int) + (X[1] > 0).astype(int), 3)
    dims, epochs, schedule = [3, 6, 4, 3], 12, inverse_time_decay(0.05, 0.1)
    r = train(X, Y, dims, optimizer=opt, schedule=schedule, num_epochs=epochs, mini_batch_size=size,
              lambd=lambd, keep_prob=keep_prob, rng=np.random.default_rng(7), record_every=1,
              output="softmax")
    ref_params, ref_costs = _reference(X, Y, dims, opt, schedule, epochs, size or 70, lambd, keep_prob,
                                       seed=7)
    for k in ref_params:
        np.testing.assert_allclose(r.params[k], ref_params[k], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(r.costs, ref_costs, rtol=1e-10)


def test_train_many_softmax_gives_what_train_gives():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((3, 50))
    Y = _one_hot(np.argmax(X, axis=0), 3)
    kw = dict(optimizer=adam(), schedule=constant(0.01), num_epochs=8, mini_batch_size=16, record_every=1,
              output="softmax")
    many = train_many(X, Y, [3, 5, 3], inits="he", rngs=[np.random.default_rng(s) for s in (4, 5)], **kw)
    for s, r in zip((4, 5), many, strict=True):
        one = train(X, Y, [3, 5, 3], rng=np.random.default_rng(s), **kw)
        for k in one.params:
            np.testing.assert_allclose(r.params[k], one.params[k], rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(r.costs, one.costs, rtol=1e-10)


def test_softmax_training_learns_a_three_class_problem():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((2, 300))
    Y = _one_hot(np.digitize(X[0] + X[1], [-0.7, 0.7]), 3)
    r = train(X, Y, [2, 8, 3], optimizer=adam(), schedule=constant(0.02), num_epochs=150, mini_batch_size=64,
              rng=rng, output="softmax")
    assert r.costs[-1] < 0.5 * r.costs[0]
    assert accuracy(X, Y, r.params, output="softmax") > 0.9
    assert np.allclose(forward(X, r.params, output="softmax")[0].sum(axis=0), 1.0)
