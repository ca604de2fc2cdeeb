"""The batch-norm experiment's findings and helpers, on short configs."""

import dataclasses

import numpy as np
import pytest

from course_code.experiments import batch_norm as exp
from course_code.figures import batch_norm as batch_norm_fig

SHORT = exp.Config(layer_dims=(2, 12, 12, 12, 12, 12, 1), learning_rates=(0.3, 3.0, 1000.0), num_epochs=60,
                   record_every=5, n_seeds=2, curve_rate=0.3, track_every=20, tracked_layers=(2, 5),
                   mb_sizes=(100, 300), mb_headline=100, mb_steps=10, eval_batch_sizes=(1, 300))


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
    assert set(tables) == {"accuracy", "cost", "tolerance", "test", "mb_modes", "mb_sizes", "mb_test"}
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


# ---------------------------------------------------------------------- the mini-batch part
MB = dataclasses.replace(exp.TINY, layer_dims=(2, 8, 8, 8, 1), n_seeds=2, n_dev=100, mb_sizes=(32, 300),
                         mb_headline=32, mb_rate=0.3, mb_steps=60, eval_batch_sizes=(1, 4, 300))


@pytest.fixture(scope="module")
def minibatch():
    from course_code import datasets
    from course_code.initializers import initialize_parameters

    rng = np.random.default_rng(7)
    data = datasets.moons(n_test=50)
    dev = datasets.moons(rng=rng.spawn(1)[0], n_train=MB.n_dev)
    inits = [initialize_parameters(list(MB.layer_dims), "he", rng=c) for c in rng.spawn(2)]
    return data, dev, inits, exp.run_minibatch(data, dev, MB, inits, np.random.default_rng(8).spawn(2))


def test_minibatch_updates_and_epochs():
    assert exp._steps_and_epochs(8, 300, 240) == (228, 6)   # 38 batches an epoch
    assert exp._steps_and_epochs(64, 300, 240) == (240, 48)
    assert exp._steps_and_epochs(300, 300, 240) == (240, 240)
    assert exp._steps_and_epochs(500, 300, 10) == (10, 10)  # larger than the set: full batch
    assert exp._steps_and_epochs(32, 300, 3) == (10, 1)     # at least one epoch


def test_a_batch_of_one_predicts_the_same_class_for_every_dev_point(minibatch):
    _, dev, _, mb = minibatch
    assert mb.steps.tolist() == [60, 60] and mb.epochs.tolist() == [6, 60]
    assert not mb.diverged.any() and mb.eval_accuracy.shape == (3, 2)
    share = float(np.mean(dev.Y_train))  # computed here from the labels
    assert mb.dev_positive_share == share
    np.testing.assert_array_equal(mb.single_spread, 0.0)
    assert np.all(np.isclose(mb.eval_accuracy[0], share) | np.isclose(mb.eval_accuracy[0], 1 - share))
    # the network did learn: inference mode is far better than the batch of one
    assert np.all(mb.dev_accuracy[0] > 0.8) and np.all(mb.dev_accuracy[0] > mb.eval_accuracy[0] + 0.2)
    # the whole dev set predicted as one batch is the training-mode number of the table
    np.testing.assert_array_equal(mb.eval_accuracy[2], mb.dev_accuracy_batch[0])
    assert np.all((0 <= mb.eval_agreement) & (mb.eval_agreement <= 1))


def test_minibatch_part_is_deterministic_and_leaves_the_full_batch_part_alone(minibatch):
    data, dev, inits, mb = minibatch
    again = exp.run_minibatch(data, dev, MB, inits, np.random.default_rng(8).spawn(2))
    for f in dataclasses.fields(mb):
        np.testing.assert_array_equal(getattr(again, f.name), getattr(mb, f.name))
    other = exp.run_minibatch(data, dev, MB, inits, np.random.default_rng(9).spawn(2))
    assert not np.array_equal(other.train_accuracy, mb.train_accuracy)  # other shuffles, other runs
    a = exp.run(exp.TINY, rng=np.random.default_rng(3))
    b = exp.run(dataclasses.replace(exp.TINY, mb_sizes=(50,), mb_headline=50, mb_steps=3),
                rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a.costs, b.costs)
    np.testing.assert_array_equal(a.dev_accuracy, b.dev_accuracy)


def test_minibatch_report_chooses_on_dev_and_states_its_claims():
    r = exp.run(exp.TINY, rng=np.random.default_rng(0))
    report = batch_norm_fig.report(r)
    assert {"mb_modes", "mb_sizes", "mb_test"} <= set(report.tables)
    assert {"modes", "batch_sizes"} <= set(report.figures)
    m = report.metrics["minibatch"]
    assert m["sizes"] == list(exp.TINY.mb_sizes) and m["claims"]["mb_selection_on_dev"]
    assert {"single_same_output", "single_is_class_share", "agreement_rises_with_eval_batch",
            "whole_dev_close_to_inference", "full_batch_largest_gap"} <= set(m["claims"])
    assert "one point at a time" in report.tables["mb_modes"]
    assert report.tables["mb_sizes"].count("\n") == 2 + len(exp.TINY.mb_sizes)
    # scrambling the test accuracies changes no choice; scrambling the dev ones does
    mb = r.minibatch
    scrambled = dataclasses.replace(r, minibatch=dataclasses.replace(mb, test_accuracy=np.zeros_like(
        mb.test_accuracy)))
    assert batch_norm_fig.mb_chosen_index(scrambled) == batch_norm_fig.mb_chosen_index(r)
    best = batch_norm_fig.mb_chosen_index(r)
    dev = np.zeros_like(mb.dev_accuracy)
    dev[1 - best] = 1.0
    flipped = dataclasses.replace(r, minibatch=dataclasses.replace(mb, dev_accuracy=dev))
    assert batch_norm_fig.mb_chosen_index(flipped) == 1 - best


def test_bad_minibatch_config_is_named():
    with pytest.raises(ValueError, match=r"mb_headline.*\(8, 32\).*64"):
        dataclasses.replace(exp.TINY, mb_sizes=(8, 32), mb_headline=64)
    with pytest.raises(ValueError, match=r"eval_batch_sizes.*include 1.*\(2, 4\)"):
        dataclasses.replace(exp.TINY, eval_batch_sizes=(2, 4))
    with pytest.raises(ValueError, match=r"mb_steps must be a whole number >= 1, got 0"):
        dataclasses.replace(exp.TINY, mb_steps=0)
