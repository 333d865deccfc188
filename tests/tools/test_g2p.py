"""The Korean pronunciation rules of the test-speech G2P, on standard textbook examples."""

from __future__ import annotations

import pytest

from tools.korean_speech.g2p import Syllable, pronounce, to_phonemes
from tools.korean_speech.synthesize import vocabulary

RULES = [
    # 비음화 nasalisation
    ("국물", "궁물"),
    ("합니다", "함니다"),
    ("받는", "반는"),
    ("먹는", "멍는"),
    # ㄹ after other consonants, and 유음화 lateralisation
    ("종로", "종노"),
    ("담력", "담녁"),
    ("국립", "궁닙"),
    ("협력", "혐녁"),
    ("신라", "실라"),
    ("칼날", "칼랄"),
    # 구개음화 palatalisation
    ("같이", "가치"),
    ("굳이", "구지"),
    ("닫히다", "다치다"),
    # 격음화 aspiration and ㅎ
    ("좋고", "조코"),
    ("많다", "만타"),
    ("축하", "추카"),
    ("좁히다", "조피다"),
    ("밝히다", "발키다"),
    ("앉히다", "안치다"),
    ("좋소", "조쏘"),
    ("놓는", "논는"),
    ("좋아", "조아"),
    ("많아", "마나"),
    ("싫어", "시러"),
    ("뚫는", "뚤른"),
    # 경음화 tensification
    ("먹다", "먹따"),
    ("학교", "학꾜"),
    ("국밥", "국빱"),
    ("옷고름", "옫꼬름"),
    ("앉고", "안꼬"),
    ("삶다", "삼따"),
    ("넓게", "널께"),
    ("맑게", "말께"),
    ("밟다", "밥따"),
    # 연음 liaison, double codas
    ("앉아", "안자"),
    ("읽어", "일거"),
    ("닭이", "달기"),
    ("값이", "갑씨"),
    ("있어요", "이써요"),
    # 음절의 끝소리 neutralisation
    ("부엌", "부억"),
    ("옷", "옫"),
    ("잎", "입"),
    ("닭", "닥"),
    ("값", "갑"),
    # vowels
    ("희망", "히망"),
    ("시계", "시게"),
    ("회의", "회이"),
    ("의사", "의사"),
    ("가져", "가저"),
]


@pytest.mark.parametrize(("written", "spoken"), RULES)
def test_standard_pronunciation_rules(written: str, spoken: str) -> None:
    assert pronounce(written, morphology=False) == spoken


MORPHOLOGY = [
    ("할 수 있어요", "할 쑤 이써요"),  # adnominal -ㄹ tenses the next word
    ("할게요", "할께요"),
    ("어떻게 해야 할지", "어떠케 해야 할찌"),
    ("신고 나서", "신꼬 나서"),  # verb stem ㄴ + ending (to wear)
    ("발전", "발쩐"),  # Sino-Korean ㄹ + ㄷㅅㅈ
    ("결정", "결쩡"),
    ("나라의 발전", "나라에 발쩐"),  # possessive 의
]


@pytest.mark.parametrize(("written", "spoken"), MORPHOLOGY)
def test_rules_that_need_morphology(written: str, spoken: str) -> None:
    assert pronounce(written) == spoken


def test_rules_apply_across_words_only_where_speech_links_them() -> None:
    # Aspiration and tensification link words in a phrase; liaison does not.
    assert pronounce("못 해요", morphology=False) == "모 태요"
    assert pronounce("책 보고", morphology=False) == "책 뽀고"
    assert pronounce("책 위", morphology=False) == "책 위"
    # Punctuation breaks the phrase: the coda is only neutralised.
    assert pronounce("옷, 가방", morphology=False) == "옫,가방"


def test_numbers_and_latin_letters_are_read_in_korean() -> None:
    assert pronounce("3차원", morphology=False) == "삼차원"
    assert pronounce("KC 인증", morphology=False) == "케이씨 인증"
    assert pronounce("부품 3개", morphology=False) == "부품 세개"


def test_syllables_round_trip() -> None:
    for char in "가힣닭값뷁":
        assert Syllable.from_char(char).to_char() == char


def test_phonemes_use_only_the_models_symbols() -> None:
    text = "안녕하세요, 저희는 김해시에 있는 회사인데요. 3D 프린터를 빌릴 수 있나요?"
    phonemes = to_phonemes(text)
    assert set(phonemes) <= set(vocabulary())
    assert phonemes.startswith("an")
    assert "?" in phonemes


def test_phoneme_allophones() -> None:
    # Lenis stops are voiceless at the start of a word and voiced between vowels.
    assert to_phonemes("기기", morphology=False).startswith("kiɡi")
    # ㅅ is ɕ before i; aspirated stops carry ʰ; ㅇ final is ŋ.
    assert to_phonemes("시키다", morphology=False).startswith("ɕikʰi")
    assert to_phonemes("공", morphology=False).endswith("ŋ")
