"""Twilio request signatures: every webhook is checked, in tests too (tests sign)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, request
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

F = TypeVar("F", bound=Callable[..., Any])


def public_url() -> str:
    """The URL Twilio requested: PUBLIC_BASE_URL + path (+ query), as it signed it.

    Built from the configured public address rather than the Host header, so validation
    holds behind a proxy or tunnel that rewrites scheme, host or port.
    """
    url = current_app.config["PUBLIC_BASE_URL"] + request.path
    if request.query_string:
        url += "?" + request.query_string.decode("latin-1")
    return url


def is_valid_twilio_request() -> bool:
    """Whether this request carries a good X-Twilio-Signature for our auth token."""
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not signature:
        return False
    validator = RequestValidator(current_app.config["TWILIO_AUTH_TOKEN"])
    algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
    return bool(validator.validate(public_url(), request.form, signature, algorithm))


def is_our_account() -> bool:
    """Whether the request names our TWILIO_ACCOUNT_SID (always true when none is set)."""
    expected = current_app.config.get("TWILIO_ACCOUNT_SID")
    return not expected or request.form.get("AccountSid") == expected


def twilio_only(view: F) -> F:
    """Reject (403) a request to ``view`` without a valid Twilio signature for our account."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not is_valid_twilio_request():
            current_app.logger.warning("rejected unsigned or forged request to %s", request.path)
            abort(403)
        if not is_our_account():
            # Signed, but for another account: a token shared with another account, or a
            # number moved between accounts. Not ours to take in.
            current_app.logger.warning(
                "rejected request for another AccountSid to %s", request.path
            )
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
