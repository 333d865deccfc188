"""Portable SQL functions (KPI hour buckets, durations, an index-free sort key), per dialect."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import NullType


class utc_hour(FunctionElement[str]):  # noqa: N801 - reads like the SQL function it stands for
    """``'YYYY-MM-DD HH'`` of a stored UTC timestamp: the bucket that KPIs group by."""

    type = String()
    inherit_cache = True
    name = "utc_hour"


@compiles(utc_hour)
def _utc_hour_sqlite(element: utc_hour, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLAlchemy stores SQLite datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC (UTCDateTime).
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 13)"


@compiles(utc_hour, "postgresql")
def _utc_hour_pg(element: utc_hour, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')"


class seconds_between(FunctionElement[float]):  # noqa: N801
    """Seconds from the second timestamp to the first (``later - earlier``) as a float."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between)
def _seconds_sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_pg(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


class sort_key(FunctionElement[Any]):  # noqa: N801
    """A timestamp to ORDER BY without walking its own index (SQLite ``+t``, PostgreSQL
    ``t + INTERVAL '0 seconds'``).

    Both planners would otherwise read every row in that index's order to skip the sort
    (PostgreSQL does so for a streamed cursor), even when the filter's own index, calls by
    start time, names only a few of them.
    """

    type = NullType()
    inherit_cache = True
    name = "sort_key"


@compiles(sort_key)
def _sort_key_sqlite(element: sort_key, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


@compiles(sort_key, "postgresql")
def _sort_key_pg(element: sort_key, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} + INTERVAL '0 seconds')"
