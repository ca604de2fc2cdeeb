"""scripts/npm_fetch.py: pinned npm tarballs, checked against the registry's integrity and cached."""

import base64
import hashlib
import io
import sys
import tarfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import npm_fetch


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def test_tarball_url_of_plain_and_scoped_packages():
    assert npm_fetch.npm_tarball_url("axe-core", "4.14.1") == \
        "https://registry.npmjs.org/axe-core/-/axe-core-4.14.1.tgz"
    assert npm_fetch.npm_tarball_url("@fontsource/stix-two-math", "5.3.0") == \
        "https://registry.npmjs.org/@fontsource/stix-two-math/-/stix-two-math-5.3.0.tgz"


def test_a_cached_tarball_is_checked_then_read(tmp_path, monkeypatch):
    data = _tarball({"package/a.js": b"console.log(1)"})
    (tmp_path / "demo-1.0.0.tgz").write_bytes(data)

    def no_network(*args, **kwargs):
        raise AssertionError("a cached tarball is not downloaded again")

    monkeypatch.setattr("urllib.request.urlopen", no_network)
    path = npm_fetch.npm_tarball("demo", "1.0.0", _integrity(data), tmp_path)
    assert npm_fetch.read_member(path, "package/a.js") == b"console.log(1)"
    with pytest.raises(npm_fetch.NpmFetchError, match=r"no file package/b\.js"):
        npm_fetch.read_member(path, "package/b.js")


def test_a_damaged_cache_or_download_is_refused(tmp_path, monkeypatch):
    good, bad = _tarball({"package/a.js": b"1"}), _tarball({"package/a.js": b"2"})
    (tmp_path / "demo-1.0.0.tgz").write_bytes(bad)
    with pytest.raises(npm_fetch.NpmFetchError, match="not the pinned file; delete it"):
        npm_fetch.npm_tarball("demo", "1.0.0", _integrity(good), tmp_path)

    class Response(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr("urllib.request.urlopen", lambda url, timeout: Response(bad))
    fresh = tmp_path / "fresh"
    with pytest.raises(npm_fetch.NpmFetchError, match="not the pinned file"):
        npm_fetch.npm_tarball("demo", "1.0.0", _integrity(good), fresh)
    assert not fresh.exists()  # nothing written
    monkeypatch.setattr("urllib.request.urlopen", lambda url, timeout: Response(good))
    assert npm_fetch.npm_tarball("demo", "1.0.0", _integrity(good), fresh).read_bytes() == good


def test_no_network_names_the_file_to_put_in_the_cache(tmp_path, monkeypatch):
    def offline(url, timeout):
        raise OSError("no route to host")

    monkeypatch.setattr("urllib.request.urlopen", offline)
    with pytest.raises(npm_fetch.NpmFetchError, match=r"cannot download .*put that file at .*demo-1\.0\.0"):
        npm_fetch.npm_tarball("demo", "1.0.0", _integrity(b""), tmp_path)
