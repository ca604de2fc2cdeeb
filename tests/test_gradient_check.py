"""Tier 1 for batch normalization in the whole network: the checker's vector layout and what it catches."""

import functools

import numpy as np
import pytest

from course_code.batchnorm import batchnorm_backward
from course_code.batchnorm_network import backward, forward, with_batchnorm
from course_code.gradient_check import (
    gradient_check,
    grads_to_vector,
    params_to_vector,
    vector_to_params,
)
from course_code.initializers import initialize_parameters

BN = {"forward_fn": functools.partial(forward, training=True), "backward_fn": backward}


def _bn_problem(seed, dims=(4, 8, 6, 5, 4, 3, 1), m=16):
    """A deeper network, every hidden layer batch-normalized, gamma and beta away from 1 and 0."""
    rng = np.random.default_rng(seed)
    params = with_batchnorm(initialize_parameters(list(dims), "he", rng=rng), range(1, len(dims) - 1))
    for k in params:
        if k.startswith(("gamma", "beta")):
            params[k] = params[k] + rng.standard_normal(params[k].shape) * 0.3
    X = rng.standard_normal((dims[0], m)) * 2 + 1
    Y = (rng.random((1, m)) < 0.5).astype(float)
    return params, X, Y


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_whole_batchnorm_network_matches_centred_differences(seed):
    params, X, Y = _bn_problem(seed)
    assert gradient_check(params, X, Y, epsilon=1e-6, **BN) < 1e-7


def test_vector_layout_puts_gamma_and_beta_in_place_of_b():
    params, _, _ = _bn_problem(0, dims=(2, 3, 1))
    theta = params_to_vector(params)
    np.testing.assert_array_equal(theta, np.concatenate(
        [params["W1"].ravel(), params["gamma1"].ravel(), params["beta1"].ravel(), params["W2"].ravel(),
         params["b2"].ravel()]))
    back = vector_to_params(theta, params)
    assert set(back) == set(params)
    AL, caches = forward(np.ones((2, 4)), params, training=True)
    grads = backward(AL, np.ones((1, 4)), caches)
    assert grads_to_vector(grads, params).shape == theta.shape


def test_treating_the_batch_statistics_as_constants_is_caught():
    """The classic batch-norm mistake: backpropagate as if mu and sigma did not depend on Z."""
    params, X, Y = _bn_problem(1)

    def constant_statistics(AL, Y, caches, **kw):
        wrong = [c._replace(batchnorm=c.batchnorm._replace(training=False)) if c.batchnorm else c
                 for c in caches]
        return backward(AL, Y, wrong, **kw)

    wrong = {**BN, "backward_fn": constant_statistics}
    assert gradient_check(params, X, Y, epsilon=1e-6, **wrong) > 1e-2
    assert gradient_check(params, X, Y, epsilon=1e-6, **BN) < 1e-7


def test_a_wrong_dgamma_is_caught():
    params, X, Y = _bn_problem(2)

    def doubled_dgamma(AL, Y, caches, **kw):
        g = backward(AL, Y, caches, **kw)
        return {**g, "dgamma3": 2 * g["dgamma3"]}

    assert gradient_check(params, X, Y, epsilon=1e-6, **{**BN, "backward_fn": doubled_dgamma}) > 1e-3


def test_batchnorm_backward_rejects_a_wrong_shape(rng):
    params, X, _ = _bn_problem(0)
    _, caches = forward(X, params, training=True)
    with pytest.raises(ValueError, match=r"\(8, 15\).*\(8, 16\)"):
        batchnorm_backward(np.ones((8, 15)), caches[0].batchnorm)
