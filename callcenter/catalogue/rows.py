"""Reading and checking catalogue CSV files: each bad row with its line and a Korean reason."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from callcenter.catalogue.columns import LIST_SEPARATOR, Column, Kind
from routing import reference

# Korea's mainland and islands (Jeju, Ulleung, Dokdo) with a margin.
LAT_RANGE = (33.0, 39.0)
LON_RANGE = (124.0, 132.0)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CatalogueFileError(Exception):
    """The file as a whole cannot be read (not UTF-8, wrong header): nothing is imported."""


@dataclass(frozen=True)
class RowError:
    """A rejected row: its line in the file and why, in Korean."""

    line: int
    reason: str


@dataclass
class ParsedFile:
    """The good rows (line, values) and the rejected ones."""

    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@cache
def _codes() -> dict[str, frozenset[str]]:
    return {
        "topics": frozenset(t.code for t in reference.topics()),
        "institute": frozenset(i.code for i in reference.institutes()),
        "center": frozenset(c.code for c in reference.centers()),
    }


def decode(data: bytes) -> str:
    """The file's text; a byte-order mark (Excel's UTF-8 CSV) is dropped."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogueFileError(
            f"UTF-8 파일이 아닙니다 ({exc.start}번째 바이트). "
            "엑셀에서는 'CSV UTF-8'로 저장하세요 (file is not UTF-8)."
        ) from None


def parse(kind: Kind, text: str) -> ParsedFile:
    """Check the header, then every row; good rows keep their values, bad ones their reason."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    _check_header(kind, header)
    assert header is not None
    names = [h.strip() for h in header]
    parsed = ParsedFile()
    first_line: dict[str, int] = {}
    line = reader.line_num + 1
    for record in _records(reader):
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue  # blank line
        if len(record) != len(names):
            parsed.errors.append(
                RowError(
                    start, f"열 개수가 헤더와 다릅니다 ({len(names)}개여야 하는데 {len(record)}개)"
                )
            )
            continue
        values, reasons = check_row(kind, dict(zip(names, record, strict=True)))
        row_id = str(values.get("id") or "")
        if row_id and row_id in first_line:
            reasons.append(
                f"파일 안에서 id '{row_id}'가 중복됩니다 ({first_line[row_id]}행에 이미 있음)"
            )
        if reasons:
            parsed.errors.append(RowError(start, "; ".join(reasons)))
            continue
        first_line[row_id] = start
        parsed.rows.append((start, values))
    return parsed


def _records(reader: Any) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as exc:
        raise CatalogueFileError(f"{reader.line_num}행: CSV 형식 오류 ({exc})") from None


def _check_header(kind: Kind, header: list[str] | None) -> None:
    if not header:
        raise CatalogueFileError("1행: 빈 파일입니다. 헤더 행이 필요합니다 (empty file).")
    given = [h.strip() for h in header]
    expected = kind.header
    missing = [c for c in expected if c not in given]
    unknown = [c for c in given if c not in expected]
    doubled = sorted({c for c in given if given.count(c) > 1})
    if missing or unknown or doubled:
        parts = []
        if missing:
            parts.append("없는 열: " + ", ".join(missing))
        if unknown:
            parts.append("모르는 열: " + ", ".join(unknown))
        if doubled:
            parts.append("두 번 나온 열: " + ", ".join(doubled))
        raise CatalogueFileError(
            f"1행: {kind.label_ko}({kind.code}) 헤더가 잘못되었습니다 — {'; '.join(parts)}. "
            f"필요한 헤더: {','.join(expected)}"
        )


def check_row(kind: Kind, raw: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Typed values of one row and the reasons it is bad (empty when good)."""
    values: dict[str, Any] = {}
    reasons: list[str] = []
    for column in kind.columns:
        value, reason = _check_value(column, (raw.get(column.name) or "").strip())
        values[column.name] = value
        if reason:
            reasons.append(reason)
    has_lat = values.get("lat") is not None
    if "lat" in values and has_lat != (values.get("lon") is not None):
        if not any("위도" in r or "경도" in r for r in reasons):
            reasons.append("위도(lat)와 경도(lon)는 함께 적거나 함께 비워야 합니다")
    return values, reasons


def _check_value(column: Column, value: str) -> tuple[Any, str | None]:
    name = column.name
    if not value:
        if column.required:
            return "", f"필수 항목 '{name}'이(가) 비어 있습니다"
        empty: Any = [] if column.holds in ("list", "topics") else ""
        return (None if column.holds in ("center", "lat", "lon") else empty), None
    if len(value) > column.max_len:
        return value, f"'{name}'이(가) 너무 깁니다 ({len(value)}자, 최대 {column.max_len}자)"
    holds = column.holds
    if holds in ("list", "topics"):
        items = list(dict.fromkeys(v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()))
        if holds == "topics":
            bad = [t for t in items if t not in _codes()["topics"]]
            if bad:
                return items, "알 수 없는 주제 코드: " + ", ".join(
                    f"'{t}'" for t in bad
                ) + " (topics.csv에 없음)"
        return items, None
    if holds in ("institute", "center"):
        if value not in _codes()[holds]:
            label = "기관" if holds == "institute" else "센터"
            source = "institutes.csv" if holds == "institute" else "centers.csv"
            return value, f"알 수 없는 {label} 코드 '{value}' ({source}에 없음)"
        return value, None
    if holds in ("lat", "lon"):
        return _check_coordinate(holds, value)
    if holds == "email" and not _EMAIL.match(value):
        return value, f"이메일 형식이 아닙니다: '{value}'"
    return value, None


def _check_coordinate(holds: str, value: str) -> tuple[float | None, str | None]:
    label = "위도(lat)" if holds == "lat" else "경도(lon)"
    low, high = LAT_RANGE if holds == "lat" else LON_RANGE
    try:
        number = float(value)
    except ValueError:
        return None, f"{label}가 숫자가 아닙니다: '{value}'"
    if not math.isfinite(number) or not low <= number <= high:
        return None, f"{label} {value}이(가) 대한민국 범위({low:g}–{high:g})를 벗어났습니다"
    return number, None


def cell(value: Any) -> str:
    """A value as it is written in the CSV (lists ';'-joined, floats shortest exact)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)
