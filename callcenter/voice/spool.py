"""A recording or call status callback that arrives while the database is down is spooled to
disk, not lost.

Twilio does not retry a failed status callback, so the callback's form is written to
``RECORDINGS_DIR/spool/`` (atomically) and the webhook still answers. The worker's sweep
replays spooled callbacks through the same code as the live webhook once the database is back.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from callcenter.db import db
from callcenter.models import utcnow
from callcenter.voice.call_rows import CALL_SID, add_event, save_call
from callcenter.voice.calls import open_call
from callcenter.voice.recordings import intake_recording, recording_sid


def spool_dir() -> Path:
    """Where spooled callbacks wait (beside the recordings: shared by web and workers)."""
    return Path(current_app.config["RECORDINGS_DIR"]) / "spool"


def spool_recording_callback(form: dict[str, str], purpose: str) -> Path | None:
    """Write one recording callback to the spool; None when it names no recording."""
    sid = recording_sid(form)
    if sid is None or not CALL_SID.fullmatch(form.get("CallSid") or ""):
        return None
    folder = spool_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / f"{sid}.json"
    # A replayed callback overwrites its twin: the file is named by RecordingSid.
    _write_atomically(
        target, {"form": form, "purpose": purpose, "spooled_at": utcnow().isoformat()}
    )
    current_app.logger.error("database unavailable: recording %s spooled to %s", sid, target)
    return target


def spool_call(form: dict[str, str]) -> Path | None:
    """Keep who called (the first webhook that saw the call carries From and To).

    Recording callbacks carry no caller number, so without this a spooled voicemail
    could not be called back.
    """
    sid = form.get("CallSid", "")
    # The name becomes a file name: only a well-formed CallSid (no "/", "..").
    if not CALL_SID.fullmatch(sid) or not form.get("From"):
        return None
    folder = spool_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / f"{sid}.json"
    if not target.exists():
        fields = {k: form[k] for k in ("CallSid", "From", "To", "AccountSid") if k in form}
        _write_atomically(target, {"form": fields, "spooled_at": utcnow().isoformat()})
    return target


STATUS_PREFIX = "status-"
CALL_STATUS = re.compile(r"[a-z-]{1,20}")


def spool_status_callback(form: dict[str, str]) -> Path | None:
    """Write one call status callback to the spool; None when it names no call or status.

    Without it a call whose end arrived during the outage would stay in progress forever.
    """
    sid = form.get("CallSid") or ""
    call_status = (form.get("CallStatus") or "").strip()
    # Both become part of a file name: only well-formed values (no "/", "..").
    if not CALL_SID.fullmatch(sid) or not CALL_STATUS.fullmatch(call_status):
        return None
    sequence = (form.get("SequenceNumber") or "").strip()
    # Zero-padded so that the replay, in name order, applies a call's callbacks in sequence.
    order = f"{int(sequence):010d}" if sequence.isdigit() and len(sequence) <= 10 else "x"
    folder = spool_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / f"{STATUS_PREFIX}{sid}-{order}-{call_status}.json"
    _write_atomically(target, {"form": form, "spooled_at": utcnow().isoformat()})
    current_app.logger.error("database unavailable: call %s %s spooled", sid, call_status)
    return target


def _write_atomically(target: Path, payload: dict[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(payload, f, ensure_ascii=False)
    os.replace(tmp, target)


def replay_spooled_recordings() -> int:
    """Ingest every spooled callback (the worker's sweep); returns how many recordings were."""
    folder = spool_dir()
    if not folder.is_dir():
        return 0
    # Calls first, so that recordings find their caller's number and region.
    for path in sorted(folder.glob("CA*.json")):
        try:
            open_call(db.session(), json.loads(path.read_text(encoding="utf-8"))["form"])
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            return 0  # still down: try again on the next sweep
        path.unlink()
    ingested = 0
    for path in sorted(folder.glob("RE*.json")):
        payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        form, purpose = payload["form"], payload["purpose"]
        session = db.session()
        timezone = current_app.config["TIMEZONE"]
        try:
            call, _ = open_call(session, form, lock=True)
            with intake_recording(
                session, call, form, purpose=purpose, timezone=timezone
            ) as intake:
                add_event(
                    call,
                    "recording",
                    "spooled",
                    detail={
                        "recording_sid": intake.recording.recording_sid,
                        "ticket": intake.ticket.number,
                        "spooled_at": payload.get("spooled_at"),
                    },
                )
        except SQLAlchemyError:
            session.rollback()
            current_app.logger.warning("spooled recording %s not ingested yet", path.name)
            continue
        path.unlink()
        ingested += 1
    _replay_spooled_statuses(folder)
    return ingested


def _replay_spooled_statuses(folder: Path) -> int:
    """Apply spooled call status callbacks through the live webhook's code; how many applied."""
    from callcenter.voice.views import apply_status_callback

    applied = 0
    for path in sorted(folder.glob(f"{STATUS_PREFIX}CA*.json")):
        payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        session = db.session()
        try:
            call, _ = open_call(session, payload["form"], lock=True)
            spooled_at = datetime.fromisoformat(payload["spooled_at"])
            apply_status_callback(call, payload["form"], spooled_at=spooled_at)
            save_call(session, call)
            session.commit()
        except SQLAlchemyError:
            session.rollback()
            current_app.logger.warning("spooled call status %s not applied yet", path.name)
            continue
        path.unlink()
        applied += 1
    return applied
