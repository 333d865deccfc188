"""Decoding phone recordings to 16 kHz float32, refusing what cannot be transcribed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.factories import write_mp3
from tests.transcription.conftest import AUDIO_DIR
from transcription.audio import SAMPLE_RATE, AudioError, decode, speech_chunks


def _tone(seconds: float, frequency: float, rate: int = 8000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def _dominant_frequency(audio: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(audio * np.hanning(audio.size)))
    return float(np.fft.rfftfreq(audio.size, 1 / SAMPLE_RATE)[spectrum.argmax()])


@pytest.fixture
def phone_wavs(tmp_path: Path) -> dict[str, Path]:
    """The same two tones (440 Hz then 1 kHz, 1 s each) as Twilio's formats."""
    signal = np.concatenate([_tone(1.0, 440), _tone(1.0, 1000)])
    files = {"ulaw": tmp_path / "ulaw.wav", "pcm": tmp_path / "pcm.wav", "mp3": tmp_path / "a.mp3"}
    sf.write(files["ulaw"], signal, 8000, subtype="ULAW")
    sf.write(files["pcm"], signal, 8000, subtype="PCM_16")
    write_mp3(files["pcm"], files["mp3"], bit_rate=32_000)
    return files


@pytest.mark.parametrize("kind", ["ulaw", "pcm", "mp3"])
def test_phone_formats_decode_to_16k_float32(phone_wavs: dict[str, Path], kind: str):
    audio = decode(phone_wavs[kind])
    assert audio.dtype == np.float32
    # Two seconds at 16 kHz (MP3 adds encoder padding of a few ms).
    assert abs(audio.size / SAMPLE_RATE - 2.0) < 0.1
    assert 0.3 < float(np.max(np.abs(audio))) <= 1.0
    first, second = audio[2000:14000], audio[18000:30000]
    assert _dominant_frequency(first) == pytest.approx(440, abs=5)
    assert _dominant_frequency(second) == pytest.approx(1000, abs=5)


def test_mulaw_decodes_like_libsndfile(phone_wavs: dict[str, Path]):
    """PyAV's mu-law expansion and resampling agree with libsndfile's samples."""
    ours = decode(phone_wavs["ulaw"])
    reference, rate = sf.read(phone_wavs["ulaw"], dtype="float32")
    assert rate == 8000
    # Every other 16 kHz sample sits on an 8 kHz sample instant.
    middle = slice(400, 15000)
    assert np.max(np.abs(ours[::2][middle] - reference[middle])) < 0.02


def test_corrupt_file_is_refused_in_korean():
    with pytest.raises(AudioError) as excinfo:
        decode(AUDIO_DIR / "corrupt.wav")
    assert excinfo.value.kind == "corrupt"
    assert "손상" in excinfo.value.message_ko


@pytest.mark.parametrize("content", [b"", b"RIFF\x24\x00\x00\x00WAVEfmt "])
def test_empty_file_is_refused(tmp_path: Path, content: bytes):
    path = tmp_path / "empty.wav"
    path.write_bytes(content)
    with pytest.raises(AudioError) as excinfo:
        decode(path)
    assert excinfo.value.kind == "empty"


def test_header_only_wav_is_empty(tmp_path: Path):
    path = tmp_path / "header.wav"
    sf.write(path, np.zeros(0, dtype=np.float32), 8000, subtype="ULAW")
    with pytest.raises(AudioError) as excinfo:
        decode(path)
    assert excinfo.value.kind == "empty"


def test_over_long_audio_is_refused(tmp_path: Path):
    path = tmp_path / "long.wav"
    sf.write(path, _tone(12.0, 300), 8000, subtype="ULAW")
    assert decode(path, max_seconds=20).size == 12 * SAMPLE_RATE
    with pytest.raises(AudioError) as excinfo:
        decode(path, max_seconds=10)
    assert excinfo.value.kind == "too_long"
    assert "10초" in excinfo.value.message_ko


@pytest.mark.parametrize("name", ["silence.wav", "noise.wav"])
def test_vad_finds_no_speech_in_line_silence_or_noise(name: str):
    audio = decode(AUDIO_DIR / name)
    assert audio.size == round(sf.info(AUDIO_DIR / name).duration * SAMPLE_RATE)
    assert speech_chunks(audio) == []


def test_stereo_48k_is_mixed_down_and_resampled(tmp_path: Path):
    path = tmp_path / "stereo.wav"
    left = _tone(1.0, 440, rate=48_000)
    sf.write(path, np.stack([left, left], axis=1), 48_000, subtype="PCM_16")
    audio = decode(path)
    assert audio.size == SAMPLE_RATE
    assert _dominant_frequency(audio[2000:14000]) == pytest.approx(440, abs=5)


def test_a_file_without_audio_is_corrupt(tmp_path: Path):
    path = tmp_path / "notes.wav"
    path.write_text("전화 메모: 녹음이 아닙니다.\n" * 20, encoding="utf-8")
    with pytest.raises(AudioError) as excinfo:
        decode(path)
    assert excinfo.value.kind == "corrupt"
    assert "손상" in excinfo.value.message_ko


def test_decoding_needs_no_ffmpeg_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Audio is decoded in-process (PyAV), so an empty PATH changes nothing."""
    path = write_mp3(AUDIO_DIR / "ko_pcb_noise.wav", tmp_path / "call.mp3")
    monkeypatch.setenv("PATH", str(tmp_path))
    audio = decode(path)
    assert abs(audio.size / SAMPLE_RATE - sf.info(AUDIO_DIR / "ko_pcb_noise.wav").duration) < 0.1
