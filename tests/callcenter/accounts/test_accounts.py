"""Account services: the last-admin guard, also when two admins remove each other at once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from callcenter.auth.accounts import generate_password, set_active, update_account
from callcenter.auth.security import UserError
from callcenter.db import db
from callcenter.models import User
from tests.factories import make_user
from tests.helpers import sign_in


def _get(username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


def test_generated_passwords_are_long_random_and_unambiguous():
    passwords = {generate_password() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        assert len(password) == 19 and password.count("-") == 3
        assert not set(password) & set("0O1lI")


def test_the_last_active_admin_stays_whoever_asks(app):
    make_user(app, "root", "admin", None)
    make_user(app, "retired", "admin", None)
    with app.app_context():
        set_active(db.session(), _get("retired"), False, actor=None, ip=None)
        db.session.commit()
        root = _get("root")
        with pytest.raises(UserError) as deactivate:
            set_active(db.session(), root, False, actor=None, ip=None)
        db.session.rollback()
        with pytest.raises(UserError) as demote:
            update_account(
                db.session(),
                root,
                actor=None,
                ip=None,
                display_name="root",
                role="supervisor",
                center_code=None,
                language="ko",
            )
        db.session.rollback()
        assert deactivate.value.msg_id == demote.value.msg_id == "user.error.last_admin"
        assert "활성 시스템 관리자가 이 계정 하나뿐" in deactivate.value.message("ko")
        assert str(demote.value).startswith("role: this is the only active administrator")
        root = _get("root")
        assert root.active and root.role == "admin"
        # A supervisor may go whatever the admins are.
        make_user(app, "boss", "supervisor", None)
        assert set_active(db.session(), _get("boss"), False, actor=None, ip=None)
        db.session.commit()


def test_two_admins_removing_each_other_at_once_leave_one(app):
    """A's request deactivates B and waits before committing; B's request meanwhile
    deactivates A. B's must wait for A's and then be refused (FOR UPDATE on PostgreSQL,
    the write lock taken before counting on SQLite)."""
    make_user(app, "a", "admin", None)
    make_user(app, "b", "admin", None)
    flushed, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        with app.app_context():
            set_active(db.session(), _get("b"), False, actor=_get("a"), ip=None)
            flushed.set()
            release.wait(10)
            db.session.commit()
            outcome["first"] = "committed"

    def second() -> None:
        with app.app_context():
            try:
                set_active(db.session(), _get("a"), False, actor=_get("b"), ip=None)
                db.session.commit()
                outcome["second"] = "committed"
            except UserError as exc:
                db.session.rollback()
                outcome["second"] = exc.msg_id

    one = threading.Thread(target=first)
    one.start()
    assert flushed.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.5)  # the second request is blocked behind the first's transaction
    assert two.is_alive()
    release.set()
    one.join(30)
    two.join(30)
    assert outcome == {"first": "committed", "second": "user.error.last_admin"}
    with app.app_context():
        assert _get("a").active and not _get("b").active


def test_usernames_are_stored_in_lower_case_and_unique_in_any_case(app):
    from sqlalchemy.exc import IntegrityError

    from callcenter.auth.security import create_user

    with app.app_context():
        user = create_user(
            db.session(), username="Minsu.Kim", role="supervisor", password="a-long-password-1"
        )
        db.session.commit()
        assert (user.username, user.display_name) == ("minsu.kim", "Minsu.Kim")
        # Past the application's own check (two admins at the same instant), the database
        # refuses the second spelling.
        db.session.add(User(username="minsu.kim", password_hash="x", role="operator"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
    response = sign_in(app.test_client(), "MINSU.KIM", "a-long-password-1")
    assert response.status_code == 302
