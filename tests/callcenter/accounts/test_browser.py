"""An admin in headless Chromium: creates an account with a generated password (the typed
fields hide), sees a Korean error by the field, and the new user signs in with the password
shown once. Screenshots are saved under test-artifacts/ (admin-*.png)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser_helpers import chromium, screenshot, sign_in_page
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def base_url(app, live_server: str) -> Iterator[str]:
    """The app with an admin and a few accounts, served over real HTTP."""
    make_user(app, "root", "admin", None)
    make_user(app, "kim", "operator", "INCHEON")
    make_user(app, "boss", "supervisor", None)
    yield live_server


def test_admin_creates_a_user_who_then_signs_in(base_url):
    with chromium() as browser:
        admin_creates_a_user(browser, base_url)


def admin_creates_a_user(browser, base_url: str) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_page(page, base_url, "root", PASSWORD)
    page.get_by_role("link", name="사용자 관리").first.click()
    page.wait_for_selector("#users")
    screenshot(page, "admin-users")
    page.get_by_role("link", name="새 사용자 만들기").click()
    # "Generate" is the default: the typed-password fields are hidden and disabled.
    assert page.is_hidden("#new-password")
    page.check("input[name=password_mode][value=type]")
    assert page.is_visible("#new-password")
    page.check("input[name=password_mode][value=generate]")
    page.fill("#new-username", "minsu.kim")
    page.fill("#new-display_name", "김민수")
    page.select_option("#new-role", "operator")
    page.click("button:has-text('사용자 만들기')")
    error = page.text_content("#new-center-error")
    assert error == "상담원은 소속 센터가 있어야 합니다."
    assert page.get_attribute("#new-center", "aria-invalid") == "true"
    assert page.input_value("#new-display_name") == "김민수"
    screenshot(page, "admin-new-errors")
    page.select_option("#new-center", "INCHEON")
    page.check("input[name=password_mode][value=generate]")
    page.click("button:has-text('사용자 만들기')")
    page.wait_for_selector("#new-password")
    password = page.text_content("#new-password")
    assert password and len(password) == 19
    screenshot(page, "admin-user-created")
    page.reload()
    assert page.query_selector("#new-password") is None  # shown once

    newcomer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_page(newcomer, base_url, "minsu.kim", password)
    # An administrator chose the password: the newcomer picks their own first.
    assert "/auth/password" in newcomer.url
    newcomer.fill("#current-password", password)
    newcomer.fill("#new-password", "민수의-새-비밀번호-1379")
    newcomer.fill("#confirm-password", "민수의-새-비밀번호-1379")
    newcomer.click("button:has-text('변경')")
    newcomer.wait_for_url("**/console/")
    assert "/console/" in newcomer.url
    assert "김민수" in newcomer.text_content(".whoami")

    # Deactivating signs the newcomer out at their next page.
    with page.expect_navigation():
        page.click("button:has-text('비활성화')")
    assert page.text_content("#user-state") == "비활성"
    newcomer.goto(f"{base_url}/console/")
    assert "/auth/login" in newcomer.url
