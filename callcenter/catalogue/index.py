"""The suggestion index: Kiwi terms of each resource's text, kept in ``catalogue_terms``.

Terms come from routing's analyser (the router's own ``Morphology``, so its per-word cache
serves routing and suggestions alike):

* ``w:`` a noun-like lemma (NNG, NNP, XR, Latin words) of one or three and more syllables,
  or a Latin/digit word as written (3d, ct, kolas);
* ``b:`` each two-syllable piece of a Hangul noun: a two-syllable noun is its own piece
  (full weight), longer ones add their pieces at half weight, so compounds meet their
  parts (복합염수분무시험기 ↔ 염수분무 시험);
* ``t:`` a topic of the resource and ``*`` (every resource): weight 0, read to fill up
  suggestions from the topic and to count the resources of a kind.

Abstracts give whole words only, keeping the index small. Each posting also carries the
resource's point and ``;topic;`` codes, so ranking reads the postings and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table, delete, insert
from sqlalchemy.orm import Session

from callcenter.catalogue.columns import Kind
from callcenter.models import CatalogueTerm
from routing import reference
from routing.text import Morphology, eojeols

NOUN_TAGS = frozenset({"NNG", "NNP", "XR", "SL"})
PIECE_FACTOR = 0.5  # a bigram piece counts half a whole word
PIECES_FROM_WEIGHT = 1.5  # fields weighted below this (abstracts) give whole words only
BATCH = 500
EVERY = "*"  # the term every resource has: its postings count the resources of a kind

# Nouns every caller says that tell nothing about the resource wanted.
STOP_NOUNS = frozenset(
    "필요 문제 경우 때문 정도 부분 관련 상담 문의 요청 생각 회사 업체 저희 것 수 거 등 때 곳 "
    "번 중 뭐 이거 그거 어디 얼마 하나 지금 요즘 사람 내용 방법 가능 도움 전화 말씀".split()
)
_LATIN_WORD = re.compile(r"^[0-9a-z][0-9a-z.+-]*[0-9a-z]$")
_HANGUL = re.compile(r"^[가-힣]+$")


def terms_table() -> Table:
    """The postings table (Core: no ORM bookkeeping per posting)."""
    table = CatalogueTerm.__table__
    assert isinstance(table, Table)
    return table


def morphology() -> Morphology:
    """The analyser routing uses (the process-wide router's, with its word cache)."""
    from routing.router import get_router

    return get_router().classifier.morph


def text_terms(text: str, morph: Morphology, *, pieces: bool = True) -> dict[str, float]:
    """Terms of ``text`` and their factor (1 for a whole word, PIECE_FACTOR for a piece)."""
    found: dict[str, float] = {}
    for term, factor, _word in _terms(text, morph, pieces):
        if factor > found.get(term, 0.0):
            found[term] = factor
    return found


def query_terms(text: str, morph: Morphology) -> dict[str, str]:
    """A caller's terms, each with the word it came from (shown as why it matched)."""
    found: dict[str, str] = {}
    for term, _factor, word in _terms(text, morph, True):
        found.setdefault(term, word)
    return found


def _terms(text: str, morph: Morphology, pieces: bool) -> Iterator[tuple[str, float, str]]:
    words = eojeols(text)
    for word, lemmas in zip(words, morph.lemmas(words), strict=True):
        if _LATIN_WORD.match(word) and not word.isdigit():
            yield "w:" + word, 1.0, word
        for lemma in lemmas:
            form, _, tag = lemma.rpartition("/")
            if tag not in NOUN_TAGS or form in STOP_NOUNS:
                continue
            if tag == "SL" and len(form) < 2:
                continue  # the d of 3d, the x of x선: the whole word above stands for it
            hangul = _HANGUL.match(form) is not None
            if hangul and len(form) == 2:
                yield "b:" + form, 1.0, form  # the word and its one piece are the same
                continue
            yield "w:" + form, 1.0, form
            if pieces and hangul and len(form) > 2:
                for i in range(len(form) - 1):
                    yield "b:" + form[i : i + 2], PIECE_FACTOR, form


def resource_terms(kind: Kind, row: Mapping[str, Any], morph: Morphology) -> dict[str, float]:
    """Each term of a resource with its weight (the best field it appears in)."""
    weights: dict[str, float] = {}
    for column in kind.searched:
        value = row.get(column.name)
        text = " ".join(value) if isinstance(value, list) else str(value or "")
        pieces = column.weight >= PIECES_FROM_WEIGHT
        for term, factor in text_terms(text, morph, pieces=pieces).items():
            term = term[:80]  # the column's width (a Latin run-on "word" could exceed it)
            weight = column.weight * factor
            if weight > weights.get(term, 0.0):
                weights[term] = weight
    for topic in row.get("topics") or ():
        weights["t:" + topic] = 0.0
    weights[EVERY] = 0.0
    return weights


@cache
def _center_points() -> dict[str, tuple[float, float]]:
    return {c.code: (c.lat, c.lon) for c in reference.centers()}


@cache
def _institute_points() -> dict[str, tuple[float, float]]:
    cities = reference.city_points()
    return {i.code: cities[i.city] for i in reference.institutes() if i.city in cities}


def place(row: Mapping[str, Any]) -> tuple[float | None, float | None]:
    """Where a resource is: its own point, else its center's, else its institute's city."""
    if row.get("lat") is not None and row.get("lon") is not None:
        return row["lat"], row["lon"]
    point = _center_points().get(row.get("center") or "") or _institute_points().get(
        row.get("institute") or ""
    )
    return point if point else (None, None)


def delimited(topics: Iterable[str]) -> str:
    """Topic codes as stored on a posting, ``;surface;cert;`` (LIKE '%;cert;%' finds one)."""
    codes = list(topics)
    return ";" + ";".join(codes) + ";" if codes else ""


def reindex(
    session: Session, kind: Kind, rows: Sequence[Mapping[str, Any]], morph: Morphology
) -> int:
    """Replace the postings of these resources (flushes, no commit); returns rows written."""
    written = 0
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        forget(session, kind, [r["id"] for r in batch])
        postings = list(_postings(kind, batch, morph))
        if postings:
            _write(session, postings)
        written += len(postings)
    return written


POSTING_COLUMNS = ("term", "kind", "resource_id", "weight", "lat", "lon", "topics")


def _write(session: Session, postings: list[dict[str, Any]]) -> None:
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(terms_table()), postings)
        return
    # PostgreSQL: COPY on the session's own connection (same transaction), about three
    # times faster than multi-row INSERTs for the ~20 postings each resource has.
    raw = connection.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:
        columns = ", ".join(POSTING_COLUMNS)
        with cursor.copy(f"COPY catalogue_terms ({columns}) FROM STDIN") as copy:
            for posting in postings:
                copy.write_row([posting[c] for c in POSTING_COLUMNS])


def forget(session: Session, kind: Kind, ids: Iterable[str]) -> None:
    """Remove the postings of these resources."""
    session.execute(
        delete(CatalogueTerm).where(
            CatalogueTerm.kind == kind.code, CatalogueTerm.resource_id.in_(list(ids))
        )
    )


def _postings(
    kind: Kind, rows: Sequence[Mapping[str, Any]], morph: Morphology
) -> Iterable[dict[str, Any]]:
    for row in rows:
        lat, lon = place(row)
        topics = delimited(row.get("topics") or ())
        for term, weight in resource_terms(kind, row, morph).items():
            yield {
                "term": term,
                "kind": kind.code,
                "resource_id": row["id"],
                "weight": weight,
                "lat": lat,
                "lon": lon,
                "topics": topics,
            }
