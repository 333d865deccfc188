"""Both recording stores keep the same promises: put, size, ranges, copies, delete, keys."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from callcenter.storage import LocalStore, MissingObject, RecordingStore, StoreError
from tests.callcenter.storage.conftest import S3Server

BODY = bytes(range(256)) * 300  # 76 800 bytes: more than one read chunk


def _source(tmp_path: Path, body: bytes = BODY) -> Path:
    path = tmp_path / "download.wav"
    path.write_bytes(body)
    return path


def test_put_then_size_exists_and_whole_read(store: RecordingStore, tmp_path: Path):
    assert store.size("RE1.wav") is None and not store.exists("RE1.wav")
    assert store.put("RE1.wav", _source(tmp_path)) == len(BODY)
    assert store.size("RE1.wav") == len(BODY)
    assert store.exists("RE1.wav")
    assert b"".join(store.read_range("RE1.wav", 0, len(BODY) - 1)) == BODY


@pytest.mark.parametrize(("start", "end"), [(0, 0), (100, 199), (65530, 65545), (76000, 76799)])
def test_ranges_give_exactly_those_bytes(
    store: RecordingStore, tmp_path: Path, start: int, end: int
):
    store.put("RE2.wav", _source(tmp_path))
    assert b"".join(store.read_range("RE2.wav", start, end)) == BODY[start : end + 1]


def test_put_again_replaces_the_object(store: RecordingStore, tmp_path: Path):
    store.put("RE3.wav", _source(tmp_path))
    store.put("RE3.wav", _source(tmp_path, b"short"))
    assert store.size("RE3.wav") == 5
    assert b"".join(store.read_range("RE3.wav", 0, 4)) == b"short"


def test_local_copy_holds_the_bytes(store: RecordingStore, tmp_path: Path):
    store.put("RE4.wav", _source(tmp_path))
    with store.local_copy("RE4.wav") as copy:
        assert copy.read_bytes() == BODY
        assert stat.S_IMODE(copy.stat().st_mode) & 0o077 == 0  # nobody else reads a voice
    if not isinstance(store, LocalStore):
        assert not copy.exists()  # the temporary download is gone after the block


def test_delete_removes_and_reports(store: RecordingStore, tmp_path: Path):
    store.put("RE5.wav", _source(tmp_path))
    assert store.delete("RE5.wav") is True
    assert store.size("RE5.wav") is None
    assert store.delete("RE5.wav") is False


def test_missing_objects_raise_missing(store: RecordingStore):
    with pytest.raises(MissingObject):
        b"".join(store.read_range("RE404.wav", 0, 9))
    with pytest.raises(MissingObject), store.local_copy("RE404.wav"):
        pass


@pytest.mark.parametrize("key", ["../secret.wav", "a/b.wav", "/etc/passwd", "", ".."])
def test_keys_that_could_climb_out_are_refused(store: RecordingStore, tmp_path: Path, key: str):
    with pytest.raises(ValueError):
        store.put(key, _source(tmp_path))
    with pytest.raises(ValueError):
        store.size(key)


def test_local_files_are_private(tmp_path: Path):
    store = LocalStore(tmp_path / "recordings")
    store.put("RE6.wav", _source(tmp_path))
    assert stat.S_IMODE(os.stat(tmp_path / "recordings").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(tmp_path / "recordings" / "RE6.wav").st_mode) == 0o600
    assert [p.name for p in (tmp_path / "recordings").iterdir()] == ["RE6.wav"]  # no temp left


def test_s3_refuses_wrong_credentials(s3_server: S3Server, tmp_path: Path):
    wrong = S3Server(s3_server.endpoint_url, secret_access_key="not-the-secret")
    with pytest.raises(StoreError) as caught:
        wrong.store("wrong").put("RE7.wav", _source(tmp_path))
    assert not isinstance(caught.value, MissingObject)


def test_s3_unreachable_is_a_store_error_within_bounds(tmp_path: Path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens once closed
    dead = S3Server(f"http://127.0.0.1:{port}").store("dead")
    with pytest.raises(StoreError):
        dead.size("RE8.wav")
