"""Production refuses unsafe settings; development's secrets are random per instance."""

from __future__ import annotations

import stat

import pytest

from callcenter.config import ConfigError, load_settings

STRONG = "0f9e8d7c6b5a49382716a5b4c3d2e1f0a9b8c7d6"
PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": STRONG,
    "TWILIO_AUTH_TOKEN": "b" * 32,
    "PUBLIC_BASE_URL": "https://1379.example.kr",
}


def test_production_starts_with_strong_settings(tmp_path):
    settings = load_settings(PRODUCTION, tmp_path)
    assert settings["SESSION_COOKIE_SECURE"] and not settings["ALLOW_LOCAL_RECORDINGS"]


@pytest.mark.parametrize(
    "secret",
    ["s", "changeme", "x" * 64, "my-secret-key-for-the-1379-call-center", "0123456789" * 2],
)
def test_production_refuses_a_weak_secret_key(tmp_path, secret):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings(PRODUCTION | {"SECRET_KEY": secret}, tmp_path)


def test_production_refuses_a_plain_http_public_url(tmp_path):
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL.*https"):
        load_settings(PRODUCTION | {"PUBLIC_BASE_URL": "http://1379.example.kr"}, tmp_path)


def test_development_auth_token_is_random_per_instance_and_private(tmp_path):
    first = load_settings({}, tmp_path / "one")["TWILIO_AUTH_TOKEN"]
    again = load_settings({}, tmp_path / "one")["TWILIO_AUTH_TOKEN"]
    other = load_settings({}, tmp_path / "two")["TWILIO_AUTH_TOKEN"]
    assert first == again != other
    assert len(first) >= 32 and first != "dev-auth-token-not-secret"
    for name in ("twilio_dev_auth_token", "secret_key"):
        mode = stat.S_IMODE((tmp_path / "one" / name).stat().st_mode)
        assert mode == 0o600, name


def test_request_size_and_proxies_are_settings(tmp_path):
    settings = load_settings({"SECRET_KEY": "x"}, tmp_path)
    assert settings["MAX_CONTENT_LENGTH"] == 1024 * 1024 and settings["TRUSTED_PROXIES"] == 0
    custom = load_settings(
        {"SECRET_KEY": "x", "MAX_REQUEST_BYTES": "65536", "TRUSTED_PROXIES": "2"}, tmp_path
    )
    assert custom["MAX_CONTENT_LENGTH"] == 65536 and custom["TRUSTED_PROXIES"] == 2
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        load_settings({"SECRET_KEY": "x", "TRUSTED_PROXIES": "-1"}, tmp_path)
