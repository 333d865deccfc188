"""The README demo: simulated Korean calls placed against the running app (`flask serve --demo`)."""

from __future__ import annotations

import csv
import secrets
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from callcenter.auth.security import create_user
from callcenter.db import db
from callcenter.demo.simulator import Caller, CallResult, Input, TwilioSimulator
from callcenter.models import Call, Ticket, User

# The demo's own clips (synthesised Korean callers, see tools/korean_speech): runtime code
# never reads the test data.
AUDIO_DIR = Path(__file__).resolve().parent / "audio"

# (caller ID, answers): a landline that needs no region question, a mobile caller who
# speaks the menu and region, and a Seoul landline on branch 3.
DEMO_CALLERS: list[tuple[str, list[str]]] = [
    ("+82415551234", ["1"]),
    ("+821012345678", ["speech:장비 활용 문의드리려고요", "speech:부산이요"]),
    ("+8221234567", ["3"]),
]

# Kept alive while `flask serve` runs so that workers can still fetch the recordings.
_live_simulators: list[TwilioSimulator] = []


def demo_audio(directory: Path = AUDIO_DIR) -> list[Path]:
    """The bundled Korean sample recordings (ko_*.wav)."""
    return sorted(directory.glob("ko_*.wav"))


def references(directory: Path = AUDIO_DIR) -> dict[str, str]:
    """What each sample clip says (references.tsv: columns file, text, topic), if present."""
    path = directory / "references.tsv"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t")
        return {Path(r["file"]).name: r["text"] for r in rows if r.get("file") and r.get("text")}


def call_tickets(call_sid: str) -> list[Ticket]:
    """The tickets a call created, oldest first (read fresh from the database)."""
    db.session.remove()
    return list(
        db.session.scalars(
            select(Ticket)
            .join(Call, Ticket.call_id == Call.id)
            .where(Call.call_sid == call_sid)
            .order_by(Ticket.id)
        )
    )


def ensure_demo_account(app: Flask, base_url: str) -> None:
    """On a fresh development database, create a supervisor account and print its password.

    A new user running the demo can then sign in to the console at once. Never in
    production, and never when any account exists.
    """
    if app.config["APP_ENV"] == "production":
        return
    with app.app_context():
        if db.session.scalars(select(User.id).limit(1)).first() is not None:
            return
        password = secrets.token_urlsafe(12)
        create_user(
            db.session(),
            username="demo",
            role="supervisor",
            password=password,
            display_name="데모 관리자",
        )
        db.session.commit()
    click.echo(
        f"콘솔 로그인 (console sign-in): {base_url}/  아이디 demo  비밀번호 {password}\n"
        "    (처음 한 번만 표시됩니다; 다른 계정은 `flask --app app users create` 로 만드세요.)"
    )


def place_demo_calls(app: Flask, base_url: str) -> list[CallResult]:
    """Place the sample calls through the simulator and print their tickets."""
    ensure_demo_account(app, base_url)

    clips = demo_audio()
    if not clips:
        click.echo(
            "데모 녹음 파일이 없습니다 (no sample recordings in callcenter/demo/audio).", err=True
        )
        return []
    said = references()
    simulator = TwilioSimulator(
        base_url,
        app.config["TWILIO_AUTH_TOKEN"],
        public_base_url=base_url,
        account_sid=app.config.get("TWILIO_ACCOUNT_SID") or None,
    )
    _live_simulators.append(simulator)
    results = []
    with app.app_context():
        for i, (number, answers) in enumerate(DEMO_CALLERS):
            clip = clips[i % len(clips)]
            caller = Caller(number, inputs=[Input.parse(a) for a in answers], audio=clip)
            result = simulator.place_call(caller)
            results.append(result)
            tickets = ", ".join(t.number for t in call_tickets(result.call_sid)) or "-"
            click.echo(f"데모 통화 {i + 1}: {number} → 접수번호 {tickets}  [{clip.name}]")
            if clip.name in said:
                click.echo(f"    녹음 내용: {said[clip.name]}")
    click.echo(
        "`flask tickets list` 로 접수 상황을 확인하세요 (transcripts appear as workers finish)."
    )
    return results
