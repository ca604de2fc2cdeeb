"""How each topic is shown: ``report(result) -> Report``, one module per experiment.

``figures.<topic>.report`` turns the ``Result`` of ``experiments.<topic>.run`` into the
figures (drawn with matplotlib, in a light and a dark version), Markdown tables, headline
metrics and claims the page quotes, and data for its interactive figures. All of the
package's matplotlib lives here (:mod:`~course_code.figures.plotting`); the build renders a
``Report`` to files (:mod:`course_code.build`).

A ``Report`` is made from a cached ``Result``: changing a figure never reruns an experiment.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..experiments import NAMES

__all__ = ["get"]


def get(name: str) -> ModuleType:
    """The figures module of experiment ``name`` (``KeyError`` naming the valid ones otherwise)."""
    if name not in NAMES:
        raise KeyError(f"unknown experiment {name!r}; valid names: {', '.join(NAMES)}")
    return importlib.import_module(f"{__name__}.{name}")
