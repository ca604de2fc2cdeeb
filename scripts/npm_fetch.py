"""Front-end files from the npm registry: a pinned package tarball, checked and cached.

The site and its tests take a few files from npm packages (the math font of
``site_math.py``, axe-core for the accessibility audit of the browser tests). None is
committed: each package is downloaded once, at the exact version pinned by its caller,
checked against the ``dist.integrity`` the registry publishes for that version
(``npm view NAME@VERSION dist.integrity`` prints it), and kept under ``.cache/``.
A machine without network access can put the tarball at the path the error names.
"""

from __future__ import annotations

import base64
import hashlib
import tarfile
from pathlib import Path

__all__ = ["NpmFetchError", "npm_tarball", "npm_tarball_url", "read_member"]

REGISTRY = "https://registry.npmjs.org"


class NpmFetchError(RuntimeError):
    """The tarball could not be downloaded, or is not the one pinned."""


def npm_tarball_url(name: str, version: str) -> str:
    """The registry's address of ``name``'s tarball (scoped names included: ``@scope/pkg``)."""
    base = name.rsplit("/", 1)[-1]
    return f"{REGISTRY}/{name}/-/{base}-{version}.tgz"


def _check(data: bytes, integrity: str, what: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm not in ("sha256", "sha384", "sha512") or not expected:
        raise ValueError(f"integrity {integrity!r}: expected 'sha512-<base64>' as the registry gives it")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise NpmFetchError(f"{what} has {algorithm}-{actual}, expected {integrity}: not the pinned file")


def npm_tarball(name: str, version: str, integrity: str, cache: Path, *, timeout: float = 60) -> Path:
    """The path of ``name@version``'s tarball in the folder ``cache``, downloaded if absent.

    ``integrity`` is the registry's Subresource-Integrity string (``sha512-<base64>``); a
    download that does not match it is refused and nothing is written, and a cached copy is
    checked again before it is used. The file is written
    whole or not at all, so an interrupted download leaves no half file behind.
    """
    url = npm_tarball_url(name, version)
    path = Path(cache) / url.rsplit("/", 1)[-1]
    if path.is_file():  # checked again (a few milliseconds): a damaged cache is named, not used
        try:
            _check(path.read_bytes(), integrity, str(path))
        except NpmFetchError as e:
            raise NpmFetchError(f"{e}; delete it to download it again") from None
        return path
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = response.read()
    except OSError as e:
        raise NpmFetchError(f"cannot download {url}: {e}; on a machine without network access, "
                            f"put that file at {path}") from None
    _check(data, integrity, url)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)
    return path


def read_member(archive: Path, member: str) -> bytes:
    """The bytes of ``member`` (e.g. ``package/axe.min.js``) in the tarball ``archive``."""
    with tarfile.open(archive) as tar:
        try:
            handle = tar.extractfile(member)
        except KeyError:
            handle = None
        if handle is None:
            raise NpmFetchError(f"{archive} has no file {member}")
        return handle.read()
