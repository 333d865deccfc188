"""Settings: the only module that reads the environment.

Every setting is parsed and validated here, once, at start-up; the rest of the
application receives plain values through ``app.config``. A missing or malformed
setting raises :class:`ConfigError` with a one-line message that names it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENVIRONMENTS = ("development", "test", "production")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it."""


def parse_boolean(name: str, value: str) -> bool:
    """Parse yes/no style values; anything else is an error naming the setting."""
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{name}: expected true/false, got {value!r}")


def parse_int(name: str, value: str, *, minimum: int = 0) -> int:
    """Parse a whole number no smaller than ``minimum``."""
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}: expected a whole number, got {value!r}") from None
    if number < minimum:
        raise ConfigError(f"{name}: must be at least {minimum}, got {number}")
    return number


def parse_database_url(value: str) -> str:
    """Accept SQLite and PostgreSQL URLs; normalise postgres:// to psycopg 3."""
    url = value.strip()
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise ConfigError(
            f"DATABASE_URL: unsupported or malformed URL {value!r} "
            "(expected sqlite:///PATH or postgresql+psycopg://USER@HOST/DB)"
        )
    return url


def parse_redis_url(value: str) -> str:
    """Accept redis://, rediss:// and unix:// URLs."""
    parsed = urlparse(value.strip())
    if parsed.scheme not in ("redis", "rediss", "unix") or (
        parsed.scheme != "unix" and not parsed.hostname
    ):
        raise ConfigError(f"REDIS_URL: malformed URL {value!r} (expected redis://HOST:PORT/DB)")
    return value.strip()


def parse_public_base_url(value: str) -> str:
    """The URL Twilio calls: scheme and host, no trailing slash."""
    parsed = urlparse(value.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(
            f"PUBLIC_BASE_URL: expected an absolute URL like https://example.org, got {value!r}"
        )
    return value.strip().rstrip("/")


def parse_recordings_store(value: str) -> tuple[str, str]:
    """``local`` (or empty) gives ("", ""); ``s3://bucket/prefix`` gives (bucket, prefix)."""
    text = value.strip()
    if text in ("", "local"):
        return "", ""
    parsed = urlparse(text)
    bucket = parsed.netloc
    if parsed.scheme != "s3" or not bucket or parsed.query or parsed.fragment:
        raise ConfigError(
            f"RECORDINGS_STORE: expected 'local' or s3://BUCKET/PREFIX, got {value!r}"
        )
    return bucket, parsed.path.strip("/")


def _s3_settings(env: Mapping[str, str], production: bool) -> dict[str, Any]:
    """The recording store's settings; production refuses an S3 store without credentials."""
    bucket, prefix = parse_recordings_store(env.get("RECORDINGS_STORE", ""))
    endpoint = env.get("S3_ENDPOINT_URL", "").strip()
    if endpoint and urlparse(endpoint).scheme not in ("http", "https"):
        raise ConfigError(f"S3_ENDPOINT_URL: expected an http(s) URL, got {endpoint!r}")
    key_id = env.get("S3_ACCESS_KEY_ID", "")
    secret = env.get("S3_SECRET_ACCESS_KEY", "")
    if bucket and production and not (key_id and secret):
        raise ConfigError(
            "S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: required in production with an s3 store"
        )
    return {
        "RECORDINGS_STORE": f"s3://{bucket}/{prefix}" if bucket else "local",
        "RECORDINGS_S3_BUCKET": bucket,
        "RECORDINGS_S3_PREFIX": prefix,
        "S3_ENDPOINT_URL": endpoint,
        "S3_ACCESS_KEY_ID": key_id,
        "S3_SECRET_ACCESS_KEY": secret,
        "S3_REGION": env.get("S3_REGION", "").strip(),
    }


def parse_hosts(name: str, value: str) -> tuple[str, ...]:
    """A comma-separated list of host names, lower-cased."""
    hosts = tuple(h.strip().lower() for h in value.split(",") if h.strip())
    if not hosts:
        raise ConfigError(f"{name}: give at least one host name")
    return hosts


def parse_business_hours(value: str) -> tuple[tuple[int, ...], int, int]:
    """Parse ``Mon-Fri 09:00-18:00`` into (weekdays, open minute, close minute)."""
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    try:
        day_part, time_part = value.strip().split()
        first, _, last = day_part.lower().partition("-")
        start_day = days.index(first)
        end_day = days.index(last or first)
        opens, closes = time_part.split("-")
        open_min = int(opens[:2]) * 60 + int(opens[3:5])
        close_min = int(closes[:2]) * 60 + int(closes[3:5])
    except (ValueError, IndexError):
        raise ConfigError(
            f"BUSINESS_HOURS: expected like 'Mon-Fri 09:00-18:00', got {value!r}"
        ) from None
    if not 0 <= open_min < close_min <= 24 * 60:
        raise ConfigError(f"BUSINESS_HOURS: opening must come before closing in {value!r}")
    weekdays = tuple(range(start_day, end_day + 1))
    return weekdays, open_min, close_min


# Words of values pasted from examples; a random secret practically never contains them.
_WEAK_WORDS = ("secret", "changeme", "change-me", "password", "default", "example", "insecure")
MIN_SECRET_LENGTH = 32


def check_strong_secret(name: str, value: str) -> str:
    """``value`` if it is long and varied enough to sign sessions; ConfigError otherwise."""
    lowered = value.lower()
    if (
        len(value) < MIN_SECRET_LENGTH
        or len(set(value)) < 10
        or any(word in lowered for word in _WEAK_WORDS)
    ):
        raise ConfigError(
            f"{name}: too weak for production (at least {MIN_SECRET_LENGTH} random characters; "
            "e.g. python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    return value


def _instance_secret(instance: Path, name: str) -> str:
    """A random value kept in ``instance/name`` (0600), made on first use."""
    key_file = instance / name
    if key_file.exists():
        return key_file.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    # Written 0600 from the start to a private name, then linked into place: a process
    # starting at the same moment reads either no file or the whole key, never half of it.
    partial = instance / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32))
    try:
        os.link(partial, key_file)
    except FileExistsError:
        pass  # another process made it first: use theirs
    finally:
        partial.unlink()
    return key_file.read_text().strip()


def _secret_key(env: Mapping[str, str], environment: str, instance: Path) -> str:
    """Production requires a strong SECRET_KEY; development keeps a generated one."""
    if env.get("SECRET_KEY"):
        if environment == "production":
            return check_strong_secret("SECRET_KEY", env["SECRET_KEY"])
        return env["SECRET_KEY"]
    if environment == "production":
        raise ConfigError("SECRET_KEY: required in production")
    return _instance_secret(instance, "secret_key")


def _twilio_auth_token(env: Mapping[str, str], environment: str, instance: Path) -> str:
    """TWILIO_AUTH_TOKEN, or (outside production) a random token kept under instance/.

    Development signs and checks webhooks with a local token so that the simulator and the
    tests exercise production's validation code; a fixed, published token would let anyone
    forge webhooks to a development instance left reachable.
    """
    if env.get("TWILIO_AUTH_TOKEN"):
        return env["TWILIO_AUTH_TOKEN"]
    if environment == "production":
        raise ConfigError("TWILIO_AUTH_TOKEN: required in production")
    return _instance_secret(instance, "twilio_dev_auth_token")


def load_settings(env: Mapping[str, str], instance_path: str | os.PathLike[str]) -> dict[str, Any]:
    """Build the Flask config mapping from environment variables."""
    instance = Path(instance_path)
    environment = env.get("APP_ENV", "development").strip().lower()
    if environment not in ENVIRONMENTS:
        choices = ", ".join(ENVIRONMENTS)
        raise ConfigError(f"APP_ENV: expected one of {choices}, got {environment!r}")
    production = environment == "production"

    database_url = parse_database_url(
        env.get("DATABASE_URL") or f"sqlite:///{instance / 'callcenter.sqlite3'}"
    )
    redis_url = parse_redis_url(env["REDIS_URL"]) if env.get("REDIS_URL") else None

    for name in ("TWILIO_AUTH_TOKEN", "PUBLIC_BASE_URL"):
        if production and not env.get(name):
            raise ConfigError(f"{name}: required in production")

    account_sid = env.get("TWILIO_ACCOUNT_SID", "")
    if account_sid and not (account_sid.startswith("AC") and len(account_sid) == 34):
        raise ConfigError("TWILIO_ACCOUNT_SID: expected 'AC' followed by 32 characters")
    auth_token = _twilio_auth_token(env, environment, instance)
    public_base_url = parse_public_base_url(env.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000")
    if production and not public_base_url.startswith("https://"):
        raise ConfigError(
            "PUBLIC_BASE_URL: must be https:// in production "
            "(Twilio's webhooks carry callers' numbers and the session cookie is Secure)"
        )

    timezone = env.get("TIMEZONE", "Asia/Seoul")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"TIMEZONE: unknown time zone {timezone!r}") from None

    recordings_dir = Path(env.get("RECORDINGS_DIR") or instance / "recordings")
    models_dir = Path(env.get("MODELS_DIR") or instance / "models")
    engine = env.get("TRANSCRIBE_ENGINE", "faster-whisper").strip()
    if engine not in ("openai-whisper", "faster-whisper"):
        raise ConfigError(
            f"TRANSCRIBE_ENGINE: expected openai-whisper or faster-whisper, got {engine!r}"
        )
    weekdays, open_min, close_min = parse_business_hours(
        env.get("BUSINESS_HOURS", "Mon-Fri 09:00-18:00")
    )

    return {
        "APP_ENV": environment,
        "TESTING": environment == "test",
        "SECRET_KEY": _secret_key(env, environment, instance),
        "DATABASE_URL": database_url,
        # PostgreSQL connections kept open per process: one per web worker thread at least.
        "DATABASE_POOL_SIZE": parse_int(
            "DATABASE_POOL_SIZE", env.get("DATABASE_POOL_SIZE", "10"), minimum=1
        ),
        "REDIS_URL": redis_url,
        "EMBEDDED_REDIS_DIR": str(instance / "redis"),
        "TWILIO_ACCOUNT_SID": account_sid,
        "TWILIO_AUTH_TOKEN": auth_token,
        "TWILIO_CREDENTIALS_CONFIGURED": bool(account_sid and env.get("TWILIO_AUTH_TOKEN")),
        "TWILIO_SMS_FROM": env.get("TWILIO_SMS_FROM", ""),
        "PUBLIC_BASE_URL": public_base_url,
        "RECORDINGS_DIR": str(recordings_dir),
        **_s3_settings(env, production),
        # Days a recording is kept, counted from the call (0 = kept until deleted by hand);
        # transcripts are anonymised after TRANSCRIPT_RETENTION_DAYS (0 = never). docs/retention.md
        "RECORDING_RETENTION_DAYS": parse_int(
            "RECORDING_RETENTION_DAYS", env.get("RECORDING_RETENTION_DAYS", "365")
        ),
        "TRANSCRIPT_RETENTION_DAYS": parse_int(
            "TRANSCRIPT_RETENTION_DAYS", env.get("TRANSCRIPT_RETENTION_DAYS", "0")
        ),
        "RECORDING_HOSTS": parse_hosts(
            "RECORDING_HOSTS", env.get("RECORDING_HOSTS", "api.twilio.com")
        ),
        # Only development and test may fetch recordings from the simulator on loopback.
        "ALLOW_LOCAL_RECORDINGS": (not production)
        and parse_boolean("ALLOW_LOCAL_RECORDINGS", env.get("ALLOW_LOCAL_RECORDINGS", "true")),
        "RECORDING_MAX_BYTES": parse_int(
            "RECORDING_MAX_BYTES", env.get("RECORDING_MAX_BYTES", str(50 * 1024 * 1024)), minimum=1
        ),
        "TIMEZONE": timezone,
        "BUSINESS_WEEKDAYS": weekdays,
        "BUSINESS_OPEN_MINUTE": open_min,
        "BUSINESS_CLOSE_MINUTE": close_min,
        "QUEUE_MAX_SIZE": parse_int("QUEUE_MAX_SIZE", env.get("QUEUE_MAX_SIZE", "20"), minimum=1),
        "IVR_LANGUAGE": env.get("IVR_LANGUAGE", "ko-KR"),
        "IVR_VOICE": env.get("IVR_VOICE", "Polly.Seoyeon"),
        "IVR_VOICE_EN": env.get("IVR_VOICE_EN", "Polly.Joanna"),
        "TRANSCRIBE_ENGINE": engine,
        # 1 = greedy. A beam of 3 cut faster-whisper's CER from 0.13 to 0.10 within the RTF
        # goal; a beam made openai-whisper 4x slower, so it stays greedy (docs/transcription.md).
        "TRANSCRIBE_BEAM_SIZE": parse_int(
            "TRANSCRIBE_BEAM_SIZE",
            env.get("TRANSCRIBE_BEAM_SIZE", "3" if engine == "faster-whisper" else "1"),
            minimum=1,
        ),
        # Workers load the model at start; the test suite's many short-lived workers load it
        # on their first transcription job instead.
        "TRANSCRIBE_PRELOAD": parse_boolean(
            "TRANSCRIBE_PRELOAD",
            env.get("TRANSCRIBE_PRELOAD", "false" if environment == "test" else "true"),
        ),
        # Transcription workers run at this nice value (at least), so the webhooks and the
        # routing worker on the same machine get the CPU first.
        "TRANSCRIBE_NICE": parse_int("TRANSCRIBE_NICE", env.get("TRANSCRIBE_NICE", "10")),
        "WHISPER_MODEL": env.get("WHISPER_MODEL") or str(models_dir / "whisper-base"),
        "MODELS_DIR": str(models_dir),
        # Longer recordings are not transcribed: the ticket goes to an operator instead.
        "RECORDING_MAX_SECONDS": parse_int(
            "RECORDING_MAX_SECONDS", env.get("RECORDING_MAX_SECONDS", "900"), minimum=1
        ),
        "TRANSCRIBE_TIMEOUT": parse_int(
            "TRANSCRIBE_TIMEOUT", env.get("TRANSCRIBE_TIMEOUT", "600"), minimum=10
        ),
        "SESSION_HOURS": parse_int("SESSION_HOURS", env.get("SESSION_HOURS", "9"), minimum=1),
        # Sign-in brute-force limits: per account (lockout) and per client address (Redis).
        "LOGIN_MAX_FAILURES": parse_int(
            "LOGIN_MAX_FAILURES", env.get("LOGIN_MAX_FAILURES", "5"), minimum=1
        ),
        "LOGIN_LOCK_MINUTES": parse_int(
            "LOGIN_LOCK_MINUTES", env.get("LOGIN_LOCK_MINUTES", "15"), minimum=1
        ),
        "LOGIN_IP_MAX_FAILURES": parse_int(
            "LOGIN_IP_MAX_FAILURES", env.get("LOGIN_IP_MAX_FAILURES", "20"), minimum=1
        ),
        "LOGIN_IP_WINDOW_MINUTES": parse_int(
            "LOGIN_IP_WINDOW_MINUTES", env.get("LOGIN_IP_WINDOW_MINUTES", "15"), minimum=1
        ),
        # How often an open inbox asks for newly routed tickets.
        "CONSOLE_POLL_SECONDS": parse_int(
            "CONSOLE_POLL_SECONDS", env.get("CONSOLE_POLL_SECONDS", "10"), minimum=1
        ),
        # Forms and webhooks are small; a larger body is refused (413) before it is read.
        "MAX_CONTENT_LENGTH": parse_int(
            "MAX_REQUEST_BYTES", env.get("MAX_REQUEST_BYTES", str(1024 * 1024)), minimum=1024
        ),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed
        # (0: none; the client address is the connection's). Behind one nginx: 1.
        "TRUSTED_PROXIES": parse_int("TRUSTED_PROXIES", env.get("TRUSTED_PROXIES", "0")),
        # Strict-Transport-Security: production is HTTPS only (PUBLIC_BASE_URL is checked).
        "HSTS_SECONDS": 365 * 24 * 3600 if production else 0,
        # Live calls (docs/live-calls.md): the browser softphone's access tokens.
        "TWILIO_API_KEY_SID": env.get("TWILIO_API_KEY_SID", ""),
        "TWILIO_API_KEY_SECRET": env.get("TWILIO_API_KEY_SECRET", ""),
        "TWILIO_TWIML_APP_SID": env.get("TWILIO_TWIML_APP_SID", ""),
        "TWILIO_CALLER_ID": env.get("TWILIO_CALLER_ID", ""),
        "VOICE_TOKEN_TTL_SECONDS": parse_int(
            "VOICE_TOKEN_TTL_SECONDS", env.get("VOICE_TOKEN_TTL_SECONDS", "3600"), minimum=60
        ),
        # Live calls: how long an offer rings, when a caller overflows to the next center,
        # the wrap-up after a call, and when a silent browser counts as signed out.
        "OFFER_TIMEOUT_SECONDS": parse_int(
            "OFFER_TIMEOUT_SECONDS", env.get("OFFER_TIMEOUT_SECONDS", "20"), minimum=5
        ),
        "OVERFLOW_AFTER_SECONDS": parse_int(
            "OVERFLOW_AFTER_SECONDS", env.get("OVERFLOW_AFTER_SECONDS", "60"), minimum=0
        ),
        "WRAP_UP_SECONDS": parse_int("WRAP_UP_SECONDS", env.get("WRAP_UP_SECONDS", "30")),
        "PRESENCE_TIMEOUT_SECONDS": parse_int(
            "PRESENCE_TIMEOUT_SECONDS", env.get("PRESENCE_TIMEOUT_SECONDS", "90"), minimum=10
        ),
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }
