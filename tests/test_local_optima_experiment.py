"""The local_optima experiment: TINY runs, determinism, the package's update rules, the report."""

import numpy as np
import pytest

from course_code import experiments, figures
from course_code.landscapes import saddle_grad
from course_code.optimizers import adam

local_optima = experiments.get("local_optima")


@pytest.fixture(scope="module")
def result():
    return local_optima.run(local_optima.TINY, rng=np.random.default_rng(local_optima.SEED))


def test_shapes(result):
    c = local_optima.TINY
    for surface, k in (("saddle", len(c.saddle_y0)), ("plateau", len(c.plateau_x0))):
        for name in local_optima.OPTIMIZERS:
            assert result.escape_steps[surface][name].shape == (k,)
            assert result.paths[surface][name].shape == (c.path_steps + 1, 2, k)
    assert result.minima_fraction.shape == result.negative_share.shape == (c.n_seeds, len(c.dims))


def test_paths_start_at_the_starts_and_follow_the_package_rule(result):
    c = local_optima.TINY
    P = result.paths["saddle"]["adam"]
    np.testing.assert_array_equal(P[0], local_optima.starts("saddle", c))
    opt = adam()  # three steps by hand with the package's Adam
    params = {"W": P[0]}
    state = opt.init(params)
    for t in range(1, 4):
        grads = {"dW": saddle_grad(params["W"])}
        params, state = opt.update(params, grads, state, learning_rate=c.learning_rate)
        np.testing.assert_allclose(P[t], params["W"], rtol=1e-15)


def test_escape_steps_are_when_the_path_crosses(result):
    c = local_optima.TINY
    for name in local_optima.OPTIMIZERS:
        steps, P = result.escape_steps["saddle"][name], result.paths["saddle"][name]
        for k, s in enumerate(steps):
            if 0 < s <= c.path_steps:
                assert abs(P[s, 1, k]) >= local_optima.SADDLE_ESCAPE > abs(P[s - 1, 1, k])


def test_gd_escape_time_follows_the_log_law(result):
    # |y| grows by (1 + lr) per step near the ridge: from 1e-4 vs 1e-1, three decades apart
    c = local_optima.TINY
    s = result.escape_steps["saddle"]["gd"]
    expected = 3 * np.log(10) / np.log(1 + c.learning_rate)
    assert (s[0] - s[1]) == pytest.approx(expected, rel=0.05)


def test_same_seed_same_arrays(result):
    again = local_optima.run(local_optima.TINY, rng=np.random.default_rng(local_optima.SEED))
    np.testing.assert_array_equal(again.minima_fraction, result.minima_fraction)
    for surface in local_optima.SURFACES:
        for name in local_optima.OPTIMIZERS:
            np.testing.assert_array_equal(again.paths[surface][name], result.paths[surface][name])
    other = local_optima.run(local_optima.TINY, rng=np.random.default_rng(local_optima.SEED + 1))
    assert not np.array_equal(other.negative_share, result.negative_share)


def test_report_has_metrics_claims_tables_figures(result):
    report = figures.get("local_optima").report(result)
    m = report.metrics
    assert set(m["escape"]) == {"saddle", "plateau"}
    assert {"n1", "n2", "n3"} <= set(m["minima"]) and "exact" in m["minima"]["n2"]
    assert {"gd_slower_closer_to_ridge", "adam_faster_than_gd_everywhere", "below_coin_flips",
            "exact_values_reproduced"} <= set(m["claims"])
    assert all(isinstance(v, bool) for v in m["claims"].values())
    assert set(report.figures) == {"paths", "escape", "minima"}
    assert set(report.tables) == {"saddle_table", "plateau_table", "minima_table"}


@pytest.mark.parametrize("field,value", [("learning_rate", 0.0), ("saddle_y0", ()), ("dims", (0,)),
                                         ("max_steps", 1.5), ("samples_per_seed", -3)])
def test_bad_config_names_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        local_optima.Config(**{field: value})
