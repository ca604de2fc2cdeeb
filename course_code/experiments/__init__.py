"""The site's experiments: a registry of modules, one per topic (data only, no plotting).

Each experiment module defines

- ``Config``: a frozen dataclass whose defaults are the course's settings, checked when made;
- ``Result``: a frozen dataclass of arrays and numbers;
- ``run(config, *, rng) -> Result``: a pure function (no file I/O, no global state);
- ``SEED``: the seed the site uses, ``TINY``: a ``Config`` small enough for tests, and
  ``EXPECTED_SECONDS``: a rough run time (the build starts long experiments first).

How a topic is shown (figures, tables, metrics, claims) lives in :mod:`course_code.figures`,
under the same name. ``python -m course_code list`` prints the registry.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["NAMES", "get", "names"]

#: The topics in the site's reading order.
NAMES = (
    "data_splits",
    "bias_variance",
    "regularization",
    "data_augmentation",
    "early_stopping",
    "normalizing_inputs",
    "vanishing_gradients",
    "initialization",
    "gradient_checking",
    "averages",
    "optimization",
    "lr_decay",
    "local_optima",
    "hyperparameter_search",
    "batch_norm",
    "softmax",
    "tensorflow_intro",
    "framework_equivalence",
    "playground",
)


def names() -> list[str]:
    """The registered experiment names, in the site's reading order."""
    return list(NAMES)


def get(name: str) -> ModuleType:
    """The experiment module called ``name``.

    An unknown name raises ``KeyError`` naming the valid ones; a registered name whose module
    is missing fails with the import error (never skipped).
    """
    if name not in NAMES:
        raise KeyError(f"unknown experiment {name!r}; valid names: {', '.join(NAMES)}")
    return importlib.import_module(f"{__name__}.{name}")
