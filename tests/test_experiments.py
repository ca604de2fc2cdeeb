"""Every registered experiment on its tiny config: types, shapes, determinism, no file I/O."""

import builtins
import dataclasses

import numpy as np
import pytest

from course_code import experiments
from course_code.report import FigureSpec, Report

NAMES = experiments.names()


def _skip_without_tensorflow(module):
    """Experiments that need TensorFlow (``EXTRA_LIBRARIES``) are skipped where it is absent."""
    if "tensorflow" in getattr(module, "EXTRA_LIBRARIES", ()):
        pytest.importorskip("tensorflow")


def _leaves(value, path="result"):
    """Every array and number inside a (nested) dataclass / dict / tuple, with its path."""
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _leaves(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, f"{path}[{k!r}]")
    elif isinstance(value, (tuple, list)):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{path}[{i}]")
    elif isinstance(value, (np.ndarray, float, int, np.floating, np.integer)):
        yield path, value


@pytest.fixture
def no_writes(monkeypatch):
    """Fail any attempt to open a file for writing while the experiment runs."""
    real_open = builtins.open

    def guarded(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+"):
            raise AssertionError(f"experiment tried to write {file!r}")
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)


def test_registry_lists_the_topics():
    assert NAMES[0] == "initialization"
    with pytest.raises(KeyError, match="valid names"):
        experiments.get("initialisation")


@pytest.mark.parametrize("name", NAMES)
def test_contract(name):
    module = experiments.get(name)
    assert dataclasses.is_dataclass(module.Config) and module.Config.__dataclass_params__.frozen
    assert isinstance(module.TINY, module.Config) and isinstance(module.SEED, int)
    with pytest.raises(dataclasses.FrozenInstanceError):
        module.Config().__setattr__(dataclasses.fields(module.Config)[0].name, None)
    assert module.__doc__ and module.run.__doc__


@pytest.mark.parametrize("name", NAMES)
def test_tiny_run_is_deterministic_and_pure(name, no_writes):
    module = experiments.get(name)
    _skip_without_tensorflow(module)
    a = module.run(module.TINY, rng=np.random.default_rng(3))
    b = module.run(module.TINY, rng=np.random.default_rng(3))
    assert dataclasses.is_dataclass(a) and type(a) is type(b)
    la, lb = list(_leaves(a)), list(_leaves(b))
    assert [p for p, _ in la] == [p for p, _ in lb] and la
    for (path, x), (_, y) in zip(la, lb, strict=True):
        assert np.array_equal(x, y, equal_nan=True), f"{path} differs between identical seeds"
    report = module.report(a)
    assert isinstance(report, Report) and report.figures and report.tables
    for fig in report.figures.values():
        assert isinstance(fig, FigureSpec) and fig.alt and len(fig.size) == 2
    for table in report.tables.values():
        assert table.startswith("|") and table.count("\n") >= 3
    for path, value in _leaves(report.metrics, "metrics"):
        assert np.all(np.isfinite(value)), f"{path} is not finite"


@pytest.mark.parametrize("name", NAMES)
def test_figures_draw(name, tmp_path):
    from course_code.build import render

    module = experiments.get(name)
    _skip_without_tensorflow(module)
    report = module.report(module.run(module.TINY, rng=np.random.default_rng(0)))
    render(name, report, tmp_path)
    for fig in report.figures:
        for suffix in ("", "-dark"):
            svg = (tmp_path / f"{fig}{suffix}.svg").read_text()
            assert svg.startswith("<?xml") and "</svg>" in svg
        assert f"generated/{name}/{fig}.svg" in (tmp_path / f"{fig}.md").read_text()


def test_report_rejects_clashing_names():
    spec = FigureSpec(lambda fig: None, (4, 3), "alt")
    with pytest.raises(ValueError, match="readings"):
        Report(figures={"readings": spec}, tables={"readings": "| a |\n"})
    with pytest.raises(ValueError, match="metrics"):
        Report(tables={"metrics": "| a |\n"})


def test_markdown_table_escapes_pipes_everywhere():
    from course_code.report import markdown_table

    table = markdown_table(["|a - b|", "n"], [["x|y", 1]])
    assert table.splitlines()[0] == "| \\|a - b\\| | n |"
    assert "x\\|y" in table
