"""Who may see what: the role decorator and the refusals (redirect, 401 JSON, 403)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from callcenter.i18n import both
from callcenter.models import ROLES

F = TypeVar("F", bound=Callable[..., Any])


def is_api_request() -> bool:
    """JSON callers (the /api/ blueprint) get JSON errors instead of pages and redirects."""
    return request.path.startswith("/api/")


def json_error(status: int, code: str, msg_id: str, **values: Any) -> ResponseReturnValue:
    """``{"error": code, "message": Korean, "message_en": English}`` with ``status``."""
    texts = both(msg_id, **values)
    return jsonify(error=code, message=texts["ko"], message_en=texts["en"]), status


def unauthorized() -> ResponseReturnValue:
    """Anonymous: pages redirect to sign-in (coming back afterwards), the API answers 401."""
    if is_api_request():
        return json_error(401, "unauthorized", "error.unauthorized")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def forbidden() -> ResponseReturnValue:
    """Signed in with the wrong role: 403 page or JSON."""
    if is_api_request():
        return json_error(403, "forbidden", "error.forbidden")
    return render_template("error.html", code=403, msg_id="error.forbidden"), 403


def refusal(roles: tuple[str, ...]) -> ResponseReturnValue | None:
    """The response refusing the current user, or None when one of ``roles`` is theirs."""
    if not current_user.is_authenticated:
        return unauthorized()
    if current_user.role not in roles:
        return forbidden()
    return None


def roles_required(*roles: str) -> Callable[[F], F]:
    """Decorate a view so that only signed-in users with one of ``roles`` reach it."""
    unknown = [r for r in roles if r not in ROLES]
    if not roles or unknown:
        raise ValueError(f"roles_required: expected roles from {ROLES}, got {roles}")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            denied = refusal(roles)
            if denied is not None:
                return denied
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # type: ignore[attr-defined]  # read by role tests
        return cast(F, wrapped)

    return decorator


def protect_blueprint(bp: Blueprint, *roles: str) -> None:
    """Require ``roles`` on every route of ``bp`` (a before_request guard)."""
    if not roles or any(r not in ROLES for r in roles):
        raise ValueError(f"protect_blueprint: expected roles from {ROLES}, got {roles}")

    @bp.before_request
    def _guard() -> ResponseReturnValue | None:
        return refusal(roles)
