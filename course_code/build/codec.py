"""An experiment's ``Result`` as data files, and back: ``result.json`` plus ``arrays.npz``.

A cache restored on another machine (a CI cache from another branch, say) must not be able
to run code, so nothing is pickled:

- every array goes into ``arrays.npz`` (loaded with ``allow_pickle=False``) under a name
  like ``a12``, and the JSON records its dtype and shape;
- numbers, strings, booleans, None, lists, tuples and dicts are written as JSON, with small
  tags for what JSON lacks (tuples, non-string keys, NaN and infinities, NumPy scalars);
- a dataclass or NamedTuple is written as its class's name and its fields, and read back
  only if the class is a dataclass or NamedTuple defined in ``course_code``: reading
  constructs it from its fields (which runs its checks) and executes nothing else.

:func:`load` checks everything it reads and raises :class:`CorruptEntry`, naming the file
and what is wrong, on a truncated or edited file, a missing array or a wrong shape.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import json
import math
import zipfile
from pathlib import Path

import numpy as np

__all__ = ["ARRAYS", "RESULT", "CorruptEntry", "decode", "dump", "encode", "load"]

RESULT, ARRAYS = "result.json", "arrays.npz"
_ALLOWED_PREFIX = "course_code."


class CorruptEntry(ValueError):
    """A cache entry that cannot be read back as it was written."""


# ---------------------------------------------------------------------- encoding
def encode(value, arrays: dict[str, np.ndarray]):
    """``value`` as a JSON-able tree; its arrays are added to ``arrays`` (name -> array)."""
    if isinstance(value, np.generic):  # before float: np.float64 is a float too
        return {"$scalar": encode(np.asarray(value), arrays)}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            raise TypeError("object arrays cannot be cached without pickle")
        name = f"a{len(arrays)}"
        arrays[name] = value
        return {"$array": name, "dtype": value.dtype.str, "shape": list(value.shape)}
    if _is_namedtuple(value) or (dataclasses.is_dataclass(value) and not isinstance(value, type)):
        cls = type(value)
        fields = value._asdict() if _is_namedtuple(value) else \
            {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return {"$class": f"{cls.__module__}:{cls.__qualname__}",
                "fields": {k: encode(v, arrays) for k, v in fields.items()}}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return [encode(v, arrays) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {"$dict": {k: encode(v, arrays) for k, v in value.items()}}
        return {"$items": [[encode(k, arrays), encode(v, arrays)] for k, v in value.items()]}
    raise TypeError(f"cannot cache a value of type {type(value).__name__} without pickle")


def _is_namedtuple(value) -> bool:
    return isinstance(value, tuple) and hasattr(type(value), "_fields")


def dump(result, directory: Path) -> None:
    """Write ``result`` as ``directory/result.json`` and ``directory/arrays.npz``."""
    arrays: dict[str, np.ndarray] = {}
    tree = encode(result, arrays)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    (directory / ARRAYS).write_bytes(buffer.getvalue())
    # key order is kept (dicts are ordered: a figure draws its runs in that order)
    (directory / RESULT).write_text(json.dumps(tree, allow_nan=False) + "\n")


# ---------------------------------------------------------------------- decoding
def _class(name: str):
    module, _, qualname = name.partition(":")
    if not module.startswith(_ALLOWED_PREFIX) or not qualname:
        raise CorruptEntry(f"class {name!r} is not one of course_code's")
    try:
        obj = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        raise CorruptEntry(f"no class {name!r} in this version of course_code") from None
    if not (isinstance(obj, type) and (dataclasses.is_dataclass(obj) or (issubclass(obj, tuple)
                                       and hasattr(obj, "_fields")))):
        raise CorruptEntry(f"{name!r} is not a dataclass or NamedTuple")
    return obj


def decode(tree, arrays):
    """The value :func:`encode` encoded as ``tree``; ``arrays`` maps names to loaded arrays."""
    if tree is None or isinstance(tree, (bool, str, int, float)):
        return tree
    if isinstance(tree, list):
        return [decode(v, arrays) for v in tree]
    if not isinstance(tree, dict) or len(tree) == 0:
        raise CorruptEntry(f"unexpected value {tree!r}")
    if "$array" in tree:
        name = tree["$array"]
        if name not in arrays:
            raise CorruptEntry(f"array {name!r} is missing from {ARRAYS}")
        array = arrays[name]
        if array.dtype.str != tree.get("dtype") or list(array.shape) != tree.get("shape"):
            raise CorruptEntry(f"array {name!r} is {array.dtype.str} {list(array.shape)}, "
                               f"expected {tree.get('dtype')} {tree.get('shape')}")
        return array
    if "$scalar" in tree:
        return decode(tree["$scalar"], arrays)[()]
    if "$float" in tree:
        if tree["$float"] not in ("nan", "inf", "-inf"):
            raise CorruptEntry(f"bad float {tree['$float']!r}")
        return float(tree["$float"])
    if "$tuple" in tree:
        return tuple(decode(v, arrays) for v in tree["$tuple"])
    if "$dict" in tree:
        return {k: decode(v, arrays) for k, v in tree["$dict"].items()}
    if "$items" in tree:
        return {decode(k, arrays): decode(v, arrays) for k, v in tree["$items"]}
    if "$class" in tree:
        cls = _class(tree["$class"])
        fields = {k: decode(v, arrays) for k, v in tree["fields"].items()}
        try:
            return cls(**fields)
        except (TypeError, ValueError) as e:
            raise CorruptEntry(f"{tree['$class']} cannot be made from the stored fields: {e}") from None
    raise CorruptEntry(f"unexpected value {tree!r}")


def load(directory: Path):
    """The ``Result`` stored in ``directory``; :class:`CorruptEntry` naming the problem otherwise."""
    try:
        tree = json.loads((directory / RESULT).read_text())
    except (OSError, ValueError) as e:
        raise CorruptEntry(f"{directory / RESULT}: {e}") from None
    try:
        with np.load(directory / ARRAYS, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
        raise CorruptEntry(f"{directory / ARRAYS}: {e}") from None
    try:
        return decode(tree, arrays)
    except CorruptEntry as e:
        raise CorruptEntry(f"{directory}: {e}") from None
    except (KeyError, TypeError, AttributeError) as e:
        raise CorruptEntry(f"{directory / RESULT}: malformed ({type(e).__name__}: {e})") from None
