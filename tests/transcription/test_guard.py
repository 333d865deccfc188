"""The hallucination guard on what Whisper base really produced on silence and noise."""

from __future__ import annotations

from transcription.engines import DecodeOptions, Segment
from transcription.guard import clean_segments, collapse_loops, normalise

OPTIONS = DecodeOptions(
    initial_prompt="중소기업 기술 지원 상담 전화입니다. 주조, 금형, 기계, 전기전자, 자금."
)


def _segment(text: str, no_speech: float = 0.05, logprob: float = -0.3, ratio: float = 1.5):
    return Segment(0.0, 3.0, text, logprob, no_speech, ratio)


def test_word_loops_are_cut_to_one():
    text, cut = collapse_loops("금형에 " + "버가 " * 12 + "생겨요")
    assert (text, cut) == ("금형에 버가 생겨요", True)


def test_phrase_loops_are_cut_to_one():
    text, cut = collapse_loops("안녕하세요. " + "주물 불량 문의 " * 5 + "드립니다")
    assert (text, cut) == ("안녕하세요. 주물 불량 문의 드립니다", True)


def test_loops_without_spaces_are_cut():
    assert collapse_loops("네네네네네네네네 알겠습니다") == ("네 알겠습니다", True)


def test_ordinary_sentences_are_untouched():
    sentence = "도금 두께가 두 번 세 번 측정해도 다르게 나와요"
    assert collapse_loops(sentence) == (sentence, False)


def test_confident_loop_on_likely_silence_is_dropped():
    """openai-whisper base on line silence with the domain prompt (measured output)."""
    looped = _segment(", ".join(["비주얼"] * 56), no_speech=0.84, logprob=-0.11, ratio=9.0)
    kept, report = clean_segments([looped], OPTIONS)
    assert kept == []
    assert report.dropped_no_speech == 1


def test_prompt_echo_is_dropped():
    """faster-whisper base on noise read back part of its prompt (measured output)."""
    echo = _segment("기계, 기계, 전기전자,", no_speech=0.4, logprob=-0.9)
    kept, report = clean_segments([echo], OPTIONS)
    assert kept == []
    assert report.dropped_prompt_echo == 1


def test_subtitle_endings_are_dropped_even_when_confident():
    invented = [_segment("시청해주셔서 감사합니다."), _segment("구독과 좋아요 부탁드립니다!")]
    kept, report = clean_segments(invented, OPTIONS)
    assert kept == []
    assert report.dropped_invented == 2


def test_speech_is_kept_with_its_timing():
    real = Segment(1.2, 6.5, "알루미늄 주물에 수축공이 생깁니다.", -0.35, 0.02, 1.3)
    kept, report = clean_segments([real], OPTIONS)
    assert kept == [real]
    assert report.dropped_no_speech == report.dropped_invented == report.dropped_prompt_echo == 0


def test_a_sentence_repeated_across_segments_is_kept_twice_at_most():
    same = [_segment("용접 부위에 균열이 생겨요.") for _ in range(4)]
    kept, report = clean_segments(same, OPTIONS)
    assert len(kept) == 2
    assert report.dropped_repeats == 2


def test_normalise_ignores_spacing_and_punctuation():
    assert normalise("시청해 주셔서, 감사합니다!") == normalise("시청해주셔서 감사합니다")
