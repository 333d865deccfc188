"""Supervisor pages over HTTP: who may see them, filters, the timeline, CSV, audit, queues."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from rq.registry import FailedJobRegistry
from sqlalchemy import select

from callcenter.db import db
from callcenter.i18n import MESSAGES
from callcenter.jobs import enqueue, get_queue
from callcenter.models import AuditLog, Call, Ticket
from callcenter.supervisor.views import bp
from tests.callcenter.supervisor.conftest import START
from tests.helpers import csrf_token, signed_in_client


def always_fails(x: int) -> None:
    """A job that fails, for the queue page."""
    raise RuntimeError(f"boom {x}")


def supervisor_routes(app) -> list[tuple[str, str]]:
    """(method, URL) of every supervisor route, with sample ids filled in."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(f"{bp.name}."):
            continue
        url = rule.rule.replace("<int:call_id>", "1")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, url))
    return routes


def test_every_route_refuses_anonymous_and_operators(app, calls):
    routes = supervisor_routes(app)
    assert ("GET", "/supervisor/calls") in routes and (
        "POST",
        "/supervisor/queues/requeue",
    ) in routes
    anonymous = app.test_client()
    operator = signed_in_client(app, "op", "operator", "INCHEON")
    token = csrf_token(operator, "/supervisor/calls")  # the 403 page carries the token too
    anonymous_token = csrf_token(anonymous)
    for method, url in routes:
        form = {"csrf_token": anonymous_token} if method == "POST" else None
        response = anonymous.open(url, method=method, data=form)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/auth/login")
        data = {"csrf_token": token} if method == "POST" else None
        refused = operator.open(url, method=method, data=data)
        assert refused.status_code == 403, (method, url, refused.headers.get("Location"))


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_supervisors_and_admins_see_every_page(app, calls, role):
    client = signed_in_client(app, f"boss_{role}", role, None)
    for method, url in supervisor_routes(app):
        if method == "GET":
            response = client.get(url.replace("/1", f"/{calls['ticket']}"), follow_redirects=True)
            response.get_data()  # CSV exports stream: read them to the end
            response.close()
            assert response.status_code == 200, url


def call_log_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'href="/supervisor/calls/(\d+)"', html)]


def test_call_log_filters_search_sort_and_masks(app, calls):
    client = signed_in_client(app, "boss", "supervisor", None)
    page = client.get("/supervisor/calls").get_data(as_text=True)
    assert call_log_ids(page) == [calls["hung_up"], calls["abandoned"], calls["ticket"]]
    assert "•••-••••-5678" in page and "12345678" not in page  # caller masked
    text = re.sub(r"<[^>]+>", "", page)
    assert "“기술 상담” → 지역 1" in text  # the menu path: spoken, then the region key
    assert "3건" in page
    only = client.get("/supervisor/calls?outcome=abandoned_queue").get_data(as_text=True)
    assert call_log_ids(only) == [calls["abandoned"]]
    by_center = client.get("/supervisor/calls?center=INCHEON&topic=mold").get_data(as_text=True)
    assert call_log_ids(by_center) == [calls["ticket"]]
    for q in ("5678", "1379-20260302-0001", "캐비티", "CA" + "2" * 32):
        found = call_log_ids(client.get(f"/supervisor/calls?q={q}").get_data(as_text=True))
        assert len(found) == 1, q
    longest = client.get("/supervisor/calls?sort=longest").get_data(as_text=True)
    assert call_log_ids(longest) == [calls["abandoned"], calls["ticket"], calls["hung_up"]]
    bad = client.get("/supervisor/calls?outcome=nonsense&from=yesterday").get_data(as_text=True)
    assert "잘못된 조건" in bad and len(call_log_ids(bad)) == 3


def test_call_log_pages_by_keyset_without_gaps_or_repeats(app, calls, monkeypatch):
    monkeypatch.setattr("callcenter.supervisor.calllog.PAGE_SIZE", 2)
    client = signed_in_client(app, "boss", "supervisor", None)
    first = client.get("/supervisor/calls").get_data(as_text=True)
    next_url = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(next_url).get_data(as_text=True)
    assert call_log_ids(first) + call_log_ids(second) == [
        calls["hung_up"],
        calls["abandoned"],
        calls["ticket"],
    ]
    assert 'rel="next"' not in second


def test_call_page_shows_timeline_transcript_and_ticket(app, calls):
    client = signed_in_client(app, "boss", "supervisor", None)
    page = client.get(f"/supervisor/calls/{calls['ticket']}").get_data(as_text=True)
    assert "기술 상담" in page and "91%" in page  # speech with its confidence
    assert "+0:15" in page  # offset of the menu answer from the start
    assert "금형 캐비티가 빨리 마모됩니다." in page
    assert "1379-20260302-0001" in page
    queue = client.get(f"/supervisor/calls/{calls['abandoned']}").get_data(as_text=True)
    assert "대기 순번 3" in queue and "1분 대기" in queue
    assert client.get("/supervisor/calls/999999").status_code == 404


def test_dashboard_shows_charts_and_the_same_numbers(app, calls):
    client = signed_in_client(app, "boss", "supervisor", None)
    page = client.get("/supervisor/dashboard?from=2026-03-02&to=2026-03-02").get_data(as_text=True)
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 5
    # One of one queued call abandoned: 100.0 %; one menu hang-up among three calls.
    assert "100.0%" in page and "33.3%" in page
    assert "<title>10: 3</title>" in page  # all three calls start 10:00-10:09 Seoul time
    english = signed_in_client(app, "boss_en", "supervisor", None)
    english.post(
        "/auth/language", data={"lang": "en", "csrf_token": csrf_token(english, "/supervisor/")}
    )
    assert "Calls by hour of day" in english.get("/supervisor/dashboard").get_data(as_text=True)


def test_csv_exports_have_bom_korean_and_the_filter(app, calls):
    client = signed_in_client(app, "boss", "supervisor", None)
    response = client.get("/supervisor/export/calls.csv?outcome=ticket")
    assert response.headers["Content-Type"].startswith("text/csv")
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "통화 시각"
    assert len(rows) == 2 and rows[1][8] == "접수" and rows[1][2] == "•••-••••-5678"
    tickets = client.get("/supervisor/export/tickets.csv").data.decode("utf-8-sig")
    assert "금형 캐비티가 빨리 마모됩니다." in tickets and "1379-20260302-0001" in tickets


def test_audit_log_lists_and_filters_who_did_what(app, calls):
    client = signed_in_client(app, "boss", "supervisor", None)

    def rows(url: str) -> str:
        return re.search(r"<tbody>(.*)</tbody>", client.get(url).get_data(as_text=True), re.S)[1]

    everything = rows("/supervisor/audit")
    assert "녹음 재생" in everything and f'href="/supervisor/calls/{calls["ticket"]}"' in everything
    assert "<td>로그인</td>" in everything  # the supervisor's own sign-in is on the trail
    only = rows("/supervisor/audit?action=recording.play")
    assert "녹음 재생" in only and "<td>로그인</td>" not in only
    assert "기록이 없습니다." in rows("/supervisor/audit?from=2001-01-01&to=2001-01-02")


def test_failed_jobs_are_shown_and_requeued_with_csrf_and_audit(app, calls):
    with app.app_context():
        job = enqueue("tests.callcenter.supervisor.test_pages.always_fails", 7, queue="routing")
        from rq import SimpleWorker

        SimpleWorker([get_queue("routing")], connection=get_queue("routing").connection).work(
            burst=True
        )
        assert job.id in FailedJobRegistry(queue=get_queue("routing")).get_job_ids()
    client = signed_in_client(app, "boss", "supervisor", None)
    page = client.get("/supervisor/queues").get_data(as_text=True)
    assert job.id in page and "RuntimeError: boom 7" in page
    form = {"queue": "routing", "job_id": job.id}
    assert client.post("/supervisor/queues/requeue", data=form).status_code == 400  # no CSRF
    token = csrf_token(client, "/supervisor/queues")
    response = client.post("/supervisor/queues/requeue", data={**form, "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        assert job.id in get_queue("routing").job_ids
        row = db.session.scalars(select(AuditLog).where(AuditLog.action == "job.requeue")).one()
        assert row.detail == {"queue": "routing", "job_id": job.id}
        assert row.user is not None and row.user.username == "boss"


def test_dates_are_local_days(app, calls):
    # 2 March in Seoul covers all three calls; 1 March (UTC evening before) covers none.
    client = signed_in_client(app, "boss", "supervisor", None)
    day = date(2026, 3, 1).isoformat()
    assert (
        call_log_ids(client.get(f"/supervisor/calls?from={day}&to={day}").get_data(as_text=True))
        == []
    )


def test_dashboard_counts_callbacks_returned_when_the_caller_was_reached(app, calls):
    with app.app_context():
        for number, returned in (("1379-20260302-0101", 25), ("1379-20260302-0102", 90)):
            db.session.add(
                Ticket(
                    number=number,
                    kind="callback",
                    created_at=START,
                    first_response_at=START + timedelta(minutes=5),
                    returned_at=START + timedelta(minutes=returned),
                )
            )
        db.session.add(Ticket(number="1379-20260302-0103", kind="callback", created_at=START))
        db.session.commit()
    client = signed_in_client(app, "boss", "supervisor", None)
    page = client.get("/supervisor/dashboard?from=2026-03-02&to=2026-03-02").get_data(as_text=True)
    # Two of three returned (66.7 %), one within the hour; (25 + 90) / 2 = 57.5 min on average.
    assert "회신 66.7% (1시간 내 1건)" in page
    assert "57분 30초" in page


def test_csv_exports_write_every_column(app, calls):
    """Full rows: local times, masks, labels, empty cells; a call's first ticket stands for it."""
    with app.app_context():
        first = db.session.get(Call, calls["ticket"])
        assert first is not None
        db.session.add(
            Ticket(
                number="1379-20260302-0002",
                call_id=first.id,
                kind="callback",
                status="follow_up_done",
                caller_number=first.from_number,
                region="인천",
                center_code="INCHEON",
                topic_code="casting",
                summary="주물 기공 문의, 다시 전화 요청",
                created_at=START + timedelta(seconds=90),
                routed_at=START + timedelta(seconds=95),
                first_response_at=START + timedelta(hours=1),
                resolved_at=START + timedelta(days=1),
                follow_up_on=date(2026, 3, 16),
                follow_up_done_at=START + timedelta(days=14, hours=2),
            )
        )
        db.session.commit()
        db.session.remove()
    client = signed_in_client(app, "boss", "supervisor", None)

    def table(path: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO(client.get(path).data.decode("utf-8-sig"))))

    # Codes as words (statuses, kinds, region sources, languages); withheld numbers said so.
    assert table("/supervisor/export/calls.csv")[1:] == [
        ["2026-03-02 10:09:00", "CA" + "3" * 32, "발신번호 없음", "", "확인 안 됨", "한국어", ""]
        + ["12", "메뉴에서 끊음", "", "", "", "", "", ""],
        ["2026-03-02 10:05:00", "CA" + "2" * 32, "•••-•••-0000", "경기"]
        + ["전화번호 지역번호로 확인", "한국어", "0", "100", "대기 중 포기", "75", "", "", ""]
        + ["", ""],
        ["2026-03-02 10:00:00", "CA" + "1" * 32, "•••-••••-5678", "인천"]
        + ["ARS에서 지역 번호 선택", "한국어", "1", "95", "접수", "", "1379-20260302-0001"]
        + [kind("problem"), status("routed"), "뿌리기술연구소(인천)", "금형"],
    ]
    assert table("/supervisor/export/tickets.csv")[1:] == [
        ["1379-20260302-0002", "2026-03-02 10:01:30", kind("callback"), status("follow_up_done")]
        + ["•••-••••-5678", "인천", "뿌리기술연구소(인천)", "주조", "2026-03-02 10:01:35"]
        + ["2026-03-02 11:00:00", "2026-03-03 10:00:00", "2026-03-16", "2026-03-16 12:00:00"]
        + ["", "주물 기공 문의, 다시 전화 요청"],
        ["1379-20260302-0001", "2026-03-02 10:01:20", kind("problem"), status("routed")]
        + ["•••-••••-5678", "", "뿌리기술연구소(인천)", "금형", "", "", "", "", "", ""]
        + ["금형 캐비티가 빨리 마모됩니다."],
    ]


def kind(code: str) -> str:
    """A ticket kind's Korean name, from the one table every page uses."""
    return MESSAGES[f"kind.{code}"]["ko"]


def status(code: str) -> str:
    """A ticket status's Korean name, from the one table every page uses."""
    return MESSAGES[f"status.{code}"]["ko"]


def test_csv_lines_stream_a_piece_per_batch():
    from callcenter.supervisor.exports import csv_lines

    rows = [("금형", 1, None), ("도금, 용접", 2, date(2026, 3, 2))] * 3
    pieces = list(csv_lines(["a", "b", "c"], iter(rows), batch=4))
    assert len(pieces) == 3  # BOM and header, then 4 rows, then 2
    assert pieces[0] == "\ufeffa,b,c\r\n"
    assert "".join(pieces[1:]) == '금형,1,\r\n"도금, 용접",2,2026-03-02\r\n' * 3
