"""Helpers for the account pages' tests: admin clients, form posts, rows read back."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from callcenter.db import db
from callcenter.models import AuditLog, User
from tests.helpers import csrf_token

NEW_PASSWORD = re.compile(r'<output class="mono secret" id="new-password">([^<]+)</output>')


def post(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any):
    """POST a form with the session's CSRF token."""
    token = csrf_token(client, "/auth/login")
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)


def user_row(app: Flask, username: str) -> User:
    """The user as stored now (detached)."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).one()
        db.session.expunge(user)
        return user


def audit_rows(app: Flask, prefix: str = "user.") -> list[AuditLog]:
    """Audit rows whose action starts with ``prefix``, oldest first (detached)."""
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(AuditLog).where(AuditLog.action.like(f"{prefix}%")).order_by(AuditLog.id)
            )
        )
        for row in rows:
            db.session.expunge(row)
        return rows


def shown_password(html: str) -> str | None:
    """The generated password a page shows once, if any."""
    match = NEW_PASSWORD.search(html)
    return match.group(1) if match else None


def field_error(html: str, prefix: str, field: str) -> str | None:
    """The error text shown next to a form field (``<prefix>-<field>-error``)."""
    match = re.search(rf'<p class="error-text" id="{prefix}-{field}-error">([^<]+)</p>', html)
    return unescape(match.group(1)) if match else None
