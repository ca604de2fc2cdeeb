"""The data files of the interactive figures (Report.data of optimization and lr_decay)."""

import json

import numpy as np

from course_code.experiments import lr_decay, optimization
from course_code.figures import lr_decay as lr_decay_fig
from course_code.figures import optimization as optimization_fig
from course_code.figures.report import encode_data


def test_optimizer_paths_data_flags_divergence_and_stays_small():
    cfg = optimization.Config()
    paths = optimization._paths(cfg, optimization.make_optimizers(cfg))
    data = json.loads(encode_data(optimization_fig.path_data(paths, optimization_fig.LABELS, cfg.path_shown,
                                                             cfg.path_start,
                                          cfg.curvature)))
    assert len(encode_data(data)) < 100_000
    assert [o["key"] for o in data["optimizers"]] == list(optimization.OPTIMIZERS)
    assert [o["color"] for o in data["optimizers"]] == [0, 1, 2, 3]  # C0..C3 as in the static figure
    for opt in data["optimizers"]:
        stored = paths[opt["key"]]
        assert [p["learning_rate"] for p in opt["paths"]] == list(stored.learning_rates)
        for p, w in zip(opt["paths"], stored.points, strict=True):
            finite = np.all(np.isfinite(w), axis=1)
            assert p["diverged"] == (not finite.all())
            n = int(finite.sum())
            assert len(p["points"]) == n and np.all(finite[:n])  # truncated at the first NaN
            np.testing.assert_allclose(p["points"], w[:n], atol=10.0 ** -optimization_fig.DATA_DECIMALS,
                                       rtol=1e-5)
            if p["diverged"]:
                assert p["diverged_at"] == n and p["final_distance"] is None
            else:
                assert p["diverged_at"] is None
                assert p["final_distance"] == float(f"{optimization_fig.final_distance(w):.6g}")
    gd = data["optimizers"][0]["paths"]
    assert gd[-1]["diverged"] and not gd[cfg.path_shown]["diverged"]
    assert data["steps"] == cfg.path_steps and data["xlim"] == [-5.0, 2.5]
    assert len(data["levels"]) == 9 and data["levels"] == sorted(data["levels"])


def test_schedule_data_offers_the_configs_values():
    cfg = lr_decay.Config()
    data = json.loads(encode_data(lr_decay_fig.schedule_data(cfg)))
    assert data["num_epochs"] == cfg.num_epochs and data["time_interval"] == cfg.time_interval
    assert data["lr0"]["default"] == cfg.lr0 and data["decay_rate"]["default"] == cfg.decay_rate
    for slider in ("lr0", "decay_rate", "gamma"):
        values = data[slider]["values"]
        assert values == sorted(values) and data[slider]["default"] in values
    assert all(0 < g <= 1 for g in data["gamma"]["values"])  # exponential_decay accepts them
    assert {s["key"] for s in data["schedules"]} == {"constant", "inverse_time", "staircase", "exponential"}
