"""Recordings as files under RECORDINGS_DIR: the embedded default, one machine."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from callcenter.storage.base import CHUNK_BYTES, MissingObject, check_key


class LocalStore:
    """Files named by key in one folder (0700), each file 0600: callers' voices are personal."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def describe(self) -> str:
        """The folder."""
        return str(self.root)

    def path(self, key: str) -> Path:
        """The file that holds ``key`` (inside the folder whatever the key says)."""
        return self.root / check_key(key)

    def put(self, key: str, source: Path) -> int:
        """Copy (or move, when on the same disk) the file in atomically."""
        target = self.path(key)
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        fd, temp = tempfile.mkstemp(dir=self.root, prefix=".put-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
                shutil.copyfileobj(src, out, CHUNK_BYTES)
            os.chmod(temp, 0o600)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return target.stat().st_size

    def size(self, key: str) -> int | None:
        """The file's size, None without a file."""
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            return None

    def exists(self, key: str) -> bool:
        """Whether the file is there."""
        return self.path(key).is_file()

    def read_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        """Bytes ``start``..``end`` of the file, opened before the first chunk is asked for."""
        try:
            handle = open(self.path(key), "rb")
        except FileNotFoundError:
            raise MissingObject(key) from None
        return _chunks(handle, start, end)

    def delete(self, key: str) -> bool:
        """Remove the file."""
        try:
            self.path(key).unlink()
        except FileNotFoundError:
            return False
        return True

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """The file itself: it is already on this machine."""
        path = self.path(key)
        if not path.is_file():
            raise MissingObject(key)
        yield path


def _chunks(handle: BinaryIO, start: int, end: int) -> Iterator[bytes]:
    with handle:
        handle.seek(start)
        left = end - start + 1
        while left > 0:
            chunk = handle.read(min(CHUNK_BYTES, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk
