"""The vanishing-gradients experiment: a tiny run, determinism, what He keeps flat, claims."""

import numpy as np
import pytest

from course_code.experiments import vanishing_gradients as exp
from course_code.figures import vanishing_gradients as fig


@pytest.fixture(scope="module")
def tiny():
    return exp.run(exp.TINY, rng=np.random.default_rng(0))


def test_shapes(tiny):
    c = exp.TINY
    assert tiny.layer_dims[0] == c.width and tiny.layer_dims[-1] == 1 and len(tiny.layer_dims) == c.depth + 1
    assert tiny.linear_outputs.shape == (len(c.linear_scales), c.depth)
    for n in exp.INITS:
        assert tiny.activation[n].shape == tiny.grad_activation[n].shape == (c.n_seeds, c.depth - 1)
        assert tiny.grad_weight[n].shape == (c.n_seeds, c.depth)


def test_same_seed_same_arrays(tiny):
    again = exp.run(exp.TINY, rng=np.random.default_rng(0))
    for n in exp.INITS:
        np.testing.assert_array_equal(again.activation[n], tiny.activation[n])
        np.testing.assert_array_equal(again.grad_weight[n], tiny.grad_weight[n])


def test_scales_follow_the_weight_variance(tiny):
    """Per layer, small weights shrink the signal, unit weights grow it, He keeps it in between."""
    r = fig.ratios(tiny)
    assert r["small"]["per_layer_activation"] < r["lecun"]["per_layer_activation"] < r["he"][
        "per_layer_activation"] < r["unit"]["per_layer_activation"]
    # LeCun halves the second moment per ReLU layer: about 1/sqrt(2) per layer in RMS
    assert r["lecun"]["per_layer_activation"] == pytest.approx(2 ** -0.5, rel=0.15)


def test_report_has_claims_and_metrics(tiny):
    report = fig.report(tiny)
    assert all(isinstance(v, bool) for v in report.metrics["claims"].values())
    assert report.metrics["claims"]["linear_grows_and_shrinks"]
    assert set(report.metrics["inits"]) == set(exp.INITS)


def test_bad_config_is_refused():
    with pytest.raises(ValueError, match="depth"):
        exp.Config(depth=1)
    with pytest.raises(ValueError, match="linear_scales"):
        exp.Config(linear_scales=(0.0,))
