"""A supervisor in headless Chromium: filters the call log, opens a timeline, reads the
dashboard's charts and downloads the CSV; an operator is refused. Screenshots are saved
under test-artifacts/ (supervisor-*.png)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from callcenter.db import db
from callcenter.demo.history import generate
from tests.browser_helpers import chromium, screenshot
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def base_url(app, live_server: str) -> Iterator[str]:
    """The app with 600 demo calls, served over real HTTP on a free port."""
    with app.app_context():
        yesterday = datetime.now(ZoneInfo("Asia/Seoul")).date() - timedelta(days=1)
        generate(db.session(), calls=600, seed=4, end=yesterday, days=40, timezone="Asia/Seoul")
        db.session.commit()
    make_user(app, "boss", "supervisor", None)
    make_user(app, "kim", "operator", "INCHEON")
    yield live_server


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    with chromium() as launched:
        yield launched


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/auth/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")  # the page has other submit buttons (language)


def shot(page, name: str) -> None:
    screenshot(page, f"supervisor-{name}")


def test_supervisor_works_through_calls_dashboard_and_csv(base_url, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, base_url, "boss")
    page.goto(f"{base_url}/supervisor/calls")
    page.select_option("#f-outcome", "abandoned_queue")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "outcome=abandoned_queue" in page.url
    outcomes = page.locator("table.calls-table tbody td:nth-child(6)").all_inner_texts()
    assert outcomes and set(outcomes) == {"대기 중 포기"}
    shot(page, "01-call-log-filtered")

    with page.expect_download() as download_info:
        page.click("text=통화 CSV 내려받기")
    data = Path(download_info.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("통화 시각") and len(lines) == len(outcomes) + 1
    assert all("대기 중 포기" in line for line in lines[1:])

    page.goto(f"{base_url}/supervisor/calls?outcome=ticket")
    page.locator("table.calls-table tbody tr td:first-child a").first.click()
    page.wait_for_load_state()
    assert page.locator("ol.timeline li").count() >= 4
    assert page.get_by_role("heading", name="녹취").count() >= 1
    shot(page, "02-call-timeline")

    page.click("nav.subnav >> text=대시보드")
    page.click("text=최근 30일")
    page.wait_for_load_state()
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() == 5
    assert page.locator("svg#chart-hourly rect").count() == 24
    # Each chart is an image named by its <title> for screen readers.
    assert page.get_by_role("img", name="시간대별 통화").count() == 1
    shot(page, "03-dashboard")
    context.close()


def test_operator_is_refused_supervisor_pages(base_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, base_url, "kim")
    for path in ("/supervisor/calls", "/supervisor/dashboard", "/supervisor/export/calls.csv"):
        response = page.goto(f"{base_url}{path}")
        assert response is not None and response.status == 403, path
    assert page.locator("nav.mainnav >> text=대시보드").count() == 0
    shot(page, "04-operator-refused")
    page.close()
