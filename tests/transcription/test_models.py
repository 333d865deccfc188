"""The real Whisper base: preparation, converter parity with CTranslate2, the guard on raw output.

Slow: loads the model. One module-scoped preparation and one load per engine keep CI short.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tests.factories import write_phone_wav
from tests.helpers import ROOT
from tests.transcription.conftest import AUDIO_DIR, references
from transcription.audio import decode, speech_chunks
from transcription.engines import ConfiguredEngine, Engine, get_engine, loaded_engines
from transcription.guard import clean_segments, normalise
from transcription.pipeline import (
    TranscriptionTimeout,
    default_options,
    transcribe_audio,
)
from transcription.prepare import (
    BUNDLED_SHA256,
    BUNDLED_SIZE,
    OPENAI_CHECKPOINT,
    ModelError,
    ensure_model,
    prepare_bundled,
)
from transcription.textnorm import edit_distance

pytestmark = pytest.mark.slow
MODELS_DIR = ROOT / "instance" / "models"  # the app's default MODELS_DIR


@pytest.fixture(scope="module")
def model_dir() -> Path:
    """The prepared bundled model (prepared once, then reused across runs)."""
    return prepare_bundled(MODELS_DIR)


@pytest.fixture(scope="module")
def english_control(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """English control speech (espeak-ng) through an 8 kHz mu-law telephone chain."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    folder = tmp_path_factory.mktemp("control")
    raw, phone = folder / "raw.wav", folder / "phone.wav"
    subprocess.run(
        ["espeak-ng", "-v", "en", "-w", str(raw),
         "Hello, this is a test of the telephone transcription system. "
         "Our factory has a problem with aluminium casting shrinkage."],
        check=True,
    )  # fmt: skip
    return write_phone_wav(raw, phone)


def _korean_clips() -> list[Path]:
    return sorted(AUDIO_DIR / name for name in references() if (AUDIO_DIR / name).is_file())


def test_prepared_model_is_the_packaged_one(model_dir: Path):
    model_bin = model_dir / "model.bin"
    assert model_bin.stat().st_size == BUNDLED_SIZE
    assert hashlib.sha256(model_bin.read_bytes()).hexdigest() == BUNDLED_SHA256
    for name in ("config.json", "tokenizer.json", "vocabulary.txt", OPENAI_CHECKPOINT):
        assert (model_dir / name).is_file()
    # Preparing again is a no-op: the files are not rewritten.
    mtime = model_bin.stat().st_mtime_ns
    assert prepare_bundled(MODELS_DIR) == model_dir
    assert model_bin.stat().st_mtime_ns == mtime


def test_a_folder_without_model_bin_is_refused(tmp_path: Path):
    with pytest.raises(ModelError, match="WHISPER_MODEL"):
        ensure_model(tmp_path / "whisper-small", MODELS_DIR)


@pytest.fixture(scope="module")
def parity_models(model_dir: Path) -> Iterator[tuple[object, object]]:
    """openai-whisper on the converted checkpoint and CTranslate2 on model.bin, both float32."""
    import ctranslate2
    import whisper

    reference = ctranslate2.models.Whisper(str(model_dir), device="cpu", compute_type="float32")
    # A path, never a name: a name would download.
    converted = whisper.load_model(str(model_dir / OPENAI_CHECKPOINT), device="cpu")
    yield converted, reference


def _parity_inputs(english_control: Path) -> list[tuple[str, Path]]:
    inputs = [("en", english_control)]
    inputs += [("ko", clip) for clip in _korean_clips()[:1]]
    return inputs


def test_converter_matches_ctranslate2(parity_models: tuple[object, object], english_control):
    """Encoder outputs agree to float32 precision and greedy decoding gives the same tokens."""
    import ctranslate2
    import torch
    import whisper

    converted, reference = parity_models
    for language, clip in _parity_inputs(english_control):
        audio = whisper.pad_or_trim(decode(clip))
        mel = whisper.log_mel_spectrogram(audio)
        with torch.no_grad():
            ours = converted.encoder(mel[None]).numpy()  # type: ignore[attr-defined]
        features = ctranslate2.StorageView.from_array(np.ascontiguousarray(mel[None].numpy()))
        theirs = np.array(reference.encode(features, to_cpu=True))  # type: ignore[attr-defined]
        difference = np.abs(ours - theirs)
        print(f"{clip.name}: |diff| max {difference.max():.2e} mean {difference.mean():.2e}")
        # A wrong mapping moves every value; float32 summation order moves a few by ~1e-3.
        assert difference.mean() < 1e-5
        np.testing.assert_allclose(ours, theirs, atol=1e-3, rtol=1e-3)

        options = whisper.DecodingOptions(
            language=language, without_timestamps=True, fp16=False, temperature=0.0
        )
        decoded = whisper.decode(converted, mel, options)  # type: ignore[arg-type]
        tokenizer = whisper.tokenizer.get_tokenizer(True, language=language, task="transcribe")
        prompt = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
        generated = reference.generate(features, [prompt], beam_size=1)  # type: ignore[attr-defined]
        assert decoded.tokens == generated[0].sequences_ids[0]
        assert len(decoded.tokens) > 5


@pytest.fixture(scope="module")
def fast_engine(model_dir: Path) -> Engine:
    return get_engine("faster-whisper", model_dir)


@pytest.mark.parametrize("name", ["silence.wav", "noise.wav"])
def test_guard_removes_what_the_model_invents_on_silence_and_noise(fast_engine: Engine, name):
    """Bypass the VAD: whatever Whisper writes for line silence or hiss must not survive."""
    audio = decode(AUDIO_DIR / name)
    options = default_options()
    # Disable the engine's own no-speech skip so the raw inventions reach the guard.
    raw = fast_engine.transcribe_chunk(audio, replace(options, no_speech_threshold=1.01))
    kept, _report = clean_segments(raw, options)
    assert kept == [], [s.text for s in raw]


def test_time_limit_stops_before_the_model_runs(model_dir: Path, english_control: Path):
    audio = decode(english_control)
    assert speech_chunks(audio)
    config = {
        "TRANSCRIBE_ENGINE": "openai-whisper",
        "WHISPER_MODEL": str(model_dir),
        "MODELS_DIR": str(MODELS_DIR),
    }
    with pytest.raises(TranscriptionTimeout):
        transcribe_audio(ConfiguredEngine(config), audio, deadline=0.0)
    assert "openai-whisper" not in loaded_engines()


def test_korean_clip_comes_out_close_to_its_reference(fast_engine: Engine):
    clips = _korean_clips()
    assert clips, "the bundled Korean clips are missing"
    clip = clips[0]
    result = transcribe_audio(fast_engine, decode(clip))
    assert not result.no_speech
    assert result.segments and all(s.end > s.start >= 0 for s in result.segments)
    assert result.segments[-1].end <= result.duration_s + 0.01
    reference, heard = normalise(references()[clip.name]), normalise(result.text)
    errors = edit_distance(reference, heard) / len(reference)
    assert errors < 0.3, (result.text, errors)  # Whisper base on phone audio: about 0.13
