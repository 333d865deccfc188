"""A tiny threaded HTTP server that serves recordings the way Twilio does (basic auth)."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    status: int = 200
    location: str | None = None  # a redirect target
    delay: float = 0.0  # seconds before answering (a slow or hung server)
    declare_length: bool = True  # False streams without Content-Length
    content_type: str = "audio/x-wav"


@dataclass
class RecordingServer:
    """Routes by path, the credentials it demands and every request it saw."""

    host: str
    port: int
    username: str
    password: str
    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[dict[str, str | None]] = field(default_factory=list)
    connections: int = 0  # TCP connections accepted, whether or not a request followed

    def url(self, path: str, host: str | None = None) -> str:
        """Absolute URL of ``path`` on this server (optionally under another loopback name)."""
        return f"http://{host or self.host}:{self.port}{path}"


def _handler(server: RecordingServer) -> type[BaseHTTPRequestHandler]:
    expected = "Basic " + base64.b64encode(f"{server.username}:{server.password}".encode()).decode(
        "ascii"
    )

    class Handler(BaseHTTPRequestHandler):
        def setup(self) -> None:
            server.connections += 1
            super().setup()

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            auth = self.headers.get("Authorization")
            server.seen.append({"path": self.path, "authorization": auth})
            route = server.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route.delay:
                time.sleep(route.delay)
            if route.location is not None:
                self.send_response(302)
                self.send_header("Location", route.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if auth != expected:
                self.send_error(401)
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            if route.declare_length:
                self.send_header("Content-Length", str(len(route.body)))
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return  # keep test output quiet

    return Handler


@contextmanager
def serve_recordings(username: str, password: str) -> Iterator[RecordingServer]:
    """Run a recording server on 127.0.0.1 and a free port for the duration of the block."""
    state = RecordingServer("127.0.0.1", 0, username, password)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
