"""Referrals: create one, move it through its one transition table, edit it; all audited.

A referral hands a ticket to an institute (optionally one catalogue resource of it). Its
status moves 의뢰 (requested) → 접수 (accepted) → 완료 (completed), or 반려 (declined) from
either open status; the table below is the only place that says so. Services flush, callers
commit (and only then enqueue the caller's text message, :func:`callcenter.referrals.sms`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from callcenter.catalogue.browse import contact_of
from callcenter.catalogue.columns import KINDS
from callcenter.models import Institute, Referral, Ticket, User, utcnow
from callcenter.services.audit import audit
from callcenter.services.workflow import WorkflowError, may_act

# The one transition table of a referral's status.
REFERRAL_MOVES: dict[str, tuple[str, ...]] = {
    "requested": ("accepted", "declined"),
    "accepted": ("completed", "declined"),
    "completed": (),
    "declined": (),
}
OPEN_REFERRAL_STATUSES = ("requested", "accepted")
STATUS_KO = {"requested": "의뢰", "accepted": "접수", "completed": "완료", "declined": "반려"}
CONTACT_MAX = 200
NOTES_MAX = 4000


@dataclass(frozen=True)
class Resource:
    """A catalogue resource as a referral names it: kind, id, name, institute, contact."""

    kind: str
    id: str
    name: str
    institute: str
    contact: str


def find_resource(session: Session, kind: str, resource_id: str) -> Resource | None:
    """The catalogue resource ``kind``/``resource_id``, or None."""
    spec = KINDS.get(kind)
    if spec is None:
        return None
    row: Any = session.get(spec.model, resource_id)
    if row is None:
        return None
    return Resource(kind, row.id, getattr(row, spec.name_column), row.institute, contact_of(row))


def _audit(session: Session, action: str, referral: Referral, user: User, **detail: Any) -> None:
    # Referral rows are audited against their ticket, so the ticket's history shows them.
    audit(
        session,
        action,
        user=user,
        target_type="ticket",
        target_id=referral.ticket_id,
        referral_id=referral.id,
        **detail,
    )


def _check_text(contact: str, notes: str) -> None:
    if len(contact) > CONTACT_MAX:
        raise WorkflowError("work.too_long", limit=CONTACT_MAX)
    if len(notes) > NOTES_MAX:
        raise WorkflowError("work.too_long", limit=NOTES_MAX)


def create_referral(
    session: Session,
    ticket: Ticket,
    *,
    user: User,
    institute: str | None = None,
    resource_kind: str | None = None,
    resource_id: str | None = None,
    contact: str = "",
    due_on: date | None = None,
    notes: str = "",
    ip: str | None = None,
) -> Referral:
    """Refer ``ticket`` to an institute, or to a resource (its institute then follows). Flushes."""
    if not may_act(user, ticket):
        raise WorkflowError("work.not_yours")
    contact, notes = contact.strip(), notes.strip()
    _check_text(contact, notes)
    resource = None
    if resource_kind or resource_id:
        resource = find_resource(session, resource_kind or "", resource_id or "")
        if resource is None:
            raise WorkflowError("ref.unknown_resource")
        institute = resource.institute
    if not institute or session.get(Institute, institute) is None:
        raise WorkflowError("ref.unknown_institute")
    referral = Referral(
        ticket_id=ticket.id,
        institute=institute,
        resource_kind=resource.kind if resource else None,
        resource_id=resource.id if resource else None,
        resource_name=resource.name if resource else "",
        contact=contact or (resource.contact if resource else ""),
        due_on=due_on,
        status="requested",
        notes=notes,
        created_by_id=user.id,
        created_at=utcnow(),
    )
    session.add(referral)
    session.flush()
    _audit(
        session,
        "referral.create",
        referral,
        user,
        ip=ip,
        institute=institute,
        resource=f"{referral.resource_kind}:{referral.resource_id}" if resource else None,
        name=referral.resource_name or institute,
    )
    session.flush()
    return referral


def referral_moves(referral: Referral) -> tuple[str, ...]:
    """The statuses this referral may move to now."""
    return REFERRAL_MOVES.get(referral.status, ())


def change_referral_status(
    session: Session,
    referral: Referral,
    new_status: str,
    *,
    user: User,
    note: str = "",
    ip: str | None = None,
) -> None:
    """Move the referral if the table has the move; stamps times, appends a note, audits."""
    if not may_act(user, referral.ticket):
        raise WorkflowError("work.not_yours")
    old = referral.status
    if new_status not in referral_moves(referral):
        raise WorkflowError("ref.illegal_move", old=old, new=new_status)
    note = note.strip()
    _check_text("", note)
    now = utcnow()
    referral.status = new_status
    if new_status == "accepted":
        referral.accepted_at = now
    if new_status in ("completed", "declined"):
        referral.finished_at = now
    if note:
        referral.notes = _appended(referral.notes, note, user)
    _audit(
        session,
        "referral.moved",
        referral,
        user,
        ip=ip,
        name=referral.resource_name or referral.institute,
        to_ko=STATUS_KO[new_status],
        **{"from": old, "to": new_status},
    )
    session.flush()


def update_referral(
    session: Session,
    referral: Referral,
    *,
    user: User,
    contact: str | None = None,
    due_on: date | None = None,
    clear_due: bool = False,
    note: str = "",
    ip: str | None = None,
) -> None:
    """Change the responsible person or due date, or add a note; audited with what changed."""
    if not may_act(user, referral.ticket):
        raise WorkflowError("work.not_yours")
    note = note.strip()
    contact = contact.strip() if contact is not None else None
    _check_text(contact or "", note)
    changed: dict[str, Any] = {}
    if contact is not None and contact != referral.contact:
        changed["contact"] = contact
        referral.contact = contact
    if (due_on is not None or clear_due) and due_on != referral.due_on:
        changed["due_on"] = due_on.isoformat() if due_on else None
        referral.due_on = due_on
    if note:
        referral.notes = _appended(referral.notes, note, user)
        changed["note"] = True
    if not changed:
        return
    _audit(session, "referral.update", referral, user, ip=ip, **changed)
    session.flush()


def _appended(notes: str, note: str, user: User) -> str:
    stamp = utcnow().strftime("%Y-%m-%d %H:%M UTC")
    line = f"[{stamp} {user.display_name}] {note}"
    text = f"{notes}\n{line}" if notes else line
    return text[-NOTES_MAX:]
