"""The site's Markdown hooks: metric placeholders (numbers in prose come from metrics.json)."""

import importlib.util
import json
from pathlib import Path

import pytest

pytest.importorskip("mkdocs")
from mkdocs.exceptions import PluginError

SPEC = importlib.util.spec_from_file_location(
    "mkdocs_hooks", Path(__file__).resolve().parent.parent / "scripts" / "mkdocs_hooks.py")
hooks = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(hooks)


@pytest.fixture
def generated(tmp_path, monkeypatch):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "metrics.json").write_text(json.dumps({
        "acc": 0.93456, "flag": True, "runs": [0.5, 0.75],
        "readings": {"per_epoch/late": 0.653, "batch-64": 12}}))
    monkeypatch.setattr(hooks, "GENERATED", tmp_path)
    monkeypatch.setattr(hooks, "ROOT", tmp_path.parent)
    hooks._json.cache_clear()
    yield tmp_path
    hooks._json.cache_clear()


def _render(text):
    return hooks.METRIC.sub(lambda m: hooks.format_metric(m.group(1), m.group(2)), text)


def test_placeholders_are_replaced_with_formatted_values(generated):
    assert _render("{{ metric demo.acc :.1% }}") == "93.5%"
    assert _render("{{ metric demo.acc }}") == "0.9346"
    assert _render("{{ metric demo.flag }}") == "yes"
    assert _render("{{ metric demo.runs.1 }}") == "0.75"
    assert _render("{{ metric demo.readings.per_epoch/late :.3f }}") == "0.653"
    assert _render("{{ metric demo.readings.batch-64 }}") == "12"


def test_unknown_keys_fail_the_build_with_the_valid_ones(generated):
    with pytest.raises(PluginError, match=r"valid.*acc"):
        _render("{{ metric demo.accuracy }}")
    with pytest.raises(PluginError, match="not a number"):
        _render("{{ metric demo.readings }}")
    with pytest.raises(PluginError, match="does not exist"):
        _render("{{ metric nothing.acc }}")
    with pytest.raises(PluginError, match="bad format"):
        _render("{{ metric demo.flag :.2q }}")
