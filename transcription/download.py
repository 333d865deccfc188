"""Fetch a caller's recording from Twilio: allowed hosts only, bounded in time and size.

Twilio's recording URL needs HTTP basic auth (AccountSid:AuthToken). The URL arrives in
a webhook, so it is treated as untrusted: only hosts in ``RECORDING_HOSTS`` over HTTPS
(loopback over HTTP when ``ALLOW_LOCAL_RECORDINGS``, for the simulator), redirects only
to such hosts and never with our credentials, a byte cap and an overall deadline.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
TOTAL_SECONDS = 120.0
MAX_REDIRECTS = 3
CHUNK_BYTES = 64 * 1024


class DownloadRefused(Exception):
    """Will never succeed (host not allowed, too large): no retry. ``message_ko`` for operators."""

    def __init__(self, message_ko: str, detail: str) -> None:
        super().__init__(detail)
        self.message_ko = message_ko


class DownloadFailed(Exception):
    """May succeed later (network, 5xx, not yet available): retried with backoff."""

    def __init__(self, message_ko: str, detail: str) -> None:
        super().__init__(detail)
        self.message_ko = message_ko


@dataclass(frozen=True)
class DownloadPolicy:
    """Where recordings may come from and how much of them we accept."""

    hosts: tuple[str, ...]
    allow_local: bool
    max_bytes: int
    auth: tuple[str, str] | None = None


def recording_media_url(recording_url: str) -> str:
    """Twilio's RecordingUrl has no extension; ``.wav`` asks for the 8 kHz WAV."""
    path = urlsplit(recording_url).path.lower()
    return recording_url if path.endswith((".wav", ".mp3")) else recording_url + ".wav"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, policy: DownloadPolicy) -> str:
    """The URL's host if policy allows fetching it; DownloadRefused otherwise."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if _is_loopback(host):
        if policy.allow_local and parts.scheme in ("http", "https"):
            return host
        raise DownloadRefused(
            "허용되지 않은 주소의 녹음이라 내려받지 않았습니다.", f"loopback host refused: {host}"
        )
    if host not in policy.hosts:
        raise DownloadRefused(
            "허용되지 않은 주소의 녹음이라 내려받지 않았습니다.",
            f"host {host or '(none)'} is not in RECORDING_HOSTS",
        )
    if parts.scheme != "https":
        raise DownloadRefused(
            "암호화되지 않은 주소의 녹음이라 내려받지 않았습니다.", f"{parts.scheme}:// refused"
        )
    return host


def _too_large(policy: DownloadPolicy) -> DownloadRefused:
    megabytes = policy.max_bytes / (1024 * 1024)
    return DownloadRefused(
        f"녹음 파일이 너무 큽니다(최대 {megabytes:.0f}MB).",
        f"larger than RECORDING_MAX_BYTES={policy.max_bytes}",
    )


def download(url: str, destination: Path, policy: DownloadPolicy) -> int:
    """Save ``url`` to ``destination`` (atomically); returns the number of bytes."""
    origin = check_url(url, policy)
    deadline = time.monotonic() + TOTAL_SECONDS
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    with requests.Session() as session:
        session.trust_env = False  # no proxies or .netrc credentials from the environment
        for _ in range(MAX_REDIRECTS + 1):
            host = check_url(url, policy)
            # Credentials go to the host Twilio named, never to a host it redirects to.
            auth = policy.auth if host == origin else None
            try:
                response = session.get(
                    url,
                    auth=auth,
                    stream=True,
                    allow_redirects=False,
                    timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                )
            except requests.RequestException as exc:
                raise DownloadFailed(
                    "녹음 서버에 연결하지 못했습니다. 잠시 후 다시 시도합니다.", str(exc)
                ) from exc
            with response:
                if response.is_redirect:
                    url = urljoin(url, response.headers.get("Location", ""))
                    continue
                if response.status_code != 200:
                    raise DownloadFailed(
                        f"녹음 파일을 받지 못했습니다(HTTP {response.status_code}). "
                        "잠시 후 다시 시도합니다.",
                        f"HTTP {response.status_code} from {host}",
                    )
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > policy.max_bytes:
                    raise _too_large(policy)
                return _save(response, partial, destination, policy, deadline)
    raise DownloadRefused(
        "녹음 주소가 너무 여러 번 다른 곳으로 넘어가 내려받지 않았습니다.", "too many redirects"
    )


def _save(
    response: requests.Response,
    partial: Path,
    destination: Path,
    policy: DownloadPolicy,
    deadline: float,
) -> int:
    size = 0
    try:
        with open(partial, "wb") as out:
            for block in response.iter_content(CHUNK_BYTES):
                size += len(block)
                if size > policy.max_bytes:
                    raise _too_large(policy)
                if time.monotonic() > deadline:
                    raise DownloadFailed(
                        "녹음 파일을 받는 데 시간이 너무 오래 걸립니다. 다시 시도합니다.",
                        f"download exceeded {TOTAL_SECONDS:.0f} s",
                    )
                out.write(block)
    except requests.RequestException as exc:
        partial.unlink(missing_ok=True)
        raise DownloadFailed(
            "녹음 파일을 받다가 연결이 끊겼습니다. 다시 시도합니다.", str(exc)
        ) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(destination)
    return size
