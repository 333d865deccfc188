"""Sign-in, roles, CSRF and the shared page layout for every web blueprint.

Other blueprints use :func:`roles_required` (per view) or :func:`protect_blueprint`
(every view of a blueprint), ``t('msg.id')`` for text, and extend ``base.html``.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, current_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from callcenter import i18n
from callcenter.auth import bad_input, headers
from callcenter.auth import messages as _messages  # noqa: F401  (registers the texts)
from callcenter.auth.access import (
    forbidden,
    is_api_request,
    json_error,
    protect_blueprint,
    roles_required,
    unauthorized,
)
from callcenter.auth.password import require_own_password
from callcenter.auth.security import load_user_by_token
from callcenter.auth.views import bp, home_url
from callcenter.db import db
from callcenter.models import User

install_converters = bad_input.install_converters

__all__ = [
    "bp",
    "init_app",
    "install_converters",
    "protect_blueprint",
    "roles_required",
    "json_error",
    "NAV_ITEMS",
]

# Blueprints whose POSTs are verified another way: Twilio webhooks carry a signature.
CSRF_EXEMPT_BLUEPRINTS = frozenset({"voice", "followup_webhooks"})

# Main navigation: (endpoint, message id, roles). An entry shows only when its endpoint is
# registered (the supervisor pages may not be merged yet) and the user has one of the roles.
NAV_ITEMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("console.inbox", "nav.inbox", ("operator", "supervisor", "admin")),
    ("referrals.catalogue", "nav.catalogue", ("operator", "supervisor", "admin")),
    ("referrals.review", "nav.follow_up_review", ("operator", "supervisor", "admin")),
    ("supervisor.calls", "nav.calls", ("supervisor", "admin")),
    ("supervisor.dashboard", "nav.dashboard", ("supervisor", "admin")),
    ("supervisor.audit", "nav.audit", ("supervisor", "admin")),
    ("referrals.outcomes", "nav.outcomes", ("supervisor", "admin")),
    ("accounts.users", "nav.users", ("admin",)),
)

login_manager = LoginManager()
csrf = CSRFProtect()


@login_manager.user_loader
def _load_user(token: str) -> User | None:
    return load_user_by_token(db.session(), token)


@login_manager.unauthorized_handler
def _unauthorized() -> ResponseReturnValue:
    return unauthorized()


def init_app(app: Flask) -> None:
    """Wire Flask-Login, CSRF, session expiry, error pages and template globals."""
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["SESSION_HOURS"])
    # Our own hook below applies CSRF so that exemptions work by blueprint *name*,
    # whichever order the blueprints are registered in.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    # The token lives as long as the session; the session's own expiry bounds it.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    headers.init_app(app)
    bad_input.init_app(app)

    # "/" sends people to their work: the inbox (which asks anonymous visitors to sign in).
    app.add_url_rule("/", "index", lambda: redirect(home_url()))
    app.before_request(_expire_session)
    app.before_request(_check_csrf)
    app.before_request(require_own_password)
    app.context_processor(_layout_context)
    _register_error_handlers(app)


def _expire_session() -> ResponseReturnValue | None:
    """End sessions older than SESSION_HOURS since sign-in, however active they were."""
    if not current_user.is_authenticated:
        return None
    started = session.get("login_at")
    limit = current_app.config["SESSION_HOURS"] * 3600
    if isinstance(started, int | float) and time.time() - started < limit:
        return None
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    if is_api_request():
        return json_error(401, "session_expired", "login.expired")
    flash(i18n.t("login.expired"), "warning")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _check_csrf() -> None:
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    top_blueprint = (request.blueprint or "").split(".", 1)[0]
    if top_blueprint in CSRF_EXEMPT_BLUEPRINTS:
        return
    csrf.protect()


def _nav_items() -> list[dict[str, Any]]:
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, msg_id, roles in NAV_ITEMS:
        if endpoint in current_app.view_functions and current_user.role in roles:
            items.append(
                {
                    "url": url_for(endpoint),
                    "label": i18n.t(msg_id),
                    # Ticket pages belong to the inbox section.
                    "active": request.endpoint == endpoint
                    or (endpoint == "console.inbox" and request.blueprint == "console")
                    or (endpoint == "accounts.users" and request.blueprint == "accounts"),
                }
            )
    return items


def role_label(role: str) -> str:
    """A role's name in the current language (the code itself for an unknown role)."""
    return i18n.t(f"role.{role}") if f"role.{role}" in i18n.MESSAGES else role


def _layout_context() -> dict[str, Any]:
    return {"nav_items": _nav_items, "home_url": home_url, "role_label": role_label}


def _register_error_handlers(app: Flask) -> None:
    def page(code: int, msg_id: str) -> ResponseReturnValue:
        return render_template("error.html", code=code, msg_id=msg_id), code

    def handle_csrf(_exc: CSRFError) -> ResponseReturnValue:
        if is_api_request():
            return json_error(400, "csrf", "error.csrf")
        return page(400, "error.csrf")

    simple = {
        400: ("bad_request", "error.bad_request"),
        404: ("not_found", "error.not_found"),
        405: ("method_not_allowed", "error.method"),
        429: ("too_many_requests", "error.too_many"),
    }

    def handle_http(exc: HTTPException) -> ResponseReturnValue:
        code = exc.code or 500
        if code == 401:
            return unauthorized()
        if code == 403:
            return forbidden()
        if code in simple:
            name, msg_id = simple[code]
            return json_error(code, name, msg_id) if is_api_request() else page(code, msg_id)
        return exc

    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
