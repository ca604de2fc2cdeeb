"""The build's two caches, their keys, and atomic writes.

- **Results** (``.cache/results/<name>/<key>/``): an experiment's ``Result`` as data files
  (:mod:`~course_code.build.codec`), its run time, and a manifest with each file's SHA-256.
  The key hashes the experiment's name, config and seed, the source of the code that
  *computes* it (the experiment module and every ``course_code`` module it imports, directly
  or not) and the versions of the libraries that compute it.
- **Rendered pages** (``.cache/rendered/<name>/<key>/``): the figures, tables, metrics and
  data that ``figures.<name>.report`` makes from the Result. The key adds the source of the
  figures module (and what it imports), the renderer and the drawing libraries' versions.

An edit to a figure therefore re-renders that topic and retrains nothing; an edit to the
math re-runs exactly the experiments that import it. Every entry is written to a temporary
folder and renamed into place, so it appears complete or not at all; an entry whose files
do not match its manifest is reported, discarded and rebuilt.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import hashlib
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path

from . import codec

__all__ = ["CACHE", "Entry", "atomic_write", "code_files", "code_hash", "library_versions",
           "rendered_key", "result_key"]

PACKAGE_DIR = Path(__file__).resolve().parent.parent
CACHE = Path(".cache")
#: Bumped when the layout of an entry changes (old entries are then never read).
FORMAT = 2
MANIFEST, TIMING = "manifest.json", "timing.json"
COMPUTE_LIBRARIES = ("numpy", "scipy", "scikit-learn")
DRAW_LIBRARIES = ("matplotlib", "pillow")


# ---------------------------------------------------------------------- keys
def _module_file(name: str, root: Path) -> Path | None:
    rel = name.split(".")[1:]
    for candidate in (root.joinpath(*rel).with_suffix(".py"), root.joinpath(*rel, "__init__.py")):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(source: str, package: str = "") -> set[str]:
    """Modules that Python ``source`` imports (anywhere in it); relative imports are resolved
    against ``package``. ``from a import b`` counts ``a`` and ``a.b`` (b may be a module)."""
    tree = ast.parse(source)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            if base:
                found.add(base)
                found |= {f"{base}.{a.name}" for a in node.names}  # `from . import x` imports a module
    return found


def _imports(path: Path, module: str) -> set[str]:
    """``course_code`` modules that the file of ``module`` imports (absolute or relative)."""
    stat = path.stat()
    return set(_imports_of_version(path, module, stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=4096)
def _imports_of_version(path: Path, module: str, mtime_ns: int, size: int) -> frozenset[str]:
    # Memoized per file version: a build asks for the same few dozen files hundreds of times
    # (every experiment's closure, for its result key and its rendering key).
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = imported_modules(path.read_text(encoding="utf-8"), package)
    return frozenset(m for m in found if m.startswith("course_code"))


def code_files(*modules: str, root: Path = PACKAGE_DIR) -> list[Path]:
    """Source files of ``modules`` and of every ``course_code`` module they import, transitively.

    ``root`` is the package folder (another copy of it in the tests).
    """
    todo, seen, files = [(m, False) for m in modules], set(), set()
    while todo:
        name, as_parent = todo.pop()
        if (name, as_parent) in seen or (name, False) in seen:
            continue
        seen.add((name, as_parent))
        path = _module_file(name, root)
        if path is None:
            continue
        imports = _imports(path, name)
        # Importing a.b runs a/__init__.py too; but a package file that only lists names (the
        # experiment registry) and imports no course_code module cannot change what a.b
        # computes, so registering a topic does not invalidate every cached result.
        if not as_parent or imports:
            files.add(path)
        todo.extend((m, False) for m in imports)
        if "." in name:
            todo.append((name.rsplit(".", 1)[0], True))
    return sorted(files)


def code_hash(*modules: str, root: Path = PACKAGE_DIR) -> str:
    """SHA-256 over the relative paths and contents of :func:`code_files`."""
    h = hashlib.sha256()
    for path in code_files(*modules, root=root):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def library_versions(libraries: Iterable[str]) -> dict[str, str]:
    """Python's and the libraries' versions (they change numbers and figure bytes)."""
    out = {"python": platform.python_version()}
    for lib in libraries:
        try:
            out[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            out[lib] = "absent"
    return out


def _jsonable(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _key(described: dict) -> str:
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:20]


def result_key(name: str, config, seed: int, extra_libraries: Iterable[str] = ()) -> tuple[str, dict]:
    """The key of an experiment's Result, and the description it hashes (its provenance)."""
    described = {"experiment": name, "config": _jsonable(config), "seed": seed, "format": FORMAT,
                 "code": code_hash(f"course_code.experiments.{name}"),
                 "versions": library_versions((*COMPUTE_LIBRARIES, *extra_libraries))}
    return _key(described), described


def rendered_key(name: str, result_key_: str) -> str:
    """The key of a topic's rendered files: its Result's key, the figures' code, the renderer."""
    return _key({"result": result_key_, "format": FORMAT,
                 "code": code_hash(f"course_code.figures.{name}", "course_code.build.render"),
                 "versions": library_versions(DRAW_LIBRARIES)})


# ---------------------------------------------------------------------- entries
def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the site's files are public
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclasses.dataclass(frozen=True)
class Entry:
    """One cache entry: a folder of files plus ``manifest.json`` (their SHA-256)."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def files(self) -> list[Path]:
        """The entry's files, the manifest excluded."""
        return sorted(p for p in self.path.iterdir() if p.is_file() and p.name != MANIFEST)

    def problem(self) -> str | None:
        """None when the entry is complete and unchanged, else what is wrong with it."""
        try:
            manifest = json.loads((self.path / MANIFEST).read_text())
        except (OSError, ValueError) as e:
            return f"{MANIFEST} unreadable ({e})"
        present = {p.name for p in self.files()}
        if set(manifest) != present:
            return f"files {sorted(present ^ set(manifest))} missing or unexpected"
        for name, digest in manifest.items():
            if _sha256(self.path / name) != digest:
                return f"{name} has changed since it was written"
        return None

    def exists(self) -> bool:
        return self.path.is_dir()

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def write(self, fill: Callable[[Path], None]) -> None:
        """Make the entry: ``fill(folder)`` writes the files into a temporary folder, which is
        then given its manifest and renamed into place (replacing an old entry)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=self.path.parent, prefix=".partial-"))
        try:
            fill(tmp)
            manifest = {p.name: _sha256(p) for p in sorted(tmp.iterdir()) if p.is_file()}
            (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
            for p in tmp.iterdir():
                os.chmod(p, 0o644)
            os.chmod(tmp, 0o755)
            if self.path.exists():
                shutil.rmtree(self.path)
            os.replace(tmp, self.path)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def clean_partials(folder: Path) -> None:
    """Remove what a killed build left half-written under ``folder``."""
    for partial in folder.glob(".partial-*"):
        shutil.rmtree(partial, ignore_errors=True)


# ---------------------------------------------------------------------- results
def save_result(entry: Entry, result, seconds: float) -> None:
    """Write ``result`` (and its run time) as the complete entry."""
    def fill(folder: Path) -> None:
        codec.dump(result, folder)
        (folder / TIMING).write_text(json.dumps({"seconds": round(seconds, 2)}) + "\n")

    entry.write(fill)


def load_result(entry: Entry):
    """The Result in ``entry``; :class:`~course_code.build.codec.CorruptEntry` naming the problem."""
    problem = entry.problem()
    if problem:
        raise codec.CorruptEntry(f"{entry.path}: {problem}")
    return codec.load(entry.path)


def run_seconds(entry: Entry) -> float | None:
    """The run time recorded in a results entry, or None."""
    try:
        return float(json.loads((entry.path / TIMING).read_text())["seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
