"""A stand-in for Twilio's recording storage: serves audio files behind basic auth.

Used by the call simulator so that the transcription job downloads a recording exactly
as it would from api.twilio.com (``/2010-04-01/Accounts/<AC>/Recordings/<RE>``).
"""

from __future__ import annotations

import base64
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import soundfile

from transcription.audio import encode_mp3


def new_sid(prefix: str) -> str:
    """A Twilio-shaped SID: two letters and 32 hex digits."""
    return prefix + secrets.token_hex(16)


@dataclass
class _Recording:
    path: Path
    duration: int
    fetches: int = 0
    mp3: bytes | None = field(default=None, repr=False)


class RecordingServer:
    """Threaded HTTP server on 127.0.0.1 (a free port) holding simulated recordings.

    Args:
        account_sid: the account in the URL; also the basic-auth user name unless
            ``any_user`` is set (when the app has no TWILIO_ACCOUNT_SID configured).
        auth_token: the basic-auth password (Twilio's auth token).
    """

    def __init__(self, account_sid: str, auth_token: str, *, any_user: bool = False) -> None:
        self.account_sid = account_sid
        self._auth_token = auth_token
        self._any_user = any_user
        self._recordings: dict[str, _Recording] = {}
        self._lock = threading.Lock()
        self.rejected = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.1,), daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add(self, audio: Path) -> tuple[str, str, int]:
        """Publish ``audio`` as a new recording; returns (RecordingSid, RecordingUrl, seconds)."""
        duration = max(1, round(soundfile.info(str(audio)).duration))
        sid = new_sid("RE")
        with self._lock:
            self._recordings[sid] = _Recording(Path(audio), duration)
        url = f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Recordings/{sid}"
        return sid, url, duration

    def fetch_count(self, sid: str) -> int:
        """How many times the recording was downloaded with good credentials."""
        with self._lock:
            rec = self._recordings.get(sid)
            return rec.fetches if rec else 0

    def wait_fetched(self, sids: list[str], timeout: float) -> bool:
        """Block until every recording in ``sids`` was downloaded, or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        while True:
            if all(self.fetch_count(s) > 0 for s in sids):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> RecordingServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _authorised(self, header: str | None) -> bool:
        if not header or not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        user_ok = self._any_user or hmac.compare_digest(user, self.account_sid)
        return user_ok and hmac.compare_digest(password, self._auth_token)

    def _body(self, sid: str, extension: str) -> tuple[bytes, str] | None:
        with self._lock:
            rec = self._recordings.get(sid)
        if rec is None:
            return None
        if extension == ".mp3":
            if rec.mp3 is None:
                rec.mp3 = encode_mp3(rec.path)
            body, kind = rec.mp3, "audio/mpeg"
        else:
            body, kind = rec.path.read_bytes(), "audio/x-wav"
        with self._lock:
            rec.fetches += 1
        return body, kind

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self
        prefix = f"/2010-04-01/Accounts/{self.account_sid}/Recordings/"

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                path = self.path.split("?", 1)[0]
                if not server._authorised(self.headers.get("Authorization")):
                    server.rejected += 1
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="Twilio API"')
                    self.end_headers()
                    return
                name = path[len(prefix) :] if path.startswith(prefix) else ""
                stem, dot, ext = name.partition(".")
                found = server._body(stem, "." + ext if dot else "") if stem else None
                if found is None:
                    self.send_error(404)
                    return
                body, kind = found
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass  # quiet: the simulator reports fetches itself

        return Handler
