"""SQL that runs on SQLite and PostgreSQL alike: placeholders, values, conditions.

The report's queries are written with ``?`` placeholders; ``query`` turns them into
PostgreSQL's ``$1, $2`` where needed. Timestamps come back as datetimes from PostgreSQL
and as ISO text from SQLite; ``as_datetime`` reads both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient


def db() -> BaseDBAsyncClient:
    conn: BaseDBAsyncClient = connections.get("default")
    return conn


async def query(conn: BaseDBAsyncClient, sql: str, values: Sequence[Any] = ()) -> list[Any]:
    """Run SQL written with ``?`` placeholders on SQLite or PostgreSQL; the rows."""
    if conn.capabilities.dialect == "postgres":
        parts = sql.split("?")
        sql = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], 1))
    _, rows = await conn.execute_query(sql, list(values))
    return list(rows)


def as_int(value: Any) -> int:
    return int(value or 0)


def as_datetime(value: Any) -> datetime | None:
    """A timestamp column: a datetime on PostgreSQL, ISO text on SQLite; aware, UTC."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def week_label(moment: datetime, zone: ZoneInfo) -> str:
    iso = moment.astimezone(zone).isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


# Conditions every grouped query counts with.
DECIDED = "i.decided_at IS NOT NULL"
OPEN = "i.status = 'open'"
# Due for at least one reminder, or escalated, and still undecided.
OVERDUE = "i.status = 'open' AND (i.reminders_sent >= 1 OR i.escalated)"


def count_if(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


GROUP_COUNTS = f"COUNT(*), {count_if(DECIDED)}, {count_if(OPEN)}, {count_if(OVERDUE)}"
