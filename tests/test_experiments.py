"""Every registered experiment on its tiny config: types, shapes, determinism, no file I/O."""

import builtins
import contextlib
import dataclasses
import io
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pytest

from course_code import experiments, figures
from course_code.figures.report import FigureSpec, Report

NAMES = experiments.names()
TMP = os.path.abspath(tempfile.gettempdir())


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


@contextlib.contextmanager
def no_writes(allowed: str = TMP):
    """Fail any attempt to write a file inside the block.

    Guards ``open``/``io.open`` (any mode that writes), ``os.open`` with a writing flag and
    ``Path.write_text``/``write_bytes``/``open``/``mkdir``/``touch``, everywhere except on
    /dev/null (subprocess opens it) and under ``allowed``, the system's temporary folder by
    default (TensorFlow's AutoGraph compiles functions through temporary files). Libraries are
    imported before the block: what they write when first imported (a config folder) is theirs.
    """
    real_open, real_os_open, real_path_open = builtins.open, os.open, Path.open

    def check(what) -> None:
        if isinstance(what, int):  # a file descriptor: checked when it was opened
            return
        path = os.path.abspath(os.fspath(what))
        if path != os.devnull and os.path.commonpath([path, allowed]) != allowed:
            raise AssertionError(f"experiment tried to write {what!r}")

    def guarded_open(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+"):
            check(file)
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC):
            check(path)
        return real_os_open(path, flags, *args, **kwargs)

    def guarded_path_open(self, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+"):
            check(self)
        return real_path_open(self, mode, *args, **kwargs)

    def guard(method):
        def guarded(self, *args, **kwargs):
            check(self)
            return method(self, *args, **kwargs)
        return guarded

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(builtins, "open", guarded_open)
        mp.setattr(io, "open", guarded_open)
        mp.setattr(os, "open", guarded_os_open)
        mp.setattr(Path, "open", guarded_path_open)
        for name in ("write_text", "write_bytes", "mkdir", "touch"):
            mp.setattr(Path, name, guard(getattr(Path, name)))
        yield


def test_the_no_writes_guard_catches_every_way_to_write(tmp_path):
    allowed = str(tmp_path / "allowed")
    for write in (lambda: open(tmp_path / "a", "w"), lambda: io.open(tmp_path / "b", "wb"),  # noqa: UP020
                  lambda: (tmp_path / "c").write_text("x"), lambda: (tmp_path / "d").write_bytes(b"x"),
                  lambda: (tmp_path / "e").open("a"), lambda: (tmp_path / "g").mkdir(),
                  lambda: os.open(tmp_path / "f", os.O_CREAT | os.O_WRONLY)):
        with no_writes(allowed), pytest.raises(AssertionError, match="tried to write"):
            write()
    assert not list(tmp_path.iterdir())
    with no_writes(allowed):
        (tmp_path / "read").parent.exists()  # reading stays allowed
        Path(allowed).mkdir()
    assert Path(allowed).is_dir()


@pytest.mark.parametrize("name", NAMES)
def test_contract(name):
    module = experiments.get(name)
    assert dataclasses.is_dataclass(module.Config) and module.Config.__dataclass_params__.frozen
    assert isinstance(module.TINY, module.Config) and isinstance(module.SEED, int)
    with pytest.raises(dataclasses.FrozenInstanceError):
        module.Config().__setattr__(dataclasses.fields(module.Config)[0].name, None)
    assert module.__doc__ and module.run.__doc__


@pytest.mark.parametrize("name", NAMES)
def test_tiny_run_is_deterministic_and_pure(name):
    module = experiments.get(name)
    _skip_without_tensorflow(module)
    with no_writes():
        a = module.run(module.TINY, rng=np.random.default_rng(3))
        b = module.run(module.TINY, rng=np.random.default_rng(3))
    assert dataclasses.is_dataclass(a) and type(a) is type(b)
    la, lb = list(_leaves(a)), list(_leaves(b))
    assert [p for p, _ in la] == [p for p, _ in lb] and la
    for (path, x), (_, y) in zip(la, lb, strict=True):
        assert np.array_equal(x, y, equal_nan=True), f"{path} differs between identical seeds"
    report = figures.get(name).report(a)
    assert isinstance(report, Report) and report.figures and report.tables
    for fig in report.figures.values():
        assert isinstance(fig, FigureSpec) and fig.alt and len(fig.size) == 2
    for table in report.tables.values():
        assert table.startswith("|") and table.count("\n") >= 3
    for path, value in _leaves(report.metrics, "metrics"):
        assert np.all(np.isfinite(value)), f"{path} is not finite"


@pytest.mark.parametrize("name", NAMES)
def test_figures_draw(name, tmp_path):
    from course_code.build.render import render

    module = experiments.get(name)
    _skip_without_tensorflow(module)
    report = figures.get(name).report(module.run(module.TINY, rng=np.random.default_rng(0)))
    render(name, report, tmp_path)
    for fig in report.figures:
        for suffix in ("", "-dark"):
            svg = (tmp_path / f"{fig}{suffix}.svg").read_text()
            assert svg.startswith("<?xml") and "</svg>" in svg
        assert f"generated/{name}/{fig}.svg" in (tmp_path / f"{fig}.md").read_text()
        # The dark SVG is the light one with the theme's colours swapped: the figure drawn in
        # the dark theme must give the same file (up to marker ids, hashes of marker styles).
        drawn = _drawn_svg(report.figures[fig], "dark")
        assert _marker_ids_out((tmp_path / f"{fig}-dark.svg").read_bytes()) == _marker_ids_out(drawn), \
            f"{name}/{fig}: drawing it in the dark theme gives another figure than swapping colours"


def _drawn_svg(spec, variant: str) -> bytes:
    import io

    from matplotlib.figure import Figure

    from course_code.build.render import _palette_images
    from course_code.figures.plotting import theme

    with theme(variant):
        fig = Figure(figsize=spec.size, layout="constrained")
        spec.draw(fig)
        out = io.BytesIO()
        fig.savefig(out, format="svg", dpi=150, metadata={"Date": None, "Creator": None})
    return _palette_images(out.getvalue())


def _marker_ids_out(svg: bytes) -> bytes:
    import re

    return re.sub(rb'(id="|#)m[0-9a-f]{10}\b', rb"\1m-id", svg)


def test_report_rejects_clashing_names():
    spec = FigureSpec(lambda fig: None, (4, 3), "alt")
    with pytest.raises(ValueError, match="readings"):
        Report(figures={"readings": spec}, tables={"readings": "| a |\n"})
    with pytest.raises(ValueError, match="metrics"):
        Report(tables={"metrics": "| a |\n"})


def test_markdown_table_escapes_pipes_everywhere():
    from course_code.figures.report import markdown_table

    table = markdown_table(["|a - b|", "n"], [["x|y", 1]])
    assert table.splitlines()[0] == "| \\|a - b\\| | n |"
    assert "x\\|y" in table


@pytest.mark.parametrize("name", NAMES)
def test_a_result_read_back_from_the_cache_is_the_same(name, tmp_path):
    """Through .npz + JSON and back: the same arrays, types and key order, the same report."""
    from course_code.build import codec

    module = experiments.get(name)
    _skip_without_tensorflow(module)
    result = module.run(module.TINY, rng=np.random.default_rng(5))
    codec.dump(result, tmp_path)
    loaded = codec.load(tmp_path)
    original, again = list(_leaves(result)), list(_leaves(loaded))
    assert [p for p, _ in original] == [p for p, _ in again]  # same structure, same dict order
    for (path, x), (_, y) in zip(original, again, strict=True):
        assert type(x) is type(y) and np.array_equal(x, y, equal_nan=True), path
    a, b = figures.get(name).report(result), figures.get(name).report(loaded)
    assert a.metrics == b.metrics and a.tables == b.tables
    assert json.dumps(a.data, default=str) == json.dumps(b.data, default=str)
