"""A signed-in user's own password change, and the change forced after an administrator
set the password (every other page redirects to it until it is done)."""

from __future__ import annotations

import time

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user

from callcenter.auth.access import is_api_request, json_error
from callcenter.auth.accounts import change_own_password
from callcenter.auth.security import MIN_PASSWORD_LENGTH, UserError
from callcenter.auth.views import bp, client_ip, home_url
from callcenter.db import db
from callcenter.i18n import register_messages, t
from callcenter.models import User

register_messages(
    {
        key: {"ko": ko, "en": en}
        for key, (ko, en) in {
            "password.title": ("비밀번호 변경", "Change password"),
            "password.link": ("비밀번호", "Password"),
            "password.current": ("현재 비밀번호", "Current password"),
            "password.new": ("새 비밀번호", "New password"),
            "password.confirm": ("새 비밀번호 확인", "Confirm the new password"),
            "password.hint": ("{min}자 이상", "At least {min} characters"),
            "password.submit": ("변경", "Change"),
            "password.changed": ("비밀번호를 바꿨습니다.", "Your password was changed."),
            "password.forced": (
                "관리자가 정한 비밀번호입니다. 계속하려면 본인만 아는 비밀번호로 바꿔 주세요.",
                "An administrator set this password. Choose your own to continue.",
            ),
            "user.error.current_password": (
                "현재 비밀번호가 올바르지 않습니다.",
                "The current password is wrong.",
            ),
            "user.error.password_same": (
                "새 비밀번호가 지금 비밀번호와 같습니다.",
                "The new password is the same as the current one.",
            ),
        }.items()
    }
)

# What a user who must change the password may still reach.
ALLOWED_WHILE_FORCED = frozenset(
    {"auth.change_password", "auth.logout", "auth.set_language", "auth.login", "static"}
)


@bp.route("/password", methods=["GET", "POST"])
def change_password() -> ResponseReturnValue:
    """Show and handle the password change form (signed-in users only)."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.path))
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
    error: UserError | None = None
    if request.method == "POST":
        try:
            change_own_password(
                db.session(),
                user,
                request.form.get("current_password", ""),
                request.form.get("password", ""),
                request.form.get("confirm", ""),
                ip=client_ip(),
            )
        except UserError as exc:
            db.session.rollback()
            error = exc
        else:
            db.session.commit()
            # The new password changes the session fingerprint: sign this session in again
            # (other sessions of the user end).
            lang = session.get("lang")
            login_user(user)
            session.permanent = True
            session["login_at"] = time.time()
            if lang:
                session["lang"] = lang
            flash(t("password.changed"), "success")
            return redirect(home_url())
    return (
        render_template(
            "auth/password.html",
            error=error,
            forced=user.must_change_password,
            min_length=MIN_PASSWORD_LENGTH,
        ),
        400 if error else 200,
    )


def require_own_password() -> ResponseReturnValue | None:
    """Before each request: a user with an administrator-set password changes it first."""
    if not current_user.is_authenticated or not current_user.must_change_password:
        return None
    if request.endpoint in ALLOWED_WHILE_FORCED:
        return None
    if is_api_request():
        return json_error(403, "password_change_required", "password.forced")
    flash(t("password.forced"), "warning")
    return redirect(url_for("auth.change_password"))
