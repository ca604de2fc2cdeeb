"""The site's experiments: a registry of modules, one per topic.

Each experiment module defines

- ``Config``: a frozen dataclass whose defaults are the course's settings;
- ``Result``: a frozen dataclass of arrays and numbers;
- ``run(config, *, rng) -> Result``: a pure function (no file I/O, no global state);
- ``report(result) -> Report`` (see :mod:`course_code.report`): the figures, tables and
  headline metrics the site shows, drawn by :mod:`course_code.plotting`;
- ``SEED``: the seed the site uses, and ``TINY``: a ``Config`` small enough for tests.

``python -m course_code list`` prints the registry; ``build`` runs every experiment.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

__all__ = ["get", "names"]

_NAMES = (
    "initialization",
    "regularization",
    "gradient_checking",
    "optimization",
    "lr_decay",
    "tensorflow_intro",
    "framework_equivalence",
    "batch_norm",
    "hyperparameter_search",
)


def names() -> list[str]:
    """The registered experiment names, in the site's reading order."""
    return [n for n in _NAMES if importlib.util.find_spec(f"{__name__}.{n}") is not None]


def get(name: str) -> ModuleType:
    """The experiment module called ``name``; ``KeyError`` naming the valid ones otherwise."""
    valid = names()
    if name not in valid:
        raise KeyError(f"unknown experiment {name!r}; valid names: {', '.join(valid)}")
    return importlib.import_module(f"{__name__}.{name}")
