"""Routing wired into tickets: the job, re-routing with audit, the CLI."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from sqlalchemy import select

from callcenter.cli.worker import build_worker
from callcenter.db import db
from callcenter.models import AuditLog, Call, Recording, Ticket, Transcript, User
from callcenter.pipeline.jobs import ROUTING
from callcenter.pipeline.route import route_ticket_job
from callcenter.services.routing import reroute_ticket, route_ticket
from callcenter.services.tickets import create_ticket_for_call


def _ticket(
    text: str | None,
    *,
    number: str = "+82551234567",
    status: str = "transcribing",
    region: str | None = None,
    region_source: str = "unknown",
    menu: str | None = "1",
    sid: str = "1",
) -> int:
    call = Call(
        call_sid="CA" + sid * 32,
        from_number=number,
        region=region,
        region_source=region_source,
        menu_choice=menu,
    )
    db.session.add(call)
    db.session.flush()
    rec = Recording(
        recording_sid="RE" + sid * 32, call_id=call.id, source_url="http://x/r", status="done"
    )
    db.session.add(rec)
    db.session.flush()
    if text is not None:
        db.session.add(Transcript(recording_id=rec.id, text=text, model="m", engine="e"))
    ticket = create_ticket_for_call(
        db.session, call, kind="problem", timezone="Asia/Seoul", recording_id=rec.id
    )
    ticket.status = status
    db.session.commit()
    return ticket.id


def test_transcribed_ticket_is_routed_by_the_worker(app: Flask, runner):
    with app.app_context():
        tid = _ticket("어 저희가 그 쇳물 부을 때 모래가 같이 들어가요")
        ROUTING.enqueue(tid)
        build_worker(app, ["routing"], simple=True).work(burst=True)
        ticket = db.session.get(Ticket, tid)
        assert ticket.status == "routed"
        assert ticket.topic_code == "casting"
        assert ticket.center_code == "DAEGU"  # nearest casting center to 경남 (055)
        assert ticket.routed_at is not None
        assert ticket.region == "경남" and ticket.region_source == "area_code"
        assert ticket.institutes[0] == "KIMS"
    listed = json.loads(runner.invoke(args=["tickets", "list", "--json"]).output)[0]
    assert listed["topic"] == "casting" and listed["center"] == "DAEGU"
    routing = listed["routing"]
    assert routing["routed_by"] == "auto"
    assert routing["explanation"]["location"]["source"] == "area_code"
    assert routing["explanation"]["center"]["runner_up"]["distance_km"] > routing["distance_km"]
    assert routing["explanation"]["topic"]["evidence"]["terms"]["casting"]


def test_job_is_idempotent_and_respects_later_statuses(app: Flask):
    with app.app_context():
        tid = _ticket(
            "도금이 잘 안 붙고 들떠요",
            status="assigned",
            number="+821012345678",
            region="서울",
            region_source="ivr_digit",
        )
        first = route_ticket_job(tid)
        again = route_ticket_job(tid)
        ticket = db.session.get(Ticket, tid)
        assert first["topic"] == again["topic"] == "surface"
        assert ticket.status == "assigned"  # moved past routing: status kept
        assert ticket.routing["explanation"]["location"]["source"] == "ivr_digit"
        assert route_ticket_job(999999)["status"] == "missing"


def test_operator_summary_is_routed_when_there_is_no_transcript(app: Flask):
    with app.app_context():
        tid = _ticket(None, status="needs_review", number="Anonymous", sid="2")
        ticket = db.session.get(Ticket, tid)
        ticket.summary = "특허 출원 비용 지원 문의"
        route_ticket(db.session, ticket)
        db.session.commit()
        assert ticket.topic_code == "ip" and ticket.status == "routed"
        assert "location_unknown" in ticket.routing["explanation"]["flags"]
        assert ticket.routing["distance_km"] is None


def test_reroute_requires_reason_and_is_audited(app: Flask):
    with app.app_context():
        user = User(username="op1", password_hash="x", role="operator")
        db.session.add(user)
        tid = _ticket("쇳물 부을 때 모래가 같이 들어가요", sid="3")
        ticket = db.session.get(Ticket, tid)
        route_ticket(db.session, ticket)
        with pytest.raises(ValueError, match="사유"):
            reroute_ticket(db.session, ticket, user=user, reason="  ", topic_code="welding")
        reroute_ticket(
            db.session, ticket, user=user, reason="용접 문의로 확인", topic_code="welding"
        )
        db.session.commit()
        assert ticket.topic_code == "welding"
        # Recomputed for the new topic: Busan covers welding and is nearer to 경남 than Daegu.
        assert ticket.center_code == "BUSAN"
        log = db.session.scalars(select(AuditLog).where(AuditLog.action == "ticket.reroute")).one()
        assert log.user_id == user.id and log.target_id == tid
        assert log.detail["before"]["topic"] == "casting"
        assert log.detail["after"]["topic"] == "welding"
        assert log.detail["reason"] == "용접 문의로 확인"

        reroute_ticket(db.session, ticket, user=user, reason="고객 요청", center_code="GWANGJU")
        db.session.commit()
        assert ticket.center_code == "GWANGJU" and ticket.topic_code == "welding"
        assert ticket.routing["distance_km"] > 0
        assert [h["by"] for h in ticket.routing["history"]] == ["op1", "op1"]
        # A late automatic run does not undo the operator's decision.
        assert route_ticket_job(tid)["status"] == "kept_operator_routing"
        assert db.session.get(Ticket, tid).center_code == "GWANGJU"
        with pytest.raises(ValueError):
            reroute_ticket(db.session, ticket, user=user, reason="x", center_code="NOWHERE")


def test_route_cli_prints_the_decision(runner):
    result = runner.invoke(args=["route", "철판을 구부리면 다시 돌아가요", "--region", "경남"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) >= {
        "topic",
        "topic_scores",
        "center",
        "distance_km",
        "region",
        "institutes",
        "explanation",
    }
    assert out["topic"] == "forming" and out["region"] == "경남"
    digit = json.loads(
        runner.invoke(
            args=["route", "도금 불량", "--region", "6", "--from", "+821012345678"]
        ).output
    )
    assert digit["region"] == "부산·울산·경남"
    assert digit["explanation"]["location"]["source"] == "ivr_digit"
    bad = runner.invoke(args=["route", "x", "--region", "Atlantis"])
    assert bad.exit_code != 0 and "Atlantis" in bad.output


def test_real_worker_process_routes_a_transcribed_ticket(app: Flask):
    """`flask worker` loads the router once (warmup), then the forked job routes the ticket."""
    from tests.helpers import run_worker_process

    with app.app_context():
        tid = _ticket(
            "어 저희 공장 전기 요금이 너무 많이 나와서 줄일 방법을 찾고 있어요",
            number="+8221234567",
            sid="4",
        )
        ROUTING.enqueue(tid)
    run_worker_process(app, queues="routing")
    with app.app_context():
        ticket = db.session.get(Ticket, tid)
        assert ticket.status == "routed" and ticket.topic_code == "energy"
        assert ticket.center_code == "SEOUL"  # energy is covered in Seoul itself
        assert ticket.routing["explanation"]["center"]["distance_km"] < 1


@pytest.mark.parametrize("text", ["여보세요 여보세요", ""])
def test_text_without_topic_evidence_goes_to_review_not_a_guessed_center(app: Flask, text):
    with app.app_context():
        tid = _ticket(text)
        result = route_ticket_job(tid)
        ticket = db.session.get(Ticket, tid)
        assert ticket is not None
        assert result["status"] == "needs_review" and ticket.status == "needs_review"
        assert ticket.topic_code is None and ticket.center_code is None
        assert ticket.routing["needs_review"] == "no_topic_evidence"
        assert ticket.routing["topic_scores"]  # the operator still sees what was weighed


def test_clear_problem_is_routed_even_with_low_confidence_flags(app: Flask):
    with app.app_context():
        tid = _ticket("도금한 부품에 녹이 슬어요")
        route_ticket_job(tid)
        ticket = db.session.get(Ticket, tid)
        assert ticket is not None and ticket.status == "routed"
        assert ticket.topic_code == "surface" and ticket.center_code is not None
