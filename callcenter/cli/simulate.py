"""`flask simulate-call`: place a simulated Twilio call against the running app."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from callcenter.db import db
from callcenter.demo.sample_calls import call_tickets
from callcenter.demo.simulator import Caller, CallResult, Input, TwilioSimulator
from callcenter.models import Call, Recording


def simulator_for(app: Flask, base_url: str | None = None) -> TwilioSimulator:
    """A simulator signing with this app's token for its PUBLIC_BASE_URL."""
    public = app.config["PUBLIC_BASE_URL"]
    return TwilioSimulator(
        base_url or public,
        app.config["TWILIO_AUTH_TOKEN"],
        public_base_url=public,
        account_sid=app.config.get("TWILIO_ACCOUNT_SID") or None,
    )


def wait_for_transcripts(call_sid: str, timeout: float) -> list[Recording]:
    """Poll until the call's recordings are done or failed (or ``timeout`` passes)."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.remove()
        recordings = list(
            db.session.scalars(
                select(Recording)
                .join(Call, Recording.call_id == Call.id)
                .where(Call.call_sid == call_sid)
            )
        )
        finished = all(r.status in ("done", "failed") for r in recordings)
        if (recordings and finished) or time.monotonic() >= deadline:
            return recordings
        time.sleep(0.5)


def report(result: CallResult, *, verbose: bool) -> None:
    """Print what the caller heard (verbose) and the call's tickets."""
    if verbose:
        for line in result.said:
            click.echo(f"  🔊 {line}")
    failed = [e for e in result.exchanges if not 200 <= e.status < 300]
    for e in failed:
        click.echo(f"  ! {e.path} → {e.status or 'no answer'}", err=True)
    try:
        tickets = call_tickets(result.call_sid)
    except SQLAlchemyError as exc:  # --base-url may point at an app on another database
        click.echo(f"통화 {result.call_sid}: 티켓 조회 실패 (database: {exc.__class__.__name__})")
        return
    numbers = ", ".join(f"{t.number} ({t.kind})" for t in tickets) or "없음 (none)"
    click.echo(f"통화 {result.call_sid}: 접수번호 {numbers}")


@click.command("simulate-call")
@click.option("--from", "from_number", required=True, help="Caller ID, e.g. +82415551234.")
@click.option("--to", "to_number", default="+8215881379", show_default=True)
@click.option(
    "--audio",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="WAV file the caller 'says' at each recording.",
)
@click.option("--digits", default="", help="Keys for successive menus, e.g. 1,4 or 4,0042.")
@click.option("--speech", multiple=True, help="Spoken answers, used after --digits run out.")
@click.option("--base-url", default=None, help="Where the app listens [PUBLIC_BASE_URL].")
@click.option("--hangup-at-menu", is_flag=True, help="Hang up at the first menu.")
@click.option("--hangup-in-record", is_flag=True, help="Hang up while recording.")
@click.option(
    "--agent-after",
    default=1,
    show_default=True,
    help="Wait cycles (~30 s each) before an agent answers; 0: nobody answers.",
)
@click.option(
    "--fetch-timeout",
    default=60.0,
    show_default=True,
    help="Seconds to keep serving the recording until a worker fetches it (0: don't).",
)
@click.option("--wait-transcribed", is_flag=True, help="Then wait for the transcript.")
@click.option("--transcribe-timeout", default=600.0, show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="Print what the caller hears.")
@with_appcontext
def simulate_call_command(
    from_number: str,
    to_number: str,
    audio: Path | None,
    digits: str,
    speech: tuple[str, ...],
    base_url: str | None,
    hangup_at_menu: bool,
    hangup_in_record: bool,
    agent_after: int,
    fetch_timeout: float,
    wait_transcribed: bool,
    transcribe_timeout: float,
    verbose: bool,
) -> None:
    """Place one simulated call exactly as Twilio would and print its ticket number."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    inputs = [Input("dtmf", d.strip()) for d in digits.split(",") if d.strip()]
    inputs += [Input("speech", s) for s in speech]
    caller = Caller(
        from_number=from_number,
        to_number=to_number,
        inputs=inputs,
        audio=audio,
        hangup_at_gather=1 if hangup_at_menu else None,
        hangup_in_record=hangup_in_record,
        agent_answers_after=agent_after or None,
    )
    simulator = simulator_for(app, base_url)
    try:
        result = simulator.place_call(caller)
        report(result, verbose=verbose)
        if result.recordings and fetch_timeout > 0:
            if simulator.recordings.wait_fetched(result.recordings, fetch_timeout):
                click.echo("녹음 파일 전달 완료 (recording fetched by a worker)")
            else:
                click.echo(
                    f"녹음 파일이 {fetch_timeout:.0f}초 안에 전달되지 않았습니다 "
                    "(no worker fetched the recording; is `flask worker` running?)",
                    err=True,
                )
        if result.recordings and wait_transcribed:
            for rec in wait_for_transcripts(result.call_sid, transcribe_timeout):
                text = rec.transcript.text if rec.transcript is not None else ""
                click.echo(f"{rec.recording_sid}: {rec.status} {rec.error or ''} {text}".strip())
    finally:
        simulator.close()
