"""Sign-in under attack: parallel guesses, unknown names, throttling behind a proxy."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import select

from callcenter.db import db
from callcenter.models import AuditLog
from tests.factories import make_user
from tests.helpers import sign_in

_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def _guess(base_url: str, username: str, password: str) -> int:
    with requests.Session() as http:
        page = http.get(f"{base_url}/auth/login", timeout=30).text
        token = _TOKEN.search(page)
        assert token
        data = {"username": username, "password": password, "csrf_token": token[1]}
        return http.post(
            f"{base_url}/auth/login", data=data, timeout=60, allow_redirects=False
        ).status_code


def _password_checks(app, username: str) -> int:
    with app.app_context():
        rows = db.session.scalars(
            select(AuditLog).where(AuditLog.action == "auth.login_failed")
        ).all()
        return sum(1 for r in rows if r.detail.get("reason") == "password")


def test_parallel_wrong_passwords_check_no_more_than_the_limit(app, live_server):
    app.config["LOGIN_IP_MAX_FAILURES"] = 1000  # the per-account limit is under test
    make_user(app, "kim")
    limit = app.config["LOGIN_MAX_FAILURES"]
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(
            pool.map(lambda i: _guess(live_server, "kim", f"wrong-guess-{i:04d}"), range(40))
        )
    assert set(statuses) <= {401, 423}
    assert _password_checks(app, "kim") <= limit
    # The right password is refused too while the account is locked.
    assert _guess(live_server, "kim", "correct-horse-battery") == 423


def test_locked_and_unknown_accounts_answer_alike(app):
    app.config["LOGIN_IP_MAX_FAILURES"] = 1000
    make_user(app, "kim")
    limit = app.config["LOGIN_MAX_FAILURES"]
    answers = {}
    for name in ("kim", "nobody"):
        client = app.test_client()
        statuses = [sign_in(client, name, f"bad-guess-{i:04d}").status_code for i in range(limit)]
        after = sign_in(client, name, "correct-horse-battery")
        body = after.get_data(as_text=True)
        body = re.sub(r'(value|content)="[^"]*"', "", body)  # the typed name, the CSRF token
        answers[name] = (statuses, after.status_code, body)
    assert answers["kim"] == answers["nobody"]
    assert answers["kim"][1] == 423


def test_failed_sign_ins_keep_no_typed_name_in_the_audit_log(app):
    client = app.test_client()
    secret = "MyPassword!2024"  # typed into the wrong box
    sign_in(client, secret, "x")
    with app.app_context():
        (row,) = db.session.scalars(select(AuditLog)).all()
    assert secret.lower() not in str(row.detail).lower()
    assert row.detail["username_length"] == len(secret) and row.detail["username_digest"]
