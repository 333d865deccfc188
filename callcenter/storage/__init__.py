"""Where recordings are kept: a local folder (default) or an S3-compatible bucket.

``RECORDINGS_STORE`` chooses (``callcenter/config.py`` parses it); every reader and writer of
audio (the transcription job, the audited play, the retention sweep) goes through
:func:`recording_store`, and rows keep only the object's key (``Recording.store_key``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app

from callcenter.storage.base import MissingObject, RecordingStore, StoreError, check_key
from callcenter.storage.local import LocalStore

__all__ = [
    "LocalStore",
    "MissingObject",
    "RecordingStore",
    "StoreError",
    "check_key",
    "open_store",
    "recording_store",
]


def open_store(config: Mapping[str, Any]) -> RecordingStore:
    """A new store for these settings."""
    if config.get("RECORDINGS_S3_BUCKET"):
        from callcenter.storage.s3 import S3Store  # boto3 is loaded only when it is used

        return S3Store(
            config["RECORDINGS_S3_BUCKET"],
            config.get("RECORDINGS_S3_PREFIX", ""),
            endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
            secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
            region=config.get("S3_REGION") or None,
        )
    return LocalStore(config["RECORDINGS_DIR"])


def recording_store() -> RecordingStore:
    """The application's store, made once per app (a boto3 client is thread-safe)."""
    store = current_app.extensions.get("recording_store")
    if store is None:
        store = open_store(current_app.config)
        current_app.extensions["recording_store"] = store
    return store
