"""Sign-in helpers for web tests: users, CSRF tokens and signed-in test clients."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from callcenter.auth.security import create_user
from callcenter.db import db
from callcenter.models import User

PASSWORD = "correct-horse-battery"
_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def make_user(
    app: Flask,
    username: str,
    role: str = "operator",
    center: str | None = "INCHEON",
    *,
    password: str = PASSWORD,
    language: str = "ko",
) -> User:
    """Create and commit a user (operators need a center; others may have none)."""
    with app.app_context():
        user = create_user(
            db.session,
            username=username,
            role=role,
            password=password,
            center_code=center,
            language=language,
        )
        db.session.commit()
        db.session.expunge(user)
        return user


def csrf_token(client: FlaskClient, path: str = "/auth/login") -> str:
    """The session's CSRF token, read from a page's meta tag."""
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = _TOKEN.search(page)
    assert match, "page has no csrf-token meta tag"
    return match.group(1)


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD, **extra: str):
    """POST the sign-in form with a valid CSRF token; returns the response."""
    token = csrf_token(client)
    return client.post(
        "/auth/login",
        data={"username": username, "password": password, "csrf_token": token, **extra},
    )


def signed_in_client(
    app: Flask, username: str, role: str = "operator", center: str | None = "INCHEON"
) -> FlaskClient:
    """A new test client signed in as a new user of ``role``."""
    make_user(app, username, role, center)
    client = app.test_client()
    response = sign_in(client, username)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client
