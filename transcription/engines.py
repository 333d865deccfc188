"""Whisper engines: openai-whisper (the reference) and faster-whisper (CTranslate2).

Both take one chunk of 16 kHz float32 audio (at most ~30 s, cut at pauses by the VAD in
``transcription.audio``) and return timed segments with Whisper's confidence figures.
An engine is loaded once per process (``get_engine``) and reused for every job.
"""

from __future__ import annotations

import json
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from transcription.prepare import OPENAI_CHECKPOINT, model_label

ENGINES = ("openai-whisper", "faster-whisper")

# PyTorch and CTranslate2 both run on libgomp, which spin-waits between parallel regions.
# With other processes on the same cores, Whisper's many small decoder steps then ran five
# times slower (measured: one 30 s window took 40 s instead of 8 s). libgomp reads this
# once, when it loads, hence here, before either library is imported; an explicit value wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@dataclass
class Segment:
    """One stretch of recognised speech, timed in seconds from the start of the recording."""

    start: float
    end: float
    text: str
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float = 0.0
    temperature: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, rounded for storage."""
        return {
            "start": round(self.start, 2),
            "end": round(self.end, 2),
            "text": self.text,
            "avg_logprob": round(self.avg_logprob, 4),
            "no_speech_prob": round(self.no_speech_prob, 4),
        }


@dataclass(frozen=True)
class DecodeOptions:
    """Decoding for short Korean phone calls: greedy, one capped fallback, no carried context."""

    language: str = "ko"
    beam_size: int = 1  # greedy; beam search made openai-whisper far slower on bad audio
    # One sampled retry when greedy output fails the checks below, never the default five.
    temperatures: tuple[float, ...] = (0.0, 0.4)
    best_of: int = 2
    initial_prompt: str | None = None
    no_speech_threshold: float = 0.6
    logprob_threshold: float = -1.0
    compression_ratio_threshold: float = 2.4
    extra: dict[str, Any] = field(default_factory=dict)


def cpu_threads() -> int:
    """Threads for inference: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class Engine(ABC):
    """A loaded Whisper model that transcribes one chunk at a time."""

    name: str

    def __init__(self, model_dir: str | Path, *, threads: int | None = None) -> None:
        self.model_dir = Path(model_dir)
        self.model = model_label(model_dir)
        self.threads = threads or cpu_threads()

    @abstractmethod
    def transcribe_chunk(self, audio: np.ndarray, options: DecodeOptions) -> list[Segment]:
        """Segments of one chunk, timed from the chunk's start."""


class OpenAIWhisperEngine(Engine):
    """openai-whisper in float32 on the CPU, from the converted checkpoint."""

    name = "openai-whisper"

    def __init__(self, model_dir: str | Path, *, threads: int | None = None) -> None:
        super().__init__(model_dir, threads=threads)
        import torch
        import whisper

        torch.set_num_threads(self.threads)
        checkpoint = (self.model_dir / OPENAI_CHECKPOINT).resolve()
        if not checkpoint.is_file():
            raise FileNotFoundError(f"{checkpoint} is missing; run `flask prepare-models`")
        # Always a path: a bare name such as "base" would make openai-whisper download.
        self._whisper = whisper
        self._model = whisper.load_model(str(checkpoint), device="cpu")
        heads = _alignment_heads(self.model_dir)
        if heads is not None:
            self._model.set_alignment_heads(heads)

    def transcribe_chunk(self, audio: np.ndarray, options: DecodeOptions) -> list[Segment]:
        result = self._whisper.transcribe(
            self._model,
            audio,
            language=options.language,
            task="transcribe",
            temperature=options.temperatures,
            beam_size=options.beam_size if options.beam_size > 1 else None,
            best_of=options.best_of,
            condition_on_previous_text=False,
            initial_prompt=options.initial_prompt,
            no_speech_threshold=options.no_speech_threshold,
            logprob_threshold=options.logprob_threshold,
            compression_ratio_threshold=options.compression_ratio_threshold,
            fp16=False,
            verbose=None,  # False would draw a progress bar
            **options.extra,
        )
        return [
            Segment(
                start=float(s["start"]),
                end=float(s["end"]),
                text=str(s["text"]).strip(),
                avg_logprob=float(s["avg_logprob"]),
                no_speech_prob=float(s["no_speech_prob"]),
                compression_ratio=float(s["compression_ratio"]),
                temperature=float(s["temperature"]),
            )
            for s in result["segments"]
        ]


class FasterWhisperEngine(Engine):
    """faster-whisper (CTranslate2) with int8 weights on the CPU."""

    name = "faster-whisper"

    def __init__(self, model_dir: str | Path, *, threads: int | None = None) -> None:
        super().__init__(model_dir, threads=threads)
        from faster_whisper import WhisperModel

        self._model = WhisperModel(
            str(self.model_dir),
            device="cpu",
            compute_type="int8",
            cpu_threads=self.threads,
            num_workers=1,
            local_files_only=True,
        )

    def transcribe_chunk(self, audio: np.ndarray, options: DecodeOptions) -> list[Segment]:
        segments, _info = self._model.transcribe(
            audio,
            language=options.language,
            task="transcribe",
            beam_size=max(1, options.beam_size),
            best_of=options.best_of,
            temperature=list(options.temperatures),
            condition_on_previous_text=False,
            initial_prompt=options.initial_prompt,
            no_speech_threshold=options.no_speech_threshold,
            log_prob_threshold=options.logprob_threshold,
            compression_ratio_threshold=options.compression_ratio_threshold,
            vad_filter=False,  # audio arrives already cut at pauses
            without_timestamps=False,
            **options.extra,
        )
        return [
            Segment(
                start=float(s.start),
                end=float(s.end),
                text=s.text.strip(),
                avg_logprob=float(s.avg_logprob),
                no_speech_prob=float(s.no_speech_prob),
                compression_ratio=float(s.compression_ratio),
                temperature=float(s.temperature or 0.0),
            )
            for s in segments
        ]


def _alignment_heads(model_dir: Path) -> bytes | None:
    """openai-whisper's packed alignment-head mask from CTranslate2's config.json."""
    import base64
    import gzip

    try:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        pairs = config["alignment_heads"]
        dims = json.loads((model_dir / "prepared.json").read_text(encoding="utf-8"))["dims"]
    except (OSError, ValueError, KeyError):
        return None
    mask = np.zeros((dims["n_text_layer"], dims["n_text_head"]), dtype=bool)
    for layer, head in pairs:
        mask[layer, head] = True
    return base64.b85encode(gzip.compress(mask.tobytes()))


ENGINE_CLASSES: dict[str, type[Engine]] = {
    OpenAIWhisperEngine.name: OpenAIWhisperEngine,
    FasterWhisperEngine.name: FasterWhisperEngine,
}

_loaded: dict[tuple[str, str], Engine] = {}
_load_lock = threading.Lock()


def get_engine(name: str, model_dir: str | Path) -> Engine:
    """The engine for ``name`` on ``model_dir``, loaded on first use and then reused."""
    if name not in ENGINE_CLASSES:
        raise ValueError(f"unknown engine {name!r}; expected one of {', '.join(ENGINES)}")
    key = (name, str(Path(model_dir).resolve()))
    with _load_lock:
        if key not in _loaded:
            _loaded[key] = ENGINE_CLASSES[name](model_dir)
        return _loaded[key]


def load_engine(config: Mapping[str, Any], name: str | None = None) -> Engine:
    """The configured engine (TRANSCRIBE_ENGINE on WHISPER_MODEL), preparing the model once."""
    from transcription.prepare import ensure_model

    model_dir = ensure_model(config["WHISPER_MODEL"], config["MODELS_DIR"])
    return get_engine(name or config["TRANSCRIBE_ENGINE"], model_dir)


class ChunkTranscriber(Protocol):
    """What the pipeline needs: labels and one-chunk transcription."""

    name: str
    model: str

    def transcribe_chunk(self, audio: np.ndarray, options: DecodeOptions) -> list[Segment]:
        """Segments of one chunk, timed from the chunk's start."""
        ...


class ConfiguredEngine:
    """The configured engine, loaded at its first chunk: audio without speech needs no model."""

    def __init__(self, config: Mapping[str, Any], name: str | None = None) -> None:
        self._config = config
        self.name = name or str(config["TRANSCRIBE_ENGINE"])
        self.model = model_label(config["WHISPER_MODEL"])

    def load(self) -> Engine:
        """The loaded engine (once per process)."""
        return load_engine(self._config, self.name)

    def transcribe_chunk(self, audio: np.ndarray, options: DecodeOptions) -> list[Segment]:
        """Load if needed, then transcribe."""
        return self.load().transcribe_chunk(audio, options)


def loaded_engines() -> list[str]:
    """Names of the engines this process has loaded (for logs and tests)."""
    return [name for name, _ in _loaded]


def segments_as_dicts(segments: list[Segment]) -> list[dict[str, Any]]:
    """Segments for JSON or the Transcript row."""
    return [s.as_dict() for s in segments]
