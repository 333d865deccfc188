"""Routing tickets: the pure ``routing`` package applied to tickets, for the job and the console.

``route_ticket`` and ``reroute_ticket`` flush; the job (``callcenter.pipeline.route``) and the
console request commit. Status moves are the workflow table's "routing" moves.
The explanation stored in ``Ticket.routing`` is ``RoutingDecision.as_dict()`` plus who
routed and when; an operator's re-routes are kept in its ``history`` and in the audit log.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, scoped_session

from callcenter.models import AuditLog, Ticket, User, utcnow
from callcenter.services.workflow import move
from routing import reference
from routing.centers import choose_center, fallback_center
from routing.location import resolve_location
from routing.router import SOURCE_KO, RoutingDecision, get_router

# Below this, with no lexicon word heard, the text says nothing about a topic ("여보세요"):
# a person must listen rather than the ticket going to a guessed center.
NO_EVIDENCE_CONFIDENCE = 0.25


def has_topic_evidence(decision: RoutingDecision) -> bool:
    """False when the classifier had nothing to go on (no words, or noise without a clue)."""
    result = decision.result
    if result is None or decision.topic_source != "classifier":
        return True
    if result.words == 0:
        return False
    return bool(result.hits) or result.confidence >= NO_EVIDENCE_CONFIDENCE


def ticket_text(ticket: Ticket) -> str:
    """What the caller said: an operator's typed summary wins over the machine transcript."""
    if ticket.summary and ticket.summary.strip():
        return ticket.summary
    recording = ticket.recording
    transcript = recording.transcript if recording is not None else None
    if transcript is not None and not transcript.no_speech:
        return transcript.text or ""
    return ""


def region_choices() -> list[str]:
    """The regions an operator may set as the caller's location (routing's area list)."""
    return list(dict.fromkeys(a.region_ko for a in reference.area_codes()))


def _decide(ticket: Ticket, **overrides: Any) -> RoutingDecision:
    # A region an operator set (the caller said where they are) outranks the number's area code.
    by_operator = ticket.region_source == "operator" and bool(ticket.region)
    return get_router().route(
        ticket_text(ticket),
        caller_number=None if by_operator else (ticket.caller_number or None),
        ivr_region=ticket.region,
        region_source=ticket.region_source,
        menu_choice=ticket.menu_choice,
        **overrides,
    )


def _apply(
    ticket: Ticket, decision: RoutingDecision, *, by: str, history: list[dict[str, Any]]
) -> dict[str, Any]:
    now = utcnow()
    record = decision.as_dict()
    record.update(routed_by=by, routed_at=now.isoformat(), history=history)
    ticket.topic_code = decision.topic
    ticket.center_code = decision.center
    ticket.institutes = [i["code"] for i in decision.institutes]
    ticket.routing = record
    if decision.location.known and not ticket.region:
        ticket.region = decision.location.region
        ticket.region_source = decision.location.source
    ticket.routed_at = now
    move(ticket, "routed", cause="routing")  # a ticket someone works on keeps its status
    return record


def route_ticket(session: Session | scoped_session[Session], ticket: Ticket) -> RoutingDecision:
    """Route the ticket automatically from its text, caller number, region and menu answer.

    Returns the decision (for the catalogue's suggestions, which rank for the same one).
    """
    decision = _decide(ticket)
    history = list((ticket.routing or {}).get("history", []))
    if not has_topic_evidence(decision):
        # Keep the scores for the operator, but route nothing: someone listens first.
        ticket.routing = {
            **decision.as_dict(),
            "routed_by": "auto",
            "history": history,
            "needs_review": "no_topic_evidence",
        }
        ticket.topic_code = ticket.center_code = None
        ticket.institutes = []
        move(ticket, "needs_review", cause="routing")
        session.flush()
        return decision
    _apply(ticket, decision, by="auto", history=history)
    session.flush()
    return decision


def reroute_ticket(
    session: Session | scoped_session[Session],
    ticket: Ticket,
    *,
    user: User | None,
    reason: str,
    topic_code: str | None = None,
    center_code: str | None = None,
    region: str | None = None,
) -> None:
    """An operator's re-route: new topic, corrected caller region (center recomputed) and/or
    a chosen center, audited."""
    if not reason or not reason.strip():
        raise ValueError("재배정 사유를 입력해 주세요.")
    if not topic_code and not center_code and not region:
        raise ValueError("새 주제, 지역, 센터 중 하나는 지정해 주세요.")
    if region:
        if region not in region_choices():
            raise ValueError(f"알 수 없는 지역입니다: {region}")
        before_region = (ticket.region, ticket.region_source)
        ticket.region, ticket.region_source = region, "operator"
    else:
        before_region = None
    try:
        decision = _decide(
            ticket, topic=topic_code or ticket.topic_code or None, center_code=center_code or None
        )
    except (KeyError, ValueError) as exc:
        raise ValueError(f"주제 또는 센터 코드가 올바르지 않습니다: {exc}") from None
    before: dict[str, Any] = {
        "topic": ticket.topic_code,
        "center": ticket.center_code,
        "institutes": list(ticket.institutes or []),
    }
    if before_region is not None:
        before["region"] = before_region[0]
    who = user.username if user is not None else None
    entry = {
        "at": utcnow().isoformat(),
        "by": who,
        "reason": reason.strip(),
        "before": before,
        "after": {"topic": decision.topic, "center": decision.center, "region": ticket.region},
    }
    history = [*(ticket.routing or {}).get("history", []), entry]
    _apply(ticket, decision, by=who or "operator", history=history)
    ticket.reroutes = (ticket.reroutes or 0) + 1
    session.add(
        AuditLog(
            user_id=user.id if user is not None else None,
            action="ticket.reroute",
            target_type="ticket",
            target_id=ticket.id,
            detail={
                "number": ticket.number,
                "reason": reason.strip(),
                "before": before,
                "after": {
                    "topic": decision.topic,
                    "center": decision.center,
                    "institutes": list(ticket.institutes),
                    "distance_km": decision.distance_km,
                },
            },
        )
    )
    session.flush()


def callback_routing(
    caller_number: str | None, region: str | None, region_source: str | None
) -> dict[str, Any]:
    """Where a callback request goes: the center nearest the caller (any topic).

    A callback has no transcript, and the queue's callers chose 0 (an operator) rather than
    a topic, so the center is chosen by location alone; the operator who calls back learns
    the topic. With no location, the center nearest on average to every province takes it.
    Returns the ticket's ``center_code`` and ``routing`` (same shape as a routed ticket's).
    """
    location = resolve_location(caller_number, region, ivr_source=region_source)
    if location.known:
        assert location.lat is not None and location.lon is not None
        choice = choose_center("", location.lat, location.lon)
    else:
        choice = fallback_center("")
    distance = None if choice.distance_km is None else round(choice.distance_km, 1)
    runner_km = None if choice.runner_up_km is None else round(choice.runner_up_km, 1)
    rule = "callback_nearest" if location.known else "callback_unknown_location"
    return {
        "center_code": choice.center.code,
        "region": location.region,
        "region_source": location.source,
        "routing": {
            "topic": None,
            "center": choice.center.code,
            "distance_km": distance,
            "region": location.region,
            "institutes": [],
            "routed_by": "auto",
            "routed_at": utcnow().isoformat(),
            "history": [],
            "explanation": {
                "location": {**location.as_dict(), "source_ko": SOURCE_KO[location.source]},
                "center": {
                    "code": choice.center.code,
                    "name_ko": choice.center.name_ko,
                    "distance_km": distance,
                    "rule": rule,
                    "runner_up": None
                    if choice.runner_up is None
                    else {
                        "code": choice.runner_up.code,
                        "name_ko": choice.runner_up.name_ko,
                        "distance_km": runner_km,
                    },
                },
                "flags": [] if location.known else ["location_unknown"],
            },
        },
    }
