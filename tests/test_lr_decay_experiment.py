"""The learning-rate decay experiment: the readings of the course's decay and its findings."""

import dataclasses

import numpy as np
import pytest

from course_code import datasets
from course_code.experiments import lr_decay as exp
from course_code.figures import lr_decay as lr_decay_fig


def _f6(x) -> str:
    return f"{x:.6f}"


@pytest.fixture(scope="module")
def first_1000_epochs():
    """Every headline and reading run on the course's setup, stopped after epoch 1000."""
    cfg = exp.Config(num_epochs=1001, record_every=1000, n_seeds=1)
    return exp.run(cfg, rng=np.random.default_rng(0))


def test_three_readings_of_the_decay():
    cfg = exp.Config()
    rates = {r: exp.schedule(cfg, "gd", "per_epoch", r)(np.arange(4)) for r in exp.READINGS}
    np.testing.assert_allclose(rates["formula"], [0.1, 0.05, 0.1 / 3, 0.025], rtol=1e-15)
    np.testing.assert_allclose(rates["late"], [0.1, 0.1, 0.05, 0.1 / 3], rtol=1e-15)  # epochs 0 and 1 at lr0
    np.testing.assert_allclose(rates["compounded"], [0.1, 0.1, 0.05, 0.1 / 6], rtol=1e-14)
    epochs = np.array([999, 1000, 1001, 1002])
    stair = {r: exp.schedule(cfg, "gd", "staircase", r)(epochs) for r in exp.READINGS}
    np.testing.assert_allclose(stair["formula"], [0.1, 0.05, 0.05, 0.05], rtol=1e-15)
    np.testing.assert_allclose(stair["late"], [0.1, 0.1, 0.05, 0.05], rtol=1e-15)
    np.testing.assert_allclose(stair["compounded"], [0.1, 0.1, 0.05, 0.025], rtol=1e-14)
    assert exp.schedule(cfg, "adam", "staircase")(4999) == pytest.approx(0.002, rel=1e-15)
    assert exp.schedule(cfg, "gd", "per_epoch")(1000) == pytest.approx(1e-4, rel=1e-3)  # the collapse


def test_only_the_formula_prints_the_course_rates_and_only_late_starts_with_lr0():
    cfg = exp.Config()
    printed = {(d, r): exp.printed_rates(exp.schedule(cfg, "gd", d, r))
               for d in ("per_epoch", "staircase") for r in exp.READINGS}
    assert printed["per_epoch", "late"] == exp.COURSE_PRINTED_LR["per_epoch"]
    assert printed["staircase", "late"] == exp.COURSE_PRINTED_LR["staircase"]
    assert printed["per_epoch", "formula"][0] == "0.050000"  # the course printed 0.100000 after epoch 0
    assert printed["per_epoch", "compounded"][1] == "0.000000"  # the course printed 0.000100
    assert printed["staircase", "compounded"][2] == "0.000000"  # the course printed 0.033333


def test_course_batch_order_is_the_legacy_seeded_permutation():
    order = exp.course_batch_order(3, 300)
    for e in range(3):
        np.testing.assert_array_equal(order[e], np.random.RandomState(11 + e).permutation(300))


def test_the_late_reading_reproduces_the_course_printed_costs(first_1000_epochs):
    r = first_1000_epochs
    assert [_f6(c) for c in r.variants["per_epoch/late"].costs] == ["0.701091", "0.661884"]
    assert [_f6(c) for c in r.variants["staircase/late"].costs] == ["0.701091", "0.127161"]
    # The site's formula (no lag) shares epoch 0 but not epoch 1000.
    assert _f6(r.runs["gd_per_epoch"].costs[0]) == "0.701091"
    assert _f6(r.runs["gd_per_epoch"].costs[1]) != "0.661884"
    assert _f6(r.runs["gd_staircase"].costs[1]) != "0.127161"
    assert _f6(r.runs["adam_staircase"].costs[0]) == "0.699346"
    assert _f6(r.runs["momentum_staircase"].costs[0]) == "0.702226"


def test_decay_every_epoch_stalls_where_staircase_keeps_learning(first_1000_epochs):
    r = first_1000_epochs
    assert r.runs["gd_per_epoch"].costs[-1] > 0.65
    assert r.variants["per_epoch/compounded"].costs[-1] > r.runs["gd_per_epoch"].costs[-1]  # froze sooner
    for key in ("gd", "momentum", "gd_staircase", "momentum_staircase", "adam_staircase", "adam"):
        assert r.runs[key].costs[-1] < 0.15, key


def test_seeds_are_paired_across_runs():
    # With the first decay step beyond the last epoch, staircase decay is no decay: the same
    # weights and batch order must then give the same numbers.
    cfg = dataclasses.replace(exp.TINY, time_interval=1000)
    r = exp.run(cfg, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(r.seed_accuracy["gd"], r.seed_accuracy["gd_staircase"])
    np.testing.assert_array_equal(r.seed_costs["momentum"], r.seed_costs["momentum_staircase"])
    assert r.seed_accuracy["gd"].shape == (cfg.n_seeds,)
    assert r.seed_accuracy["per_epoch/late"].shape == (cfg.n_variant_seeds,)
    assert r.seed_costs["adam"].shape == (cfg.n_seeds, 2)


def _fake_result(course_costs_for: str) -> exp.Result:
    """A Result whose GD runs print the course's costs only for one reading (no training)."""
    cfg = exp.Config(n_seeds=2)
    epochs = np.array(exp.PRINT_EPOCHS)

    def run(key, reading):
        costs = [float(c) + (0 if reading == course_costs_for else 1e-4) for c in exp.COURSE[key][1]]
        return exp.Run(epochs, np.array(costs), {}, exp.COURSE[key][0])

    runs = {k: exp.Run(epochs, np.full(5, 0.2), {}, 0.9) for k in exp.RUNS if k != "momentum"}
    runs |= {f"gd_{d}": run(f"gd_{d}", "formula") for d in ("per_epoch", "staircase")}
    variants = {k: run(f"gd_{d}", v) for k, (d, v) in exp.VARIANT_RUNS.items()}
    keys = [*runs, *variants]
    return exp.Result(cfg, datasets.moons(), runs, variants, {k: np.array([0.5, 0.9]) for k in keys},
                      {k: np.array([[0.2, 0.01], [0.3, 0.02]]) for k in keys})


@pytest.mark.parametrize("reading", ["late", "compounded"])
def test_metrics_name_the_reading_that_reproduces_the_course(reading):
    report = lr_decay_fig.report(_fake_result(reading))
    m = report.metrics
    assert m["readings"][f"per_epoch/{reading}"]["printed_cost_matches"] == 5
    assert m["readings"]["per_epoch/formula"]["printed_cost_matches"] == 0
    # Costs alone are not enough: the printed rates must match too, which compounding's do not.
    assert m.get("course_reading") == ("late" if reading == "late" else None)
    assert m["runs"]["gd_staircase"]["stuck_seeds"] == 1 and "momentum_staircase" not in m["decay_gain"]
    assert "| staircase decay | formula, one epoch late (the course) |" in report.tables["readings"]
