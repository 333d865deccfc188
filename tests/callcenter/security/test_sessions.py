"""Signing out ends the session on the server: a copied cookie no longer works."""

from __future__ import annotations

from tests.factories import make_user
from tests.helpers import csrf_token, sign_in


def test_a_cookie_copied_before_logout_gets_the_sign_in_page(app):
    make_user(app, "kim")
    client = app.test_client()
    assert sign_in(client, "kim").status_code == 302
    copied = client.get_cookie("session").value
    assert client.get("/console/").status_code == 200

    token = csrf_token(client, "/console/")
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302

    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/console/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_signing_in_again_after_logout_works(app):
    make_user(app, "kim")
    client = app.test_client()
    assert sign_in(client, "kim").status_code == 302
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/console/")})
    assert sign_in(client, "kim").status_code == 302
    assert client.get("/console/").status_code == 200
