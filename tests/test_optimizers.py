"""Tier 2: every update rule against the course's expected values, plus interface checks."""

import numpy as np
import pytest
from conftest import PRINTED, course_tensors

from course_code.optimizers import OptState, adam, gd, momentum, rmsprop

SHAPES = {"W1": (2, 3), "b1": (2, 1), "W2": (3, 2), "b2": (3, 1),
          "dW1": (2, 3), "db1": (2, 1), "dW2": (3, 2), "db2": (3, 1)}


def _course_case():
    t = course_tensors(1, SHAPES)
    params = {k: t[k] for k in ("W1", "b1", "W2", "b2")}
    grads = {k: t[k] for k in ("dW1", "db1", "dW2", "db2")}
    return params, grads


def test_gd_matches_the_course():
    params, grads = _course_case()
    opt = gd()
    new, state = opt.update(params, grads, opt.init(params), learning_rate=0.01)
    np.testing.assert_allclose(new["W1"], [[1.63312395, -0.61217855, -0.5339999],
                                           [-1.06196243, 0.85396039, -2.3105546]], atol=PRINTED)
    np.testing.assert_allclose(new["b1"], [[1.73978682], [-0.77021546]], atol=PRINTED)
    np.testing.assert_allclose(new["W2"], [[0.32587637, -0.24814147], [1.47146563, -2.05746183],
                                           [-0.32772076, -0.37713775]], atol=PRINTED)
    np.testing.assert_allclose(new["b2"], [[1.13773698], [-1.09301954], [-0.16397615]], atol=PRINTED)
    assert state.count == 1


def test_momentum_matches_the_course():
    params, grads = _course_case()
    opt = momentum(beta=0.9)
    new, state = opt.update(params, grads, opt.init(params), learning_rate=0.01)
    np.testing.assert_allclose(new["W1"], [[1.62522322, -0.61179863, -0.52875457],
                                           [-1.071868, 0.86426291, -2.30244029]], atol=PRINTED)
    np.testing.assert_allclose(new["b2"], [[1.1341662], [-1.09920409], [-0.171583]], atol=PRINTED)
    v = state.slots["v"]
    np.testing.assert_allclose(v["W1"], [[-0.08778584, 0.00422137, 0.05828152],
                                         [-0.11006192, 0.11447237, 0.09015907]], atol=PRINTED)
    np.testing.assert_allclose(v["b1"], [[0.05024943], [0.09008559]], atol=PRINTED)
    np.testing.assert_allclose(v["W2"], [[-0.06837279, -0.01228902], [-0.09357694, -0.02678881],
                                         [0.05303555, -0.06916608]], atol=PRINTED)
    np.testing.assert_allclose(v["b2"], [[-0.03967535], [-0.06871727], [-0.08452056]], atol=PRINTED)


def test_adam_matches_the_course_at_step_two():
    # The course applies one update with t = 2 to zero moments: start from count = 1.
    params, grads = _course_case()
    opt = adam(beta1=0.8, beta2=0.888, epsilon=1e-2)
    state = opt.init(params)._replace(count=1)
    new, state = opt.update(params, grads, state, learning_rate=0.02)
    np.testing.assert_allclose(new["W1"], [[1.63937725, -0.62327448, -0.54308727],
                                           [-1.0578897, 0.85032154, -2.31657668]], atol=PRINTED)
    np.testing.assert_allclose(new["W2"], [[0.33400549, -0.23563857], [1.47715417, -2.04561842],
                                           [-0.33729882, -0.36908457]], atol=PRINTED)
    np.testing.assert_allclose(new["b1"], [[1.72995096], [-0.7762447]], atol=PRINTED)
    np.testing.assert_allclose(new["b2"], [[1.14852557], [-1.08492339], [-0.15740527]], atol=PRINTED)
    v, s = state.slots["v"], state.slots["s"]
    np.testing.assert_allclose(v["W1"], [[-0.17557168, 0.00844275, 0.11656304],
                                         [-0.22012384, 0.22894474, 0.18031814]], atol=PRINTED)
    np.testing.assert_allclose(v["b2"], [[-0.07935071], [-0.13743454], [-0.16904113]], atol=PRINTED)
    np.testing.assert_allclose(s["W1"], [[0.08631117, 0.00019958, 0.03804344],
                                         [0.13567261, 0.14676395, 0.09104097]], atol=PRINTED)
    np.testing.assert_allclose(s["b1"], [[0.02828006], [0.09089264]], atol=PRINTED)
    assert state.count == 2


def test_rmsprop_golden_values():
    # Worked by hand from s = beta s + (1 - beta) g^2, w -= lr g / (sqrt(s) + eps), two steps.
    p = {"W1": np.linspace(-1, 1, 6).reshape(2, 3)}
    g = {"dW1": np.linspace(-0.5, 0.7, 6).reshape(2, 3)}
    opt = rmsprop(beta=0.9, epsilon=1e-8)
    p1, st = opt.update(p, g, opt.init(p), learning_rate=0.1)
    p2, st = opt.update(p1, g, st, learning_rate=0.1)
    gv = g["dW1"]
    s1 = 0.1 * gv**2
    w1 = p["W1"] - 0.1 * gv / (np.sqrt(s1) + 1e-8)
    s2 = 0.9 * s1 + 0.1 * gv**2
    w2 = w1 - 0.1 * gv / (np.sqrt(s2) + 1e-8)
    np.testing.assert_allclose(p2["W1"], w2, rtol=1e-13)
    np.testing.assert_allclose(st.slots["s"]["W1"], s2, rtol=1e-13)
    # First step moves each weight by lr / sqrt(0.1) against its gradient's sign (g != 0).
    np.testing.assert_allclose(p1["W1"] - p["W1"], -0.1 / np.sqrt(0.1) * np.sign(gv), rtol=1e-5)


def test_momentum_with_beta_zero_is_gd(rng):
    p = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal((3, 1))}
    g = {"dW1": rng.standard_normal((3, 2)), "db1": rng.standard_normal((3, 1))}
    a, _ = gd().update(p, g, gd().init(p), learning_rate=0.3)
    b, _ = momentum(0.0).update(p, g, momentum(0.0).init(p), learning_rate=0.3)
    for k in p:
        np.testing.assert_array_equal(a[k], b[k])


@pytest.mark.parametrize("opt", [gd(), momentum(0.9), rmsprop(), adam()], ids=repr)
def test_update_does_not_mutate_its_inputs(opt, rng):
    p = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal((3, 1))}
    g = {"dW1": rng.standard_normal((3, 2)), "db1": rng.standard_normal((3, 1))}
    state = opt.init(p)
    copies = ({k: v.copy() for k, v in p.items()}, {k: v.copy() for k, v in g.items()})
    new, new_state = opt.update(p, g, state, learning_rate=0.1)
    for k in p:
        np.testing.assert_array_equal(p[k], copies[0][k])
        assert not np.shares_memory(new[k], p[k])
    for k in g:
        np.testing.assert_array_equal(g[k], copies[1][k])
    assert state.count == 0 and new_state.count == 1
    assert all(np.all(a == 0) for slot in state.slots.values() for a in slot.values())
    assert isinstance(new_state, OptState)


@pytest.mark.parametrize("opt", [gd(), momentum(0.9), rmsprop(beta=0.9), adam()], ids=repr)
def test_converges_on_an_ill_conditioned_quadratic(opt):
    # f(w) = 0.5 * (w1^2 + 10 w2^2): every rule must reach the minimum at 0.
    p = {"W1": np.array([[3.0, -2.0]])}
    scale = np.array([[1.0, 10.0]])
    state = opt.init(p)
    lr = 0.05 if opt.name in ("gd", "momentum") else 0.01
    for _ in range(3000):
        p, state = opt.update(p, {"dW1": scale * p["W1"]}, state, learning_rate=lr)
    assert np.max(np.abs(p["W1"])) < 1e-2


def test_bad_hyperparameters_are_named():
    with pytest.raises(ValueError, match=r"beta.*1\.5"):
        momentum(beta=1.5)
    with pytest.raises(ValueError, match=r"beta1.*1\.0"):
        adam(beta1=1.0)
    with pytest.raises(ValueError, match=r"beta2.*-0\.1"):
        adam(beta2=-0.1)
    with pytest.raises(ValueError, match=r"beta.*nan"):
        rmsprop(beta=float("nan"))
    with pytest.raises(ValueError, match=r"epsilon.*-1e-08"):
        adam(epsilon=-1e-8)
    p = {"W1": np.ones((1, 1))}
    with pytest.raises(ValueError, match=r"learning_rate.*-0\.01"):
        gd().update(p, {"dW1": np.ones((1, 1))}, gd().init(p), learning_rate=-0.01)
    with pytest.raises(ValueError, match="dW1"):
        gd().update(p, {"dW2": np.ones((1, 1))}, gd().init(p), learning_rate=0.01)


def test_repr_names_the_hyperparameters():
    assert repr(momentum(0.8)) == "momentum(beta=0.8)"
    assert repr(adam()) == "adam(beta1=0.9, beta2=0.999, epsilon=1e-08)"
