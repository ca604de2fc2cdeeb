"""The playground's data export: the three sets, their dev splits, determinism and the JSON."""

import json

import numpy as np
import pytest

from course_code import datasets
from course_code.experiments import playground as exp
from course_code.figures import playground as fig
from course_code.figures.report import encode_data


@pytest.fixture(scope="module")
def result():
    return exp.run(exp.TINY, rng=np.random.default_rng(0))


def test_sets_shapes_and_labels(result):
    assert set(result.sets) == {"circles", "moons", "football"}
    for name, (X, Y, Xd, Yd) in result.sets.items():
        assert X.shape[0] == 2 and Xd.shape[0] == 2, name
        assert Y.shape == (1, X.shape[1]) and Yd.shape == (1, Xd.shape[1]), name
        assert set(np.unique(Y)) == {0.0, 1.0} and set(np.unique(Yd)) <= {0.0, 1.0}, name
    assert result.sets["moons"][2].shape[1] == exp.TINY.n_dev
    assert result.sets["football"][2].shape[1] == exp.TINY.football_dev


def test_football_is_the_regularization_pages_data(result):
    """The same seed's first and fifth streams, as the Regularization experiment draws them."""
    data_rng, _, _, _, dev_rng = np.random.default_rng(0).spawn(5)
    train = datasets.football(rng=data_rng)
    dev = datasets.football(rng=dev_rng, n_train=exp.TINY.football_dev, n_test=0)
    X, Y, Xd, Yd = result.sets["football"]
    np.testing.assert_array_equal(X, train.X_train)
    np.testing.assert_array_equal(Y, train.Y_train)
    np.testing.assert_array_equal(Xd, dev.X_train)
    np.testing.assert_array_equal(Yd, dev.Y_train)


def test_course_circles_and_moons(result):
    circ = datasets.circles()
    np.testing.assert_array_equal(result.sets["circles"][0], circ.X_train)
    np.testing.assert_array_equal(result.sets["circles"][2], circ.X_test)
    np.testing.assert_array_equal(result.sets["moons"][0], datasets.moons().X_train)


def test_deterministic_and_seed_dependent():
    a = exp.run(exp.TINY, rng=np.random.default_rng(5))
    b = exp.run(exp.TINY, rng=np.random.default_rng(5))
    c = exp.run(exp.TINY, rng=np.random.default_rng(6))
    for name in exp.NAMES:
        for x, y in zip(a.sets[name], b.sets[name], strict=True):
            np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a.sets["football"][0], c.sets["football"][0])


def test_export_json_round_trip(result):
    rep = fig.report(result)
    data = json.loads(encode_data(rep.data["datasets"]))
    for name in exp.NAMES:
        d = data[name]
        X = np.array(d["X"])  # the very points (a preset trains on them): not rounded
        assert np.array_equal(X, result.sets[name][0]) and np.array_equal(d["Xdev"], result.sets[name][2])
        assert np.array_equal(np.array(d["Y"]), result.sets[name][1].astype(int))
        x0, x1, y0, y1 = d["extent"]
        both = np.concatenate([X, np.array(d["Xdev"])], axis=1)
        assert x0 < both[0].min() and both[0].max() < x1 and y0 < both[1].min() and both[1].max() < y1
    assert rep.metrics["claims"]["balanced"] and rep.metrics["claims"]["disjoint"]
    assert rep.metrics["football"]["n_train"] == 211


def test_bad_config_names_the_value():
    with pytest.raises(ValueError, match="n_dev"):
        exp.Config(n_dev=0)
