"""demo-data: realistic, complete, deterministic per seed, and safe to run beside real data."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, func, select

from callcenter.db import db
from callcenter.demo.history import DemoDataError, generate
from callcenter.kpi.definitions import OUTCOMES
from callcenter.models import (
    AuditLog,
    Call,
    CallEvent,
    Center,
    Recording,
    Ticket,
    TicketCounter,
    Transcript,
)
from callcenter.services.tickets import next_ticket_number

END = date(2026, 3, 31)


def fingerprint() -> list[tuple]:
    calls = db.session.execute(
        select(Call.call_sid, Call.from_number, Call.outcome, Call.started_at).order_by(Call.id)
    ).all()
    tickets = db.session.execute(
        select(Ticket.number, Ticket.center_code, Ticket.status).order_by(Ticket.id)
    ).all()
    return [tuple(r) for r in calls + tickets]


def test_cli_writes_every_outcome_center_and_korean_transcripts(app, runner):
    result = runner.invoke(
        args=["demo-data", "--calls", "2500", "--days", "60", "--end", "2026-03-31", "--seed", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "calls: 2,500" in result.output
    with app.app_context():
        outcomes = set(db.session.scalars(select(Call.outcome).distinct()))
        assert outcomes == set(OUTCOMES)
        centers = set(db.session.scalars(select(Ticket.center_code).distinct()))
        assert set(db.session.scalars(select(Center.code))) <= centers
        assert db.session.scalar(select(func.count(CallEvent.id))) > 2500 * 3
        texts = db.session.scalars(select(Transcript.text).where(Transcript.text != "")).all()
        assert texts and all("입니다" in t for t in texts[:50])
        assert {r for r in db.session.scalars(select(Recording.status).distinct())} >= {
            "done",
            "failed",
        }
        # Office rhythm: far more calls start at 10:00-11:00 Seoul time than at 03:00-04:00.
        hours = [c.astimezone().hour for c in db.session.scalars(select(Call.started_at))]
        by_seoul_hour = [sum(1 for h in hours if (h + 9) % 24 == x) for x in range(24)]
        assert by_seoul_hour[10] > 5 * by_seoul_hour[3]
        assert db.session.scalar(select(func.count(AuditLog.id))) > 0


def test_same_seed_same_history_and_no_second_copy(app):
    with app.app_context():
        generate(db.session(), calls=300, seed=11, end=END, days=30, timezone="Asia/Seoul")
        db.session.commit()
        first = fingerprint()
        with pytest.raises(DemoDataError):
            generate(db.session(), calls=300, seed=11, end=END, days=30, timezone="Asia/Seoul")
        db.session.rollback()
        for model in (AuditLog, Ticket, Transcript, Recording, CallEvent, Call, TicketCounter):
            db.session.execute(delete(model))
        db.session.commit()
        generate(db.session(), calls=300, seed=11, end=END, days=30, timezone="Asia/Seoul")
        db.session.commit()
        assert fingerprint() == first
        generate(db.session(), calls=50, seed=12, end=END, days=30, timezone="Asia/Seoul")
        db.session.commit()
        assert fingerprint()[:300] == first[:300]  # a second seed appends beside the first


def test_real_tickets_continue_after_demo_numbers(app):
    with app.app_context():
        # A ticket written without its day counter (an import) must not be numbered again.
        db.session.add(
            Ticket(number="1379-20260331-0007", created_at=datetime(2026, 3, 31, tzinfo=UTC))
        )
        db.session.commit()
        generate(db.session(), calls=200, seed=3, end=END, days=1, timezone="Asia/Seoul")
        db.session.commit()
        numbers = db.session.scalars(select(Ticket.number)).all()
        assert len(numbers) == len(set(numbers)) > 100
        assert "1379-20260331-0008" in numbers  # the demo went on after the imported 0007
        last = max(int(n.rsplit("-", 1)[1]) for n in numbers)
        assert next_ticket_number(db.session(), END) == f"1379-20260331-{last + 1:04d}"
