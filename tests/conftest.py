"""Shared fixtures.

``legacy_rng(seed)`` returns NumPy's legacy ``RandomState``: the course seeds the global
legacy generator (``np.random.seed(k)``) and draws with ``randn``, so the course's own test
tensors are reproduced exactly by ``RandomState(k).standard_normal(shape)``, which the
package's functions accept wherever they take ``rng``. Only tests use it, to compare with
the course's published numbers.
"""

from __future__ import annotations

import numpy as np
import pytest


def legacy_rng(seed: int) -> np.random.RandomState:
    return np.random.RandomState(seed)


def course_tensors(seed: int, shapes: dict[str, tuple[int, ...]]) -> dict[str, np.ndarray]:
    """Arrays drawn like the course's ``testCases.py``: ``seed(k)`` then ``randn`` in order."""
    rs = legacy_rng(seed)
    return {k: rs.standard_normal(s) for k, s in shapes.items()}


#: The course prints 8 decimals: a match is within half a unit of the last printed digit.
PRINTED = 5.01e-9


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261125)


def rel_error(a, b) -> float:
    """Largest element-wise relative error, as in CS231n's notebooks."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-12, np.abs(a) + np.abs(b))))
