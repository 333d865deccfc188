"""What the flows need to know: the hotline's settings and the state of one call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("ko", "en")


@dataclass(frozen=True)
class IvrSettings:
    """Voice, language, business hours and queue size, taken from the app config."""

    language: str = "ko-KR"
    voice: str = "Polly.Seoyeon"
    language_en: str = "en-US"
    voice_en: str = "Polly.Joanna"
    timezone: str = "Asia/Seoul"
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    open_minute: int = 9 * 60
    close_minute: int = 18 * 60
    queue_max: int = 20

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> IvrSettings:
        """Build from a Flask config mapping (keys as in callcenter.config)."""
        return cls(
            language=config["IVR_LANGUAGE"],
            voice=config["IVR_VOICE"],
            voice_en=config["IVR_VOICE_EN"],
            timezone=config["TIMEZONE"],
            weekdays=tuple(config["BUSINESS_WEEKDAYS"]),
            open_minute=config["BUSINESS_OPEN_MINUTE"],
            close_minute=config["BUSINESS_CLOSE_MINUTE"],
            queue_max=config["QUEUE_MAX_SIZE"],
        )

    def voice_for(self, lang: str) -> dict[str, str]:
        """``voice`` and ``language`` attributes of <Say> for the caller's language."""
        if lang == "en":
            return {"voice": self.voice_en, "language": self.language_en}
        return {"voice": self.voice, "language": self.language}

    def speech_language(self, lang: str) -> str:
        """The speech recogniser's language for <Gather>."""
        return self.language_en if lang == "en" else self.language


@dataclass(frozen=True)
class CallState:
    """One call as the flows see it; the web layer builds it from the Call row."""

    lang: str = "ko"
    region_known: bool = False  # the number gave a region, or the caller already answered
    caller_known: bool = True  # caller ID present: needed for lookup, callback and SMS
    open_now: bool = True  # within business hours and not a public holiday
    queue_full: bool = False
    live_queue: str | None = None  # the routed center's queue, for a caller asking for a person
