"""``train_many`` (K networks in one vectorized loop) == K calls of ``train``."""

import copy

import numpy as np
import pytest

from course_code import datasets
from course_code.engine import FlatMLP
from course_code.initializers import initialize_parameters
from course_code.optimizers import adam, gd, momentum, rmsprop
from course_code.schedules import constant, inverse_time_decay, staircase_decay
from course_code.training import TrainingDiverged, train, train_many

RTOL = 1e-10


def _data(seed=1, m=70):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, m))
    return X, (X[0:1] * X[1:2] > 0).astype(float)


def _assert_same(many, single, rtol=RTOL):
    np.testing.assert_array_equal(many.epochs, single.epochs)
    np.testing.assert_array_equal(many.learning_rates, single.learning_rates)
    assert many.steps == single.steps
    np.testing.assert_allclose(many.costs, single.costs, rtol=rtol, atol=0)
    for k in single.params:
        np.testing.assert_allclose(many.params[k], single.params[k], rtol=rtol, atol=1e-14)


CASES = {
    "gd-full-batch": dict(optimizer=gd(), schedule=constant(0.3)),
    "gd-l2": dict(optimizer=gd(), schedule=constant(0.3), lambd=0.7),
    "gd-dropout": dict(optimizer=gd(), schedule=constant(0.3), keep_prob=0.8),
    "momentum-minibatch-l2": dict(optimizer=momentum(0.9), schedule=constant(0.05), mini_batch_size=16,
                                  lambd=0.3),
    "adam-minibatch-dropout": dict(optimizer=adam(), schedule=constant(0.01), mini_batch_size=32,
                                   keep_prob=0.7),
    "rmsprop-schedule": dict(optimizer=rmsprop(0.99), schedule=inverse_time_decay(0.05, 0.1),
                             mini_batch_size=64),
    "gd-staircase-minibatch": dict(optimizer=gd(), schedule=staircase_decay(0.5, 1.0, time_interval=20),
                                   mini_batch_size=20),
}


@pytest.mark.parametrize("kwargs", CASES.values(), ids=CASES.keys())
def test_each_network_equals_its_own_train_call(kwargs):
    X, Y = _data()
    dims, K = [3, 6, 4, 1], 4
    inits = [initialize_parameters(dims, "he", rng=np.random.default_rng(s)) for s in range(K)]
    rngs = [np.random.default_rng(100 + s) for s in range(K)]
    many = train_many(X, Y, dims, num_epochs=60, inits=inits, rngs=[copy.deepcopy(r) for r in rngs],
                      record_every=7, **kwargs)
    assert len(many) == K
    for i in range(K):
        single = train(X, Y, dims, num_epochs=60, init=inits[i], rng=rngs[i], record_every=7, **kwargs)
        _assert_same(many[i], single)


def test_the_streams_are_consumed_as_train_consumes_them():
    """After training, each generator is in the state ``train`` leaves it in."""
    X, Y = _data()
    dims, K = [3, 5, 1], 3
    rngs = [np.random.default_rng(s) for s in range(K)]
    copies = [copy.deepcopy(r) for r in rngs]
    train_many(X, Y, dims, optimizer=gd(), schedule=constant(0.1), num_epochs=9, inits="he", rngs=rngs,
               mini_batch_size=16, keep_prob=0.9)
    for r, c in zip(rngs, copies, strict=True):
        train(X, Y, dims, optimizer=gd(), schedule=constant(0.1), num_epochs=9, init="he", rng=c,
              mini_batch_size=16, keep_prob=0.9)
        assert r.random() == c.random()


def test_per_network_lambda_matches_separate_runs():
    X, Y = _data()
    dims, lambdas = [3, 6, 1], [0.0, 0.1, 2.0]
    init = initialize_parameters(dims, "lecun", rng=np.random.default_rng(0))
    many = train_many(X, Y, dims, optimizer=gd(), schedule=constant(0.3), num_epochs=50,
                      inits=[init] * 3, rngs=[np.random.default_rng(0)] * 3, lambd=lambdas, record_every=10)
    for r, lam in zip(many, lambdas, strict=True):
        _assert_same(r, train(X, Y, dims, optimizer=gd(), schedule=constant(0.3), num_epochs=50, init=init,
                              rng=np.random.default_rng(0), lambd=lam, record_every=10))
    assert many[0].costs[-1] < many[2].costs[-1]  # the penalty is really per network


def test_the_regularization_workload_matches_train_to_1e10():
    """The experiment's networks: 30000 full-batch steps would be slow here, 2000 with dropout."""
    data = datasets.football(rng=np.random.default_rng(0))
    dims = [2, 20, 3, 1]
    inits = [initialize_parameters(dims, "lecun", rng=np.random.default_rng(s)) for s in range(3)]
    many = train_many(data.X_train, data.Y_train, dims, optimizer=gd(), schedule=constant(0.3),
                      num_epochs=2000, inits=inits, rngs=[np.random.default_rng(s) for s in range(3)],
                      keep_prob=0.86, record_every=500)
    for i in range(3):
        _assert_same(many[i], train(data.X_train, data.Y_train, dims, optimizer=gd(), schedule=constant(0.3),
                                    num_epochs=2000, init=inits[i], rng=np.random.default_rng(i),
                                    keep_prob=0.86, record_every=500))


def test_leaves_the_inits_untouched_and_draws_named_inits_from_each_rng():
    X, Y = _data()
    dims = [3, 4, 1]
    init = initialize_parameters(dims, "he", rng=np.random.default_rng(0))
    before = {k: v.copy() for k, v in init.items()}
    many = train_many(X, Y, dims, optimizer=gd(), schedule=constant(0.1), num_epochs=5,
                      inits=[init, "he"], rngs=[np.random.default_rng(1), np.random.default_rng(2)])
    for k in init:
        np.testing.assert_array_equal(init[k], before[k])
    single = train(X, Y, dims, optimizer=gd(), schedule=constant(0.1), num_epochs=5, init="he",
                   rng=np.random.default_rng(2))
    _assert_same(many[1], single)


def _diverging(on_diverge):
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((2, 40)) * 100, (rng.random((1, 40)) < 0.5).astype(float)
    dims = [2, 8, 1]
    good = initialize_parameters(dims, "he", rng=np.random.default_rng(1))
    bad = {k: v * 1e200 for k, v in good.items()}  # overflows to inf on the first updates
    return train_many(X, Y, dims, optimizer=gd(), schedule=constant(0.01), num_epochs=50,
                      inits=[good, bad, good], rngs=[np.random.default_rng(s) for s in range(3)],
                      on_diverge=on_diverge)


def test_divergence_raises_naming_the_network():
    with pytest.raises(TrainingDiverged, match=r"network 1: .*(nan|inf).*epoch"):
        _diverging("raise")


def test_divergence_can_drop_the_network_and_keep_the_others():
    a, b, c = _diverging("none")
    assert b is None and a is not None and c is not None
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], c.params[k])
        assert np.all(np.isfinite(a.params[k]))


def test_bad_arguments_are_named():
    X, Y = _data()
    kw = dict(optimizer=gd(), schedule=constant(0.1), num_epochs=2)
    with pytest.raises(ValueError, match="one entry per network"):
        train_many(X, Y, [3, 2, 1], inits=["he"], rngs=[np.random.default_rng(0)] * 2, **kw)
    with pytest.raises(ValueError, match="on_diverge"):
        train_many(X, Y, [3, 2, 1], inits="he", rngs=[np.random.default_rng(0)], on_diverge="skip", **kw)
    with pytest.raises(ValueError, match="rngs"):
        train_many(X, Y, [3, 2, 1], inits="he", rngs=[], **kw)


def test_stacked_parameter_blocks_are_views_of_theta():
    net = FlatMLP([3, 4, 2, 1], k=5)
    assert net.theta.shape == (5, 4 * 4 + 2 * 5 + 3)
    for l in range(1, 4):
        assert np.shares_memory(net.Wb[l], net.theta) and np.shares_memory(net.dWb[l], net.grad)
        assert net.Wb[l].shape[0] == 5
    net.Wb[2][3] += 1.0
    assert net.theta[3].sum() == 2 * 5 and net.theta.sum() == 2 * 5
