"""What every recording store offers: keys in, bytes out, nothing about the database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

# Keys are flat file names made from a RecordingSid: no folders, nothing a path could climb.
_KEY = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}$")
CHUNK_BYTES = 64 * 1024


class StoreError(Exception):
    """The store could not be reached or refused the operation (a transient fault)."""


class MissingObject(StoreError):
    """No object under that key (never stored, or purged)."""


def check_key(key: str) -> str:
    """The key itself if it is a plain file name; ValueError otherwise."""
    if not _KEY.match(key) or ".." in key:
        raise ValueError(f"not a recording key: {key!r}")
    return key


class RecordingStore(Protocol):
    """A place for recordings: the local folder or an S3 bucket, chosen by RECORDINGS_STORE."""

    def describe(self) -> str:
        """Where the recordings are, for logs and `flask` output (no secrets)."""
        ...

    def put(self, key: str, source: Path) -> int:
        """Store the file at ``source`` under ``key``; returns its size in bytes."""
        ...

    def size(self, key: str) -> int | None:
        """The object's size in bytes, or None when there is none."""
        ...

    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""
        ...

    def read_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        """Bytes ``start``..``end`` (inclusive) in chunks; MissingObject if it is gone."""
        ...

    def delete(self, key: str) -> bool:
        """Remove the object; True if one was there."""
        ...

    def local_copy(self, key: str) -> AbstractContextManager[Path]:
        """A file on this machine with the object's bytes, for the decoder, while the block runs."""
        ...
