"""Report: name checks and the encoding of the data files of interactive figures."""

import json

import numpy as np
import pytest

from course_code.figures.report import DATA_DIGITS, Exact, FigureSpec, Report, encode_data

SPEC = FigureSpec(lambda fig: None, (4, 3), "alt")


@pytest.mark.parametrize("kwargs, match", [
    ({"figures": {"paths": SPEC}, "data": {"paths": [1]}}, "paths"),
    ({"tables": {"grid": "| a |\n"}, "data": {"grid": [1]}}, "grid"),
    ({"data": {"metrics": {}}}, "metrics"),
    ({"data": {"provenance": {}}}, "provenance"),
    ({"data": {"../up": [1]}}, "letters, digits"),
    ({"data": {"a b": [1]}}, "letters, digits"),
])
def test_data_names_must_not_clash_and_must_be_file_names(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Report(**kwargs)


def test_data_defaults_to_nothing():
    assert Report().data == {}


def test_encode_data_is_compact_sorted_and_rounded():
    value = {"b": np.array([[1 / 3, -0.0], [2.0, 1e-9 / 3]]), "a": (np.int64(3), np.float32(0.5), True, None),
             "c": {"z": "text", "y": np.bool_(False)}}
    text = encode_data(value)
    assert text == ('{"a":[3,0.5,true,null],"b":[[0.333333,0.0],[2.0,3.33333e-10]],'
                    '"c":{"y":false,"z":"text"}}\n')
    assert encode_data(value) == text  # deterministic
    back = json.loads(text)
    assert back["b"][0][0] == pytest.approx(1 / 3, rel=10 ** -DATA_DIGITS)


def test_exact_data_keeps_every_bit_and_the_rest_stays_rounded():
    x = np.random.default_rng(0).normal(size=(2, 50)) / 7
    text = encode_data({"points": Exact({"X": x, "n": np.int64(4)}), "shown": 1 / 3})
    back = json.loads(text)
    assert np.array_equal(np.array(back["points"]["X"]), x) and back["points"]["n"] == 4
    assert back["shown"] == 0.333333
    with pytest.raises(ValueError, match=r"points\[0\]\[1\]"):  # still no NaN, and says where
        encode_data({"points": Exact([[0.0, float("nan")]])})


@pytest.mark.parametrize("bad", [float("nan"), np.inf, -np.inf])
def test_encode_data_rejects_non_finite_numbers_and_says_where(bad):
    with pytest.raises(ValueError, match=r"paths\.adam\[1\]\[0\].*explicitly"):
        encode_data({"adam": np.array([[0.0, 1.0], [bad, 2.0]])}, "paths")


def test_encode_data_rejects_what_json_cannot_hold():
    with pytest.raises(ValueError, match="keys must be strings"):
        encode_data({1: 2})
    with pytest.raises(ValueError, match="set"):
        encode_data({"a": {1, 2}})
