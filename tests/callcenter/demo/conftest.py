"""The simulator and the demo drive the voice webhooks: the same clock, settings and session.

The live server is the suite's own `live_server` fixture (tests/conftest.py).
"""

from tests.callcenter.voice.conftest import (  # noqa: F401  (fixtures used here too)
    _voice_settings,
    session,
    voice_config,
    voice_time,
)
