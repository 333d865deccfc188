"""The simulator and the demo drive the voice webhooks: the same live server, clock and session."""

from tests.callcenter.voice.conftest import (  # noqa: F401  (fixtures used here too)
    _voice_settings,
    session,
    voice_config,
    voice_time,
)
