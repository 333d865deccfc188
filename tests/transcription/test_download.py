"""Fetching recordings: allowed hosts only, basic auth, no foreign redirects, a size cap."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.transcription.conftest import ACCOUNT_SID, AUTH_TOKEN
from tests.transcription.recording_server import RecordingServer, Route, serve_recordings
from transcription.download import (
    DownloadFailed,
    DownloadPolicy,
    DownloadRefused,
    check_url,
    download,
    parse_recording_url,
    recording_media_url,
)

AUDIO = b"RIFF" + bytes(range(256)) * 40


def _policy(**overrides: object) -> DownloadPolicy:
    values: dict[str, object] = {
        "hosts": ("api.twilio.com",),
        "allow_local": True,
        "max_bytes": 1_000_000,
        "auth": (ACCOUNT_SID, AUTH_TOKEN),
    }
    values.update(overrides)
    return DownloadPolicy(**values)  # type: ignore[arg-type]


def test_recording_url_gets_wav_extension():
    base = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
    assert recording_media_url(base) == base + ".wav"
    assert recording_media_url(base + ".mp3") == base + ".mp3"


@pytest.mark.parametrize(
    ("url", "allow_local"),
    [
        ("https://evil.example.com/RE1.wav", True),
        ("https://api.twilio.com.evil.example/RE1.wav", True),
        ("http://api.twilio.com/RE1.wav", True),  # credentials never over plain HTTP
        ("http://127.0.0.1:8080/RE1.wav", False),  # loopback only in dev/test
        ("http://localhost/RE1.wav", False),
        ("file:///etc/passwd", True),
    ],
)
def test_hosts_outside_the_allowlist_are_refused(url: str, allow_local: bool):
    with pytest.raises(DownloadRefused) as excinfo:
        check_url(url, _policy(allow_local=allow_local))
    assert "내려받지 않았습니다" in excinfo.value.message_ko


def test_allowed_hosts_pass():
    assert check_url("https://api.twilio.com/x/RE1.wav", _policy()) == "api.twilio.com"
    assert check_url("http://127.0.0.1:5000/RE1.wav", _policy()) == "127.0.0.1"


def test_download_sends_basic_auth_and_saves(recordings: RecordingServer, tmp_path: Path):
    recordings.routes["/RE1.wav"] = Route(body=AUDIO)
    target = tmp_path / "RE1.wav"
    assert download(recordings.url("/RE1.wav"), target, _policy()) == len(AUDIO)
    assert target.read_bytes() == AUDIO
    assert recordings.seen[0]["authorization"] is not None


def test_wrong_credentials_fail_for_retry(recordings: RecordingServer, tmp_path: Path):
    recordings.routes["/RE1.wav"] = Route(body=AUDIO)
    with pytest.raises(DownloadFailed, match="401"):
        download(recordings.url("/RE1.wav"), tmp_path / "x.wav", _policy(auth=("AC", "bad")))
    assert not (tmp_path / "x.wav").exists()


def test_server_errors_fail_for_retry(recordings: RecordingServer, tmp_path: Path):
    recordings.routes["/RE1.wav"] = Route(status=503, body=b"busy")
    with pytest.raises(DownloadFailed) as excinfo:
        download(recordings.url("/RE1.wav"), tmp_path / "x.wav", _policy())
    assert "503" in excinfo.value.message_ko


def test_redirect_to_another_host_is_refused(recordings: RecordingServer, tmp_path: Path):
    recordings.routes["/RE1.wav"] = Route(location="https://attacker.example.net/steal.wav")
    with pytest.raises(DownloadRefused, match="attacker.example.net"):
        download(recordings.url("/RE1.wav"), tmp_path / "x.wav", _policy())
    assert [r["path"] for r in recordings.seen] == ["/RE1.wav"]
    assert not (tmp_path / "x.wav").exists()


def test_redirect_to_allowed_host_carries_no_credentials(
    recordings: RecordingServer, tmp_path: Path
):
    """An allowed media host may serve the file, but our AuthToken stays with the origin."""
    recordings.routes["/RE1.wav"] = Route(location=recordings.url("/media/RE1.wav", "localhost"))
    recordings.routes["/media/RE1.wav"] = Route(body=AUDIO)
    with pytest.raises(DownloadFailed, match="401"):
        download(recordings.url("/RE1.wav"), tmp_path / "x.wav", _policy())
    assert recordings.seen[0]["authorization"] is not None
    assert recordings.seen[1] == {"path": "/media/RE1.wav", "authorization": None}


def test_declared_size_over_the_cap_is_refused(recordings: RecordingServer, tmp_path: Path):
    recordings.routes["/RE1.wav"] = Route(body=AUDIO)
    with pytest.raises(DownloadRefused) as excinfo:
        download(recordings.url("/RE1.wav"), tmp_path / "x.wav", _policy(max_bytes=1000))
    assert "너무 큽니다" in excinfo.value.message_ko


def test_undeclared_stream_over_the_cap_is_cut(recordings: RecordingServer, tmp_path: Path):
    recordings.routes["/RE1.wav"] = Route(body=AUDIO, declare_length=False)
    with pytest.raises(DownloadRefused):
        download(recordings.url("/RE1.wav"), tmp_path / "x.wav", _policy(max_bytes=1000))
    assert list(tmp_path.iterdir()) == []  # no partial file left behind


@pytest.mark.parametrize(
    "template",
    [
        # urlsplit reads the host after the last "@"; HTTP clients stop at the backslash.
        "https://127.0.0.1:{port}\\@api.twilio.com/RE1.wav",
        "https://127.0.0.1:{port}\\\\@api.twilio.com/RE1.wav",
        "https://127.0.0.1:{port}@api.twilio.com/RE1.wav",  # user-info
        "https://127.0.0.1:{port}%5C@api.twilio.com/RE1.wav",
        "https://api.twilio.com:{port}/RE1.wav",  # the port counts too
        "https://api.twilio.com\t@127.0.0.1:{port}/RE1.wav",
        "https://[::1]:{port}/RE1.wav",
    ],
)
def test_ambiguous_urls_are_refused_before_any_connection(
    recordings: RecordingServer, tmp_path: Path, template: str
):
    """The allowlist and the client must not read one URL differently: nothing is sent."""
    recordings.routes["/RE1.wav"] = Route(body=AUDIO)
    url = template.format(port=recordings.port)
    with pytest.raises(DownloadRefused) as excinfo:
        download(url, tmp_path / "x.wav", _policy(allow_local=False))
    assert "내려받지 않았습니다" in excinfo.value.message_ko
    assert recordings.connections == 0
    assert recordings.seen == []


def test_the_request_is_built_from_the_checked_parts():
    location = parse_recording_url(
        "HTTPS://API.twilio.com:443/2010-04-01/Accounts/AC1/Recordings/RE1.wav?x=1#frag",
        _policy(),
    )
    assert location.url == "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1.wav?x=1"
    assert location.origin == ("https", "api.twilio.com", 443)


def test_redirect_to_the_same_host_on_another_port_carries_no_credentials(
    recordings: RecordingServer, tmp_path: Path
):
    with serve_recordings(ACCOUNT_SID, AUTH_TOKEN) as other:
        other.routes["/media/RE1.wav"] = Route(body=AUDIO)
        recordings.routes["/RE1.wav"] = Route(location=other.url("/media/RE1.wav"))
        with pytest.raises(DownloadFailed, match="401"):
            download(recordings.url("/RE1.wav"), tmp_path / "x.wav", _policy())
        assert other.seen == [{"path": "/media/RE1.wav", "authorization": None}]


def test_redirect_to_an_ambiguous_url_is_refused(recordings: RecordingServer, tmp_path: Path):
    recordings.routes["/RE1.wav"] = Route(
        location=f"https://127.0.0.1:{recordings.port}\\@api.twilio.com/steal.wav"
    )
    with pytest.raises(DownloadRefused):
        download(recordings.url("/RE1.wav"), tmp_path / "x.wav", _policy())
    assert [r["path"] for r in recordings.seen] == ["/RE1.wav"]


def test_a_saved_recording_is_private(recordings: RecordingServer, tmp_path: Path):
    recordings.routes["/RE1.wav"] = Route(body=AUDIO)
    target = tmp_path / "recordings" / "RE1.wav"
    download(recordings.url("/RE1.wav"), target, _policy())
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.parent.stat().st_mode & 0o777 == 0o700
