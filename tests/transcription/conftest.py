"""Fixtures for transcription tests: Twilio-like credentials, a recording server, the clips."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.transcription.recording_server import RecordingServer, serve_recordings

AUDIO_DIR = ROOT / "tests" / "data" / "audio"
ACCOUNT_SID = "AC" + "7" * 32
AUTH_TOKEN = "test-recording-token"


@pytest.fixture
def recordings() -> Iterator[RecordingServer]:
    """A local server that serves recordings behind basic auth, like api.twilio.com."""
    with serve_recordings(ACCOUNT_SID, AUTH_TOKEN) as server:
        yield server


def references() -> dict[str, str]:
    """file -> reference text of the bundled Korean clips (empty until they are bundled)."""
    path = AUDIO_DIR / "references.tsv"
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8", newline="") as f:
        return {row["file"]: row["text"] for row in csv.DictReader(f, delimiter="\t")}


def korean_clip(name: str) -> Path:
    """A bundled Korean clip (tests/data/audio, made by tools/korean_speech)."""
    path = AUDIO_DIR / name
    assert path.is_file() and name in references(), f"{name} is missing from {AUDIO_DIR}"
    return path
