"""Account pages: the list with filters, one account, and the admin's changes (PRG)."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from callcenter.accounts import CHANGE_ROLES, VIEW_ROLES, bp, show_once
from callcenter.accounts.forms import (
    AccountForm,
    read_new_user,
    read_password,
    read_profile_change,
)
from callcenter.auth import roles_required
from callcenter.auth.accounts import (
    create_account,
    is_locked,
    reset_password,
    set_active,
    unlock_account,
    update_account,
)
from callcenter.auth.security import MIN_PASSWORD_LENGTH, UserError
from callcenter.auth.views import client_ip
from callcenter.db import db
from callcenter.i18n import LANGUAGES, MESSAGES, t
from callcenter.models import ROLES, AuditLog, User, utcnow
from routing import reference

STATES = ("active", "locked", "inactive")
NO_CENTER = "-"
HISTORY_ROWS = 20


def state_of(user: User) -> str:
    """``inactive``, ``locked`` (sign-in lockout) or ``active``."""
    if not user.active:
        return "inactive"
    return "locked" if is_locked(user) else "active"


def action_label(action: str) -> str:
    """An audit action's name (the code itself when it has none)."""
    msg_id = f"sv.action.{action}"
    return t(msg_id) if msg_id in MESSAGES else action


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "state_of": state_of,
        "action_label": action_label,
        "can_change": current_user.is_authenticated and current_user.role in CHANGE_ROLES,
        "roles": ROLES,
        "centers": reference.centers(),
        "languages": LANGUAGES,
        "min_password": MIN_PASSWORD_LENGTH,
    }


def _actor() -> User:
    user: User = current_user._get_current_object()
    return user


def _load(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/users")
@roles_required(*VIEW_ROLES)
def users() -> ResponseReturnValue:
    """Every account with role, center, state, last sign-in; filter by role, center, state."""
    choices = {
        "role": ROLES,
        "center": (NO_CENTER, *(c.code for c in reference.centers())),
        "state": STATES,
    }
    chosen = {name: request.args.get(name, "").strip() for name in choices}
    invalid = [name for name, value in chosen.items() if value and value not in choices[name]]
    for name in invalid:
        chosen[name] = ""
    query = select(User).order_by(func.lower(User.username))
    if chosen["role"]:
        query = query.where(User.role == chosen["role"])
    if chosen["center"] == NO_CENTER:
        query = query.where(User.center_code.is_(None))
    elif chosen["center"]:
        query = query.where(User.center_code == chosen["center"])
    now = utcnow()
    locked = and_(User.locked_until.is_not(None), User.locked_until > now)
    if chosen["state"] == "inactive":
        query = query.where(User.active.is_(False))
    elif chosen["state"] == "locked":
        query = query.where(User.active.is_(True), locked)
    elif chosen["state"] == "active":
        query = query.where(User.active.is_(True), ~locked)
    rows = db.session.scalars(query).all()
    return render_template(
        "accounts/users.html",
        rows=rows,
        chosen=chosen,
        invalid=invalid,
        states=STATES,
        no_center=NO_CENTER,
    )


def _history(user: User) -> list[AuditLog]:
    """Recent changes to the account and its sign-ins, newest first."""
    query = (
        select(AuditLog)
        .options(selectinload(AuditLog.user))
        .where(
            or_(
                and_(AuditLog.target_type == "user", AuditLog.target_id == user.id),
                and_(AuditLog.user_id == user.id, AuditLog.action.like("auth.%")),
            )
        )
        .order_by(AuditLog.id.desc())
        .limit(HISTORY_ROWS)
    )
    return list(db.session.scalars(query))


def _user_page(
    user: User,
    *,
    profile: AccountForm | None = None,
    password: AccountForm | None = None,
    status: int = 200,
    new_password: str | None = None,
) -> ResponseReturnValue:
    new_password = new_password or show_once.take(user.id)
    response = make_response(
        render_template(
            "accounts/user.html",
            user=user,
            state=state_of(user),
            history=_history(user),
            profile=profile
            or AccountForm(
                display_name=user.display_name,
                role=user.role,
                center_code=user.center_code,
                language=user.language,
            ),
            profile_errors=profile.messages() if profile else {},
            password_errors=password.messages() if password else {},
            password_mode=password.password_mode if password else "generate",
            new_password=new_password,
            is_self=user.id == current_user.id,
        ),
        status,
    )
    # The page may carry a password shown once: keep it out of every cache and history.
    response.headers["Cache-Control"] = "no-store"
    return response


def _show_generated(user: User, password: str) -> ResponseReturnValue:
    """Redirect to the account page that shows ``password`` once (PRG).

    Without Redis the password cannot wait for the next page: this response shows it.
    """
    if show_once.keep(user.id, password):
        return redirect(url_for("accounts.user", user_id=user.id))
    return _user_page(user, new_password=password)


@bp.get("/users/<int:user_id>")
@roles_required(*VIEW_ROLES)
def user(user_id: int) -> ResponseReturnValue:
    """One account: its facts, recent history and (for admins) the forms to change it."""
    return _user_page(_load(user_id))


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(*CHANGE_ROLES)
def new_user() -> ResponseReturnValue:
    """The create form; a generated password is shown once on the new account's page."""
    form = AccountForm(role="operator")
    status = 200
    if request.method == "POST":
        form = read_new_user(db.session(), request.form)
        if not form.errors:
            try:
                created = create_account(
                    db.session(),
                    actor=_actor(),
                    ip=client_ip(),
                    username=form.username,
                    role=form.role,
                    password=form.password,
                    center_code=form.center_code,
                    display_name=form.display_name,
                    language=form.language,
                    generated=form.generated,
                )
                db.session.commit()
            except UserError as exc:
                db.session.rollback()
                form.add([exc])
            except IntegrityError:
                # Someone created the same username between our check and the insert.
                db.session.rollback()
                form.add(
                    [UserError("username", "user.error.username_taken", username=form.username)]
                )
            else:
                flash(t("adm.flash.created", username=created.username), "success")
                if form.generated:
                    return _show_generated(created, form.password)
                return redirect(url_for("accounts.user", user_id=created.id))
        status = 400
    return (
        render_template(
            "accounts/user_new.html",
            form=form,
            errors=form.messages(),
            password_mode=form.password_mode,
        ),
        status,
    )


@bp.post("/users/<int:user_id>/profile")
@roles_required(*CHANGE_ROLES)
def update_user(user_id: int) -> ResponseReturnValue:
    """Change display name, role, center and language (guards on the admin role)."""
    target = _load(user_id)
    form = read_profile_change(db.session(), request.form)
    if not form.errors:
        try:
            changes = update_account(
                db.session(),
                target,
                actor=_actor(),
                ip=client_ip(),
                display_name=form.display_name,
                role=form.role,
                center_code=form.center_code,
                language=form.language,
            )
        except UserError as exc:
            db.session.rollback()
            form.add([exc])
        else:
            db.session.commit()
            key = "adm.flash.updated" if changes else "adm.flash.unchanged"
            flash(t(key, username=target.username), "success" if changes else "info")
            return redirect(url_for("accounts.user", user_id=target.id))
    return _user_page(target, profile=form, status=400)


@bp.post("/users/<int:user_id>/password")
@roles_required(*CHANGE_ROLES)
def reset_user_password(user_id: int) -> ResponseReturnValue:
    """A new password, typed twice or generated (shown once); ends the user's sessions."""
    target = _load(user_id)
    form = AccountForm()
    read_password(request.form, form, (target.username, target.display_name))
    if form.errors:
        return _user_page(target, password=form, status=400)
    actor = _actor()
    reset_password(
        db.session(), target, form.password, actor=actor, ip=client_ip(), generated=form.generated
    )
    db.session.commit()
    if target.id == actor.id:
        # An admin resetting their own password keeps this session (others end).
        login_user(actor)
    flash(t("adm.flash.password", username=target.username), "success")
    if form.generated:
        return _show_generated(target, form.password)
    return redirect(url_for("accounts.user", user_id=target.id))


@bp.post("/users/<int:user_id>/unlock")
@roles_required(*CHANGE_ROLES)
def unlock_user(user_id: int) -> ResponseReturnValue:
    """Lift a sign-in lockout."""
    target = _load(user_id)
    if unlock_account(db.session(), target, actor=_actor(), ip=client_ip()):
        db.session.commit()
        flash(t("adm.flash.unlocked", username=target.username), "success")
    else:
        flash(t("adm.flash.not_locked", username=target.username), "info")
    return redirect(url_for("accounts.user", user_id=target.id))


def _set_active(user_id: int, active: bool) -> ResponseReturnValue:
    target = _load(user_id)
    try:
        changed = set_active(db.session(), target, active, actor=_actor(), ip=client_ip())
    except UserError as exc:
        db.session.rollback()
        flash(exc.message(), "error")
        return redirect(url_for("accounts.user", user_id=user_id))
    db.session.commit()
    state = "reactivated" if active else "deactivated"
    key = f"adm.flash.{state}" if changed else f"adm.flash.already_{state}"
    flash(t(key, username=target.username), "success" if changed else "info")
    return redirect(url_for("accounts.user", user_id=target.id))


@bp.post("/users/<int:user_id>/deactivate")
@roles_required(*CHANGE_ROLES)
def deactivate_user(user_id: int) -> ResponseReturnValue:
    """Stop the user signing in and end their sessions (not oneself, not the last admin)."""
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/reactivate")
@roles_required(*CHANGE_ROLES)
def reactivate_user(user_id: int) -> ResponseReturnValue:
    """Let a deactivated user sign in again (their old sessions stay ended)."""
    return _set_active(user_id, True)
