"""Audio in: any recording (8 kHz mu-law or PCM WAV, MP3) to 16 kHz mono float32, cut at pauses.

Decoding runs in-process through PyAV (FFmpeg's libraries, shipped in the ``av`` wheel that
faster-whisper needs anyway), so no ffmpeg program has to be installed; it reads every format
Twilio sends and resamples with libswresample exactly as the ffmpeg command line does.
Speech is found with the Silero VAD that ships inside faster-whisper (offline, ONNX), so
both engines see the same chunks and silence never reaches the model.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

SAMPLE_RATE = 16_000
# Whisper reads 30 s windows; chunks stay a little shorter so a chunk is one window.
MAX_CHUNK_SECONDS = 28.0
# A WAV header with no samples is 44 bytes; anything this small holds no speech.
MIN_AUDIO_BYTES = 64
DECODE_TIMEOUT_SECONDS = 120

CORRUPT_KO = "녹음 파일을 읽을 수 없습니다(손상되었거나 지원하지 않는 형식). 직접 들어 주세요."
SLOW_KO = "녹음 파일을 해석하는 데 시간이 너무 오래 걸립니다. 직접 들어 주세요."


class AudioError(Exception):
    """Audio that cannot be transcribed; ``message_ko`` is shown to operators."""

    def __init__(self, kind: str, message_ko: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail or message_ko}")
        self.kind = kind  # empty, corrupt, too_long
        self.message_ko = message_ko
        self.detail = detail


def decode(path: str | Path, *, max_seconds: float | None = None) -> np.ndarray:
    """Decode ``path`` to 16 kHz mono float32 in [-1, 1]; AudioError if empty, corrupt or long."""
    source = Path(path)
    if not source.is_file() or source.stat().st_size < MIN_AUDIO_BYTES:
        raise AudioError("empty", "녹음 파일이 비어 있습니다. 통화 내용을 직접 확인해 주세요.")
    # Decode a little past the limit only: enough to know the recording is too long.
    limit = None if max_seconds is None else int((max_seconds + 1) * SAMPLE_RATE)
    try:
        pieces, bad_packets = _decode_samples(source, limit)
    except (av.FFmpegError, IndexError, ValueError) as exc:
        raise AudioError("corrupt", CORRUPT_KO, str(exc) or type(exc).__name__) from None
    audio = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    if limit is not None:
        audio = audio[:limit]
    if audio.size == 0:
        if bad_packets:
            raise AudioError("corrupt", CORRUPT_KO, f"{bad_packets} undecodable packets")
        raise AudioError("empty", "녹음 파일에 소리가 없습니다. 통화 내용을 직접 확인해 주세요.")
    seconds = audio.size / SAMPLE_RATE
    if max_seconds is not None and seconds > max_seconds:
        raise AudioError(
            "too_long",
            f"녹음이 너무 깁니다(최대 {max_seconds:.0f}초). 직접 들어 주세요.",
            f"longer than {max_seconds:.0f} s",
        )
    return audio


def _decode_samples(source: Path, limit: int | None) -> tuple[list[np.ndarray], int]:
    """The first audio stream as 16 kHz mono float32 pieces, and how many packets were bad.

    Like the ffmpeg program, a packet that does not decode is skipped rather than failing the
    whole recording; a file that cannot be opened at all raises ``av.FFmpegError``.
    """
    started = time.monotonic()
    pieces: list[np.ndarray] = []
    total = bad_packets = 0
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    with av.open(str(source), metadata_errors="ignore") as container:
        stream = container.streams.audio[0]  # IndexError: no audio stream at all
        for packet in container.demux(stream):
            if time.monotonic() - started > DECODE_TIMEOUT_SECONDS:
                raise AudioError("corrupt", SLOW_KO, f"over {DECODE_TIMEOUT_SECONDS} s")
            try:
                frames = packet.decode()
            except av.InvalidDataError:
                bad_packets += 1
                continue
            for frame in frames:
                for out in resampler.resample(frame):
                    pieces.append(out.to_ndarray().reshape(-1))
                    total += out.samples
            if limit is not None and total > limit:
                return pieces, bad_packets
        for out in resampler.resample(None):  # flush the resampler's delay line
            pieces.append(out.to_ndarray().reshape(-1))
    return pieces, bad_packets


def encode_mp3(path: str | Path, *, bit_rate: int = 32_000) -> bytes:
    """``path`` re-encoded as mono MP3 at its own sample rate (Twilio serves ``.mp3`` too)."""
    out = io.BytesIO()
    with av.open(str(path)) as source, av.open(out, "w", format="mp3") as target:
        audio_in = source.streams.audio[0]
        audio_out = target.add_stream("libmp3lame", rate=audio_in.rate, layout="mono")
        audio_out.bit_rate = bit_rate
        for frame in source.decode(audio_in):
            frame.pts = None  # the encoder numbers its own frames
            target.mux(audio_out.encode(frame))
        target.mux(audio_out.encode(None))
    return out.getvalue()


def duration(audio: np.ndarray) -> float:
    """Length in seconds of 16 kHz audio."""
    return audio.size / SAMPLE_RATE


@dataclass(frozen=True)
class Chunk:
    """A stretch of audio holding speech, in samples of the original recording."""

    start: int
    end: int

    @property
    def offset_seconds(self) -> float:
        """Where the chunk starts, in seconds."""
        return self.start / SAMPLE_RATE


def speech_chunks(audio: np.ndarray, *, max_seconds: float = MAX_CHUNK_SECONDS) -> list[Chunk]:
    """Speech regions found by Silero VAD, merged into chunks of at most ``max_seconds``.

    Leading, trailing and long inner silences are dropped; short pauses stay inside a chunk
    so that words are never cut. An empty list means there is no speech at all.
    """
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if audio.size == 0 or float(np.max(np.abs(audio))) < 1e-4:
        return []  # digital silence: no need to ask the VAD
    options = VadOptions(
        threshold=0.5,
        min_speech_duration_ms=250,
        max_speech_duration_s=max_seconds,
        min_silence_duration_ms=600,
        speech_pad_ms=300,
    )
    regions = get_speech_timestamps(audio, options, sampling_rate=SAMPLE_RATE)
    limit = int(max_seconds * SAMPLE_RATE)
    chunks: list[Chunk] = []
    for region in regions:
        start, end = int(region["start"]), int(region["end"])
        if chunks and end - chunks[-1].start <= limit:
            chunks[-1] = Chunk(chunks[-1].start, end)
        else:
            chunks.append(Chunk(start, end))
    return chunks
