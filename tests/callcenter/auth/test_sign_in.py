"""Sign-in, lockout, throttle, session expiry, CSRF and sign-out."""

from __future__ import annotations

from sqlalchemy import select

from callcenter.db import db
from callcenter.models import AuditLog, User
from tests.factories import PASSWORD, make_user
from tests.helpers import csrf_token, sign_in


def _user(app, username: str) -> User:
    with app.app_context():
        return db.session.scalars(select(User).where(User.username == username)).one()


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_password_is_stored_hashed(app):
    make_user(app, "kim")
    stored = _user(app, "kim").password_hash
    assert PASSWORD not in stored
    assert stored.startswith("scrypt:")


def test_sign_in_and_out(app, client):
    make_user(app, "kim")
    response = sign_in(client, "kim")
    assert response.status_code == 302
    with client.session_transaction() as sess:
        assert sess["_user_id"].startswith(f"{_user(app, 'kim').id}:")
        assert sess.permanent
    token = csrf_token(client, "/auth/login")
    assert client.get("/auth/logout").status_code == 405  # a link cannot sign anyone out
    response = client.post("/auth/logout", data={"csrf_token": token})
    assert response.status_code == 302
    with client.session_transaction() as sess:
        assert "_user_id" not in sess
    assert _actions(app) == ["auth.login", "auth.logout"]


def test_wrong_password_is_refused_and_audited(app, client):
    make_user(app, "kim")
    response = sign_in(client, "kim", "wrong-password-123")
    assert response.status_code == 401
    assert "아이디 또는 비밀번호가 올바르지 않습니다" in response.get_data(as_text=True)
    assert _user(app, "kim").failed_logins == 1
    assert _actions(app) == ["auth.login_failed"]


def test_unknown_user_gets_the_same_answer(app, client):
    make_user(app, "kim")
    unknown = sign_in(client, "nobody", "whatever-pass")
    wrong = sign_in(client, "kim", "whatever-pass")
    assert unknown.status_code == wrong.status_code == 401
    assert "올바르지 않습니다" in unknown.get_data(as_text=True)


def test_account_locks_after_repeated_failures(app, client):
    make_user(app, "kim")
    limit = app.config["LOGIN_MAX_FAILURES"]
    statuses = [sign_in(client, "kim", f"bad-guess-{i:04d}").status_code for i in range(limit)]
    assert statuses == [401] * (limit - 1) + [423]
    assert _user(app, "kim").locked_until is not None
    # Even the right password is refused while the lock lasts.
    locked = sign_in(client, "kim")
    assert locked.status_code == 423
    assert "잠겼습니다" in locked.get_data(as_text=True)
    assert "auth.locked" in _actions(app)


def test_unlock_command_lifts_the_lock(app, client, runner):
    make_user(app, "kim")
    for i in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(client, "kim", f"bad-guess-{i:04d}")
    assert "locked" in runner.invoke(args=["users", "list"]).output
    assert runner.invoke(args=["users", "unlock", "kim"]).exit_code == 0
    assert sign_in(client, "kim").status_code == 302


def test_address_is_throttled_across_usernames(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_IP_MAX_FAILURES", 3)
    make_user(app, "kim")
    for name in ("a1", "b2", "c3"):
        assert sign_in(client, name, "guess-guess-1").status_code == 401
    # The fourth attempt from this address is refused before any password check.
    response = sign_in(client, "kim")
    assert response.status_code == 429
    assert "이 주소에서 로그인 실패가 너무 많습니다" in response.get_data(as_text=True)
    # Another address is not affected.
    other = app.test_client()
    token = csrf_token(other)
    response = other.post(
        "/auth/login",
        data={"username": "kim", "password": PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code == 302


def test_login_form_requires_csrf(app, client):
    make_user(app, "kim")
    response = client.post("/auth/login", data={"username": "kim", "password": PASSWORD})
    assert response.status_code == 400
    assert "보안 토큰" in response.get_data(as_text=True)


def test_next_must_stay_on_this_site(app, client):
    make_user(app, "kim")
    response = sign_in(client, "kim", next="//evil.example/steal")
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/auth/login")})
    response = sign_in(client, "kim", next="/auth/login?x=1")
    assert response.headers["Location"] == "/auth/login?x=1"
