"""`flask users ...`: console accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from callcenter.auth.accounts import (
    create_account,
    is_locked,
    reset_password,
    set_active,
    unlock_account,
)
from callcenter.auth.security import UserError
from callcenter.db import db
from callcenter.models import ROLES, User


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        # One line from standard input, so scripts can pipe a password without a prompt.
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password (비밀번호)", hide_input=True, confirmation_prompt=True))


def _find(username: str) -> User:
    user = db.session.scalars(
        select(User).where(func.lower(User.username) == username.lower())
    ).first()
    if user is None:
        raise click.ClickException(f"no such user: {username}")
    return user


@click.group("users")
def users_group() -> None:
    """Console users (operators, supervisors, admins)."""


@users_group.command("create")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--center", "center_code", default=None, help="Center code, e.g. INCHEON.")
@click.option("--name", "display_name", default="", help="Display name (default: username).")
@click.option("--language", default="ko", type=click.Choice(["ko", "en"]), show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_command(
    username: str,
    role: str,
    center_code: str | None,
    display_name: str,
    language: str,
    password_stdin: bool,
) -> None:
    """Create a user; the password is prompted for (or read from stdin)."""
    center = center_code.strip().upper() if center_code else None
    password = _read_password(password_stdin)
    try:
        user = create_account(
            db.session(),
            actor=None,
            ip=None,
            username=username.strip(),
            role=role,
            password=password,
            center_code=center,
            display_name=display_name.strip(),
            language=language,
        )
    except UserError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"created {user.username} ({user.role}{', ' + center if center else ''})")


@users_group.command("list")
@with_appcontext
def list_command() -> None:
    """List users with role, center and lock state."""
    users = db.session.scalars(select(User).order_by(User.username)).all()
    if not users:
        click.echo("사용자가 없습니다 (no users).")
    for u in users:
        state = "active" if u.active else "inactive"
        if is_locked(u):
            state = "locked"
        click.echo(f"{u.username:<20} {u.role:<10} {u.center_code or '-':<10} {state}")


@users_group.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def set_password_command(username: str, password_stdin: bool) -> None:
    """Set a new password (ends the user's sessions and any lockout)."""
    user = _find(username)
    try:
        reset_password(db.session(), user, _read_password(password_stdin), actor=None, ip=None)
    except UserError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"password changed for {user.username}")


@users_group.command("unlock")
@click.argument("username")
@with_appcontext
def unlock_command(username: str) -> None:
    """Lift a sign-in lockout."""
    user = _find(username)
    unlock_account(db.session(), user, actor=None, ip=None)
    db.session.commit()
    click.echo(f"unlocked {user.username}")


@users_group.command("deactivate")
@click.argument("username")
@with_appcontext
def deactivate_command(username: str) -> None:
    """Stop a user signing in (ends their sessions); history keeps their name."""
    user = _find(username)
    try:
        set_active(db.session(), user, False, actor=None, ip=None)
    except UserError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"deactivated {user.username}")


@users_group.command("reactivate")
@click.argument("username")
@with_appcontext
def reactivate_command(username: str) -> None:
    """Let a deactivated user sign in again (their old sessions stay ended)."""
    user = _find(username)
    set_active(db.session(), user, True, actor=None, ip=None)
    db.session.commit()
    click.echo(f"reactivated {user.username}")
