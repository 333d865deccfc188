"""Passwords that length alone would admit but anyone would guess are refused."""

from __future__ import annotations

import pytest

from callcenter.auth.security import UserError, create_user, password_error
from callcenter.db import db
from tests.callcenter.accounts.helpers import post
from tests.helpers import signed_in_client

GUESSABLE = [
    "aaaaaaaaaa",
    " " * 10,
    "\t" * 12,
    "1212121212",
    "abcabcabcabc",
    "1234567890",
    "qwertyuiop",
    "password123",
    "Password2024!",
    "qwer1234!@",
    "1q2w3e4r5t!",
    "1379137913",
    "callcenter1379",
    "1379콜센터상담센터",
    "incheon-1379-center",
    "인천센터1379콜센터",
]


@pytest.mark.parametrize("password", GUESSABLE)
def test_guessable_passwords_are_refused(app, password):
    with app.app_context():
        error = password_error(password)
    assert error is not None and error.field == "password"


@pytest.mark.parametrize(
    ("password", "username", "display_name"),
    [
        ("minsu.kim2024!", "minsu.kim", ""),
        ("kim1379kim1379", "kim", ""),
        ("김민수김민수1379", "minsu", "김민수"),
    ],
)
def test_passwords_made_of_the_users_names_are_refused(app, password, username, display_name):
    with app.app_context(), pytest.raises(UserError) as excinfo:
        create_user(
            db.session(),
            username=username,
            role="operator",
            center_code="INCHEON",
            password=password,
            display_name=display_name,
        )
    assert excinfo.value.msg_id == "user.error.password_guessable"


@pytest.mark.parametrize(
    "password", ["correct-horse-battery", "hK7d-pQ3x-aB9z-Tt4w", "a-good-password-1", "Xk9#mP2$vL"]
)
def test_unguessable_passwords_pass(app, password):
    with app.app_context():
        assert password_error(password, ("minsu.kim", "김민수")) is None


def test_the_form_says_why_in_korean(app):
    admin = signed_in_client(app, "root", "admin", None)
    data = {
        "username": "minsu.kim",
        "display_name": "김민수",
        "role": "operator",
        "center": "INCHEON",
        "language": "ko",
        "password_mode": "type",
        "password": "minsu.kim1379",
        "password2": "minsu.kim1379",
    }
    response = post(admin, "/admin/users/new", data)
    assert response.status_code == 400
    assert "짐작하기 쉬운 비밀번호입니다" in response.get_data(as_text=True)
