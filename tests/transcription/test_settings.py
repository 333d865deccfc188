"""Transcription settings: defaults and one-line errors that name the setting."""

from __future__ import annotations

import pytest

from callcenter.config import ConfigError, load_settings


def test_transcription_defaults(tmp_path):
    settings = load_settings({"SECRET_KEY": "x"}, tmp_path)
    assert settings["TRANSCRIBE_ENGINE"] == "faster-whisper"
    assert settings["TRANSCRIBE_BEAM_SIZE"] == 3
    assert settings["WHISPER_MODEL"] == str(tmp_path / "models" / "whisper-base")
    assert settings["TRANSCRIBE_PRELOAD"] is True
    assert settings["ALLOW_LOCAL_RECORDINGS"] is True
    assert settings["RECORDING_MAX_SECONDS"] == 900


def test_openai_whisper_decodes_greedily_by_default(tmp_path):
    settings = load_settings({"SECRET_KEY": "x", "TRANSCRIBE_ENGINE": "openai-whisper"}, tmp_path)
    assert settings["TRANSCRIBE_BEAM_SIZE"] == 1
    explicit = {
        "SECRET_KEY": "x",
        "TRANSCRIBE_ENGINE": "openai-whisper",
        "TRANSCRIBE_BEAM_SIZE": "2",
    }
    assert load_settings(explicit, tmp_path)["TRANSCRIBE_BEAM_SIZE"] == 2


def test_test_environment_loads_models_lazily(tmp_path):
    settings = load_settings({"SECRET_KEY": "x", "APP_ENV": "test"}, tmp_path)
    assert settings["TRANSCRIBE_PRELOAD"] is False


def test_production_never_fetches_from_loopback(tmp_path):
    env = {
        "APP_ENV": "production",
        "SECRET_KEY": "b5f0c0e4a1d94c3e8f7a6b2d1c0e9f8a7b6c5d4e",
        "TWILIO_AUTH_TOKEN": "t",
        "PUBLIC_BASE_URL": "https://1379.example.kr",
        "ALLOW_LOCAL_RECORDINGS": "true",
    }
    assert load_settings(env, tmp_path)["ALLOW_LOCAL_RECORDINGS"] is False


@pytest.mark.parametrize(
    "name, value",
    [
        ("TRANSCRIBE_ENGINE", "whisper.cpp"),
        ("TRANSCRIBE_BEAM_SIZE", "0"),
        ("TRANSCRIBE_PRELOAD", "sometimes"),
        ("RECORDING_MAX_SECONDS", "long"),
        ("RECORDING_MAX_BYTES", "-1"),
        ("TRANSCRIBE_TIMEOUT", "5"),
    ],
)
def test_bad_transcription_setting_names_itself(tmp_path, name, value):
    with pytest.raises(ConfigError, match=name):
        load_settings({"SECRET_KEY": "x", name: value}, tmp_path)
