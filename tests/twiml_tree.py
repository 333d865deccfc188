"""Reading TwiML as an XML tree in tests (never string snapshots)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

from twilio.twiml.voice_response import VoiceResponse


def tree(twiml: VoiceResponse | str | bytes) -> ET.Element:
    """The <Response> element of a VoiceResponse or an HTTP body."""
    root = ET.fromstring(str(twiml) if isinstance(twiml, VoiceResponse) else twiml)
    assert root.tag == "Response"
    return root


def verbs(root: ET.Element) -> list[str]:
    """Top-level verb names in order."""
    return [child.tag for child in root]


def says(root: ET.Element) -> list[ET.Element]:
    """Every <Say>, nested ones included, in document order."""
    return list(root.iter("Say"))


def spoken(root: ET.Element) -> str:
    """All the text the caller hears, joined."""
    return " ".join(s.text or "" for s in says(root))


def url_parts(url: str | None) -> tuple[str, dict[str, str]]:
    """(path, single-valued query) of an action URL."""
    assert url is not None
    parts = urlsplit(url)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}
