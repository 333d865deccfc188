"""The web server's worker hook: the loaded app is frozen out of the cyclic GC's scans."""

from __future__ import annotations

import gc

from callcenter.gunicorn_config import post_worker_init


def test_a_worker_freezes_what_it_loaded_and_keeps_collecting_the_rest():
    before = gc.get_freeze_count()
    try:
        post_worker_init(None)
        assert gc.get_freeze_count() > before
        assert gc.isenabled()  # new garbage is still collected
    finally:
        gc.unfreeze()


def test_workers_are_threaded_with_timeouts():
    from callcenter import gunicorn_config

    assert gunicorn_config.worker_class == "gthread" and gunicorn_config.threads >= 4
    assert 0 < gunicorn_config.timeout <= 60 and gunicorn_config.keepalive <= 10


def test_the_master_makes_files_private():
    import os

    from callcenter.gunicorn_config import on_starting

    before = os.umask(0o022)
    try:
        on_starting(None)
        assert os.umask(0o022) == 0o077
    finally:
        os.umask(before)
