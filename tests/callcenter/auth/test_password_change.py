"""A signed-in user's own password change, and the change forced after an admin set one."""

from __future__ import annotations

from sqlalchemy import select

from callcenter.auth.accounts import reset_password
from callcenter.db import db
from callcenter.models import AuditLog, User
from tests.factories import PASSWORD, make_user
from tests.helpers import csrf_token, sign_in, signed_in_client

NEW = "새-비밀번호-2026-안전"


def _change(client, current, new, confirm=None):
    token = csrf_token(client, "/auth/password")
    return client.post(
        "/auth/password",
        data={
            "csrf_token": token,
            "current_password": current,
            "password": new,
            "confirm": new if confirm is None else confirm,
        },
    )


def test_a_user_changes_their_password_and_stays_signed_in(app):
    client = signed_in_client(app, "kim")
    page = client.get("/console/").get_data(as_text=True)
    assert 'href="/auth/password"' in page
    for current, new, confirm, message in (
        ("wrong-password", NEW, None, "현재 비밀번호가 올바르지 않습니다."),
        (PASSWORD, NEW, NEW + "x", "두 번 입력한 비밀번호가 서로 다릅니다."),
        (PASSWORD, "short", None, "10"),
        (PASSWORD, PASSWORD, None, "지금 비밀번호와 같습니다"),
    ):
        response = _change(client, current, new, confirm)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    response = _change(client, PASSWORD, NEW)
    assert response.status_code == 302
    assert client.get("/console/").status_code == 200  # this session goes on
    other = app.test_client()
    assert sign_in(other, "kim", PASSWORD).status_code == 401
    assert sign_in(other, "kim", NEW).status_code == 302
    with app.app_context():
        actions = db.session.scalars(select(AuditLog.action)).all()
        assert "user.password_change" in actions


def test_an_admin_set_password_must_be_changed_first(app):
    admin = make_user(app, "root", "admin", None)
    make_user(app, "lee")
    with app.app_context():
        lee = db.session.scalars(select(User).where(User.username == "lee")).one()
        reset_password(
            db.session, lee, "관리자가-정한-비밀번호", actor=db.session.get(User, admin.id), ip=None
        )
        db.session.commit()
    client = app.test_client()
    assert sign_in(client, "lee", "관리자가-정한-비밀번호").status_code == 302
    response = client.get("/console/")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/password"
    page = client.get("/auth/password").get_data(as_text=True)
    assert "관리자가 정한 비밀번호입니다" in page
    api = client.get("/api/tickets")
    assert api.status_code == 403 and api.get_json()["error"] == "password_change_required"
    assert _change(client, "관리자가-정한-비밀번호", NEW).status_code == 302
    assert client.get("/console/").status_code == 200
    with app.app_context():
        assert (
            db.session.scalars(
                select(User.must_change_password).where(User.username == "lee")
            ).one()
            is False
        )
