"""RECORDINGS_STORE and the S3 settings, read by callcenter/config.py alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from callcenter.config import ConfigError, load_settings
from callcenter.storage import LocalStore, open_store
from callcenter.storage.s3 import S3Store

PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "9f2c4e7a1b8d3f6e0a5c2b9d4e7f1a3c8b6d0e2f5a9c7b1d3e8f0a2c4b6d9e1f",
    "TWILIO_AUTH_TOKEN": "token",
    "PUBLIC_BASE_URL": "https://1379.example.org",
}


def test_the_local_folder_is_the_default(tmp_path: Path):
    settings = load_settings({"APP_ENV": "test", "SECRET_KEY": "x"}, tmp_path)
    assert settings["RECORDINGS_STORE"] == "local"
    assert settings["RECORDING_RETENTION_DAYS"] == 365
    assert settings["TRANSCRIPT_RETENTION_DAYS"] == 0
    store = open_store(settings)
    assert isinstance(store, LocalStore) and store.root == tmp_path / "recordings"


def test_an_s3_url_selects_the_bucket_and_prefix(tmp_path: Path):
    env = {
        "APP_ENV": "test",
        "SECRET_KEY": "x",
        "RECORDINGS_STORE": "s3://callcenter-audio/seoul/recordings/",
        "S3_ENDPOINT_URL": "https://s3.example.org",
        "S3_REGION": "ap-northeast-2",
    }
    settings = load_settings(env, tmp_path)
    assert (settings["RECORDINGS_S3_BUCKET"], settings["RECORDINGS_S3_PREFIX"]) == (
        "callcenter-audio",
        "seoul/recordings",
    )
    store = open_store(settings)
    assert isinstance(store, S3Store)
    assert store.object_name("RE1.wav") == "seoul/recordings/RE1.wav"
    assert store.describe() == "s3://callcenter-audio/seoul/recordings/ at https://s3.example.org"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RECORDINGS_STORE", "s3:///no-bucket"),
        ("RECORDINGS_STORE", "gs://bucket"),
        ("RECORDINGS_STORE", "/srv/recordings"),
        ("S3_ENDPOINT_URL", "ftp://s3.example.org"),
        ("RECORDING_RETENTION_DAYS", "-1"),
        ("TRANSCRIPT_RETENTION_DAYS", "a year"),
    ],
)
def test_malformed_settings_are_refused_by_name(tmp_path: Path, name: str, value: str):
    env = {"APP_ENV": "test", "SECRET_KEY": "x", "RECORDINGS_STORE": "s3://b", name: value}
    with pytest.raises(ConfigError, match=name):
        load_settings(env, tmp_path)


def test_production_refuses_an_s3_store_without_credentials(tmp_path: Path):
    env = PRODUCTION | {"RECORDINGS_STORE": "s3://callcenter-audio"}
    with pytest.raises(ConfigError, match="S3_ACCESS_KEY_ID"):
        load_settings(env, tmp_path)
    env |= {"S3_ACCESS_KEY_ID": "id", "S3_SECRET_ACCESS_KEY": "secret"}
    assert load_settings(env, tmp_path)["RECORDINGS_S3_BUCKET"] == "callcenter-audio"
