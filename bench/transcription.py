"""Speed and accuracy of the transcription engines on a folder of labelled recordings.

    python bench/transcription.py [FOLDER] [--engines openai-whisper,faster-whisper]
                                  [--model DIR] [--no-prompt] [--beam-size N] [--language ko]

FOLDER holds audio files and ``references.tsv`` (UTF-8, header ``file<TAB>text``, more
columns allowed); the default is tests/data/audio. Real labelled calls in the same layout
give the same figures. Each engine runs in its own process (so peak RSS is its own) through
the application's pipeline (VAD chunks, decoding options, hallucination guard) and prints:

- load s: model load; RTF: processing time / audio time (wall clock), overall and for the
  long-form clips (>= 20 s); CPU RTF: CPU seconds / audio seconds (robust on a busy host);
- CER: character error rate on ``transcription.textnorm.normalise_for_cer`` text (Hangul
  only; digits and Latin spelled out), pooled over all clips (all edits / all reference
  characters) and the mean per clip;
- peak RSS of the engine's process.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transcription.textnorm import edit_distance, normalise_for_cer  # noqa: E402

DEFAULT_FOLDER = ROOT / "tests" / "data" / "audio"
DEFAULT_MODEL = ROOT / "instance" / "models" / "whisper-base"
LONG_FORM_SECONDS = 20.0
NORMALISER = "transcription.textnorm.normalise_for_cer"


def read_references(folder: Path) -> dict[str, str]:
    """file -> reference text, for the files that exist."""
    with open(folder / "references.tsv", encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t")
        return {r["file"]: r["text"] for r in rows if (folder / r["file"]).is_file()}


# -- one engine, in its own process -------------------------------------------------------


def run_engine(args: argparse.Namespace) -> None:
    """Child process: load one engine, transcribe every clip, print JSON lines."""
    import numpy as np

    from transcription.audio import decode
    from transcription.engines import get_engine
    from transcription.pipeline import default_options, transcribe_audio
    from transcription.prepare import ensure_model

    folder = Path(args.folder)
    model_dir = ensure_model(args.model, Path(args.model).parent)
    started = time.perf_counter()
    engine = get_engine(args.worker, model_dir)
    load_s = time.perf_counter() - started
    options = default_options(prompt=not args.no_prompt)
    options = replace(options, beam_size=args.beam_size, language=args.language)
    # One untimed warm-up: first inference pays one-off kernel set-up costs.
    rng = np.random.default_rng(0)
    engine.transcribe_chunk((rng.standard_normal(16000) * 0.01).astype(np.float32), options)
    print(json.dumps({"load_s": load_s}), flush=True)
    for name in read_references(folder):
        audio = decode(folder / name)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        result = transcribe_audio(engine, audio, options)
        cpu = time.process_time() - cpu0
        wall = time.perf_counter() - wall0
        print(
            json.dumps(
                {"file": name, "seconds": result.duration_s, "wall": wall, "cpu": cpu,
                 "text": result.text, "no_speech": result.no_speech},
                ensure_ascii=False,
            ),
            flush=True,
        )  # fmt: skip
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_rss_mb": peak_kb / 1024}), flush=True)


# -- the parent: run each engine, score, print ----------------------------------------------


def default_beam_size(engine: str) -> int:
    """The application's default for ``engine`` (TRANSCRIBE_BEAM_SIZE unset)."""
    from callcenter.config import load_settings

    settings = load_settings({"TRANSCRIBE_ENGINE": engine, "SECRET_KEY": "bench"}, ROOT)
    return int(settings["TRANSCRIBE_BEAM_SIZE"])


def measure(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run one engine in a child process and collect its lines."""
    beam = args.beam_size or default_beam_size(engine)
    command = [sys.executable, __file__, str(args.folder), "--worker", engine,
               "--model", str(args.model), "--beam-size", str(beam),
               "--language", args.language]  # fmt: skip
    if args.no_prompt:
        command.append("--no-prompt")
    output = subprocess.run(command, capture_output=True, text=True, check=False)
    if output.returncode != 0:
        raise SystemExit(f"{engine} failed:\n{output.stderr[-3000:]}")
    lines = [json.loads(line) for line in output.stdout.splitlines() if line.startswith("{")]
    clips = [line for line in lines if "file" in line]
    return {
        "engine": engine,
        "beam": beam,
        "load_s": next(line["load_s"] for line in lines if "load_s" in line),
        "peak_rss_mb": next(line["peak_rss_mb"] for line in lines if "peak_rss_mb" in line),
        "clips": clips,
    }


def summarise(run: dict[str, Any], references: dict[str, str]) -> dict[str, Any]:
    """RTFs and CERs of one engine's run."""
    clips = run["clips"]
    edits = chars = 0
    per_clip = []
    for clip in clips:
        ref = normalise_for_cer(references[clip["file"]])
        hyp = normalise_for_cer(clip["text"])
        distance = edit_distance(ref, hyp)
        clip["cer"] = distance / len(ref) if ref else float(bool(hyp))
        edits, chars = edits + distance, chars + len(ref)
        per_clip.append(clip["cer"])
    audio = sum(c["seconds"] for c in clips)
    long = [c for c in clips if c["seconds"] >= LONG_FORM_SECONDS]
    long_audio = sum(c["seconds"] for c in long)
    return {
        **run,
        "audio_s": audio,
        "rtf": sum(c["wall"] for c in clips) / audio if audio else float("nan"),
        "cpu_rtf": sum(c["cpu"] for c in clips) / audio if audio else float("nan"),
        "long_rtf": sum(c["wall"] for c in long) / long_audio if long_audio else float("nan"),
        "cer": edits / chars if chars else float("nan"),
        "mean_cer": sum(per_clip) / len(per_clip) if per_clip else float("nan"),
    }


def print_report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """Per-clip lines, then the summary table."""
    for result in results:
        print(f"\n## {result['engine']}")
        for clip in result["clips"]:
            rtf = clip["wall"] / clip["seconds"]
            print(
                f"{clip['file']:<36} {clip['seconds']:6.1f} s  RTF {rtf:.3f}"
                f"  CER {clip['cer']:.3f}  {clip['text'][:70]}"
            )
    print(f"\nfolder: {args.folder}  model: {args.model}  prompt: {not args.no_prompt}  "
          f"language: {args.language}\n"
          f"CER normaliser: {NORMALISER}\n")  # fmt: skip
    print("| engine | beam | load s | RTF | RTF long-form | CPU RTF | CER pooled | CER mean "
          "| peak RSS MB |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['engine']} | {r['beam']} | {r['load_s']:.2f} | {r['rtf']:.3f} | "
            f"{r['long_rtf']:.3f} | {r['cpu_rtf']:.3f} | {r['cer']:.3f} | {r['mean_cer']:.3f} | "
            f"{r['peak_rss_mb']:.0f} |"
        )


def main() -> None:
    """Parse arguments; run as the parent or as one engine's child."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--engines", default="openai-whisper,faster-whisper")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--no-prompt", action="store_true")
    parser.add_argument("--beam-size", type=int, default=0, help="default: the app's per engine")
    parser.add_argument("--language", default="ko", help="ko; en for control speech")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_engine(args)
        return
    references = read_references(args.folder)
    if not references:
        raise SystemExit(f"no clips listed in {args.folder / 'references.tsv'} exist")
    results = [summarise(measure(e.strip(), args), references) for e in args.engines.split(",")]
    print_report(results, args)


if __name__ == "__main__":
    main()
