"""framework_equivalence: the table's claims on a short config (skipped without TensorFlow)."""

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from course_code import keras_compat as kc
from course_code.experiments import framework_equivalence as fe
from course_code.figures import framework_equivalence as framework_equivalence_fig
from course_code.optimizers import momentum

pytestmark = pytest.mark.keras

SHORT = fe.Config(n_steps=8, n_seeds=2, epsilons=(1e-6, 1e-9, 1e-12), n_epochs=4)


@pytest.fixture(scope="module")
def result():
    return fe.run(SHORT, rng=np.random.default_rng(fe.SEED))


@pytest.fixture(scope="module")
def metrics(result):
    return framework_equivalence_fig.report(result).metrics


def test_shapes(result):
    n = SHORT.n_seeds + 1
    for rule in fe.OPTIMIZERS:
        assert result.errors[rule].shape == (n, SHORT.n_steps)
    for rule in fe.SCHEDULES:
        assert result.errors[rule].shape == (1, SHORT.n_epochs * SHORT.steps_per_epoch)
    assert set(result.errors) == set(fe.OPTIMIZERS + fe.SCHEDULES) | set(fe.MISTAKES)
    assert result.epsilon_errors["adam"].shape == (len(SHORT.epsilons), n)


def test_every_mapped_rule_matches(metrics):
    for rule in fe.OPTIMIZERS + fe.SCHEDULES:
        assert metrics[rule]["matches_1e-6"], rule
        assert metrics[rule]["worst_over_seeds"] < fe.TOLERANCE
    assert metrics["all_mapped_match"]
    assert metrics["gd"]["worst_over_seeds"] == 0.0  # one multiply and one subtract: bit for bit
    for rule in fe.SCHEDULES:
        assert metrics[rule]["worst_over_seeds"] < 1e-15


def test_naive_momentum_is_flagged(metrics):
    assert not metrics["momentum_naive"]["matches_1e-6"]
    assert metrics["momentum_naive"]["max_rel_error"] > 1e-2


def test_other_mistakes_are_flagged(metrics):
    for key in ("rmsprop_defaults", "adam_defaults", "inverse_time_decay_naive", "staircase_decay_naive",
                "exponential_decay_naive", "inverse_time_decay_smooth", "exponential_decay_smooth"):
        assert metrics[key]["worst_over_seeds"] > fe.TOLERANCE, key
    # Python floats reach Keras as float32: visible, far above the float64 match of the mapping
    pyfloat, mapped = metrics["momentum_python_floats"], metrics["momentum"]
    assert pyfloat["worst_over_seeds"] > 1e3 * mapped["worst_over_seeds"]


def test_epsilon_gap_grows_with_epsilon(result):
    for name in ("rmsprop", "adam"):
        worst = result.epsilon_errors[name].max(axis=1)   # epsilons are in decreasing order
        assert np.all(np.diff(worst) < 0), name
    adam = result.epsilon_errors["adam"][:, 0]
    slope = np.polyfit(np.log10(SHORT.epsilons), np.log10(adam), 1)[0]
    assert 0.9 < slope < 1.1  # Adam's gap is proportional to epsilon


def test_stacked_seeds_equal_separate_runs():
    """Seeds stacked on a leading axis give each problem exactly its own trajectory."""
    cfg = fe.Config(n_steps=4, n_seeds=1)
    rngs = np.random.default_rng(0).spawn(2)
    params, grads = fe.stacked_problem(rngs, cfg)
    stacked = kc.optimizer_trajectories(momentum(0.9), 0.05, params, grads)[1]
    single_p, single_g = fe.stacked_problem(np.random.default_rng(0).spawn(2)[1:], cfg)
    alone = kc.optimizer_trajectories(momentum(0.9), 0.05, single_p, single_g)[1]
    for a, b in zip(stacked, alone, strict=True):
        for k in a:
            np.testing.assert_array_equal(a[k][1], b[k][0])


def test_table_lists_calls(result):
    table = framework_equivalence_fig.report(result).tables["equivalence"]
    assert "`SGD(learning_rate=0.005, momentum=0.9)`" in table
    assert "decay_steps=15" in table  # staircase: T = 3 epochs of 5 steps
    assert table.count("| yes |") == len(fe.OPTIMIZERS + fe.SCHEDULES)
