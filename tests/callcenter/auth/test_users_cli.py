"""`flask users create|list|set-password|unlock|deactivate|reactivate`, each audited."""

from __future__ import annotations

from sqlalchemy import select

from callcenter.db import db
from callcenter.models import AuditLog, User
from tests.helpers import sign_in


def test_create_from_stdin_then_sign_in(app, runner, client):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--username",
            "lee",
            "--role",
            "operator",
            "--center",
            "incheon",
            "--password-stdin",
        ],
        input="a-long-enough-password\n",
    )
    assert result.exit_code == 0, result.output
    assert "created lee (operator, INCHEON)" in result.output
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == "lee")).one()
        assert user.center_code == "INCHEON" and user.role == "operator"
    assert sign_in(client, "lee", "a-long-enough-password").status_code == 302
    listing = runner.invoke(args=["users", "list"]).output
    assert "lee" in listing and "INCHEON" in listing and "active" in listing


def test_create_prompts_for_password_twice(app, runner):
    result = runner.invoke(
        args=["users", "create", "--username", "park", "--role", "supervisor"],
        input="another-good-password\nanother-good-password\n",
    )
    assert result.exit_code == 0, result.output


def test_create_refuses_bad_input(app, runner):
    cases = [
        (["--role", "operator"], "an operator belongs to a center"),
        (["--role", "operator", "--center", "NOWHERE"], "unknown center code"),
        (["--role", "janitor"], "Invalid value"),
    ]
    for extra, message in cases:
        result = runner.invoke(
            args=["users", "create", "--username", "x", *extra, "--password-stdin"],
            input="a-long-enough-password\n",
        )
        assert result.exit_code != 0 and message in result.output, (extra, result.output)
    short = runner.invoke(
        args=["users", "create", "--username", "x", "--role", "admin", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code != 0 and "at least 10" in short.output
    runner.invoke(
        args=["users", "create", "--username", "dup", "--role", "admin", "--password-stdin"],
        input="a-long-enough-password\n",
    )
    again = runner.invoke(
        args=["users", "create", "--username", "DUP", "--role", "admin", "--password-stdin"],
        input="a-long-enough-password\n",
    )
    assert again.exit_code != 0 and "already exists" in again.output


def test_set_password_and_deactivate(app, runner, client):
    runner.invoke(
        args=["users", "create", "--username", "choi", "--role", "admin", "--password-stdin"],
        input="first-password-000\n",
    )
    result = runner.invoke(
        args=["users", "set-password", "choi", "--password-stdin"], input="second-password-000\n"
    )
    assert result.exit_code == 0
    assert sign_in(client, "choi", "first-password-000").status_code == 401
    assert sign_in(client, "choi", "second-password-000").status_code == 302
    # The only active admin stays: the command says why and changes nothing.
    refused = runner.invoke(args=["users", "deactivate", "choi"])
    assert refused.exit_code != 0 and "only active administrator" in refused.output
    runner.invoke(
        args=["users", "create", "--username", "han", "--role", "admin", "--password-stdin"],
        input="third-password-000\n",
    )
    assert runner.invoke(args=["users", "deactivate", "choi"]).exit_code == 0
    assert sign_in(app.test_client(), "choi", "second-password-000").status_code == 401
    assert "inactive" in runner.invoke(args=["users", "list"]).output
    assert runner.invoke(args=["users", "reactivate", "choi"]).exit_code == 0
    assert sign_in(app.test_client(), "choi", "second-password-000").status_code == 302


def test_command_line_changes_are_audited_without_passwords(app, runner):
    runner.invoke(
        args=["users", "create", "--username", "lim", "--role", "supervisor", "--password-stdin"],
        input="first-password-000\n",
    )
    runner.invoke(
        args=["users", "set-password", "lim", "--password-stdin"], input="second-password-000\n"
    )
    runner.invoke(args=["users", "deactivate", "lim"])
    with app.app_context():
        rows = db.session.scalars(select(AuditLog).order_by(AuditLog.id)).all()
        assert [r.action for r in rows] == ["user.create", "user.password", "user.deactivate"]
        assert all(r.user_id is None and r.detail["via"] == "cli" for r in rows)
        assert all(r.detail["username"] == "lim" for r in rows)
        hash_ = db.session.scalars(select(User.password_hash)).one()
        for row in rows:
            text = str(row.detail)
            assert "password-000" not in text and hash_ not in text
