"""Results the site hooks can reuse from the previous build: one JSON file per kind of work.

A warm build (nothing changed) repeats work whose inputs are the same as last time: the
formulas to MathML, the pruning of the notebooks' stylesheet, the search plugin's reading of
each page. Each of these is a pure function of its inputs and of the code that computes it;
:class:`KeyedCache` keeps its results in ``.cache/site/<kind>.json``:

- an entry's key is a hash of all its inputs (:func:`content_key`), so a changed input is a
  miss, never a stale answer;
- the whole file belongs to one version of the code (``versions``: the source of the module
  that computes, the versions of the libraries it calls); another version starts empty;
- only the entries a build used are written back, so the file does not grow.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib.metadata import version as dist_version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / ".cache" / "site"

__all__ = ["KeyedCache", "code_version", "content_key"]


def content_key(*parts: str) -> str:
    """A hash of ``parts`` (strings; their boundaries count: ("ab", "c") != ("a", "bc"))."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def code_version(*modules: str, distributions: tuple[str, ...] = ()) -> str:
    """The version of some computing code: the source of the given files (paths) and the
    installed versions of the given distributions (PyPI names)."""
    parts = [Path(m).read_text(encoding="utf-8") for m in modules]
    parts += [f"{name}=={dist_version(name)}" for name in distributions]
    return content_key(*parts)


class KeyedCache:
    """A JSON file of ``key -> value`` (values: anything JSON holds) for one code version."""

    def __init__(self, kind: str, version: str, folder: Path = CACHE_DIR):
        self.path = Path(folder) / f"{kind}.json"
        self.version = version
        self._old: dict = {}
        self._used: dict = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # absent or cut short: start empty
            data = {}
        if not isinstance(data, dict):
            data = {}
        if data.get("version") == version and isinstance(data.get("entries"), dict):
            self._old = data["entries"]

    def get(self, key: str):
        """The value stored under ``key`` (by this or the previous build), or None."""
        if key in self._used:
            return self._used[key]
        value = self._old.get(key)
        if value is not None:
            self._used[key] = value
        return value

    def put(self, key: str, value) -> None:
        self._used[key] = value

    __setitem__ = put  # so it can serve as a memo: ``cache.get(key)``, ``cache[key] = value``

    def save(self) -> None:
        """Write the entries this build used (whole or not at all), if they changed."""
        if self._used == self._old:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.part")
        partial.write_text(json.dumps({"version": self.version, "entries": self._used}), encoding="utf-8")
        partial.replace(self.path)
        self._old = dict(self._used)
