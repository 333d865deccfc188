"""A demo ticket's life after intake: routed, answered, resolved, followed up, closed."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from callcenter.demo import korean_text


def _business(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment``, or the next weekday 09:00–10:00 local when it falls outside office hours."""
    local = moment.astimezone(zone)
    if local.weekday() < 5 and 9 <= local.hour < 18:
        return moment
    day = local.date() + (timedelta(days=1) if local.hour >= 18 else timedelta())
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(9), zone).astimezone(UTC) + timedelta(minutes=local.minute)


def ticket_life(
    rng: random.Random,
    *,
    created: datetime,
    now: datetime,
    zone: ZoneInfo,
    kind: str,
    call: dict[str, Any],
    has_recording: bool,
    topic: str | None,
    center: str,
    routed_after: float | None,
    pending: bool,
    queue_position: int | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The ticket of ``call`` with its life so far, and the audit rows that life left."""
    times: dict[str, datetime | None] = dict.fromkeys(
        (
            "routed_at",
            "first_response_at",
            "returned_at",
            "resolved_at",
            "follow_up_done_at",
            "closed_at",
        )
    )
    attempts = 0
    follow_up_on = None
    summary = None
    if routed_after is None and not pending and rng.random() < 0.8:
        # needs_review: an operator listened and typed the problem, then it was routed.
        topic = rng.choice(korean_text.MENU_TOPICS["1"])
        summary = rng.choice(korean_text.PROBLEMS[topic])
        routed_after = rng.uniform(1800, 6 * 3600)
    if routed_after is not None and not pending:
        routed = created + timedelta(seconds=routed_after)
        callback = kind == "callback"
        wait = rng.lognormvariate(7.8 if callback else 8.6, 0.8)
        responded = _business(routed + timedelta(seconds=wait), zone)
        times.update(routed_at=routed, first_response_at=responded)
        if callback:
            # Most callers pick up the first time; some only on a second try hours later.
            attempts, times["returned_at"] = 1, responded
            if rng.random() < 0.2:
                attempts = 2
                times["returned_at"] = responded + timedelta(seconds=rng.uniform(3600, 10800))
        if not callback or rng.random() < 0.95:
            work = rng.uniform(300, 1200) if callback else rng.lognormvariate(11.9, 0.8)
            resolved = responded + timedelta(seconds=work)
            times["resolved_at"] = last = resolved
            if not callback and rng.random() < 0.8:
                follow_up_on = (resolved.astimezone(zone) + timedelta(days=14)).date()
                if rng.random() < 0.88:
                    checked = time(rng.randrange(9, 18), rng.randrange(60))
                    last = datetime.combine(follow_up_on, checked, zone).astimezone(UTC)
                    times["follow_up_done_at"] = last
            times["closed_at"] = last + timedelta(days=rng.uniform(1, 7))
    for name, moment in list(times.items()):
        if moment is not None and moment > now:
            times[name] = None
    status = _status(times, pending, topic is None and summary is None and kind != "callback")
    audit = []
    if times["first_response_at"] and has_recording and rng.random() < 0.25:
        audit.append(
            _audit(times["first_response_at"] - timedelta(minutes=2), "recording.play", "recording")
        )
    reroutes = 0
    if times["first_response_at"] and rng.random() < 0.03:
        reroutes = 1
        audit.append(
            _audit(
                times["first_response_at"],
                "ticket.reroute",
                "ticket",
                reason="지역 착오",
                center=center,
            )
        )
    if times["resolved_at"] and rng.random() < 0.1:
        audit.append(_audit(times["resolved_at"], "ticket.status", "ticket", to="resolved"))
    ticket = {
        "kind": kind,
        "status": status,
        "caller_number": call["from_number"],
        "region": call["region"],
        "region_source": call["region_source"],
        "menu_choice": call["menu_choice"],
        "topic_code": topic,
        "center_code": center
        if (topic or kind == "callback" or status == "needs_review")
        else None,
        "institutes": [],
        "routing": {"demo": True},
        "return_attempts": attempts,
        "reroutes": reroutes,
        "summary": summary,
        "queue_position": queue_position,
        "follow_up_on": follow_up_on,
        "created_at": created,
        "updated_at": max([created, *(t for t in times.values() if t)]),
        **times,
    }
    return ticket, audit


def _status(times: dict[str, datetime | None], pending: bool, unreadable: bool) -> str:
    if pending:
        return "transcribing"
    if unreadable:
        return "needs_review"
    for name, status in (
        ("closed_at", "closed"),
        ("follow_up_done_at", "follow_up_done"),
        ("resolved_at", "resolved"),
        ("first_response_at", "in_progress"),
        ("routed_at", "routed"),
    ):
        if times[name] is not None:
            return status
    return "received"


def _audit(at: datetime, action: str, target_type: str, **detail: Any) -> dict[str, Any]:
    return {
        "action": action,
        "target_type": target_type,
        "detail": detail,
        "ip": "10.13.79.21",
        "created_at": at,
    }
