"""A call's timeline as a supervisor reads it: every stored code named in the reader's
language, offsets from the call's start, callers' numbers masked for roles that see masks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from callcenter.display import UNSET, caller_text, mask_numbers_in
from callcenter.i18n import MESSAGES, t
from callcenter.models import CallEvent
from callcenter.supervisor import timeline_messages  # noqa: F401  (registers the texts)


def label(msg_id: str, fallback: str) -> str:
    """A registered text, else ``fallback`` (codes grow faster than the tables)."""
    return t(msg_id) if msg_id in MESSAGES else fallback


def step_label(kind: str, step: str | None) -> str:
    """The name of an event's step: an IVR step, or Twilio's call or recording status."""
    if not step:
        return ""
    named = label(f"sv.step.{step}", step)
    if kind == "status":
        return label(f"sv.call_status.{step}", named)
    if kind == "recording":
        return label(f"sv.recording_status.{step}", named)
    head, _, rest = step.partition(":")  # 'menu_exhausted:enqueue'
    if rest:
        return f"{label(f'sv.step.{head}', head)}: {step_label(kind, rest)}"
    return named


def detail_label(kind: str, key: str) -> str:
    """The name of a key of an event's detail (some depend on the event: a recording's
    duration is the recording's length)."""
    return label(f"sv.detail.{kind}.{key}", label(f"sv.detail.{key}", key))


def detail_value(key: str, value: Any, full: bool, kind: str = "") -> str:
    """One value of an event's detail as words: codes named, callers masked unless ``full``."""
    if value is None or value == "":
        return UNSET
    if isinstance(value, bool):
        return t("sv.yes") if value else t("sv.no")
    if key in ("from", "caller"):
        return caller_text(str(value), full)
    text = str(value)
    known = {
        "source": f"region_source.{text}",
        "purpose": f"kind.{text}",
        "CallStatus": f"sv.call_status.{text}",
        "status": f"sv.recording_status.{text}" if kind == "recording" else f"status.{text}",
    }.get(key)
    if known and known in MESSAGES:
        return t(known)
    if key == "status" and f"sv.call_status.{text}" in MESSAGES:
        return t(f"sv.call_status.{text}")
    if key in ("duration", "CallDuration") and text.isdigit():
        return t("sv.event.seconds", seconds=text)
    if f"sv.value.{text}" in MESSAGES:
        return t(f"sv.value.{text}")
    return text if full else mask_numbers_in(text)


@dataclass(frozen=True)
class TimelineEvent:
    """One row of the timeline."""

    event: CallEvent
    offset: str  # +m:ss from the call's start
    what: str
    step: str
    detail: list[tuple[str, str]]


def offset(moment: datetime, start: datetime) -> str:
    """+m:ss from the call's start (a clock set slightly back shows +0:00)."""
    seconds = max(0, int((moment - start).total_seconds()))
    return f"+{seconds // 60}:{seconds % 60:02d}"


def timeline(events: list[CallEvent], start: datetime, full: bool) -> list[TimelineEvent]:
    """The call's events with their names, offsets and readable, masked details."""
    rows = []
    for event in events:
        detail = [
            (detail_label(event.kind, key), detail_value(key, value, full, event.kind))
            for key, value in sorted((event.detail or {}).items())
        ]
        rows.append(
            TimelineEvent(
                event=event,
                offset=offset(event.created_at, start),
                what=label(f"sv.event.{event.kind}", event.kind),
                step=step_label(event.kind, event.step),
                detail=detail,
            )
        )
    return rows
