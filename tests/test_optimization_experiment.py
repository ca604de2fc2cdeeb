"""The optimization experiment's findings and helpers, on shortened runs."""

import dataclasses

import numpy as np
import pytest

from course_code import datasets
from course_code.experiments import optimization as exp
from course_code.figures import optimization as optimization_fig
from course_code.initializers import initialize_parameters
from course_code.losses import cross_entropy_cost
from course_code.network import accuracy, forward
from course_code.optimizers import gd
from course_code.paths import final_distance, optimizer_path, quadratic_gradient, steps_to
from course_code.schedules import constant
from course_code.training import train

DIMS = [2, 5, 2, 1]


def _course_weights():
    return initialize_parameters(DIMS, "he", rng=np.random.RandomState(3))


@pytest.fixture(scope="module")
def short():
    """1000 of the course's 5000 epochs, two seeds, a 3-epoch SGD budget."""
    cfg = exp.Config(num_epochs=1000, n_seeds=2, sgd_epochs=3, batch_points=3, path_steps=50)
    return exp.run(cfg, rng=np.random.default_rng(0))


@pytest.mark.parametrize("name, course", [("gd", 0.7167), ("adam", 0.9433)])
def test_course_weights_give_the_courses_accuracy(name, course):
    cfg = exp.Config()  # the course's full 5000 epochs; only the batch order differs from the course
    opt = exp.make_optimizers(cfg)[name]
    run = exp._train_optimizer(cfg, datasets.moons(), name, opt, _course_weights(), np.random.default_rng(5))
    assert run.accuracy == pytest.approx(course, abs=5e-4)
    assert run.costs[0] == pytest.approx(0.7024, abs=1e-3)  # course: 0.702405 (GD), 0.702166 (Adam)


def test_adam_and_rmsprop_leave_gd_and_momentum_behind(short):
    runs, seeds = short.runs, short.seed_accuracy
    assert runs["adam"].costs[-1] < 0.25 < 0.6 < runs["gd"].costs[-1]  # course at epoch 1000: 0.168, 0.668
    assert runs["rmsprop"].costs[-1] < 0.25
    # At learning rate 0.0007 momentum's average changes (almost) nothing: same accuracy to 1 point.
    assert np.all(np.abs(seeds["gd"] - seeds["momentum"]) <= 0.01)
    assert np.all(seeds["adam"] > seeds["gd"])
    assert seeds["gd"].shape == (2,) and short.paths["adam"].points.shape == (5, 51, 2)


def test_a_dead_network_is_stuck_whatever_the_optimizer():
    params = initialize_parameters(DIMS, "he", rng=np.random.default_rng(0))
    params["b1"][:] = -10.0  # every first-layer ReLU is off for every point: no gradient reaches it
    cfg = exp.Config(num_epochs=200)
    for name, opt in exp.make_optimizers(cfg).items():
        run = exp._train_optimizer(cfg, datasets.moons(), name, opt, params, np.random.default_rng(0))
        assert run.accuracy == 0.5, name


def test_stuck_seeds_are_counted_in_metrics_and_table(short):
    accs = {n: np.array([0.5, 0.9]) for n in exp.OPTIMIZERS} | {"adam": np.array([0.5, 0.95])}
    result = dataclasses.replace(short, seed_accuracy=accs)
    metrics = optimization_fig.report(result).metrics
    assert metrics["seeds_stuck_for_every_optimizer"] == 1
    assert metrics["optimizers"]["adam"]["stuck_seeds"] == 1
    assert metrics["adam_minus_gd_max"] == pytest.approx(0.05)
    table = optimization_fig.report(result).tables["accuracy"]
    assert "1 of 2" in table and "not in the course" in table and "| 0.950 |" in table


def test_every_batch_size_gets_the_same_update_budget(short):
    assert [r.updates[-1] for r in short.batch.values()] == [900, 900, 900]
    assert [r.epochs[-1] for r in short.batch.values()] == [900, 180, 3]
    sgd, full = short.batch[1], short.batch[300]
    assert sgd.seconds[-1] < full.seconds[-1]  # 900 one-example updates are cheaper than 900 full ones
    assert set(short.batch_seed_cost) == {300, 64, 1} and short.batch_seed_cost[1].shape == (2,)


def test_chunked_batch_run_is_one_uninterrupted_run():
    data, p0 = datasets.moons(), _course_weights()
    X, Y = data.X_train, data.Y_train
    (run,) = exp.train_batch_many(X, Y, DIMS, 64, [p0], [np.random.default_rng(1)], learning_rate=0.05,
                         total_updates=50, points=3, c_update=1.0, c_example=0.0)
    whole = train(X, Y, DIMS, optimizer=gd(), schedule=constant(0.05), num_epochs=10,
                  mini_batch_size=64, init=p0, rng=np.random.default_rng(1))
    assert run.epochs.tolist() == [0, 3, 7, 10] and run.updates.tolist() == [0, 15, 35, 50]
    assert run.seconds.tolist() == [0.0, 15.0, 35.0, 50.0]
    assert run.costs[0] == cross_entropy_cost(forward(X, p0)[0], Y)
    np.testing.assert_allclose(run.costs[-1], cross_entropy_cost(forward(X, whole.params)[0], Y), rtol=1e-12)
    assert run.accuracy == accuracy(X, Y, whole.params)


def test_time_model_and_labels():
    assert exp.seconds_per_epoch(64, 300, 1.0, 0.0) == 5.0    # 5 updates
    assert exp.seconds_per_epoch(1, 300, 0.0, 1.0) == 300.0   # 300 examples, however batched
    assert exp.seconds_per_epoch(300, 300, 2.0, 0.5) == 152.0
    assert [optimization_fig.batch_label(b, 300) for b in (300, 500, 64, 1)] == [
        "batch (300)", "batch (300)", "mini-batch (64)", "stochastic (1)"]


def test_gd_path_is_the_closed_form():
    lr, c, w0 = 0.07, np.array([1.0, 25.0]), np.array([-4.0, 1.5])
    path = optimizer_path(gd(), quadratic_gradient(c), w0, learning_rate=lr, steps=30)
    np.testing.assert_allclose(path, w0 * (1 - lr * c) ** np.arange(31)[:, None], rtol=1e-12)
    assert np.all(np.diff(np.sign(path[:, 1])) != 0)  # the steep coordinate flips sign every step


def test_diverging_path_turns_to_nan():
    path = optimizer_path(gd(), quadratic_gradient((1.0, 25.0)), (-4.0, 1.5), learning_rate=0.085,
                                 steps=200)  # 0.085 > 2 / 25
    finite = np.all(np.isfinite(path), axis=1)
    k = int(finite.sum())
    assert 50 < k < 200 and finite[:k].all() and np.isnan(path[k:]).all()
    assert final_distance(path) == np.inf and steps_to(path) is None


def test_default_paths_behave_as_the_page_says():
    cfg = exp.Config()
    paths = exp._paths(cfg, exp.make_optimizers(cfg))
    shown = {n: p.points[cfg.path_shown] for n, p in paths.items()}
    flips = {n: int(np.sum(np.diff(np.sign(w[:10, 1])) != 0)) for n, w in shown.items()}
    assert flips["gd"] == 9 and flips["rmsprop"] == 0 and flips["adam"] == 0  # zigzag vs direct
    assert shown["momentum"][:, 0].max() > 0.3  # overshoots the minimum along the shallow axis
    assert all(final_distance(w) < 1e-3 for w in shown.values())
    metrics = optimization_fig.path_metrics(paths, cfg.path_shown)
    diverged = {n: m["diverged_rates"] for n, m in metrics.items()}
    assert diverged == {"gd": [0.085], "momentum": [1.6], "rmsprop": [], "adam": []}
