"""One demo call walked through the IVR flow: what the webhooks and jobs would have stored."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from callcenter.demo import korean_text
from callcenter.demo.ticket_life import ticket_life
from routing import reference

AREA_CODES = reference.area_codes()
IVR_REGIONS = reference.ivr_regions()
MENU = ("1", "2", "3", "4", "0")
MENU_WEIGHTS = (40, 15, 11, 7, 24)


@dataclass
class CallPlan:
    """Rows of one call without ids: the caller assigns ids and ticket numbers."""

    call: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    recording: dict[str, Any] | None = None
    transcript: dict[str, Any] | None = None
    ticket: dict[str, Any] | None = None
    audit: list[dict[str, Any]] = field(default_factory=list)


def _event(at: datetime, kind: str, step: str, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kind": kind,
        "step": step,
        "digits": None,
        "speech": None,
        "speech_confidence": None,
        "queue_position": None,
        "queue_time": None,
        "detail": {},
        "created_at": at,
    }
    row.update(fields)
    return row


def _caller(rng: random.Random) -> tuple[str, str | None]:
    """A caller number and, for landlines, the region its area code gives."""
    roll = rng.random()
    if roll < 0.30:
        area = rng.choice(AREA_CODES)
        digits = 7 if area.prefix == "02" else rng.choice((7, 8))
        return (
            f"+82{area.prefix[1:]}{rng.randrange(10 ** (digits - 1), 10**digits)}",
            area.region_ko,
        )
    if roll < 0.90:
        return f"+8210{rng.randrange(10**7, 10**8)}", None
    if roll < 0.96:
        return f"+8270{rng.randrange(10**7, 10**8)}", None
    return "Anonymous", None


def _in_hours(moment: datetime, zone: ZoneInfo, kr_holidays: Any) -> bool:
    local = moment.astimezone(zone)
    return local.weekday() < 5 and local.date() not in kr_holidays and 9 <= local.hour < 18


def plan_call(
    rng: random.Random,
    start: datetime,
    zone: ZoneInfo,
    now: datetime,
    centers: dict[tuple[str | None, str | None], str],
    kr_holidays: Any = None,
) -> CallPlan:
    """Walk one call through the IVR; ``now`` is the end of the demo history."""
    kr_holidays = kr_holidays if kr_holidays is not None else {}
    number, region = _caller(rng)
    english = rng.random() < 0.03
    call: dict[str, Any] = {
        "from_number": number,
        "to_number": "+8221379000",
        "region": region,
        "region_source": "area_code" if region else "unknown",
        "status": "completed",
        "status_sequence": 3,
        "language": "en" if english else "ko",
        "menu_choice": None,
        "outcome": None,
        "queue_entered_at": None,
        "queue_wait_seconds": None,
        "queue_answered": None,
        "started_at": start,
        "state": {},
    }
    plan = CallPlan(call)
    plan.events.append(_event(start, "incoming", "greeting", detail={"from": number[-4:]}))
    clock = start + timedelta(seconds=rng.uniform(12, 20))
    if english:
        plan.events.append(_event(clock, "menu", "main_menu", digits="9"))
        clock += timedelta(seconds=rng.uniform(8, 14))
    if rng.random() < 0.12:  # silence or a wrong key, then the menu again
        plan.events.append(_event(clock, "menu", "main_menu_retry", detail={"reason": "timeout"}))
        clock += timedelta(seconds=rng.uniform(6, 10))
    if rng.random() < 0.06:
        plan.events.append(_event(clock, "menu", "main_menu", detail={"input": "none"}))
        return _finish(plan, clock + timedelta(seconds=rng.uniform(2, 15)), "hung_up_menu")
    choice = rng.choices(MENU, weights=MENU_WEIGHTS)[0]
    call["menu_choice"] = choice
    if rng.random() < 0.3 and not english:
        phrase = rng.choice(korean_text.MENU_SPEECH[choice])
        confidence = round(rng.uniform(0.62, 0.97), 2)
        plan.events.append(
            _event(clock, "menu", "main_menu", speech=phrase, speech_confidence=confidence)
        )
    else:
        plan.events.append(_event(clock, "menu", "main_menu", digits=choice))
    clock += timedelta(seconds=rng.uniform(3, 6))
    if choice == "4":
        plan.events.append(
            _event(clock, "lookup", "status_lookup", digits=f"{rng.randrange(10**4):04d}")
        )
        return _finish(plan, clock + timedelta(seconds=rng.uniform(20, 45)), "status_lookup")
    if choice == "0" and _in_hours(clock, zone, kr_holidays):
        return _queue(rng, plan, clock, now, centers, zone)
    voicemail = choice == "0"
    if region is None:
        clock = _ask_region(rng, plan, clock)
    topic = rng.choice(korean_text.MENU_TOPICS[choice if choice in "123" else rng.choice("1123")])
    return _record(rng, plan, clock, now, centers, topic, voicemail, zone)


def _ask_region(rng: random.Random, plan: CallPlan, clock: datetime) -> datetime:
    group = rng.choice(IVR_REGIONS)
    province = rng.choice(group.provinces)
    roll = rng.random()
    if roll < 0.70:
        plan.events.append(_event(clock, "region", "region", digits=group.digit))
        plan.call.update(region=province, region_source="ivr_digit")
    elif roll < 0.95:
        speech = korean_text.REGION_SPEECH[province]
        conf = round(rng.uniform(0.55, 0.95), 2)
        plan.events.append(_event(clock, "region", "region", speech=speech, speech_confidence=conf))
        plan.call.update(region=province, region_source="ivr_speech")
    else:
        plan.events.append(_event(clock, "region", "region", detail={"input": "none"}))
    return clock + timedelta(seconds=rng.uniform(6, 10))


def _record(
    rng: random.Random,
    plan: CallPlan,
    clock: datetime,
    now: datetime,
    centers: dict[tuple[str | None, str | None], str],
    topic: str,
    voicemail: bool,
    zone: ZoneInfo,
) -> CallPlan:
    """Branches 1–3 and voicemail: the recording, its transcript and a routed ticket."""
    length = int(rng.triangular(15, 170, 45))
    plan.events.append(_event(clock, "record", "voicemail" if voicemail else "record_problem"))
    done_at = clock + timedelta(seconds=length + 1)
    region = plan.call["region"]
    roll = rng.random()
    status = "failed" if roll < 0.012 else "done"
    if done_at > now - timedelta(hours=6) and rng.random() < 0.3:
        status = rng.choice(("pending", "transcribing"))  # the worker is behind at the end
    plan.recording = {
        "purpose": "voicemail" if voicemail else "problem",
        "duration_seconds": length,
        "status": status,
        "store_key": None,
        "size_bytes": length * 16000,
        "error": "ffmpeg: invalid data found when processing input" if status == "failed" else None,
        "attempts": 3 if status == "failed" else 1,
        "created_at": done_at,
        "updated_at": done_at + timedelta(seconds=rng.uniform(20, 90)),
    }
    plan.events.append(
        _event(
            done_at,
            "recording",
            "recording_status",
            detail={"status": "completed", "duration": length},
        )
    )
    no_speech = status == "done" and roll > 0.985
    if status == "done":
        text, segments = (
            ("", []) if no_speech else korean_text.transcript(rng, topic, region, voicemail)
        )
        plan.transcript = {
            "text": text,
            "language": "ko",
            "segments": segments,
            "model": "whisper-base",
            "engine": "faster-whisper",
            "avg_logprob": round(rng.uniform(-0.6, -0.15), 3),
            "no_speech_prob": round(
                rng.uniform(0.7, 0.95) if no_speech else rng.uniform(0, 0.2), 3
            ),
            "no_speech": no_speech,
            "audio_seconds": float(length),
            "processing_seconds": round(length * rng.uniform(0.15, 0.4), 2),
            "created_at": plan.recording["updated_at"],
        }
    readable = status == "done" and not no_speech
    plan.ticket, plan.audit = ticket_life(
        rng,
        created=done_at,
        now=now,
        zone=zone,
        kind="voicemail" if voicemail else "problem",
        call=plan.call,
        has_recording=plan.recording is not None,
        topic=topic if readable else None,
        center=centers[(topic if readable else None, region)],
        routed_after=(plan.recording["updated_at"] - done_at).total_seconds() if readable else None,
        pending=status in ("pending", "transcribing"),
    )
    plan.events.append(_event(done_at + timedelta(seconds=2), "ticket", "ticket_readback"))
    return _finish(
        plan,
        done_at + timedelta(seconds=rng.uniform(12, 20)),
        "voicemail" if voicemail else "ticket",
    )


def _queue(
    rng: random.Random,
    plan: CallPlan,
    clock: datetime,
    now: datetime,
    centers: dict[tuple[str | None, str | None], str],
    zone: ZoneInfo,
) -> CallPlan:
    """Branch 0 in office hours: wait in the queue; answered, abandoned or a callback request."""
    local_hour = clock.astimezone(zone).hour
    busy = local_hour in (10, 11, 14, 15)  # the peaks wait longer
    wait_needed = int(rng.expovariate(1 / (48 if busy else 22)))
    patience = int(rng.expovariate(1 / 100))
    position = 1 + min(wait_needed // 25, 12)
    plan.call.update(queue_entered_at=clock)
    plan.events.append(_event(clock, "queue", "enqueue", queue_position=position, queue_time=0))
    if wait_needed <= patience:
        wait, outcome = wait_needed, "answered"
    elif patience > 30 and rng.random() < 0.5:
        wait, outcome = 30 * (1 + int(rng.random() * min(patience // 30, 3))), "callback"
        wait = min(wait, patience)
    else:
        wait, outcome = patience, "abandoned_queue"
    for tick in range(30, min(wait, 120) + 1, 30):
        pos = max(1, position - tick // 25)
        plan.events.append(
            _event(
                clock + timedelta(seconds=tick),
                "queue",
                "queue_wait",
                queue_position=pos,
                queue_time=tick,
            )
        )
    left = clock + timedelta(seconds=wait)
    plan.call.update(queue_wait_seconds=wait, queue_answered=outcome == "answered")
    if outcome == "answered":
        plan.events.append(
            _event(left, "queue", "dequeue", queue_time=wait, detail={"result": "bridged"})
        )
        return _finish(plan, left + timedelta(seconds=int(rng.lognormvariate(5.4, 0.6))), outcome)
    if outcome == "abandoned_queue":
        plan.events.append(
            _event(left, "queue", "dequeue", queue_time=wait, detail={"result": "hangup"})
        )
        return _finish(plan, left, outcome)
    plan.events.append(
        _event(
            left, "queue", "callback_request", digits="1", queue_position=position, queue_time=wait
        )
    )
    plan.ticket, plan.audit = ticket_life(
        rng,
        created=left + timedelta(seconds=1),
        now=now,
        zone=zone,
        kind="callback",
        call=plan.call,
        has_recording=plan.recording is not None,
        topic=None,
        center=centers[(None, plan.call["region"])],
        routed_after=1.0,
        pending=False,
        queue_position=position,
    )
    return _finish(plan, left + timedelta(seconds=rng.uniform(8, 14)), outcome)


def _finish(plan: CallPlan, ended: datetime, outcome: str) -> CallPlan:
    start: datetime = plan.call["started_at"]
    duration = max(1, int((ended - start).total_seconds()))
    plan.call.update(outcome=outcome, ended_at=ended, duration_seconds=duration)
    plan.events.append(
        _event(
            ended,
            "status",
            "completed",
            detail={"CallStatus": "completed", "CallDuration": duration},
        )
    )
    return plan
