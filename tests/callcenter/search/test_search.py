"""The search index finds exactly what a LIKE over every text finds, and follows every write."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import and_, delete, func, or_, select

from callcenter.console.queries import InboxFilter, inbox_page
from callcenter.db import db
from callcenter.demo.history import generate
from callcenter.models import Call, Recording, Ticket, Transcript, User
from callcenter.search import index as search_index
from callcenter.search.match import decided_by_index, like_pattern
from callcenter.search.terms import bigrams, fold
from callcenter.services import workflow
from callcenter.supervisor.calllog import search_condition
from tests.factories import make_ticket, make_user

# (transcript, typed summary) per ticket; None: no transcript (callback) or no summary.
TEXTS = [
    ("프레스 금형 수명이 너무 짧아서 자주 교체하고 있습니다.", None),
    ("금형 캐비티 부분이 빨리 마모돼서 치수가 안 맞습니다.", None),
    ("도금이 자꾸 벗겨집니다. 도금 두께는 5%입니다", None),
    ("스테인리스 용접 부위에 균열이 생깁니다.", "레이저 용접 품질 문의"),
    (None, "금형_설계 상담 요청, 캐비티 수정"),
    ("불량이 5000개 나왔어요 50%는 재작업", None),
    ("CNC 가공 문의드립니다 cnc 장비 공동활용", None),
    ("Laser welding 장비가 있나요?", None),
    ("금형  수리 문의 (두 칸 띄움)", None),
    ("", "여보세요 여보세요"),  # nothing was heard; the operator typed what the caller wants
    ("네 네 금 형 그러니까요", None),
    ("동진금형 대표입니다. 100\\200 규격 문의", None),
    ("ΟΔΟΣ 표지판 İstanbul 수출 문의", None),
]

QUERIES = [
    "금형",
    "도금",
    "용접",
    "캐비티",
    "금",  # one character: LIKE alone
    "형",
    "수명이 너무",
    "금형 수명",  # the call log: one phrase; the inbox: two words
    "금형  수리",
    "금형 수리",
    "벗겨집니다.",
    "5%",
    "50%",
    "%",
    "_",
    "금형_설계",
    "5_0",
    "cnc",
    "CNC",
    "laser",
    "la",  # two cased letters: the index folds case, LIKE on PostgreSQL does not
    "La",
    "여보세요",
    "레이저 균열",  # the inbox: one word in the summary, the other in the transcript
    "니다 도금",
    "100\\200",
    "οδος",
    "ΟΔΟΣ",
    "istanbul",
    "없는말",
    ".",
    "요.",
]


@pytest.fixture
def corpus(app: Flask) -> dict[int, int]:
    """Ticket id → call id for the fixture texts, written through the ORM like the app does."""
    ids = {}
    for n, (heard, typed) in enumerate(TEXTS):
        ticket = make_ticket(
            app,
            transcript=heard,
            summary=typed,
            kind="callback" if heard is None else "problem",
            with_audio=False,
            sid_suffix=f"{n + 1:032d}",
        )
        ids[ticket.id] = ticket.call_id
    return ids


def call_log_found(q: str) -> set[int]:
    """Calls the supervisor call log finds for ``q``."""
    return set(db.session.scalars(select(Call.id).where(search_condition(q))))


def call_log_scanned(q: str) -> set[int]:
    """Calls a LIKE over every transcript and summary finds (the call log before the index)."""
    pattern = like_pattern(q)
    heard = (
        select(Recording.call_id)
        .join(Transcript, Transcript.recording_id == Recording.id)
        .where(Transcript.text.like(pattern, escape="\\"))
    )
    typed = select(Ticket.call_id).where(Ticket.summary.like(pattern, escape="\\"))
    return set(
        db.session.scalars(select(Call.id).where(or_(Call.id.in_(heard), Call.id.in_(typed))))
    )


def inbox_found(user: User, q: str) -> set[int]:
    """Tickets the operator console's inbox lists for ``q`` (every center and status)."""
    page = inbox_page(
        db.session(), InboxFilter(tab="all", scope="all", q=q), user, "Asia/Seoul", page_size=500
    )
    return {t.id for t in page.tickets}


def inbox_scanned(q: str) -> set[int]:
    """Tickets an ILIKE per word over every transcript and summary finds."""
    words = [
        or_(
            Transcript.text.ilike(like_pattern(w), escape="\\"),
            Ticket.summary.ilike(like_pattern(w), escape="\\"),
        )
        for w in q.split()[:5]
    ]
    query = (
        select(Ticket.id)
        .outerjoin(Transcript, Transcript.recording_id == Ticket.recording_id)
        .where(and_(*words))
    )
    return set(db.session.scalars(query))


def test_bigrams_fold_case_per_character_and_skip_spaces():
    assert bigrams("금형  수리 네") == ["금형", "수리"]
    assert bigrams("도금이 5%.") == ["%.", "5%", "금이", "도금"]
    assert bigrams("금") == [] and bigrams("금 형") == []
    assert fold("CNC ΟΔΟΣ") == "cnc οδοσ"  # no final-sigma context: as databases fold it
    assert fold("İ") == "i"  # one character stays one character
    assert fold("ΑΣ ας") == "ασ ας"  # a typed final sigma stays as typed
    assert bigrams("a_b") == ["_b", "a_"]


def test_two_caseless_characters_are_answered_by_the_index_alone():
    assert decided_by_index("도금") and decided_by_index("5%") and decided_by_index("요.")
    assert not decided_by_index("도금이")  # three: the bigrams may sit apart
    assert not decided_by_index("cn") and not decided_by_index("Σ5")  # cased letters
    assert not decided_by_index("금") and not decided_by_index("금 ")
    assert not decided_by_index("금\u180e")  # a separator to older Unicode tables


def test_call_log_search_equals_a_like_over_every_text(app: Flask, corpus: dict[int, int]):
    with app.app_context():
        found = {q: call_log_found(q) for q in QUERIES}
        for q in QUERIES:
            assert found[q] == call_log_scanned(q), q
        db.session.remove()
    calls = list(corpus.values())
    assert found["금형"] == {calls[i] for i in (0, 1, 4, 8, 11)}
    assert found["도금"] == {calls[2]}
    assert found["용접"] == {calls[3]}  # in the transcript and in the summary: once
    assert found["캐비티"] == {calls[1], calls[4]}
    assert found["5%"] == {calls[2]} and found["50%"] == {calls[5]}  # % is no wildcard
    assert found["_"] == {calls[4]} and found["5_0"] == set()  # nor is _
    assert found["금형 수명"] == {calls[0]}  # one phrase, spaces and all
    assert found["금형  수리"] == {calls[8]} and found["금형 수리"] == set()
    assert found["여보세요"] == {calls[9]}
    assert found["금"] > found["금형"]  # one character: every text containing it
    assert found["100\\200"] == {calls[11]}


def test_inbox_search_equals_an_ilike_per_word(app: Flask, corpus: dict[int, int]):
    user = make_user(app, "search_boss", "supervisor", None)
    with app.app_context():
        found = {q: inbox_found(user, q) for q in QUERIES}
        for q in QUERIES:
            assert found[q] == inbox_scanned(q), q
        db.session.remove()
    tickets = list(corpus)
    assert found["금형 수명"] == {tickets[0]}  # two words, anywhere in the text
    assert found["레이저 균열"] == {tickets[3]}  # one typed, one heard
    assert found["cnc"] == found["CNC"] == {tickets[6]}
    assert found["laser"] == {tickets[7]}  # ILIKE ignores case
    assert found["금형"] == {tickets[i] for i in (0, 1, 4, 8, 11)}


def test_searches_read_the_index_for_words_of_two_characters(app: Flask, corpus: dict[int, int]):
    """With the index emptied, words are found no more; one character still is (LIKE)."""
    user = make_user(app, "search_boss", "supervisor", None)
    with app.app_context():
        for table in search_index.TABLES:
            db.session.execute(delete(table))
        assert call_log_found("금형") == set() and inbox_found(user, "금형") == set()
        assert call_log_found("금") == call_log_scanned("금") != set()
        assert search_index.missing(db.session()) == {
            "search_transcripts": len(TEXTS) - 1,
            "search_summaries": 3,
        }
        search_index.rebuild(db.session())
        db.session.commit()
        assert call_log_found("금형") == call_log_scanned("금형") != set()
        assert not any(search_index.missing(db.session()).values())
        db.session.remove()


def test_index_follows_typed_and_retyped_summaries(app: Flask):
    make_user(app, "op1", "operator", "INCHEON")
    ticket = make_ticket(app, status="needs_review", transcript="", center=None, topic=None)
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == "op1")).one()
        stored = db.session.get(Ticket, ticket.id)
        assert stored is not None
        workflow.submit_summary(db.session(), stored, "사출 금형 문의입니다", user=user)
        db.session.commit()
        assert call_log_found("사출") == {ticket.call_id}
        stored.summary = "열처리 경도 문의"
        db.session.commit()
        assert call_log_found("사출") == set()
        assert call_log_found("경도") == {ticket.call_id}
        stored.summary = None
        db.session.commit()
        assert call_log_found("경도") == set()
        db.session.remove()


def test_index_follows_rewritten_and_removed_transcripts(app: Flask):
    ticket = make_ticket(app, transcript="용접 부위에 균열이 생깁니다")
    with app.app_context():
        assert call_log_found("균열") == {ticket.call_id}
        # Transcribed again (the job loads the row and sets its text, as here).
        transcript = db.session.scalars(
            select(Transcript).where(Transcript.recording_id == ticket.recording_id)
        ).one()
        transcript.text = "도금이 벗겨집니다"
        db.session.commit()
        assert call_log_found("균열") == set()
        assert call_log_found("벗겨") == {ticket.call_id}
        db.session.delete(transcript)
        db.session.commit()
        assert call_log_found("벗겨") == set()
        assert search_index.missing(db.session())["search_transcripts"] == 0
        db.session.remove()


def test_rebuild_and_check_commands(app: Flask, runner, corpus: dict[int, int]):
    with app.app_context():
        db.session.execute(delete(search_index.transcript_entries))
        db.session.commit()
        db.session.remove()
    checked = runner.invoke(args=["search", "check"])
    assert checked.exit_code == 1 and "flask search rebuild" in checked.output
    rebuilt = runner.invoke(args=["search", "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert f"search_transcripts: {len(TEXTS) - 1}" in rebuilt.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    with app.app_context():
        assert call_log_found("금형") == call_log_scanned("금형") != set()
        db.session.remove()


def test_setup_completes_an_incomplete_index(app: Flask, runner, corpus: dict[int, int]):
    with app.app_context():
        db.session.execute(delete(search_index.summary_entries))
        db.session.commit()
        db.session.remove()
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert "search_summaries: 3" in result.output
    again = runner.invoke(args=["setup"])
    assert "search index rebuilt" not in again.output  # complete: nothing to do


def test_demo_history_is_indexed_as_it_is_written(app: Flask):
    with app.app_context():
        generate(
            db.session(), calls=400, seed=7, end=date(2026, 3, 31), days=30, timezone="Asia/Seoul"
        )
        db.session.commit()
        assert not any(search_index.missing(db.session()).values())
        assert db.session.scalar(select(func.count()).select_from(Transcript)) > 100
        for q in ("금형", "도금", "입니다", "용접 부위", "여보세요"):
            assert call_log_found(q) == call_log_scanned(q), q
        assert call_log_found("입니다")
        db.session.remove()
