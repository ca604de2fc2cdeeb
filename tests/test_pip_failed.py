"""scripts/pip_failed.py: a failed install names what pip could not get and why."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import pip_failed

RESOLUTION_LOG = """\
ERROR: Cannot install course-code[docs,tf]==0.1.0 because these package versions have conflicting
dependencies.

Additionally, some packages in these conflicts have no matching distributions available for your environment:
    fonttools
    latex2mathml

ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/
"""
NOT_FOUND_LOG = """\
ERROR: Could not find a version that satisfies the requirement numpy==2.4.6 (from versions: none)
ERROR: No matching distribution found for numpy==2.4.6
"""


def test_names_the_packages_and_the_unreachable_index():
    text = pip_failed.explain(RESOLUTION_LOG, "http://127.0.0.1:9/simple", "Connection refused")
    assert text.startswith("error: pip could not get fonttools, latex2mathml: ")
    assert "http://127.0.0.1:9/simple cannot be reached (Connection refused)" in text
    assert "PIP_INDEX_URL" in text and "\n" not in text


def test_reachable_index_points_to_the_log():
    text = pip_failed.explain(NOT_FOUND_LOG, "https://pypi.org/simple", None)
    assert "could not get numpy:" in text and "answers" in text


def test_an_address_nothing_listens_on_is_unreachable():
    assert pip_failed.reach("http://127.0.0.1:9/simple") is not None
