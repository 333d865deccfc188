"""Resolved tickets due a follow-up check, signed Twilio requests, a fake Twilio client."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator

from callcenter.db import db
from callcenter.followup import calls
from callcenter.followup.checks import local_today, run_follow_up_checks
from callcenter.pipeline import sms
from tests.factories import make_ticket, make_user

MOBILE = "+821012345678"
CONFIG = {
    "TWILIO_ACCOUNT_SID": "AC" + "2" * 32,
    "TWILIO_CREDENTIALS_CONFIGURED": True,
    "TWILIO_SMS_FROM": "+8215881379",
    "FOLLOW_UP_TRIES": 2,
    "FOLLOW_UP_RETRY_HOURS": 24,
    "FOLLOW_UP_ASK_MINUTES": (0, 24 * 60),  # any time of day: the tests run whenever
}


@pytest.fixture
def app_config(app_config):  # type: ignore[no-untyped-def]
    app_config.update(CONFIG)
    return app_config


def signed_post(app: Flask, client: FlaskClient, path: str, form: dict[str, str]):  # type: ignore[no-untyped-def]
    """POST ``form`` to ``path`` as Twilio would: our AccountSid, and its X-Twilio-Signature."""
    if app.config.get("TWILIO_ACCOUNT_SID") and "AccountSid" not in form:
        form = {**form, "AccountSid": app.config["TWILIO_ACCOUNT_SID"]}
    validator = RequestValidator(app.config["TWILIO_AUTH_TOKEN"])
    signature = validator.compute_signature(app.config["PUBLIC_BASE_URL"] + path, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})


def resolved_ticket(app: Flask, *, caller: str = MOBILE, due: date | None = None, **fields: Any):  # type: ignore[no-untyped-def]
    """A resolved ticket of an operator, its follow-up date today (or ``due``)."""
    operator = make_user(app, f"op{caller[-4:]}{fields.pop('suffix', '')}", "operator", "INCHEON")
    ticket = make_ticket(app, status="resolved", caller=caller, assignee_id=operator.id, **fields)
    from callcenter.models import Ticket

    with app.app_context():
        row = db.session.get(Ticket, ticket.id)
        assert row is not None
        row.follow_up_on = due or local_today()
        db.session.commit()
    return ticket


def sweep(app: Flask) -> dict[str, Any]:
    """Run the follow-up sweep once."""
    with app.app_context():
        result = run_follow_up_checks()
        db.session.remove()
        return result


class FakeTwilio:
    """Twilio's REST API (the one mocked edge): messages and calls it was asked to make."""

    def __init__(self) -> None:
        self.messages_sent: list[dict[str, str]] = []
        self.calls_made: list[dict[str, str]] = []
        outer = self

        class Messages:
            def create(self, **kwargs: str) -> Any:
                outer.messages_sent.append(kwargs)
                return type("M", (), {"sid": f"SM{len(outer.messages_sent):032d}"})()

        class Calls:
            def create(self, **kwargs: str) -> Any:
                outer.calls_made.append(kwargs)
                return type("C", (), {"sid": f"CA{len(outer.calls_made):032d}"})()

        self.messages, self.calls = Messages(), Calls()


@pytest.fixture
def twilio(monkeypatch: pytest.MonkeyPatch) -> FakeTwilio:
    """Texts and calls go to one fake Twilio client."""
    fake = FakeTwilio()
    monkeypatch.setattr(sms, "Client", lambda sid, token: fake)
    monkeypatch.setattr(calls, "Client", lambda sid, token: fake)
    return fake
