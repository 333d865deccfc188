"""Role decorator, session expiry, password resets, CSRF exemptions, nav and language."""

from __future__ import annotations

import time

import pytest
from flask import Blueprint, Flask

from callcenter import auth
from callcenter.auth import roles_required
from callcenter.auth.security import set_password
from callcenter.db import db
from callcenter.models import User
from tests.factories import make_user
from tests.helpers import csrf_token, sign_in


@pytest.fixture
def probe_app(app: Flask) -> Flask:
    """The app with probe routes: a page and an API route for operators, a hook POST."""
    pages = Blueprint("probe", __name__)

    @pages.get("/probe/page")
    @roles_required("operator")
    def page() -> str:
        return "operator page"

    @pages.get("/api/probe")
    @roles_required("operator")
    def api() -> dict[str, bool]:
        return {"ok": True}

    hooks = Blueprint("probe_hook", __name__)

    @hooks.post("/probe/hook")
    def hook() -> str:
        return "hook ok"

    @pages.post("/probe/post")
    def post() -> str:
        return "post ok"

    app.register_blueprint(pages)
    app.register_blueprint(hooks)
    return app


def test_anonymous_page_redirects_to_sign_in(probe_app):
    response = probe_app.test_client().get("/probe/page")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=/probe/page")


def test_anonymous_api_gets_json_401_in_korean_and_english(probe_app):
    response = probe_app.test_client().get("/api/probe")
    assert response.status_code == 401
    body = response.get_json()
    assert body["error"] == "unauthorized"
    assert body["message"] == "로그인이 필요합니다."
    assert body["message_en"] == "Sign-in required."


def test_wrong_role_is_forbidden(probe_app):
    make_user(probe_app, "boss", "supervisor")
    client = probe_app.test_client()
    sign_in(client, "boss")
    assert client.get("/probe/page").status_code == 403
    response = client.get("/api/probe")
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"


def test_right_role_passes_and_returns_after_sign_in(probe_app):
    make_user(probe_app, "kim")
    client = probe_app.test_client()
    response = sign_in(client, "kim", next="/probe/page")
    assert response.headers["Location"] == "/probe/page"
    assert client.get("/probe/page").get_data(as_text=True) == "operator page"


def test_session_expires_after_session_hours(probe_app):
    make_user(probe_app, "kim")
    client = probe_app.test_client()
    sign_in(client, "kim")
    assert client.get("/probe/page").status_code == 200
    with client.session_transaction() as sess:
        sess["login_at"] = time.time() - probe_app.config["SESSION_HOURS"] * 3600 - 1
    response = client.get("/probe/page")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get("/api/probe").status_code == 401


def test_password_change_ends_open_sessions(probe_app):
    make_user(probe_app, "kim")
    client = probe_app.test_client()
    sign_in(client, "kim")
    assert client.get("/probe/page").status_code == 200
    with probe_app.app_context():
        user = db.session.query(User).filter_by(username="kim").one()
        set_password(user, "a-brand-new-password")
        db.session.commit()
    assert client.get("/probe/page").status_code == 302


def test_csrf_applies_to_posts_but_not_to_exempt_blueprints(probe_app, monkeypatch):
    client = probe_app.test_client()
    assert client.post("/probe/post").status_code == 400
    token = csrf_token(client)
    assert client.post("/probe/post", data={"csrf_token": token}).status_code == 200
    assert client.post("/probe/post", headers={"X-CSRFToken": token}).status_code == 200
    assert client.post("/probe/hook").status_code == 400
    # Exemption is by blueprint name: Twilio's "voice" webhooks are signature-checked instead.
    assert "voice" in auth.CSRF_EXEMPT_BLUEPRINTS
    monkeypatch.setattr(auth, "CSRF_EXEMPT_BLUEPRINTS", frozenset({"voice", "probe_hook"}))
    assert client.post("/probe/hook").get_data(as_text=True) == "hook ok"


def test_nav_shows_links_only_for_existing_endpoints_and_roles(probe_app, monkeypatch):
    monkeypatch.setattr(
        auth,
        "NAV_ITEMS",
        (
            ("probe.page", "nav.inbox", ("operator",)),
            ("supervisor.nonexistent", "nav.dashboard", ("operator",)),
            ("probe.api", "nav.audit", ("supervisor",)),
        ),
    )
    make_user(probe_app, "kim")
    client = probe_app.test_client()
    sign_in(client, "kim")
    page = client.get("/probe/missing")  # a 404 page carries the layout too
    text = page.get_data(as_text=True)
    assert page.status_code == 404
    assert 'href="/probe/page"' in text and "접수함" in text
    assert "대시보드" not in text  # endpoint not registered
    assert "감사 로그" not in text  # wrong role


def test_language_switch_is_kept_on_the_user(probe_app):
    make_user(probe_app, "kim")
    client = probe_app.test_client()
    sign_in(client, "kim")
    token = csrf_token(client, "/probe/missing")
    client.post("/auth/language", data={"lang": "en", "csrf_token": token, "next": "/probe/page"})
    with probe_app.app_context():
        assert db.session.query(User).filter_by(username="kim").one().language == "en"
    page = client.get("/probe/missing").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign out" in page
    # A new session for the same user comes back in English.
    other = probe_app.test_client()
    sign_in(other, "kim")
    assert "Sign out" in other.get("/probe/missing").get_data(as_text=True)


def test_anonymous_language_choice_applies_to_the_sign_in_page(app, client):
    token = csrf_token(client)
    client.post("/auth/language", data={"lang": "en", "csrf_token": token})
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Username" in page and "아이디" not in page


def test_role_decorator_rejects_unknown_roles():
    with pytest.raises(ValueError):
        roles_required("janitor")
