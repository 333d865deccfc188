"""A supervisor in headless Chromium: filters the call log, opens a timeline, reads the
dashboard's charts and downloads the CSV; an operator is refused. Screenshots are saved
under test-artifacts/supervisor/."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from werkzeug.serving import make_server

from callcenter.db import db
from callcenter.supervisor.demo_data import generate
from tests.auth_helpers import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "supervisor"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def base_url(app) -> Iterator[str]:
    """The app with 600 demo calls, served over real HTTP on a free port."""
    with app.app_context():
        yesterday = datetime.now(ZoneInfo("Asia/Seoul")).date() - timedelta(days=1)
        generate(db.session(), calls=600, seed=4, end=yesterday, days=40, timezone="Asia/Seoul")
        db.session.commit()
    make_user(app, "boss", "supervisor", None)
    make_user(app, "kim", "operator", "INCHEON")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/auth/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")  # the page has other submit buttons (language)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


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
