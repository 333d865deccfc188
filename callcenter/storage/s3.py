"""Recordings as objects in an S3-compatible bucket: web and workers on different machines."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from callcenter.storage.base import CHUNK_BYTES, MissingObject, StoreError, check_key

_MISSING_CODES = {"404", "NoSuchKey", "NotFound"}
CONTENT_TYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg"}


class S3Store:
    """Objects ``<prefix><key>`` in one bucket, reached with boto3 (path-style addressing)."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        region: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.endpoint_url = endpoint_url
        self.client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url or None,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
            region_name=region or None,
            # Bounded waits: a play or a job fails fast instead of hanging on a dead endpoint.
            config=Config(
                s3={"addressing_style": "path"},
                connect_timeout=5,
                read_timeout=60,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        )

    def describe(self) -> str:
        """s3://bucket/prefix (and the endpoint when not AWS)."""
        where = f"s3://{self.bucket}/{self.prefix}"
        return f"{where} at {self.endpoint_url}" if self.endpoint_url else where

    def object_name(self, key: str) -> str:
        """The object's name in the bucket."""
        return self.prefix + check_key(key)

    def ensure_bucket(self) -> None:
        """Create the bucket if it is not there (tests and first set-up)."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self._call(self.client.create_bucket, Bucket=self.bucket)

    def put(self, key: str, source: Path) -> int:
        """Upload the file in one request (recordings are capped by RECORDING_MAX_BYTES)."""
        content_type = CONTENT_TYPES.get(Path(key).suffix.lower(), "application/octet-stream")
        with open(source, "rb") as body:
            self._call(
                self.client.put_object,
                Bucket=self.bucket,
                Key=self.object_name(key),
                Body=body,
                ContentType=content_type,
            )
        return os.path.getsize(source)

    def size(self, key: str) -> int | None:
        """ContentLength of a HEAD, None when there is no object."""
        try:
            head = self._call(
                self.client.head_object, Bucket=self.bucket, Key=self.object_name(key)
            )
        except MissingObject:
            return None
        return int(head["ContentLength"])

    def exists(self, key: str) -> bool:
        """Whether a HEAD finds the object."""
        return self.size(key) is not None

    def read_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        """A ranged GET; the request is made now, the body streams as it is read."""
        response = self._call(
            self.client.get_object,
            Bucket=self.bucket,
            Key=self.object_name(key),
            Range=f"bytes={start}-{end}",
        )
        return _stream(response["Body"])

    def delete(self, key: str) -> bool:
        """Remove the object (S3 answers the same whether it was there or not)."""
        existed = self.exists(key)
        self._call(self.client.delete_object, Bucket=self.bucket, Key=self.object_name(key))
        return existed

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """Download to a private temporary file, removed when the block ends."""
        folder = tempfile.mkdtemp(prefix="recording-")  # 0700
        path = Path(folder) / check_key(key)
        try:
            response = self._call(
                self.client.get_object, Bucket=self.bucket, Key=self.object_name(key)
            )
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                for chunk in _stream(response["Body"]):
                    out.write(chunk)
            yield path
        finally:
            path.unlink(missing_ok=True)
            os.rmdir(folder)

    @staticmethod
    def _call(operation: Any, **kwargs: Any) -> Any:
        try:
            return operation(**kwargs)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            status = str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
            if error.get("Code") in _MISSING_CODES or status == "404":
                raise MissingObject(kwargs.get("Key", "")) from exc
            raise StoreError(f"S3 {error.get('Code', status)}: {error.get('Message', '')}") from exc
        except BotoCoreError as exc:
            raise StoreError(f"S3 unreachable: {exc}") from exc


def _stream(body: Any) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(CHUNK_BYTES)
    finally:
        body.close()
