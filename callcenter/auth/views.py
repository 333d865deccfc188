"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, update

from callcenter.auth.security import check_sign_in, ip_throttled, record_ip_failure
from callcenter.db import db
from callcenter.i18n import LANGUAGES, t
from callcenter.models import User
from callcenter.services.audit import audit

bp = Blueprint("auth", __name__, url_prefix="/auth")


def safe_next(target: str | None) -> str | None:
    """A local path to return to after sign-in; anything pointing elsewhere is dropped."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def home_url() -> str:
    """Where a signed-in user lands: the inbox once the console exists."""
    if "console.inbox" in current_app.view_functions:
        return url_for("console.inbox")
    return url_for("auth.login")


def client_ip() -> str:
    """The client's address: the connection's, or the one TRUSTED_PROXIES vouch for."""
    return request.remote_addr or "unknown"


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the sign-in form; check credentials with lockout and the per-address throttle."""
    next_url = safe_next(request.values.get("next"))
    landing = next_url or home_url()
    if current_user.is_authenticated and request.method == "GET" and landing != request.path:
        return redirect(landing)
    error: str | None = None
    status = 200
    username = request.form.get("username", "").strip()
    if request.method == "POST":
        ip = client_ip()
        if ip_throttled(current_app, ip):
            error, status = t("login.throttled"), 429
        else:
            result = check_sign_in(db.session(), username, request.form.get("password", ""), ip=ip)
            db.session.commit()
            if result.user is not None:
                # A fresh session on sign-in: nothing from before survives (fixation).
                lang = session.get("lang")
                session.clear()
                login_user(result.user)
                session.permanent = True
                session["login_at"] = time.time()
                if lang and result.user.language != lang:
                    result.user.language = lang
                    db.session.commit()
                return redirect(next_url or home_url())
            record_ip_failure(current_app, ip)
            status = 401 if result.reason != "locked" else 423
            if result.reason == "locked":
                error = t("login.locked", minutes=current_app.config["LOGIN_LOCK_MINUTES"])
            else:
                error = t("login.failed")
    return (
        render_template("auth/login.html", error=error, username=username, next_url=next_url),
        status,
    )


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the session (POST with the CSRF token, so that a link cannot sign people out).

    The cookie is signed, not stored, so clearing it is not enough: a copy would still work.
    Bumping the user's session epoch changes the fingerprint every session carries, which
    ends this session (and the user's others) on the server.
    """
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(session_epoch=func.coalesce(User.session_epoch, 0) + 1)
        )
        audit(db.session(), "auth.logout", user=user, ip=client_ip())
        db.session.commit()
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(t("login.signed_out"), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def set_language() -> ResponseReturnValue:
    """Switch between Korean and English; kept on the user and in the session."""
    lang = request.form.get("lang", "")
    if lang in LANGUAGES:
        g.pop("_language", None)
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.language = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or home_url())
