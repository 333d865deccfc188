"""KPI arithmetic on small hand-made fixtures; every expected number is worked out in comments.

Period: Monday 2026-03-02 .. Tuesday 2026-03-03 in Asia/Seoul (UTC+9), i.e. UTC
[2026-03-01 15:00, 2026-03-03 15:00).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from callcenter.db import db
from callcenter.kpi.definitions import Period
from callcenter.kpi.live import call_kpis, ticket_kpis, transcription_kpis
from callcenter.models import Call, Recording, Ticket, Transcript

PERIOD = Period(date(2026, 3, 2), date(2026, 3, 3), "Asia/Seoul")


def utc(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def add_call(sid: str, started: datetime, outcome: str, duration: int | None, **queue) -> Call:
    call = Call(
        call_sid=sid,
        from_number="+821012345678",
        started_at=started,
        ended_at=started + timedelta(seconds=duration or 0),
        duration_seconds=duration,
        outcome=outcome,
        status="completed",
        **queue,
    )
    db.session.add(call)
    return call


def queued(wait: int, answered: bool) -> dict:
    return {"queue_entered_at": utc(1, 0), "queue_wait_seconds": wait, "queue_answered": answered}


@pytest.fixture
def calls(app):
    with app.app_context():
        add_call("c1", utc(2, 0, 30), "answered", 300, **queued(10, True))  # Mon 09:30 KST
        add_call("c2", utc(2, 1, 10), "answered", 200, **queued(45, True))  # Mon 10:10
        add_call("c3", utc(2, 1, 20), "abandoned_queue", 90, **queued(60, False))  # Mon 10:20
        add_call("c4", utc(2, 15, 30), "hung_up_menu", 20)  # Tue 00:30 KST
        add_call("c5", utc(2, 14, 59), "ticket", 150)  # Mon 23:59 KST
        add_call("c6", utc(3, 5, 0), "callback", 100, **queued(30, False))  # Tue 14:00
        add_call("c7", utc(1, 14, 59), "ticket", 100)  # Sun 23:59 KST: before the period
        add_call("c8", utc(3, 14, 59), "voicemail", 60)  # Tue 23:59 KST
        add_call("c9", utc(3, 15, 0), "ticket", 100)  # Wed 00:00 KST: after the period
        db.session.commit()
        yield


def test_call_kpis_by_hand(app, calls):
    with app.app_context():
        kpis, traffic = call_kpis(db.session, PERIOD)
    # In the period: c1 c2 c3 c4 c5 c6 c8 = 7 (c7 and c9 fall outside in Seoul time).
    assert kpis.total == 7
    # Queued: c1 c2 c3 c6 = 4; answered c1 c2 = 2; within 20 s: c1 (10 s) = 1.
    assert (kpis.queued, kpis.answered, kpis.answered_within_target) == (4, 2, 1)
    # Abandoned in the queue: c3 → 1 ÷ 4 = 0.25; the menu hang-up c4 is not in it.
    assert kpis.abandoned == 1
    assert kpis.abandonment_rate == pytest.approx(0.25)
    assert kpis.hung_up_menu == 1
    assert kpis.menu_hang_up_rate == pytest.approx(1 / 7)
    # Service level: 1 answered within 20 s ÷ 4 queued = 0.25.
    assert kpis.service_level == pytest.approx(0.25)
    # Waits: (10 + 45 + 60 + 30) / 4 = 36.25; speed of answer (10 + 45) / 2 = 27.5.
    assert kpis.queue_wait.value == pytest.approx(36.25)
    assert kpis.answer_wait.value == pytest.approx(27.5)
    assert kpis.callback_from_queue == 1
    # Durations: (300 + 200 + 90 + 20 + 150 + 100 + 60) / 7 = 920 / 7.
    assert kpis.duration.value == pytest.approx(920 / 7)
    assert kpis.by_outcome["answered"] == 2
    assert kpis.by_outcome["ticket"] == 1  # c5 only
    assert kpis.by_outcome["voicemail"] == 1
    assert sum(kpis.by_outcome.values()) == 7

    # Local hours: 09 c1; 10 c2 c3; 00 c4; 23 c5 c8; 14 c6.
    expected_hours = [0] * 24
    expected_hours[9], expected_hours[10], expected_hours[0] = 1, 2, 1
    expected_hours[23], expected_hours[14] = 2, 1
    assert traffic.by_hour == expected_hours
    # Weekdays: Monday c1 c2 c3 c5 = 4; Tuesday c4 c6 c8 = 3.
    assert traffic.by_weekday == [4, 3, 0, 0, 0, 0, 0]
    monday, tuesday = traffic.days
    # Monday: 4 calls, queued c1 c2 c3, abandoned c3, within target c1.
    assert (monday.day, monday.calls, monday.queued, monday.abandoned) == (
        date(2026, 3, 2),
        4,
        3,
        1,
    )
    assert monday.answered_within_target == 1
    # Tuesday: 3 calls, queued c6 only.
    assert (tuesday.calls, tuesday.queued, tuesday.abandoned, tuesday.answered_within_target) == (
        3,
        1,
        0,
        0,
    )


def test_empty_period_gives_none_rates_not_zero(app):
    with app.app_context():
        kpis, traffic = call_kpis(db.session, PERIOD)
    assert kpis.total == 0
    assert kpis.abandonment_rate is None and kpis.service_level is None
    assert kpis.queue_wait.value is None
    assert [d.calls for d in traffic.days] == [0, 0]


def add_ticket(number: str, created: datetime, **fields) -> Ticket:
    ticket = Ticket(number=number, created_at=created, **fields)
    db.session.add(ticket)
    return ticket


@pytest.fixture
def tickets(app):
    with app.app_context():
        call_a = add_call("ta", utc(2, 0, 50), "ticket", 600)
        call_a.ended_at = utc(2, 1, 0)
        call_b = add_call("tb", utc(2, 2, 50), "ticket", 660)
        call_b.ended_at = utc(2, 3, 1)
        db.session.flush()
        add_ticket(  # t1: routed 2 min after the call ended, answered, resolved, followed up
            "T1",
            utc(2, 0, 59),
            call_id=call_a.id,
            center_code="INCHEON",
            topic_code="casting",
            status="resolved",
            routed_at=utc(2, 1, 2),
            first_response_at=utc(2, 2, 0),
            resolved_at=utc(3, 0, 59),
            follow_up_on=date(2026, 3, 2),
            follow_up_done_at=utc(2, 5),
        )
        add_ticket(  # t2: routed 5 min after the call ended, answered in 30 min, follow-up missed
            "T2",
            utc(2, 3, 0),
            call_id=call_b.id,
            center_code="INCHEON",
            topic_code="mold",
            status="in_progress",
            routed_at=utc(2, 3, 6),
            first_response_at=utc(2, 3, 30),
            follow_up_on=date(2026, 3, 2),
            reroutes=1,  # first sent to the wrong topic; an operator moved it to mold
        )
        add_ticket(  # t3: could not be routed; follow-up due today, not yet done
            "T3",
            utc(3, 1, 0),
            center_code="ANSAN",
            topic_code="textile",
            status="needs_review",
            follow_up_on=date(2026, 3, 3),
        )
        add_ticket(  # t4: callback returned after 30 min; follow-up after the period
            "T4",
            utc(3, 5, 1),
            kind="callback",
            center_code="ANSAN",
            first_response_at=utc(3, 5, 31),
            returned_at=utc(3, 5, 31),
            follow_up_on=date(2026, 3, 4),
        )
        call_c = add_call("tc", utc(3, 5, 50), "callback", 600)  # ends 06:00:10
        db.session.flush()
        add_ticket(  # claimed at once, but the caller was reached only after 2 h
            "T5",  # routed during its call, so no call-end-to-routing time either
            utc(3, 6, 0),
            call_id=call_c.id,
            kind="callback",
            routed_at=utc(3, 6, 0),
            first_response_at=utc(3, 6, 10),
            returned_at=utc(3, 8, 0),
            return_attempts=2,
        )
        add_ticket(  # tried once 10 min after the request, nobody answered: not returned
            "T6", utc(3, 7, 0), kind="callback", first_response_at=utc(3, 7, 10), return_attempts=1
        )
        add_ticket(  # t7: created before the period, but its follow-up falls in it (done)
            "T7",
            utc(1, 14, 0),
            center_code="INCHEON",
            topic_code="casting",
            follow_up_on=date(2026, 3, 3),
            follow_up_done_at=utc(3, 2),
        )
        db.session.commit()
        yield


def test_ticket_kpis_by_hand(app, tickets):
    with app.app_context():
        overall, per_center, per_topic = ticket_kpis(db.session, PERIOD, today=date(2026, 3, 3))
    # Created in the period: T1..T6 = 6 (T7 was created on Sunday 23:00 KST).
    assert overall.tickets == 6
    assert (overall.routed, overall.needs_review, overall.resolved) == (3, 1, 1)
    # Call end → routed: T1 01:00→01:02 = 120 s, T2 03:01→03:06 = 300 s; mean 210 s
    # (T5, a callback request, was routed before its call ended and is left out).
    assert overall.routing_delay.count == 2
    assert overall.routing_delay.value == pytest.approx(210)
    # First response: T1 00:59→02:00 = 3660 s, T2 03:00→03:30 = 1800, T4 1800, T5 600,
    # T6 600; mean 8460 / 5 = 1692 s.
    assert overall.first_response.count == 5
    assert overall.first_response.value == pytest.approx(1692)
    # Resolution: T1 Mon 00:59 → Tue 00:59 = 86400 s.
    assert overall.resolution.value == pytest.approx(86400)
    # Re-routed by an operator: T2 of the 3 routed (T1, T2, T5).
    assert overall.rerouted == 1 and overall.reroute_rate == pytest.approx(1 / 3)
    # Callbacks: T4 T5 T6 requested; T4 (1800 s) and T5 (7200 s) returned — T5 counts from when
    # the caller was reached, not when it was claimed — and T6 was tried but not reached.
    assert (overall.callbacks_requested, overall.callbacks_returned) == (3, 2)
    assert overall.callbacks_returned_within_target == 1
    assert overall.callback_return.value == pytest.approx(4500)  # (1800 + 7200) / 2
    assert overall.callback_return_rate == pytest.approx(2 / 3)
    # Follow-ups dated in the period, today = Tue 3 March: T1 (Mon, done), T2 (Mon, not done,
    # overdue), T3 (Tue, due today, not overdue), T7 (Tue, done); T4's is on Wednesday.
    assert (overall.follow_ups_due, overall.follow_ups_done, overall.follow_ups_overdue) == (
        4,
        2,
        1,
    )
    assert overall.follow_up_completion == pytest.approx(0.5)

    incheon = per_center["INCHEON"]
    # INCHEON: T1 T2 created; routing (120 + 300) / 2; responses (3660 + 1800) / 2 = 2730.
    assert (incheon.tickets, incheon.routed, incheon.resolved) == (2, 2, 1)
    assert incheon.routing_delay.value == pytest.approx(210)
    assert incheon.first_response.value == pytest.approx(2730)
    # INCHEON follow-ups: T1 done, T2 overdue, T7 done → 2 of 3.
    assert (incheon.follow_ups_due, incheon.follow_ups_done, incheon.follow_ups_overdue) == (
        3,
        2,
        1,
    )
    ansan = per_center["ANSAN"]
    # ANSAN: T3 (needs review) and T4 (callback returned in 1800 s); T3's follow-up is due.
    assert (ansan.tickets, ansan.needs_review, ansan.callbacks_returned) == (2, 1, 1)
    assert ansan.first_response.value == pytest.approx(1800)
    assert (ansan.follow_ups_due, ansan.follow_ups_done) == (1, 0)
    unrouted = per_center["-"]
    assert (unrouted.tickets, unrouted.callbacks_requested, unrouted.callbacks_returned) == (
        2,
        2,
        1,
    )

    # casting: T1 created (T7 is outside the period) but both follow-ups count: 2 of 2.
    casting = per_topic["casting"]
    assert casting.tickets == 1
    assert (casting.follow_ups_due, casting.follow_ups_done) == (2, 2)
    assert per_topic["mold"].follow_up_completion == pytest.approx(0.0)
    assert sum(t.tickets for t in per_topic.values()) == 6


def test_follow_ups_not_yet_due_are_not_counted(app, tickets):
    with app.app_context():
        overall, _, _ = ticket_kpis(db.session, PERIOD, today=date(2026, 3, 2))
    # Today Monday: only T1 and T2 (dated Monday) are due; none is overdue yet.
    assert (overall.follow_ups_due, overall.follow_ups_done, overall.follow_ups_overdue) == (
        2,
        1,
        0,
    )


def test_transcription_kpis_by_hand(app):
    with app.app_context():

        def rec(sid: str, created: datetime, status: str, seconds: float | None = None) -> None:
            recording = Recording(
                recording_sid=sid, source_url="https://x", status=status, created_at=created
            )
            db.session.add(recording)
            db.session.flush()
            if seconds is not None:
                db.session.add(
                    Transcript(
                        recording_id=recording.id,
                        text="금형",
                        model="m",
                        engine="e",
                        processing_seconds=seconds,
                    )
                )

        rec("r1", utc(2, 1), "done", 12.0)
        rec("r2", utc(2, 3), "done", 8.0)
        rec("r3", utc(3, 1), "failed")
        rec("r4", utc(3, 5), "pending")
        rec("r5", utc(1, 10), "transcribing")  # Sunday 19:00 KST: before the period
        db.session.commit()
        kpis = transcription_kpis(db.session, PERIOD, now=utc(3, 12))
    # Backlog now: r4 (pending) and r5 (transcribing); oldest r5, 1 Mar 10:00 → 3 Mar 12:00 = 50 h.
    assert kpis.backlog_now == 2
    assert kpis.oldest_backlog_seconds == pytest.approx(50 * 3600)
    # Period: r1..r4 = 4 recordings, 2 done, 1 failed → 0.25; Whisper (12 + 8) / 2 = 10 s.
    assert (kpis.recordings, kpis.done, kpis.failed) == (4, 2, 1)
    assert kpis.failure_rate == pytest.approx(0.25)
    assert kpis.processing.value == pytest.approx(10)
