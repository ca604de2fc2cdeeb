"""The initialization experiment's findings, on a shortened run."""

import numpy as np

from course_code.experiments import initialization as exp


def test_zeros_keep_one_distinct_unit_and_he_beats_random():
    cfg = exp.Config(n_seeds=2, record_every=1000)  # the course length: 15000 iterations
    result = exp.run(cfg, rng=np.random.default_rng(0))
    runs = result.runs
    assert runs["zeros"].distinct_units == (1, 1)
    assert runs["he"].distinct_units == (10, 5)
    np.testing.assert_allclose(runs["zeros"].costs, np.log(2), rtol=1e-12)
    # Large weights saturate the sigmoid: a huge (but finite) first cost, where the course printed inf.
    assert runs["random"].costs[0] > 100 and np.isfinite(runs["random"].costs[0])
    assert runs["he"].costs[-1] < runs["random"].costs[-1] < runs["zeros"].costs[-1]
    assert result.seed_accuracy["zeros"].shape == (2, 2)
    assert np.all(result.seed_accuracy["zeros"] == 0.5)


def test_distinct_units_counts_rows():
    params = {"W1": np.array([[1.0, 2.0], [1.0, 2.0], [0.0, 1.0]]), "b1": np.zeros((3, 1)),
              "W2": np.ones((1, 3)), "b2": np.zeros((1, 1))}
    assert exp.distinct_units(params) == (2,)
