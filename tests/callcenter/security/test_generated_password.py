"""A generated password is shown once and never travels in the (readable) session cookie."""

from __future__ import annotations

import base64
import zlib

from tests.callcenter.accounts.helpers import post, shown_password
from tests.helpers import signed_in_client


def _cookie_text(client) -> str:
    """Everything the session cookie says, decoded the way anyone could."""
    cookie = client.get_cookie("session").value
    payload = cookie.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if cookie.startswith("."):
        raw = zlib.decompress(raw)
    return raw.decode("utf-8", errors="replace")


def test_the_cookie_never_holds_the_generated_password(app):
    admin = signed_in_client(app, "root", "admin", None)
    data = {
        "username": "minsu.kim",
        "display_name": "김민수",
        "role": "operator",
        "center": "INCHEON",
        "language": "ko",
        "password_mode": "generate",
    }
    response = post(admin, "/admin/users/new", data)
    assert response.status_code == 302
    cookie = _cookie_text(admin)
    sealed_cookie = admin.get_cookie("session").value
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    password = shown_password(page)
    assert password and password not in cookie
    assert password.replace("-", "") not in cookie.replace("-", "")
    # Shown once: the cookie from before the showing, replayed, does not bring it back.
    admin.set_cookie("session", sealed_cookie)
    assert shown_password(admin.get(response.headers["Location"]).get_data(as_text=True)) is None
