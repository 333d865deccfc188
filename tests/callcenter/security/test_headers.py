"""Security headers, no caching of personal data, the request size limit and proxies."""

from __future__ import annotations

import io

import pytest

from callcenter import create_app
from callcenter.config import load_settings
from tests.factories import make_ticket
from tests.helpers import signed_in_client


def test_every_page_carries_the_security_headers(app):
    client = signed_in_client(app, "kim")
    ticket = make_ticket(app)
    for url in ("/auth/login", "/console/", f"/console/tickets/{ticket.number}", "/healthz"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, url
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "no-store" in headers["Cache-Control"], url
        assert "Strict-Transport-Security" not in headers  # HTTPS is production's


def test_files_and_json_with_personal_data_are_not_stored(app):
    ticket = make_ticket(app)
    client = signed_in_client(app, "boss", "supervisor", None)
    for url in (
        f"/console/tickets/{ticket.number}/audio",
        "/api/tickets",
        "/supervisor/export/calls.csv",
        "/supervisor/export/tickets.csv",
    ):
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert "no-store" in response.headers["Cache-Control"], url
    static = client.get("/static/css/app.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_production_sends_hsts(app_config, tmp_path):
    production = load_settings(
        {
            "APP_ENV": "production",
            "SECRET_KEY": "0f9e8d7c6b5a49382716a5b4c3d2e1f0a9b8c7d6",
            "TWILIO_AUTH_TOKEN": "a" * 32,
            "PUBLIC_BASE_URL": "https://1379.example.kr",
        },
        tmp_path,
    )
    assert production["HSTS_SECONDS"] >= 180 * 24 * 3600
    app = create_app(app_config | {"HSTS_SECONDS": production["HSTS_SECONDS"]})
    response = app.test_client().get("/auth/login")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


class _CountingBody(io.RawIOBase):
    """A request body that says how much of it the server read."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.read_bytes

    def seek(self, offset: int, whence: int = 0) -> int:
        self.read_bytes = offset if whence == 0 else self.read_bytes + offset
        return self.read_bytes

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        n = min(len(buffer), self.size - self.read_bytes)
        buffer[:n] = b"a" * n
        self.read_bytes += n
        return n


@pytest.mark.parametrize("url", ["/auth/login", "/voice/incoming", "/api/tickets"])
def test_an_oversized_body_gets_413_without_being_read(app, url):
    body = _CountingBody(300 * 1024 * 1024)
    response = app.test_client().post(
        url,
        input_stream=body,
        content_type="application/x-www-form-urlencoded",
        environ_overrides={"CONTENT_LENGTH": str(body.size)},
    )
    assert response.status_code == 413, response.get_data(as_text=True)[:300]
    assert body.read_bytes < 2 * 1024 * 1024
    if url.startswith("/api/"):
        assert response.get_json()["error"] == "too_large"
    else:
        assert "요청이 너무 큽니다" in response.get_data(as_text=True)


def test_a_form_of_ordinary_size_still_works(app):
    client = signed_in_client(app, "kim")
    assert client.get("/console/").status_code == 200


def test_trusted_proxies_give_the_forwarded_client_address(app_config):
    from flask import request

    app = create_app(app_config | {"TRUSTED_PROXIES": 1})
    # ProxyFix is applied at start-up from the setting; a second app shows both sides.
    plain = create_app(app_config)

    @app.get("/_ip")
    def _ip() -> str:
        return request.remote_addr or ""

    @plain.get("/_ip")
    def _plain_ip() -> str:
        return request.remote_addr or ""

    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    assert app.test_client().get("/_ip", headers=forwarded).get_data(as_text=True) == (
        "203.0.113.9"
    )
    assert plain.test_client().get("/_ip", headers=forwarded).get_data(as_text=True) == (
        "127.0.0.1"
    )
