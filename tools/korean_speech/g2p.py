"""Korean text -> pronunciation (Hangul) -> phonemes that Kokoro-82M accepts.

Kokoro has no Korean front end, but it speaks IPA. This converter first applies the
standard pronunciation rules (표준 발음법) to get the spoken form written in Hangul
(국물 -> 궁물, 같이 -> 가치, 좋고 -> 조코, 먹다 -> 먹따), then maps jamo to the phoneme set
Kokoro was trained with, with the main allophones (lenis stops voiced between voiced
sounds, ㅅ -> ɕ before i/j, unreleased final stops).

Morphology (which ㄹ is an adnominal ending, which stem is a verb) matters for a few
tensification rules; kiwipiepy answers that when it is installed (it is a runtime
dependency of the project) and the rules fall back to spelling alone otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from transcription.textnorm import spell_out

ONSETS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
NUCLEI = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
CODAS = ("", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ",
         "ㅀ", "ㅁ", "ㅂ", "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ")  # fmt: skip
_BASE = 0xAC00

# Final-consonant neutralisation (음절의 끝소리 규칙): what a coda sounds like before a
# consonant or a pause.
NEUTRAL = {
    "ㄱ": "ㄱ", "ㄲ": "ㄱ", "ㅋ": "ㄱ", "ㄳ": "ㄱ", "ㄺ": "ㄱ",
    "ㄴ": "ㄴ", "ㄵ": "ㄴ", "ㄶ": "ㄴ",
    "ㄷ": "ㄷ", "ㅅ": "ㄷ", "ㅆ": "ㄷ", "ㅈ": "ㄷ", "ㅊ": "ㄷ", "ㅌ": "ㄷ", "ㅎ": "ㄷ",
    "ㄹ": "ㄹ", "ㄼ": "ㄹ", "ㄽ": "ㄹ", "ㄾ": "ㄹ", "ㅀ": "ㄹ",
    "ㅁ": "ㅁ", "ㄻ": "ㅁ",
    "ㅂ": "ㅂ", "ㅍ": "ㅂ", "ㅄ": "ㅂ", "ㄿ": "ㅂ",
    "ㅇ": "ㅇ", "": "",
}  # fmt: skip
# Double codas: (what stays, what moves to a following vowel).
SPLIT = {"ㄳ": ("ㄱ", "ㅆ"), "ㄵ": ("ㄴ", "ㅈ"), "ㄶ": ("ㄴ", "ㅎ"), "ㄺ": ("ㄹ", "ㄱ"),
         "ㄻ": ("ㄹ", "ㅁ"), "ㄼ": ("ㄹ", "ㅂ"), "ㄽ": ("ㄹ", "ㅆ"), "ㄾ": ("ㄹ", "ㅌ"),
         "ㄿ": ("ㄹ", "ㅍ"), "ㅀ": ("ㄹ", "ㅎ"), "ㅄ": ("ㅂ", "ㅆ")}  # fmt: skip
TENSE = {"ㄱ": "ㄲ", "ㄷ": "ㄸ", "ㅂ": "ㅃ", "ㅅ": "ㅆ", "ㅈ": "ㅉ"}
ASPIRATE = {"ㄱ": "ㅋ", "ㄷ": "ㅌ", "ㅂ": "ㅍ", "ㅈ": "ㅊ"}
NASAL = {"ㄱ": "ㅇ", "ㄷ": "ㄴ", "ㅂ": "ㅁ"}
OBSTRUENT_CODAS = frozenset("ㄱㄷㅂ")
# Words whose pronunciation breaks the general rules (ㄴ+ㄹ read ㄴㄴ in these compounds).
RESPELL = {"생산량": "생산냥", "판단력": "판단녁", "결단력": "결딴녁", "의견란": "의견난"}

_HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass
class Syllable:
    """One spoken syllable; `tense_after` marks a morpheme boundary that tenses what follows."""

    onset: str
    nucleus: str
    coda: str
    tense_after: bool = False

    @classmethod
    def from_char(cls, char: str) -> Syllable:
        """Decompose a precomposed Hangul syllable."""
        index = ord(char) - _BASE
        return cls(ONSETS[index // 588], NUCLEI[index % 588 // 28], CODAS[index % 28])

    def to_char(self) -> str:
        """Recompose into one Hangul syllable."""
        index = ONSETS.index(self.onset) * 588 + NUCLEI.index(self.nucleus) * 28
        return chr(_BASE + index + CODAS.index(self.coda))


Item = Syllable | str  # a syllable, or a separator: " " inside a phrase, punctuation between


def _join(a: Syllable, b: Syllable, same_word: bool) -> None:
    """Apply the sound changes at the boundary between two adjacent syllables, in place."""
    coda, onset = a.coda, b.onset
    if not coda:
        return
    if a.tense_after and onset in TENSE:
        b.onset = TENSE[onset]
        onset = b.onset
    # ㅎ in the coda: aspiration (좋고 -> 조코), ㅆ (좋소 -> 조쏘), ㄴ (놓는 -> 논는),
    # silent before a vowel (좋아 -> 조아, 많아 -> 마나).
    if coda in ("ㅎ", "ㄶ", "ㅀ") and same_word:
        rest = "" if coda == "ㅎ" else SPLIT[coda][0]
        if onset in ASPIRATE:
            a.coda, b.onset = rest, ASPIRATE[onset]
        elif onset == "ㅅ":
            a.coda, b.onset = rest, "ㅆ"
        elif onset == "ㅇ":
            a.coda, b.onset = "", rest or "ㅇ"
        elif onset == "ㄴ":
            a.coda = rest or "ㄴ"
            if a.coda == "ㄹ":
                b.onset = "ㄹ"
        else:
            a.coda = NEUTRAL[coda]
        return
    # Obstruent + ㅎ: aspiration, across words too (축하 -> 추카, 못 해요 -> 모 태요).
    if onset == "ㅎ" and (NEUTRAL[coda] in OBSTRUENT_CODAS or coda in ("ㄺ", "ㄼ", "ㄵ")):
        if coda in ("ㄺ", "ㄼ", "ㄵ"):
            a.coda, last = SPLIT[coda]  # 밝히다 -> 발키다, 앉히다 -> 안치다
        else:
            a.coda, last = "", coda if coda in ASPIRATE else NEUTRAL[coda]
        b.onset = ASPIRATE[last]
        if b.onset == "ㅌ" and b.nucleus == "ㅣ" and same_word:
            b.onset = "ㅊ"  # 닫히다 -> 다치다
        return
    # Liaison (연음): the coda moves to a following vowel within the word.
    if onset == "ㅇ" and same_word:
        if coda == "ㅇ":
            return
        if coda in ("ㄷ", "ㅌ", "ㄾ") and b.nucleus == "ㅣ":
            # Palatalisation (구개음화): 굳이 -> 구지, 같이 -> 가치.
            moved = {"ㄷ": "ㅈ", "ㅌ": "ㅊ", "ㄾ": "ㅊ"}[coda]
            a.coda, b.onset = ("ㄹ" if coda == "ㄾ" else ""), moved
            return
        if coda in SPLIT:
            a.coda, b.onset = SPLIT[coda]
        else:
            a.coda, b.onset = "", coda
        return
    if onset == "ㅇ":
        a.coda = NEUTRAL[coda]
        return
    neutral = NEUTRAL[coda]
    if coda == "ㄺ" and onset == "ㄱ" and same_word:
        neutral = "ㄹ"  # 맑게 -> 말께
    if coda == "ㄼ" and a.onset == "ㅂ" and a.nucleus == "ㅏ":
        neutral = "ㅂ"  # 밟다 -> 밥따
    # Tensification (경음화) after an obstruent, and after the verb-stem clusters
    # ㄵ ㄻ ㄼ ㄾ (앉고 -> 안꼬, 삶다 -> 삼따, 넓게 -> 널께).
    if onset in TENSE and (
        neutral in OBSTRUENT_CODAS or (same_word and coda in ("ㄵ", "ㄻ", "ㄼ", "ㄾ", "ㄺ"))
    ):
        b.onset = TENSE[onset]
    # ㄹ after a consonant other than ㄹ/ㄴ is read ㄴ (담력 -> 담녁, 국립 -> 궁닙).
    if onset == "ㄹ" and neutral not in ("ㄹ", "ㄴ"):
        b.onset = "ㄴ"
    # Nasalisation (비음화): 국물 -> 궁물, 합니다 -> 함니다.
    if b.onset in ("ㄴ", "ㅁ") and neutral in NASAL:
        neutral = NASAL[neutral]
    # Lateralisation (유음화): 신라 -> 실라, 칼날 -> 칼랄.
    if neutral == "ㄴ" and b.onset == "ㄹ":
        neutral = "ㄹ"
    elif neutral == "ㄹ" and b.onset == "ㄴ":
        b.onset = "ㄹ"
    a.coda = neutral


def _fix_vowels(s: Syllable, word_initial: bool, possessive: bool) -> None:
    """Vowel simplifications: 의 -> 이/에, 희 -> 히, 계 -> 게, 져 -> 저."""
    if s.nucleus == "ㅢ":
        if s.onset != "ㅇ":
            s.nucleus = "ㅣ"
        elif possessive:
            s.nucleus = "ㅔ"
        elif not word_initial:
            s.nucleus = "ㅣ"
    if s.nucleus == "ㅖ" and s.onset not in ("ㅇ", "ㄹ"):
        s.nucleus = "ㅔ"
    if s.onset in ("ㅈ", "ㅉ", "ㅊ") and s.nucleus in ("ㅕ", "ㅑ", "ㅛ", "ㅠ", "ㅒ"):
        s.nucleus = {"ㅕ": "ㅓ", "ㅑ": "ㅏ", "ㅛ": "ㅗ", "ㅠ": "ㅜ", "ㅒ": "ㅐ"}[s.nucleus]


@cache
def _kiwi() -> Any | None:
    """The Kiwi morphological analyser, or None when kiwipiepy is not installed."""
    try:
        from kiwipiepy import Kiwi
    except ImportError:
        return None
    return Kiwi()


def _morphology_marks(text: str) -> tuple[set[int], set[int]]:
    """Character offsets after which a consonant tenses, and offsets of possessive 의.

    Tensing points: the adnominal -ㄹ (할 수 -> 할 쑤), endings in -ㄹ (할게요 -> 할께요),
    verb stems in ㄴ/ㅁ before an ending (신고 -> 신꼬), Sino-Korean ㄹ + ㄷㅅㅈ (발전 -> 발쩐).
    """
    kiwi = _kiwi()
    tense: set[int] = set()
    possessive: set[int] = set()
    if kiwi is None:
        return tense, possessive
    tokens = kiwi.tokenize(text)
    for i, tok in enumerate(tokens):
        tag, form, end = tok.tag, tok.form, tok.start + tok.len - 1
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tag == "ETM" and form in ("ᆯ", "을"):
            tense.add(end)
        elif tag.startswith("E") and form.startswith(("ᆯ", "을")) and len(form) > 1:
            tense.add(tok.start)
        elif tag == "JKG" and form == "의":
            possessive.add(tok.start)
        elif tag.startswith(("VV", "VA", "VX")) and nxt is not None and nxt.tag.startswith("E"):
            # The stem's own final ㄴ/ㅁ, not one from a fused ending (간다 is 가 + ㄴ다).
            if _HANGUL.match(form[-1]) and Syllable.from_char(form[-1]).coda in ("ㄴ", "ㅁ"):
                if nxt.start == end + 1:
                    tense.add(end)
        elif tag == "NNG" and tok.len > 1:
            for j in range(tok.start, end):
                if Syllable.from_char(text[j]).coda == "ㄹ" and _HANGUL.match(text[j + 1]):
                    if Syllable.from_char(text[j + 1]).onset in ("ㄷ", "ㅅ", "ㅈ"):
                        tense.add(j)
    return tense, possessive


def _items(text: str, morphology: bool) -> list[Item]:
    """Split text into syllables and separators, with morphology marks applied."""
    tense, possessive = _morphology_marks(text) if morphology else (set(), set())
    items: list[Item] = []
    word_start = True
    for offset, char in enumerate(text):
        if _HANGUL.match(char):
            syl = Syllable.from_char(char)
            syl.tense_after = offset in tense
            _fix_vowels(syl, word_start, offset in possessive)
            items.append(syl)
            word_start = False
        else:
            word_start = True
            sep = " " if char.isspace() else char
            if items and isinstance(items[-1], str) and items[-1] != " " and sep == " ":
                continue  # keep the punctuation, drop the space after it
            if items and items[-1] == " " and sep != " ":
                items[-1] = sep
            else:
                items.append(sep)
    return items


def prepare(text: str) -> str:
    """Spell out digits and Latin letters and apply the word respellings."""
    text = spell_out(text)
    for word, spoken in RESPELL.items():
        text = text.replace(word, spoken)
    return text


def pronounce_items(text: str, morphology: bool = True) -> list[Item]:
    """Apply the pronunciation rules; returns syllables and separators."""
    items = _items(prepare(text), morphology)
    for i, item in enumerate(items):
        if not isinstance(item, Syllable):
            continue
        nxt = items[i + 1] if i + 1 < len(items) else None
        if isinstance(nxt, Syllable):
            _join(item, nxt, same_word=True)
        elif nxt == " " and i + 2 < len(items) and isinstance(items[i + 2], Syllable):
            after = items[i + 2]
            assert isinstance(after, Syllable)
            _join(item, after, same_word=False)
        else:
            item.coda = NEUTRAL[item.coda]
    return items


def pronounce(text: str, morphology: bool = True) -> str:
    """Korean text as it is pronounced, in Hangul: "국물이 같이" -> "궁무리 가치"."""
    return "".join(
        i.to_char() if isinstance(i, Syllable) else i for i in pronounce_items(text, morphology)
    )


@dataclass(frozen=True)
class PhonemeStyle:
    """Choices in mapping Korean sounds onto Kokoro's phoneme set (tuned by ear and CER)."""

    eo: str = "ʌ"  # ㅓ: ʌ beat ɔ (CER 0.086 vs 0.128) and ə (0.170)
    eu: str = "ɯ"  # ㅡ
    u: str = "u"  # ㅜ
    ae: str = "e"  # ㅐ and ㅔ have merged in Seoul speech
    coda_k: str = "k"
    coda_t: str = "t"
    coda_p: str = "p"
    geminate_tense: bool = False  # ʔ before a tense consonant after a vowel (Japanese っ)
    voice_across_words: bool = False


_VOWELS = {"ㅏ": "a", "ㅗ": "o", "ㅣ": "i", "ㅚ": "we", "ㅟ": "wi", "ㅢ": "ɯi",
           "ㅑ": "ja", "ㅛ": "jo", "ㅘ": "wa", "ㅙ": "we", "ㅞ": "we"}  # fmt: skip
_ASPIRATED = {"ㅋ": "kʰ", "ㅌ": "tʰ", "ㅍ": "pʰ", "ㅊ": "ʨʰ"}
_TENSE_IPA = {"ㄲ": "k", "ㄸ": "t", "ㅃ": "p", "ㅉ": "ʨ"}
_LENIS = {"ㄱ": ("k", "ɡ"), "ㄷ": ("t", "d"), "ㅂ": ("p", "b"), "ㅈ": ("ʨ", "ʥ")}
_SONORANT_CODAS = frozenset(("", "ㄴ", "ㄹ", "ㅁ", "ㅇ"))


def _vowel(nucleus: str, style: PhonemeStyle) -> str:
    table = {"ㅓ": style.eo, "ㅡ": style.eu, "ㅜ": style.u, "ㅐ": style.ae, "ㅔ": "e",
             "ㅕ": "j" + style.eo, "ㅠ": "j" + style.u, "ㅝ": "w" + style.eo,
             "ㅒ": "j" + style.ae, "ㅖ": "je"}  # fmt: skip
    return table.get(nucleus) or _VOWELS[nucleus]


def _onset(s: Syllable, prev: Syllable | None, vowel: str) -> str:
    """The onset's phoneme; prev is the preceding syllable when they are run together."""
    o = s.onset
    voiced = prev is not None and prev.coda in _SONORANT_CODAS
    front = vowel[0] in "ij" or vowel.startswith("wi")
    if o in _LENIS:
        return _LENIS[o][1] if voiced else _LENIS[o][0]
    if o in _ASPIRATED:
        return _ASPIRATED[o]
    if o in _TENSE_IPA:
        return _TENSE_IPA[o]
    if o in ("ㅅ", "ㅆ"):
        return "ɕ" if front else "s"
    if o == "ㄹ":
        return "l" if prev is not None and prev.coda == "ㄹ" else "ɾ"
    if o == "ㅎ":
        return "ç" if vowel[0] in "ij" else "h"
    return {"ㄴ": "n", "ㅁ": "m", "ㅇ": ""}[o]


def to_phonemes(text: str, style: PhonemeStyle | None = None, morphology: bool = True) -> str:
    """Korean text -> a Kokoro phoneme string."""
    style = style or PhonemeStyle()
    codas = {"ㄱ": style.coda_k, "ㄷ": style.coda_t, "ㅂ": style.coda_p,
             "ㄴ": "n", "ㄹ": "l", "ㅁ": "m", "ㅇ": "ŋ", "": ""}  # fmt: skip
    out: list[str] = []
    prev: Syllable | None = None  # the syllable run together with the next one
    for item in pronounce_items(text, morphology):
        if isinstance(item, str):
            if item == " ":
                out.append(" ")
                prev = prev if style.voice_across_words else None
            else:
                out.append(item if item in ",.?!" else ",")
                out.append(" ")
                prev = None
            continue
        vowel = _vowel(item.nucleus, style)
        onset = _onset(item, prev, vowel)
        if style.geminate_tense and item.onset in ("ㄲ", "ㄸ", "ㅃ", "ㅉ", "ㅆ"):
            if prev is not None and prev.coda == "" and out and out[-1] != " ":
                onset = "ʔ" + onset
        out.append(onset + vowel + codas[item.coda])
        prev = item
    return re.sub(r"\s+", " ", "".join(out)).strip()
