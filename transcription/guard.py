"""Hallucination guard: what Whisper invents on silence, noise or loops never reaches a ticket.

Whisper trained on subtitles fills silence with video endings ("시청해주셔서 감사합니다"),
echoes its prompt when it hears nothing, and can loop on one word. Segments it is unsure
hold speech at all are dropped (its own no-speech rule), known inventions are dropped,
and repetition loops are cut to one occurrence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from transcription.engines import DecodeOptions, Segment

# Subtitle and broadcast phrases Whisper invents on Korean silence or noise (normalised:
# no spaces or punctuation). A caller to a technical hotline does not say these.
INVENTED_PHRASES = (
    "시청해주셔서감사합니다",
    "시청해주셔서고맙습니다",
    "시청해주신여러분감사합니다",
    "구독과좋아요",
    "구독좋아요",
    "좋아요와구독",
    "알림설정",
    "다음영상에서만나요",
    "다음영상에서뵙겠습니다",
    "영상편집",
    "자막제공",
    "자막을사용",
    "한글자막",
    "자막by",
    "mbc뉴스",
    "kbs뉴스",
    "sbs뉴스",
    "기자입니다",
)
# Units repeated this many times in a row are a loop, not speech.
WORD_LOOP_REPEATS = 4
PHRASE_LOOP_REPEATS = 3
MAX_LOOP_WORDS = 8
# Digits are left alone: "10000" is a number, not a loop.
_CHAR_LOOP = re.compile(r"([^\s\d]{1,20}?)\1{3,}")
_WORD = re.compile(r"\w+", re.UNICODE)
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Lower-case letters, digits and Hangul only: for comparing phrases."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).lower())


def collapse_loops(text: str) -> tuple[str, bool]:
    """Cut runs of a repeated word or phrase to one occurrence; returns (text, cut?)."""
    words = text.split()
    cut = False
    for size in range(1, MAX_LOOP_WORDS + 1):
        needed = WORD_LOOP_REPEATS if size == 1 else PHRASE_LOOP_REPEATS
        i = 0
        out: list[str] = []
        while i < len(words):
            unit = [normalise(w) for w in words[i : i + size]]
            repeats = 1
            while (
                len(unit) == size
                and [normalise(w) for w in words[i + repeats * size : i + (repeats + 1) * size]]
                == unit
            ):
                repeats += 1
            if len(unit) == size and repeats >= needed:
                out.extend(words[i : i + size])
                i += repeats * size
                cut = True
            else:
                out.append(words[i])
                i += 1
        words = out
    joined = " ".join(words)
    # A loop without spaces ("네네네네네", "하하하하") is cut the same way.
    collapsed = _CHAR_LOOP.sub(r"\1", joined)
    return collapsed, cut or collapsed != joined


@dataclass(frozen=True)
class GuardReport:
    """What the guard removed, for logs and the transcript row."""

    dropped_no_speech: int = 0
    dropped_invented: int = 0
    dropped_prompt_echo: int = 0
    dropped_repeats: int = 0
    loops_cut: int = 0


def _is_invented(norm: str) -> bool:
    return any(phrase in norm for phrase in INVENTED_PHRASES)


def _is_prompt_echo(text: str, norm: str, prompt: str) -> bool:
    """Heard nothing, Whisper may read back its prompt: a run or a list of its words only."""
    if len(norm) >= 4 and norm in normalise(prompt):
        return True
    words = [w.lower() for w in _WORD.findall(text)]
    prompt_words = {w.lower() for w in _WORD.findall(prompt)}
    return len(words) >= 2 and all(w in prompt_words for w in words)


def clean_segments(
    segments: list[Segment], options: DecodeOptions
) -> tuple[list[Segment], GuardReport]:
    """Drop invented or empty segments and cut loops; the rest keep their timing."""
    prompt = options.initial_prompt or ""
    kept: list[Segment] = []
    counts = {"no_speech": 0, "invented": 0, "echo": 0, "repeats": 0, "loops": 0}
    for segment in segments:
        text, cut = collapse_loops(segment.text.strip())
        norm = normalise(text)
        # Whisper's own rule (likely silence and a poor decode means nothing was said),
        # widened: on likely silence a confident loop is invented too ("비주얼, 비주얼, ...").
        looped = cut or segment.compression_ratio > options.compression_ratio_threshold
        if segment.no_speech_prob > options.no_speech_threshold and (
            segment.avg_logprob < options.logprob_threshold or looped
        ):
            counts["no_speech"] += 1
            continue
        if not norm:
            counts["no_speech"] += 1
            continue
        if _is_invented(norm):
            counts["invented"] += 1
            continue
        if prompt and _is_prompt_echo(text, norm, prompt):
            counts["echo"] += 1
            continue
        # The same sentence again and again across segments is a loop too.
        if len(kept) >= 2 and all(normalise(k.text) == norm for k in kept[-2:]):
            counts["repeats"] += 1
            continue
        counts["loops"] += int(cut)
        kept.append(replace(segment, text=text))
    report = GuardReport(
        dropped_no_speech=counts["no_speech"],
        dropped_invented=counts["invented"],
        dropped_prompt_echo=counts["echo"],
        dropped_repeats=counts["repeats"],
        loops_cut=counts["loops"],
    )
    return kept, report
