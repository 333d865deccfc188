"""Security headers on every response, and the Korean answer to an oversized request.

The Content-Security-Policy allows scripts and styles from our own origin only: templates
carry no inline ``<script>``, no ``on*=`` handler and no ``style=`` attribute (JS lives in
``static/js``, CSS in ``static/css``), so an injected tag or attribute does nothing.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from callcenter.auth.access import is_api_request, json_error
from callcenter.i18n import t

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Static files are the same for everybody; every other answer may carry personal data
# (ticket pages, recordings, CSV exports, the API) and is never stored by a cache.
CACHEABLE_ENDPOINTS = frozenset({"static"})


def init_app(app: Flask) -> None:
    """Add the headers after every request and answer 413 in Korean."""
    app.before_request(_refuse_oversized)
    app.after_request(_add_headers)
    app.register_error_handler(RequestEntityTooLarge, _too_large)


def _refuse_oversized() -> None:
    """413 from the declared length, before any hook reads the body (CSRF reads the form).

    A chunked body with no declared length is cut by werkzeug's own limit while it is read.
    """
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    hsts = current_app.config.get("HSTS_SECONDS", 0)
    if hsts:
        headers.setdefault("Strict-Transport-Security", f"max-age={hsts}; includeSubDomains")
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        cache = headers.get("Cache-Control", "")
        if "no-store" not in cache:
            headers["Cache-Control"] = "private, no-store" if "private" in cache else "no-store"
    return response


def _too_large(_exc: RequestEntityTooLarge) -> ResponseReturnValue:
    if is_api_request():
        return json_error(413, "too_large", "error.too_large")
    response = Response(t("error.too_large"), status=413, mimetype="text/plain")
    # The body was not read: closing the connection keeps the client from sending the rest.
    response.headers["Connection"] = "close"
    return response
