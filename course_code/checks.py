"""Checks of settings, each refusing a bad value with a message that names it.

Every message has the form ``"<name> must be <rule>, got <value>"``, so the command line can
print it as it is (``python -m course_code run optimization --set n_seeds=0``). The
experiments' ``Config`` classes call :func:`check_fields` when they are made, so a bad
setting is refused before anything runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = ["RULES", "check_fields", "check_value"]


def _is_int(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _is_real(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)) \
        and math.isfinite(float(v))


def _all(test: Callable, minimum: int = 1) -> Callable:
    """A rule for a tuple: at least ``minimum`` entries, each passing ``test``."""
    return lambda v: isinstance(v, (tuple, list)) and len(v) >= minimum and all(test(x) for x in v)


#: rule name -> (test, what the message says a value must be)
RULES: dict[str, tuple[Callable, str]] = {
    "count": (lambda v: _is_int(v) and v >= 1, "a whole number >= 1"),
    "count0": (lambda v: _is_int(v) and v >= 0, "a whole number >= 0"),
    "positive": (lambda v: _is_real(v) and v > 0, "a finite number > 0"),
    "nonnegative": (lambda v: _is_real(v) and v >= 0, "a finite number >= 0"),
    "finite": (_is_real, "a finite number"),
    "beta": (lambda v: _is_real(v) and 0 <= v < 1, "in [0, 1)"),
    "probability": (lambda v: _is_real(v) and 0 < v <= 1, "in (0, 1]"),
    "fraction": (lambda v: _is_real(v) and 0 <= v <= 1, "in [0, 1]"),
    "bool": (lambda v: isinstance(v, (bool, np.bool_)), "true or false"),
    "layers": (_all(lambda x: _is_int(x) and x >= 1, minimum=2),
               "at least two layer sizes, each a whole number >= 1"),
    "net": (lambda v: RULES["layers"][0](v) and v[0] == 2 and v[-1] == 1,
            "layer sizes 2,...,1 (2 inputs, 1 sigmoid output), each a whole number >= 1"),
    "counts": (_all(lambda x: _is_int(x) and x >= 1), "one or more whole numbers >= 1"),
    "positives": (_all(lambda x: _is_real(x) and x > 0), "one or more finite numbers > 0"),
    "nonnegatives": (_all(lambda x: _is_real(x) and x >= 0), "one or more finite numbers >= 0"),
    "finites": (_all(_is_real), "one or more finite numbers"),
}


def _shown(value) -> str:
    if isinstance(value, (tuple, list)):
        return ",".join(_shown(v) for v in value) if value else "(empty)"
    return repr(value) if isinstance(value, str) else str(value)


def check_value(name: str, value, rule: str):
    """Return ``value`` unchanged, or raise ``ValueError("<name> must be ..., got <value>")``.

    ``rule`` is a key of :data:`RULES`, e.g. ``"count"`` (a whole number >= 1) or ``"beta"``
    (a number in [0, 1)).
    """
    test, must = RULES[rule]
    if not test(value):
        raise ValueError(f"{name} must be {must}, got {_shown(value)}")
    return value


def check_fields(obj, **rules: str) -> None:
    """Check the attributes of ``obj`` (a config) named by the keywords, e.g.
    ``check_fields(config, n_seeds="count", keep_prob="probability")``."""
    for name, rule in rules.items():
        check_value(name, getattr(obj, name), rule)
