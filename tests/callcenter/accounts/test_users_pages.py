"""Account pages over HTTP: who may see and change them, the list, create, and each change."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from callcenter.accounts import bp
from callcenter.db import db
from callcenter.models import AuditLog, User
from tests.callcenter.accounts.helpers import (
    audit_rows,
    field_error,
    post,
    shown_password,
    user_row,
)
from tests.factories import PASSWORD, make_user
from tests.helpers import csrf_token, sign_in, signed_in_client

CHANGES = ("profile", "password", "unlock", "deactivate", "reactivate")


def admin_routes(app, user_id: int) -> list[tuple[str, str]]:
    """(method, URL) of every account route, with ``user_id`` filled in."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(f"{bp.name}."):
            url = rule.rule.replace("<int:user_id>", str(user_id))
            routes += [(m, url) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def typed(password: str) -> dict[str, str]:
    """The password form with ``password`` typed twice."""
    return {"password_mode": "type", "password": password, "password2": password}


@pytest.fixture
def admin(app):
    """A signed-in administrator's client."""
    return signed_in_client(app, "root", "admin", None)


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_anonymous_and_operators_are_refused_everywhere(app):
    target = make_user(app, "kim")
    routes = admin_routes(app, target.id)
    assert ("GET", "/admin/users") in routes and ("POST", "/admin/users/new") in routes
    anonymous = app.test_client()
    operator = signed_in_client(app, "op", "operator", "INCHEON")
    for method, url in routes:
        response = post(anonymous, url) if method == "POST" else anonymous.get(url)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/auth/login")
        refused = post(operator, url) if method == "POST" else operator.get(url)
        assert refused.status_code == 403, (method, url)


def test_supervisors_may_look_but_not_change(app):
    target = make_user(app, "kim", language="ko")
    before = user_row(app, "kim")
    boss = signed_in_client(app, "boss", "supervisor", None)
    listing = boss.get("/admin/users")
    assert listing.status_code == 200
    page = listing.get_data(as_text=True)
    assert "kim" in page and "사용자 관리" in page
    assert "/admin/users/new" not in page and "시스템 관리자만" in page
    detail = boss.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert "뿌리기술연구소(인천)" in detail
    assert '<form method="post" action="/admin/users' not in detail
    assert boss.get("/admin/users/new").status_code == 403
    data = {
        "role": "admin",
        "display_name": "x",
        "language": "ko",
        "password_mode": "generate",
    }
    for change in CHANGES:
        url = f"/admin/users/{target.id}/{change}"
        assert post(boss, url, data).status_code == 403, url
    assert post(boss, "/admin/users/new", {**data, "username": "new1"}).status_code == 403
    after = user_row(app, "kim")
    assert (after.role, after.active, after.password_hash, after.session_epoch) == (
        before.role,
        before.active,
        before.password_hash,
        before.session_epoch,
    )
    assert audit_rows(app) == [] and user_count(app) == 2


def test_admins_see_the_change_forms_and_the_nav_link(app, admin):
    target = make_user(app, "kim")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert 'href="/admin/users/new"' in page
    assert re.search(r'<a href="/admin/users"[^>]*>사용자 관리</a>', page)  # main menu
    detail = admin.get(f"/admin/users/{target.id}").get_data(as_text=True)
    for change in CHANGES[:-1]:
        if change != "unlock":  # only shown while locked
            assert f'action="/admin/users/{target.id}/{change}"' in detail, change


def test_list_shows_each_account_and_filters(app, admin):
    make_user(app, "kim", "operator", "INCHEON")
    make_user(app, "lee", "operator", "ANSAN")
    make_user(app, "park", "supervisor", None)
    make_user(app, "gone", "operator", "ANSAN")
    with app.app_context():
        db.session.query(User).filter_by(username="gone").update({"active": False})
        db.session.commit()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(app.test_client(), "lee", "wrong-password-000")
    assert sign_in(app.test_client(), "kim").status_code == 302

    def names(query: str = "") -> list[str]:
        page = admin.get(f"/admin/users{query}").get_data(as_text=True)
        return re.findall(r'<a href="/admin/users/\d+" class="mono">([^<]+)</a>', page)

    assert names() == ["gone", "kim", "lee", "park", "root"]
    page = admin.get("/admin/users").get_data(as_text=True)
    row = page[page.index(">kim</a>") :].split("</tr>", 1)[0]
    assert "상담원" in row and "뿌리기술연구소(인천)" in row and "활성" in row
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", row)  # last sign-in
    lee = page[page.index(">lee</a>") :].split("</tr>", 1)[0]
    assert "잠김" in lee and "경기본부(안산)" in lee and "없음" in lee  # never signed in
    assert "비활성" in page[page.index(">gone</a>") :].split("</tr>", 1)[0]
    assert names("?role=operator") == ["gone", "kim", "lee"]
    assert names("?center=ANSAN") == ["gone", "lee"]
    assert names("?center=-") == ["park", "root"]
    assert names("?state=locked") == ["lee"]
    assert names("?state=inactive") == ["gone"]
    assert names("?state=active") == ["kim", "park", "root"]
    assert names("?role=operator&center=ANSAN&state=active") == []
    bad = admin.get("/admin/users?role=janitor&state=asleep").get_data(as_text=True)
    assert "잘못된 조건은 무시했습니다: role, state" in bad and "5명" in bad


NEW = {
    "username": "minsu.kim",
    "display_name": "김민수",
    "role": "operator",
    "center": "INCHEON",
    "language": "ko",
    "password_mode": "type",
    "password": "a-good-password-1",
    "password2": "a-good-password-1",
}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": ""}, "username", "아이디는 영문자, 숫자"),
        ({"username": "김민수"}, "username", "아이디는 영문자, 숫자"),
        ({"username": "a b"}, "username", "아이디는 영문자, 숫자"),
        ({"username": "x" * 61}, "username", "60자 이내"),
        ({"username": "ROOT"}, "username", "이미 있는 아이디입니다: ROOT"),
        ({"display_name": "가" * 81}, "display_name", "이름은 80자 이내"),
        ({"role": "janitor"}, "role", "역할을 선택하세요."),
        ({"role": ""}, "role", "역할을 선택하세요."),
        ({"center": ""}, "center", "상담원은 소속 센터가 있어야 합니다."),
        ({"center": "NOWHERE"}, "center", "없는 센터입니다: NOWHERE"),
        ({"language": "fr"}, "language", "언어를 선택하세요."),
        ({"password_mode": ""}, "password_mode", "직접 입력할지 자동으로 만들지"),
        ({"password": "short", "password2": "short"}, "password", "10자 이상"),
        ({"password2": "a-good-password-2"}, "password2", "두 번 입력한 비밀번호가 서로 다릅니다."),
    ],
)
def test_create_refuses_bad_input_in_korean_next_to_the_field(app, admin, changes, field, message):
    response = post(admin, "/admin/users/new", {**NEW, **changes})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    shown = field_error(html, "new", field)
    assert shown is not None and message in shown, (field, shown)
    assert f'id="new-{field}" ' in html or field == "password_mode"
    assert 'aria-invalid="true"' in html or field == "password_mode"
    assert "입력을 확인하세요" in html
    assert user_count(app) == 1 and audit_rows(app) == []
    # What was typed comes back, except the passwords.
    if field != "username":
        assert 'value="minsu.kim"' in html
    assert "a-good-password" not in html


def test_create_reports_every_wrong_field_at_once(app, admin):
    bad = {**NEW, "username": "", "center": "", "password2": "other-password-1"}
    html = post(admin, "/admin/users/new", bad).get_data(as_text=True)
    for field in ("username", "center", "password2"):
        assert field_error(html, "new", field), field
    assert "잘못된 칸 3개" in html


def test_generated_password_is_shown_once_and_lets_the_user_sign_in(app, admin):
    data = {**NEW, "password_mode": "generate", "password": "", "password2": ""}
    response = post(admin, "/admin/users/new", data)
    assert response.status_code == 302
    page = admin.get(response.headers["Location"])
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    password = shown_password(html)
    assert password and len(password) >= 16 and "minsu.kim" in html
    assert "사용자 minsu.kim을(를) 만들었습니다." in html
    assert shown_password(admin.get(response.headers["Location"]).get_data(as_text=True)) is None
    assert sign_in(app.test_client(), "minsu.kim", password).status_code == 302
    (row,) = audit_rows(app)
    assert row.action == "user.create" and row.detail["password"] == "generated"
    assert password not in str(row.detail) and user_row(app, "minsu.kim").password_hash not in str(
        row.detail
    )


def test_create_with_a_typed_password_stores_korean_as_utf8(app, admin):
    response = post(admin, "/admin/users/new", NEW, follow_redirects=True)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "김민수".encode() in response.data
    assert shown_password(response.get_data(as_text=True)) is None
    user = user_row(app, "minsu.kim")
    assert (user.display_name, user.role, user.center_code) == ("김민수", "operator", "INCHEON")
    assert "김민수" in admin.get("/admin/users").get_data(as_text=True)
    (row,) = audit_rows(app)
    assert row.detail["display_name"] == "김민수" and row.detail["password"] == "typed"
    assert row.user_id == user_row(app, "root").id and row.ip == "127.0.0.1"
    assert row.target_type == "user" and row.target_id == user.id
    assert "a-good-password-1" not in str(row.detail)
    assert sign_in(app.test_client(), "minsu.kim", "a-good-password-1").status_code == 302


def test_password_reset_ends_the_users_session(app, admin):
    target = make_user(app, "kim")
    kim = app.test_client()
    sign_in(kim, "kim")
    assert kim.get("/console/").status_code == 200
    data = typed("brand-new-pass-1")
    response = post(admin, f"/admin/users/{target.id}/password", data)
    assert response.status_code == 302
    signed_out = kim.get("/console/")
    assert signed_out.status_code == 302 and "/auth/login" in signed_out.headers["Location"]
    assert sign_in(app.test_client(), "kim", PASSWORD).status_code == 401
    assert sign_in(app.test_client(), "kim", "brand-new-pass-1").status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "kim의 비밀번호를 바꿨습니다." in page and shown_password(page) is None
    (row,) = audit_rows(app)
    assert row.action == "user.password" and row.detail == {"username": "kim", "password": "typed"}


def test_generated_reset_is_shown_once(app, admin):
    target = make_user(app, "kim")
    response = post(admin, f"/admin/users/{target.id}/password", {"password_mode": "generate"})
    password = shown_password(admin.get(response.headers["Location"]).get_data(as_text=True))
    assert password is not None
    assert shown_password(admin.get(f"/admin/users/{target.id}").get_data(as_text=True)) is None
    assert sign_in(app.test_client(), "kim", password).status_code == 302
    assert password not in str(audit_rows(app)[0].detail)


def test_password_reset_errors_are_shown_by_the_field(app, admin):
    target = make_user(app, "kim")
    before = user_row(app, "kim").password_hash
    data = {"password_mode": "type", "password": "brand-new-pass-1", "password2": "different-1"}
    response = post(admin, f"/admin/users/{target.id}/password", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_error(html, "reset", "password2") == "두 번 입력한 비밀번호가 서로 다릅니다."
    short = post(admin, f"/admin/users/{target.id}/password", {"password_mode": "type"})
    assert "10자 이상" in (field_error(short.get_data(as_text=True), "reset", "password") or "")
    assert user_row(app, "kim").password_hash == before and audit_rows(app) == []


def test_an_admin_resetting_their_own_password_stays_signed_in(app, admin):
    root = user_row(app, "root")
    data = typed("my-new-password-1")
    assert post(admin, f"/admin/users/{root.id}/password", data).status_code == 302
    assert admin.get("/admin/users").status_code == 200
    assert sign_in(app.test_client(), "root", "my-new-password-1").status_code == 302


def test_deactivate_ends_sessions_and_blocks_sign_in_until_reactivated(app, admin):
    target = make_user(app, "kim")
    kim = app.test_client()
    sign_in(kim, "kim")
    response = post(admin, f"/admin/users/{target.id}/deactivate")
    assert response.status_code == 302
    assert "/auth/login" in kim.get("/console/").headers["Location"]
    assert sign_in(app.test_client(), "kim").status_code == 401
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "kim을(를) 비활성화했습니다." in page and 'id="user-state">비활성' in page
    again = post(admin, f"/admin/users/{target.id}/deactivate", follow_redirects=True)
    assert "이미 비활성 상태" in again.get_data(as_text=True)
    # Reactivation lets the user sign in again, but the session deactivation ended stays ended.
    assert post(admin, f"/admin/users/{target.id}/reactivate").status_code == 302
    assert "/auth/login" in kim.get("/console/").headers["Location"]
    assert sign_in(app.test_client(), "kim").status_code == 302
    assert [r.action for r in audit_rows(app)] == ["user.deactivate", "user.reactivate"]


def test_unlock_lifts_a_lockout(app, admin):
    target = make_user(app, "kim")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(app.test_client(), "kim", "wrong-password-000")
    assert sign_in(app.test_client(), "kim").status_code == 423
    page = admin.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert 'id="user-state">잠김' in page and f'action="/admin/users/{target.id}/unlock"' in page
    response = post(admin, f"/admin/users/{target.id}/unlock", follow_redirects=True)
    assert "kim의 잠금을 풀었습니다." in response.get_data(as_text=True)
    assert sign_in(app.test_client(), "kim").status_code == 302
    nothing = post(admin, f"/admin/users/{target.id}/unlock", follow_redirects=True)
    assert "잠겨 있지 않습니다" in nothing.get_data(as_text=True)
    assert [r.action for r in audit_rows(app)] == ["user.unlock"]


def test_profile_changes_are_saved_and_audited(app, admin):
    target = make_user(app, "kim", "operator", "INCHEON")
    data = {"display_name": "김 팀장", "role": "supervisor", "center": "", "language": "en"}
    response = post(admin, f"/admin/users/{target.id}/profile", data, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "kim의 정보를 바꿨습니다." in html and 'id="user-role">관리자' in html
    user = user_row(app, "kim")
    assert (user.display_name, user.role, user.center_code, user.language) == (
        "김 팀장",
        "supervisor",
        None,
        "en",
    )
    (row,) = audit_rows(app)
    assert row.action == "user.update"
    assert row.detail == {
        "username": "kim",
        "display_name": "kim → 김 팀장",
        "role": "operator → supervisor",
        "center": "INCHEON → –",
        "language": "ko → en",
    }
    same = post(admin, f"/admin/users/{target.id}/profile", data, follow_redirects=True)
    assert "바뀐 내용이 없습니다." in same.get_data(as_text=True) and len(audit_rows(app)) == 1
    # Back to operator without a center: refused next to the center field.
    bad = post(admin, f"/admin/users/{target.id}/profile", {**data, "role": "operator"})
    assert bad.status_code == 400
    assert field_error(bad.get_data(as_text=True), "profile", "center") == (
        "상담원은 소속 센터가 있어야 합니다."
    )
    assert user_row(app, "kim").role == "supervisor"


def test_an_admin_cannot_deactivate_or_demote_themselves(app, admin):
    root = user_row(app, "root")
    make_user(app, "second", "admin", None)  # so that "last admin" is not the reason
    page = admin.get(f"/admin/users/{root.id}").get_data(as_text=True)
    assert f'action="/admin/users/{root.id}/deactivate"' not in page
    assert "자기 계정은 비활성화할 수 없습니다." in page
    refused = post(admin, f"/admin/users/{root.id}/deactivate", follow_redirects=True)
    assert "자기 계정은 비활성화할 수 없습니다." in refused.get_data(as_text=True)
    data = {"display_name": "root", "role": "supervisor", "center": "", "language": "ko"}
    demote = post(admin, f"/admin/users/{root.id}/profile", data)
    assert demote.status_code == 400
    assert "시스템 관리자 권한은 내려놓을 수 없습니다" in (
        field_error(demote.get_data(as_text=True), "profile", "role") or ""
    )
    still = user_row(app, "root")
    assert still.active and still.role == "admin" and audit_rows(app) == []
    assert admin.get("/admin/users").status_code == 200  # still signed in, still an admin
    # Another admin may do it.
    other = app.test_client()
    sign_in(other, "second")
    assert post(other, f"/admin/users/{root.id}/profile", data).status_code == 302
    assert user_row(app, "root").role == "supervisor"


def test_an_admin_demoted_meanwhile_can_no_longer_change_accounts(app, admin):
    """Two admins demote each other one after the other: the second request is refused."""
    make_user(app, "second", "admin", None)
    second = app.test_client()
    sign_in(second, "second")
    root, other = user_row(app, "root"), user_row(app, "second")
    data = {"display_name": "x", "role": "supervisor", "center": "", "language": "ko"}
    token = csrf_token(second, "/auth/login")  # read while "second" is still an admin
    assert post(admin, f"/admin/users/{other.id}/profile", data).status_code == 302
    # "second" is a supervisor now: the role check refuses the request before any guard.
    response = second.post(f"/admin/users/{root.id}/profile", data={**data, "csrf_token": token})
    assert response.status_code == 403
    assert user_row(app, "root").role == "admin"


def test_audit_page_names_the_changed_user_with_a_link(app, admin):
    post(admin, "/admin/users/new", NEW)
    user = user_row(app, "minsu.kim")
    page = admin.get("/supervisor/audit").get_data(as_text=True)
    assert "사용자 생성" in page
    assert f'<a href="/admin/users/{user.id}">minsu.kim</a>' in page
    assert "a-good-password-1" not in page and user.password_hash not in page
    with app.app_context():
        for detail in db.session.scalars(select(AuditLog.detail)):
            assert "a-good-password-1" not in str(detail)


def test_pages_switch_to_english(app, admin):
    token = csrf_token(admin, "/admin/users")
    admin.post("/auth/language", data={"lang": "en", "csrf_token": token})
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "Create a user" in page and "Active" in page and "사용자 관리" not in page
    html = post(admin, "/admin/users/new", {**NEW, "center": ""}).get_data(as_text=True)
    assert field_error(html, "new", "center") == "an operator belongs to a center"
