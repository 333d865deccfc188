"""Fetch a caller's recording from Twilio: allowed hosts only, bounded in time and size.

Twilio's recording URL needs HTTP basic auth (AccountSid:AuthToken). The URL arrives in
a webhook, so it is treated as untrusted: only hosts in ``RECORDING_HOSTS`` over HTTPS
(loopback over HTTP when ``ALLOW_LOCAL_RECORDINGS``, for the simulator), redirects only
to such hosts and never with our credentials, a byte cap and an overall deadline.
"""

from __future__ import annotations

import ipaddress
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

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


_REFUSED_HOST = "허용되지 않은 주소의 녹음이라 내려받지 않았습니다."
# host[:port], nothing else: no user-info ("@"), no backslash, no IPv6 brackets, no spaces.
_AUTHORITY = re.compile(
    r"(?P<host>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(?P<port>[0-9]{1,5}))?"
)
# Characters kept as they are in a path or query; anything else is percent-encoded.
_PATH_SAFE = "/-._~!$&'()*+,;=:@%"
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class RecordingLocation:
    """A recording URL parsed once; the request is built from these parts, never the text."""

    scheme: str
    host: str
    port: int | None  # None: the scheme's default port
    path: str
    query: str

    @property
    def origin(self) -> tuple[str, str, int]:
        """Scheme, host and effective port: whom the credentials were meant for."""
        return self.scheme, self.host, self.port or DEFAULT_PORTS[self.scheme]

    @property
    def url(self) -> str:
        """The URL rebuilt from the checked parts (what the HTTP client is given)."""
        port = f":{self.port}" if self.port is not None else ""
        query = f"?{self.query}" if self.query else ""
        return f"{self.scheme}://{self.host}{port}{self.path or '/'}{query}"


def parse_recording_url(url: str, policy: DownloadPolicy) -> RecordingLocation:
    """Parse ``url`` strictly and check it against ``policy``; DownloadRefused otherwise.

    Two parsers reading one URL differently (``https://evil\\@api.twilio.com/``: urlsplit
    sees api.twilio.com, an HTTP client connects to evil) is how credentials leak, so the
    URL is parsed once, anything ambiguous is refused, and the request uses the parts.
    """
    if not url.isascii() or any(ch <= " " or ch in "\\\x7f" for ch in url):
        raise DownloadRefused(_REFUSED_HOST, f"malformed recording URL refused: {url!r}")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    match = _AUTHORITY.fullmatch(parts.netloc)
    if scheme not in DEFAULT_PORTS or match is None:
        raise DownloadRefused(_REFUSED_HOST, f"malformed recording URL refused: {url!r}")
    host = match["host"].lower()
    port = int(match["port"]) if match["port"] else None
    if port is not None and not 0 < port < 65536:
        raise DownloadRefused(_REFUSED_HOST, f"port {port} refused")
    if port == DEFAULT_PORTS[scheme]:
        port = None
    location = RecordingLocation(
        scheme=scheme,
        host=host,
        port=port,
        path=quote(parts.path, safe=_PATH_SAFE),
        query=quote(parts.query, safe=_PATH_SAFE + "?"),
    )
    if _is_loopback(host):
        if policy.allow_local:
            return location  # the simulator's recording server, any port
        raise DownloadRefused(_REFUSED_HOST, f"loopback host refused: {host}")
    if host not in policy.hosts:
        raise DownloadRefused(_REFUSED_HOST, f"host {host or '(none)'} is not in RECORDING_HOSTS")
    if scheme != "https":
        raise DownloadRefused(
            "암호화되지 않은 주소의 녹음이라 내려받지 않았습니다.", f"{scheme}:// refused"
        )
    if port is not None:
        raise DownloadRefused(_REFUSED_HOST, f"port {port} refused for {host}")
    return location


def check_url(url: str, policy: DownloadPolicy) -> str:
    """The URL's host if policy allows fetching it; DownloadRefused otherwise."""
    return parse_recording_url(url, policy).host


def _too_large(policy: DownloadPolicy) -> DownloadRefused:
    megabytes = policy.max_bytes / (1024 * 1024)
    return DownloadRefused(
        f"녹음 파일이 너무 큽니다(최대 {megabytes:.0f}MB).",
        f"larger than RECORDING_MAX_BYTES={policy.max_bytes}",
    )


def download(url: str, destination: Path, policy: DownloadPolicy) -> int:
    """Save ``url`` to ``destination`` (atomically); returns the number of bytes."""
    location = parse_recording_url(url, policy)
    origin = location.origin
    deadline = time.monotonic() + TOTAL_SECONDS
    # Callers' voices: the folder and the file are the service account's alone.
    destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    with requests.Session() as session:
        session.trust_env = False  # no proxies or .netrc credentials from the environment
        for _ in range(MAX_REDIRECTS + 1):
            host = location.host
            # Credentials go to the origin Twilio named (scheme, host and port), never to
            # a place it redirects to.
            auth = policy.auth if location.origin == origin else None
            try:
                response = session.get(
                    location.url,
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
                    target = urljoin(location.url, response.headers.get("Location", ""))
                    location = parse_recording_url(target, policy)
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
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
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
