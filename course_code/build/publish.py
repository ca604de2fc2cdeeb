"""Where the build's outputs are, for the site's hooks and scripts, and how they are published.

``docs/generated/<name>/`` holds the files of topic ``<name>``: copies of its rendered cache
entry plus ``provenance.json`` (config, seed, code hash, library versions, cache key). The
hooks ask this module for paths and run times instead of knowing the cache's layout.
"""

from __future__ import annotations

import json
from pathlib import Path

from .cache import CACHE, Entry, atomic_write, run_seconds

__all__ = ["GENERATED", "generated_dir", "provenance", "publish", "results_entry", "topic_run_seconds"]

GENERATED = Path("docs/generated")
PROVENANCE = "provenance.json"


def generated_dir(name: str, root: Path = Path(".")) -> Path:
    """The folder of topic ``name``'s published files under the repository ``root``."""
    return root / GENERATED / name


def results_entry(name: str, key: str, cache_dir: Path = CACHE) -> Entry:
    """The results cache entry of topic ``name`` with Result key ``key``."""
    return Entry(cache_dir / "results" / name / key)


def provenance(name: str, root: Path = Path(".")) -> dict:
    """The published ``provenance.json`` of topic ``name`` (``FileNotFoundError`` if not built)."""
    return json.loads((generated_dir(name, root) / PROVENANCE).read_text(encoding="utf-8"))


def topic_run_seconds(name: str, root: Path = Path(".")) -> float | None:
    """How long the published Result of topic ``name`` took to compute (None if unknown).

    The run time is a measurement, not a result: it stays in the results cache, so two
    builds publish byte-identical files.
    """
    try:
        key = provenance(name, root)["key"]
    except (OSError, ValueError, KeyError):
        return None
    return run_seconds(results_entry(name, key, root / CACHE))


def publish(entry: Entry, target: Path) -> int:
    """Copy a rendered entry's files into ``target`` (atomically, only those that changed).

    Files in ``target`` that the entry does not have are removed. Returns the number of
    files written.
    """
    target.mkdir(parents=True, exist_ok=True)
    written = 0
    wanted = {p.name for p in entry.files()}
    for name in sorted(wanted):
        data = (entry.path / name).read_bytes()
        dest = target / name
        if not dest.is_file() or dest.read_bytes() != data:
            atomic_write(dest, data)
            written += 1
    for stale in target.iterdir():
        if stale.is_file() and stale.name not in wanted:
            stale.unlink()
    return written
