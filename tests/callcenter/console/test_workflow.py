"""The transition table, enforced server-side, with timestamps and audit rows."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from callcenter.db import db
from callcenter.models import TICKET_STATUSES, AuditLog, Ticket, User
from callcenter.services import workflow
from callcenter.services.workflow import TRANSITIONS, WorkflowError
from tests.factories import make_ticket, make_user

ALL_MOVES = [(a, b) for a in TICKET_STATUSES for b in TICKET_STATUSES if a != b]


def _load(number: str) -> Ticket:
    return db.session.scalars(select(Ticket).where(Ticket.number == number)).one()


def _user(name: str) -> User:
    return db.session.scalars(select(User).where(User.username == name)).one()


def test_table_covers_every_status_and_names_only_real_ones():
    assert set(TRANSITIONS) == set(TICKET_STATUSES)
    for targets in TRANSITIONS.values():
        assert set(targets) <= set(TICKET_STATUSES)


def test_only_moves_in_the_table_are_accepted(app):
    make_user(app, "boss", "supervisor", None)
    ticket = make_ticket(app)
    with app.app_context():
        item, user = _load(ticket.number), _user("boss")
        for old, new in ALL_MOVES:
            item.status = old
            if new in TRANSITIONS[old]:
                closing = {"outcome": "solved", "solution": "안내"} if new == "resolved" else {}
                workflow.change_status(db.session(), item, new, user=user, **closing)
                assert item.status == new, (old, new)
            else:
                with pytest.raises(WorkflowError) as err:
                    workflow.change_status(db.session(), item, new, user=user)
                assert err.value.msg_id == "work.illegal_move", (old, new)
                assert item.status == old
        db.session.commit()
        moves = db.session.scalars(
            select(AuditLog.detail).where(AuditLog.action == "ticket.status")
        ).all()
        assert len(moves) == sum(len(v) for v in TRANSITIONS.values())


def test_full_path_sets_kpi_timestamps_and_audits_each_step(app):
    make_user(app, "kim")
    ticket = make_ticket(app, status="routed")
    with app.app_context():
        s, item, kim = db.session(), _load(ticket.number), _user("kim")
        workflow.claim(s, item, user=kim)
        assert item.status == "assigned" and item.assignee_id == kim.id
        first = item.first_response_at
        assert first is not None
        workflow.change_status(s, item, "in_progress", user=kim)
        workflow.change_status(
            s,
            item,
            "resolved",
            user=kim,
            follow_up_on=date(2030, 1, 15),
            outcome="solved",
            solution="열처리 조건 안내",
        )
        assert item.resolved_at is not None and item.follow_up_on == date(2030, 1, 15)
        workflow.change_status(s, item, "follow_up_done", user=kim)
        assert item.follow_up_done_at is not None
        workflow.change_status(s, item, "closed", user=kim)
        assert item.closed_at is not None
        assert item.first_response_at == first  # only the first response counts
        db.session.commit()
        rows = s.scalars(select(AuditLog).order_by(AuditLog.id)).all()
        assert [r.action for r in rows] == ["ticket.assign"] + ["ticket.status"] * 4
        assert rows[2].detail == {
            "from": "in_progress",
            "to": "resolved",
            "follow_up_on": "2030-01-15",
            "outcome": "solved",
        }


def test_reopening_clears_the_resolution(app):
    make_user(app, "kim")
    ticket = make_ticket(app, status="resolved")
    with app.app_context():
        item = _load(ticket.number)
        item.resolved_at = item.created_at
        workflow.change_status(db.session(), item, "in_progress", user=_user("kim"))
        assert item.resolved_at is None


def test_operator_cannot_act_on_another_centers_ticket(app):
    make_user(app, "busan_op", center="BUSAN")
    ticket = make_ticket(app, center="INCHEON")
    with app.app_context():
        item, op = _load(ticket.number), _user("busan_op")
        assert workflow.allowed_moves(op, item) == ()
        for action in (
            lambda: workflow.claim(db.session(), item, user=op),
            lambda: workflow.change_status(db.session(), item, "needs_review", user=op),
            lambda: workflow.set_follow_up(db.session(), item, None, user=op),
        ):
            with pytest.raises(WorkflowError) as err:
                action()
            assert err.value.msg_id == "work.not_yours"
        # Notes are allowed: a colleague elsewhere may know something useful.
        workflow.add_note(db.session(), item, "참고: 지난달 비슷한 문의", user=op)


def test_claim_race_second_operator_is_refused(app):
    make_user(app, "kim")
    make_user(app, "lee")
    ticket = make_ticket(app)
    with app.app_context():
        item = _load(ticket.number)
        workflow.claim(db.session(), item, user=_user("kim"))
        with pytest.raises(WorkflowError) as err:
            workflow.claim(db.session(), item, user=_user("lee"))
        assert err.value.msg_id == "work.already_assigned"


def test_operator_assigns_only_within_the_center(app):
    make_user(app, "kim")
    make_user(app, "lee")
    make_user(app, "park", center="BUSAN")
    ticket = make_ticket(app)
    with app.app_context():
        item = _load(ticket.number)
        with pytest.raises(WorkflowError) as err:
            workflow.assign(db.session(), item, _user("park"), user=_user("kim"))
        assert err.value.msg_id == "work.assign_other_center"
        workflow.assign(db.session(), item, _user("lee"), user=_user("kim"))
        assert item.assignee_id == _user("lee").id
        names = [u.username for u in workflow.assignable_users(db.session(), item, _user("kim"))]
        assert names == ["kim", "lee"]


@pytest.mark.parametrize(
    ("role", "kind", "assigned_to_me", "full"),
    [
        ("operator", "problem", False, False),
        ("operator", "problem", True, True),
        ("operator", "voicemail", False, False),
        ("operator", "callback", False, True),
        ("supervisor", "problem", False, True),
        ("admin", "problem", False, True),
    ],
)
def test_who_sees_the_full_number(app, role, kind, assigned_to_me, full):
    user = make_user(app, "u1", role)
    ticket = make_ticket(app, kind=kind, assignee_id=user.id if assigned_to_me else None)
    with app.app_context():
        assert workflow.may_see_full_number(_user("u1"), _load(ticket.number)) is full


def test_note_limits(app):
    make_user(app, "kim")
    ticket = make_ticket(app)
    with app.app_context():
        item = _load(ticket.number)
        for text, msg_id in (("   ", "work.note_empty"), ("가" * 4001, "work.too_long")):
            with pytest.raises(WorkflowError) as err:
                workflow.add_note(db.session(), item, text, user=_user("kim"))
            assert err.value.msg_id == msg_id


def test_every_status_move_is_in_one_table():
    menu = {(t.old, t.new) for t in workflow.TABLE if t.cause == "status"}
    assert menu == {(old, new) for old, news in TRANSITIONS.items() for new in news}
    assert {t.actor for t in workflow.TABLE if t.cause in ("transcription", "routing")} == {
        workflow.SYSTEM
    }
    # The system moves a ticket only while nobody has started work on it.
    system = [t for t in workflow.TABLE if t.actor == workflow.SYSTEM]
    assert {t.old for t in system} <= set(workflow.NOT_STARTED)
    assert {t.old for t in system if t.cause == "transcription"} == {"received", "transcribing"}


def test_a_move_the_table_lacks_changes_nothing(app):
    ticket = make_ticket(app, status="assigned")
    with app.app_context():
        item = _load(ticket.number)
        assert not workflow.move(item, "needs_review", cause="transcription")
        assert not workflow.move(item, "routed", cause="routing")
        assert item.status == "assigned"  # an operator's progress stands
        item.status = "received"
        assert workflow.move(item, "transcribing", cause="transcription")
        assert workflow.move(item, "routed", cause="routing")
        assert item.status == "routed"
        db.session.rollback()
