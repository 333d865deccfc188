"""The committed Korean test clips and the non-speech fixtures are what the tests expect."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tools.korean_speech.make_clips import make_fixtures, read_list

ROOT = Path(__file__).resolve().parents[2]
AUDIO = ROOT / "tests" / "data" / "audio"
ROWS = read_list(AUDIO / "references.tsv")


def _topic_codes() -> set[str]:
    with (ROOT / "routing" / "data" / "topics.csv").open(encoding="utf-8") as f:
        return {row["code"] for row in csv.DictReader(f)}


def test_reference_list_is_well_formed() -> None:
    header = (AUDIO / "references.tsv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "file\ttext\ttopic"
    names = [row["file"] for row in ROWS]
    assert len(names) == len(set(names)) >= 10
    codes = _topic_codes()
    for row in ROWS:
        assert row["file"].startswith("ko_") and row["file"].endswith(".wav")
        assert row["topic"] in codes, row
        assert row["text"].startswith(("안녕하세요", "여보세요")), row["file"]


@pytest.mark.parametrize("row", ROWS, ids=[row["file"] for row in ROWS])
def test_clip_is_telephone_audio(row: dict[str, str]) -> None:
    info = sf.info(str(AUDIO / row["file"]))
    assert (info.samplerate, info.channels, info.subtype) == (8000, 1, "ULAW")
    long_form = row["file"].startswith("ko_long_")
    low, high = (25, 45) if long_form else (4, 13)
    assert low <= info.duration <= high, info.duration


def test_fixture_set_stays_small() -> None:
    assert sum(p.stat().st_size for p in AUDIO.iterdir()) < 2_200_000


def _rms(path: Path) -> float:
    audio, rate = sf.read(str(path), dtype="float32")
    assert rate == 8000
    return float(np.sqrt(np.mean(audio**2)))


def test_committed_fixtures_match_what_make_fixtures_writes(tmp_path: Path) -> None:
    make_fixtures(tmp_path)
    for name in ("silence.wav", "noise.wav", "corrupt.wav"):
        assert (tmp_path / name).read_bytes() == (AUDIO / name).read_bytes(), name


def test_silence_and_noise_fixtures() -> None:
    for name in ("silence.wav", "noise.wav"):
        info = sf.info(str(AUDIO / name))
        assert (info.samplerate, info.channels, info.subtype) == (8000, 1, "ULAW")
        assert info.duration == pytest.approx(10.0)
    silence, _ = sf.read(str(AUDIO / "silence.wav"), dtype="float32")
    assert np.all(silence[:8000] == 0.0)  # a second of digital silence
    assert 0 < _rms(AUDIO / "silence.wav") < 0.003  # then faint hiss
    assert _rms(AUDIO / "noise.wav") > 10 * _rms(AUDIO / "silence.wav")


def test_corrupt_fixture_is_a_wav_header_with_truncated_garbage() -> None:
    data = (AUDIO / "corrupt.wav").read_bytes()
    assert data[:4] == b"RIFF" and data[8:16] == b"WAVEfmt "
    declared = int.from_bytes(data[4:8], "little") + 8
    assert len(data) < declared  # the header promises far more than the file holds
    with pytest.raises(sf.LibsndfileError):
        sf.info(str(AUDIO / "corrupt.wav"))
