"""The batch-norm experiment's findings and helpers, on short configs."""

import dataclasses

import numpy as np
import pytest

from course_code.experiments import batch_norm as exp
from course_code.figures import batch_norm as batch_norm_fig

SHORT = exp.Config(layer_dims=(2, 12, 12, 12, 12, 12, 1), learning_rates=(0.3, 3.0, 1000.0), num_epochs=60,
                   record_every=5, n_seeds=2, curve_rate=0.3, track_every=20, tracked_layers=(2, 5))


@pytest.fixture(scope="module")
def short():
    return exp.run(SHORT, rng=np.random.default_rng(exp.SEED))


def test_batch_norm_trains_at_a_rate_where_the_plain_network_fails(short):
    good = batch_norm_fig.largest_good_rate(short)
    assert good.shape == (2, 2)
    assert np.all(good[1] == 3.0) and np.all(good[0] == 0.3)  # [plain, bn] x seeds
    # at the huge rate nobody trains: each run diverges (nan/inf, recorded, not raised) or stalls
    assert not batch_norm_fig.trained(short)[:, 2].any()
    assert (short.diverged | batch_norm_fig.stalled(short))[:, 2].all() and short.diverged.any()
    np.testing.assert_array_equal(np.isnan(short.test_accuracy), short.diverged)
    np.testing.assert_array_equal(np.isnan(short.dev_accuracy), short.diverged)
    assert np.all(np.isnan(short.costs[short.diverged]))
    claims = batch_norm_fig.metrics(short)["claims"]
    assert claims["bn_tolerates_larger_rates"] and claims["plain_fails_at_some_rate"]
    assert claims["bn_fails_at_some_rate"]


def test_batch_norm_ends_lower_and_keeps_its_relu_inputs_steady(short):
    j = SHORT.learning_rates.index(SHORT.curve_rate)
    assert np.all(short.final_cost[1, j] < short.final_cost[0, j])
    assert short.costs.shape == (2, 3, 2, 12) and short.epochs[-1] == 55
    assert short.band_epochs.tolist() == [0, 20, 40, 60]
    for key in ("plain", "bn_raw", "bn"):
        band = short.bands[key]
        assert band.shape == (4, 2, 5)
        assert np.all(np.diff(band, axis=2) >= 0)  # percentiles in order
    # In training mode the normalized layer's ReLU inputs start as mean 0, variance 1.
    assert abs(short.bands["bn"][0, :, 2]).max() < 0.5
    m = batch_norm_fig.metrics(short)
    assert m["bn"]["band_width_change_max"] < m["plain"]["band_width_change_max"]
    # Batch norm makes the loss blind to the scale of W, so gradient steps only grow it: more at larger rates.
    growth = short.weight_growth[1]
    assert np.all(growth[:2] > 1) and np.all(growth[1] > growth[0])
    assert exp.hidden_weight_norm({"W1": np.full((2, 2), 1.0), "b1": np.zeros((2, 1)),
                                   "W2": np.full((1, 2), 5.0), "b2": np.zeros((1, 1))}) == 2.0


def test_tables_show_headline_and_seed_range_and_name_divergence(short):
    tables = batch_norm_fig.report(short).tables
    assert set(tables) == {"accuracy", "cost", "tolerance", "test"}
    assert "scored once" in tables["test"] and "dev" in tables["test"]
    assert "diverged" in tables["accuracy"] and "mean (range)" in tables["accuracy"]
    assert tables["accuracy"].count("\n") == 2 + len(SHORT.learning_rates)


def test_cells_and_trained_mask():
    div = np.array([True, False, False])
    assert batch_norm_fig._cell(np.array([np.nan, 0.9, 0.8]), div, True) == "diverged"
    assert batch_norm_fig._cell(np.array([np.nan, 0.9, 0.8]), div, False) == "0.850 (0.800–0.900), 1 diverged"
    assert batch_norm_fig._cell(np.array([np.nan, np.nan]), np.array([True, True]), False) == "all 2 diverged"


def test_bad_config_is_named():
    with pytest.raises(ValueError, match=r"curve_rate.*0\.5"):
        exp.run(dataclasses.replace(exp.TINY, curve_rate=0.5), rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"tracked_layers.*\(4,\)"):
        exp.run(dataclasses.replace(exp.TINY, tracked_layers=(4,)), rng=np.random.default_rng(0))


def test_selection_uses_the_dev_set_not_the_test_set(short):
    """Scrambling the test accuracies changes no decision; scrambling the dev ones does."""
    assert short.selection_set == "dev" and short.n_dev == SHORT.n_dev
    before = batch_norm_fig.metrics(short)
    scrambled = dataclasses.replace(short, test_accuracy=np.where(short.diverged, np.nan, 0.0))
    after = batch_norm_fig.metrics(scrambled)
    np.testing.assert_array_equal(batch_norm_fig.trained(scrambled), batch_norm_fig.trained(short))
    np.testing.assert_array_equal(batch_norm_fig.chosen_rate_index(scrambled),
                                  batch_norm_fig.chosen_rate_index(short))
    assert after["claims"] == before["claims"]
    for m in exp.METHODS:
        assert after[m]["largest_good_rate_headline"] == before[m]["largest_good_rate_headline"]
        assert after[m]["chosen_rate"] == before[m]["chosen_rate"]
        assert after[m]["chosen_test_accuracy_mean"] == 0.0  # the test number is only reported
    no_dev = dataclasses.replace(short, dev_accuracy=np.where(short.diverged, np.nan, 0.0))
    assert not batch_norm_fig.trained(no_dev).any()


def test_dev_set_is_drawn_like_the_training_set_and_apart_from_test():
    from course_code import datasets
    cfg = dataclasses.replace(exp.TINY, n_dev=25)
    r = exp.run(cfg, rng=np.random.default_rng(3))
    assert r.n_dev == 25 and r.dev_accuracy.shape == r.test_accuracy.shape
    # the chosen rate maximizes the mean dev accuracy (diverged runs count as 0)
    dev = np.where(r.diverged, 0.0, np.nan_to_num(r.dev_accuracy))
    for i, j in enumerate(batch_norm_fig.chosen_rate_index(r)):
        assert dev[i, j].mean() == dev[i].mean(axis=1).max()
    data = datasets.moons(n_test=cfg.n_test)
    rng = np.random.default_rng(3)
    rng.spawn(cfg.n_seeds)
    dev_set = datasets.moons(rng=rng.spawn(1)[0], n_train=25)
    # no dev point is a training or test point
    for other in (data.X_train, data.X_test):
        d = np.abs(dev_set.X_train[:, :, None] - other[:, None, :]).sum(axis=0)
        assert d.min() > 0
