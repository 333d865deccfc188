"""In Debian's headless Chromium, desktop: ticket → suggestion → 연계 → resolved → the caller's
follow-up reply → follow-up done."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select, update

from callcenter.db import db
from callcenter.followup.checks import local_today, run_follow_up_checks
from callcenter.models import Referral, SmsMessage, Ticket
from tests.browser_helpers import chromium, screenshot
from tests.callcenter.followup.conftest import signed_post
from tests.callcenter.referrals.conftest import SMS_CONFIG, plating_ticket
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser
DESK = {"width": 1366, "height": 900}
MOBILE = "+821012345678"


@pytest.fixture
def app_config(app_config):  # type: ignore[no-untyped-def]
    app_config.update(SMS_CONFIG)
    return app_config


def test_ticket_suggestion_referral_follow_up_reply_resolved(
    app: Flask, live_server: str, catalogue: None
):
    make_user(app, "kim")
    make_user(app, "boss", "supervisor", None)
    ticket = plating_ticket(app, status="routed", caller=MOBILE)
    base = live_server
    with chromium() as browser:
        context = browser.new_context(viewport=DESK, locale="ko-KR")
        page = context.new_page()
        page.goto(f"{base}/console/")
        page.get_by_label("아이디").fill("kim")
        page.get_by_label("비밀번호").fill(PASSWORD)
        page.get_by_role("button", name="로그인").click()
        page.wait_for_url(f"{base}/console/")

        page.goto(f"{base}/console/tickets/{ticket.number}")
        salt = page.locator("#suggestion-equipment-EQ-SALT")
        assert "복합염수분무 시험기" in salt.inner_text()
        assert "일치 단어:" in salt.inner_text() and "주제: 표면처리" in salt.inner_text()
        salt.scroll_into_view_if_needed()
        screenshot(page, "referrals-01-ticket-suggestions")

        # The catalogue opens in its own window, beside the ticket, "/" jumps to the search.
        with context.expect_page() as opened:
            page.locator("#open-catalogue").click()
        catalogue = opened.value
        catalogue.wait_for_load_state()
        assert catalogue.evaluate("document.activeElement.id") == "q"  # ready to type
        catalogue.evaluate("document.activeElement.blur()")
        catalogue.keyboard.press("/")
        assert catalogue.evaluate("document.activeElement.id") == "q"
        catalogue.keyboard.type("도금 염수분무 시험")
        with catalogue.expect_navigation():
            catalogue.keyboard.press("Enter")
        assert catalogue.locator("#q").input_value() == "도금 염수분무 시험"
        found = catalogue.locator("#result-equipment-EQ-SALT")
        assert "발신지에서 9 km" in found.inner_text()  # measured from the ticket's caller
        screenshot(catalogue, "referrals-02-catalogue")
        catalogue.close()

        # One click: 연계 to the salt-spray chamber; the caller is texted.
        salt.get_by_role("button", name="연계").click()
        page.get_by_text("연계했습니다. 고객에게 안내 문자를 보냅니다.").wait_for()
        referral = page.locator("li.referral").first
        assert "복합염수분무 시험기" in referral.inner_text() and "의뢰" in referral.inner_text()
        assert "문자 대기" in referral.inner_text()
        assert "연계됨" in page.locator("#suggestion-equipment-EQ-SALT").inner_text()
        referral.get_by_label("상태 변경").select_option("accepted")
        referral.get_by_role("button", name="상태 변경").click()
        page.get_by_text("연계 상태를 바꿨습니다.").wait_for()
        page.locator("#referrals-heading").scroll_into_view_if_needed()
        screenshot(page, "referrals-03-referred")

        # The operator works the ticket to resolved.
        page.get_by_role("button", name="내가 맡기").click()
        page.get_by_text("티켓을 맡았습니다.").wait_for()
        page.get_by_label("처리 중").check()
        page.get_by_role("button", name="변경", exact=True).click()
        page.get_by_text("상태를 변경했습니다.").wait_for()
        page.get_by_label("해결됨").check()
        page.get_by_label("처리 결과").select_option("referred")
        page.get_by_label("해결 내용").fill("KITECH 염수분무 시험 예약으로 성적서 발급")
        page.get_by_role("button", name="변경", exact=True).click()
        page.get_by_text("상태를 변경했습니다.").wait_for()
        assert page.locator("#ticket-status").inner_text() == "해결됨"

        # The follow-up date comes: the sweep texts the question, the caller answers 1.
        with app.app_context():
            db.session.execute(
                update(Ticket).where(Ticket.id == ticket.id).values(follow_up_on=local_today())
            )
            db.session.commit()
            assert len(run_follow_up_checks()["asked"]) == 1
            question = db.session.scalars(
                select(SmsMessage).where(SmsMessage.purpose == "follow_up")
            ).one()
            assert "1 해결됨" in question.body
            db.session.remove()
        page.reload()
        assert "응답 대기" in page.locator("#follow-up-check").inner_text()
        page.locator("#follow-up-check-heading").scroll_into_view_if_needed()
        screenshot(page, "referrals-04-follow-up-asked")
        reply = signed_post(
            app,
            app.test_client(),
            "/followup/sms",
            {"From": MOBILE, "Body": "1", "MessageSid": "SM" + "e" * 32},
        )
        assert reply.status_code == 200

        page.reload()
        assert page.locator("#ticket-status").inner_text() == "사후 점검 완료"
        assert "1 해결됨" in page.locator("#follow-up-check").inner_text()
        page.locator("#follow-up-check-heading").scroll_into_view_if_needed()
        screenshot(page, "referrals-05-follow-up-done")
        context.close()

        # The supervisor sees the outcome: resolved at follow-up, one referral to KITECH.
        boss = browser.new_context(viewport=DESK, locale="ko-KR")
        page = boss.new_page()
        page.goto(f"{base}/console/")
        page.get_by_label("아이디").fill("boss")
        page.get_by_label("비밀번호").fill(PASSWORD)
        page.get_by_role("button", name="로그인").click()
        page.get_by_role("link", name="연계 지표").click()
        assert page.locator("#kpi-resolution").inner_text() == "100%"
        assert page.locator("#kpi-referrals").inner_text() == "1"
        assert "KITECH" in page.locator("#kpi-institutes").inner_text()
        screenshot(page, "referrals-06-outcomes")
        boss.close()
    with app.app_context():
        stored = db.session.scalars(select(Ticket).where(Ticket.id == ticket.id)).one()
        assert stored.status == "follow_up_done" and stored.follow_up_done_at is not None
        assert db.session.scalars(select(Referral.status)).all() == ["accepted"]
