"""Regenerate the Korean telephone test clips from their reference list.

    python -m tools.korean_speech.make_clips [--refs tests/data/audio/references.tsv]
        [--voice jf_alpha] [--speed 1.0] [--wideband-dir DIR] [--only ko_x.wav ...]

For every row of the list (`file<TAB>text<TAB>topic`) the text is synthesised with Kokoro
(tools.korean_speech.synthesize) and passed through a telephone chain with sox: 300-3400 Hz
band-pass, 8 kHz, mono, G.711 μ-law, as Twilio delivers calls. Also writes the non-speech
fixtures next to the list: silence.wav, noise.wav and corrupt.wav.
"""

from __future__ import annotations

import argparse
import csv
import struct
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from tools.korean_speech.synthesize import (
    DEFAULT_SPEED,
    DEFAULT_VOICE,
    SAMPLE_RATE,
    VOICES,
    synthesize,
    write_wav,
)

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REFS = ROOT / "tests" / "data" / "audio" / "references.tsv"
TELEPHONE_RATE = 8000
LEAD_SILENCE = 0.3  # seconds before and after the speech, as a recording would have


def to_telephone(src: Path, dest: Path) -> None:
    """Band-limit to 300-3400 Hz and write 8 kHz mono μ-law WAV (the telephone chain)."""
    subprocess.run(
        ["sox", "-D", src, "-r", str(TELEPHONE_RATE), "-c", "1", "-e", "u-law", dest,
         "sinc", "300-3400"],
        check=True,
    )  # fmt: skip


def to_wideband(src: Path, dest: Path) -> None:
    """16 kHz 16-bit PCM copy, for recognisers that need wideband audio."""
    subprocess.run(["sox", src, "-r", "16000", "-c", "1", "-b", "16", dest], check=True)


def make_clip(
    text: str, dest: Path, voice: str, speed: float, wideband: Path | None = None
) -> float:
    """Synthesise text into a telephone-quality clip; returns its duration in seconds."""
    audio = synthesize(text, voice=voice, speed=speed)
    pad = np.zeros(int(LEAD_SILENCE * SAMPLE_RATE), np.float32)
    # Peak at about -3 dBFS so μ-law quantisation noise stays well below the speech.
    peak = float(np.max(np.abs(audio))) if audio.size else 1.0
    audio = np.concatenate([pad, audio * (0.7 / max(peak, 1e-6)), pad])
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        write_wav(audio, raw)
        to_telephone(raw, dest)
        if wideband is not None:
            to_wideband(raw, wideband)
    return len(audio) / SAMPLE_RATE


def _write_mulaw(samples: np.ndarray, dest: Path) -> None:
    """Write float samples at 8 kHz as μ-law WAV through sox."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        write_wav(samples, raw, rate=TELEPHONE_RATE)
        subprocess.run(["sox", "-D", raw, "-e", "u-law", dest], check=True)


def make_fixtures(folder: Path, seconds: float = 10.0) -> None:
    """silence.wav (digital silence + faint hiss), noise.wav (line noise and hum), corrupt.wav."""
    rng = np.random.default_rng(1379)
    n = int(seconds * TELEPHONE_RATE)
    t = np.arange(n) / TELEPHONE_RATE
    silence = np.zeros(n, np.float32)
    # Digital silence for the first second, then line hiss about -60 dBFS.
    silence[TELEPHONE_RATE:] = rng.normal(0, 0.001, n - TELEPHONE_RATE)
    _write_mulaw(silence, folder / "silence.wav")
    # 60 Hz mains hum with harmonics (a telephone band keeps the upper ones) + band noise.
    hum = sum(0.02 / k * np.sin(2 * np.pi * 60 * k * t) for k in (1, 3, 5, 7, 9))
    hiss = rng.normal(0, 0.03, n)
    hiss = np.convolve(hiss, np.ones(4) / 4, mode="same")  # take the edge off the top end
    crackle = (rng.random(n) < 0.0005) * rng.normal(0, 0.3, n)
    _write_mulaw((hum + hiss + crackle).astype(np.float32), folder / "noise.wav")
    # A RIFF/WAVE file promising 10 s of μ-law whose fmt chunk is cut short and followed by
    # garbage: ffmpeg, libsndfile and PyAV all refuse it (an upload that broke off).
    fmt = struct.pack("<HHIIHHH", 7, 1, TELEPHONE_RATE, TELEPHONE_RATE, 1, 8, 0)
    head = b"RIFF" + struct.pack("<I", 50 + n) + b"WAVE" + b"fmt " + struct.pack("<I", len(fmt))
    garbage = rng.integers(0, 256, 700, dtype=np.uint8).tobytes()
    (folder / "corrupt.wav").write_bytes(head + fmt[:8] + garbage)


def read_list(path: Path) -> list[dict[str, str]]:
    """Rows of a references.tsv-style list."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refs", type=Path, default=DEFAULT_REFS)
    parser.add_argument("--voice", default=DEFAULT_VOICE, choices=VOICES)
    parser.add_argument("--speed", type=float, default=DEFAULT_SPEED)
    parser.add_argument("--out", type=Path, help="folder for the clips (default: beside --refs)")
    parser.add_argument("--wideband-dir", type=Path, help="also write 16 kHz PCM copies here")
    parser.add_argument("--only", nargs="*", help="regenerate only these files")
    args = parser.parse_args(argv)
    out = args.out or args.refs.parent
    out.mkdir(parents=True, exist_ok=True)
    if args.wideband_dir:
        args.wideband_dir.mkdir(parents=True, exist_ok=True)
        (args.wideband_dir / "references.tsv").write_bytes(args.refs.read_bytes())
    for row in read_list(args.refs):
        if args.only and row["file"] not in args.only:
            continue
        wide = args.wideband_dir / row["file"] if args.wideband_dir else None
        seconds = make_clip(row["text"], out / row["file"], args.voice, args.speed, wide)
        print(f"{row['file']:36} {seconds:5.1f} s")
    if not args.only:
        make_fixtures(out)
        print("silence.wav, noise.wav, corrupt.wav")


if __name__ == "__main__":
    main()
