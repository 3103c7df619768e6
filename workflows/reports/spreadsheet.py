"""The CSV of every idea for HR: read in chunks, anonymous authors left out.

UTF-8 with a BOM and the delimiter HR's Excel expects; above 5 MB it travels zipped.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import get_decimal_symbol

from core.app import App
from core.i18n import N_, translate
from core.mail import Attachment, language_of
from core.vocabulary import OUTCOMES, vocabulary
from workflows.privacy import too_small
from workflows.reports.data import WeeklyReport
from workflows.reports.sql import as_datetime, db, query

CSV_CHUNK_ROWS = 20_000
# The columns, their headers in HR's language in the file.
CSV_COLUMNS = (
    N_("id"),
    N_("received_at"),
    N_("department"),
    N_("manager_email"),
    N_("status"),
    N_("decided_at"),
    N_("business_days_to_decision"),
    N_("escalated"),
    N_("text"),
    N_("author_email"),
)
STATUSES = {"open": N_("open"), "yes": N_("yes"), "no": N_("no")}


def csv_header(language: str) -> list[str]:
    return [translate(language, column) for column in CSV_COLUMNS]


def csv_delimiter(language: str) -> str:
    """Excel splits on semicolons where the decimal sign is a comma (nl, de, fr)."""
    return ";" if get_decimal_symbol(language) == "," else ","


# A cell starting with one of these is a formula to Excel: an idea's text must not be.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(FORMULA_START) else value


def _local_text(value: Any, zone: ZoneInfo) -> str:
    """``2026-11-24 10:00:00`` in the organisation's time; runs for every row of the CSV."""
    if value is None:
        return ""
    moment = value if isinstance(value, datetime) and value.tzinfo else as_datetime(value)
    assert moment is not None
    return moment.astimezone(zone).isoformat(" ", "seconds")[:19]


async def iter_ideas_csv(app: App, *, chunk_rows: int = CSV_CHUNK_ROWS) -> AsyncIterator[bytes]:
    """The CSV of every idea, UTF-8 with a BOM (for Excel), one chunk per query of rows.

    Times are local to the organisation; anonymous ideas have no author. People (far
    fewer than ideas) are read once, so each chunk is a plain range scan of the idea table.
    """
    zone = app.settings.zone
    conn = db()
    people = {
        int(pid): (_cell(department), _cell(email))
        for pid, department, email in await query(conn, "SELECT id, department, email FROM person")
    }
    nobody = ("", "")
    # An anonymous idea from a small department would give its author away by the
    # department alone: below the anonymity threshold that column stays empty.
    sizes = Counter(department for department, _ in people.values())
    threshold = app.settings.anonymity_threshold

    def department_of(author_id: int, anonymous: bool) -> str:
        department = people.get(author_id, nobody)[0]
        return "" if anonymous and too_small(sizes[department], threshold) else department

    # Dutch Excel splits on semicolons, English on commas.
    delimiter = csv_delimiter(language_of(app.settings.default_language))
    # PostgreSQL turns the times into local text itself (a third of the work per row);
    # SQLite, without time zones, hands UTC text to Python.
    if conn.capabilities.dialect == "postgres":
        columns = "to_char({} AT TIME ZONE ?, 'YYYY-MM-DD HH24:MI:SS')"
        received_sql, decided_sql = columns.format("received_at"), columns.format("decided_at")
        zone_values: list[Any] = [app.settings.timezone, app.settings.timezone]

        def local(value: Any) -> str:
            return value or ""
    else:
        received_sql, decided_sql, zone_values = "received_at", "decided_at", []

        def local(value: Any) -> str:
            return _local_text(value, zone)

    language = language_of(app.settings.default_language)
    words = {status: vocabulary(language).outcome_labels[status] for status in OUTCOMES}
    words.update({key: translate(language, word) for key, word in STATUSES.items()})
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerow(csv_header(language))
    yield "\ufeff".encode() + buffer.getvalue().encode()
    last_id = 0
    while True:
        rows = await query(
            conn,
            f"""SELECT id, {received_sql}, author_id, manager_id, status, {decided_sql},
                       decision_business_days, escalated, text, anonymous
                FROM idea WHERE id > ? ORDER BY id LIMIT ?""",
            [*zone_values, last_id, chunk_rows],
        )
        if not rows:
            return
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter).writerows(
            (
                idea_id,
                local(received),
                department_of(author_id, anonymous),
                people.get(manager_id, nobody)[1],
                words.get(status, status),
                local(decided),
                "" if days is None else days,
                words["yes"] if escalated else words["no"],
                _cell(text),
                "" if anonymous else people.get(author_id, nobody)[1],
            )
            for (
                idea_id,
                received,
                author_id,
                manager_id,
                status,
                decided,
                days,
                escalated,
                text,
                anonymous,
            ) in rows
        )
        yield buffer.getvalue().encode()
        last_id = int(rows[-1][0])


async def ideas_csv(app: App) -> bytes:
    return b"".join([chunk async for chunk in iter_ideas_csv(app)])


# Above this size the CSV travels zipped (about a tenth): relays refuse large mails.
ZIP_ABOVE = 5 * 1024 * 1024


def csv_attachment(report: WeeklyReport, csv_bytes: bytes) -> Attachment:
    name = f"ideabox-{report.week}.csv"
    if len(csv_bytes) <= ZIP_ABOVE:
        return Attachment(name, csv_bytes, "text", "csv", params={"charset": "utf-8"})
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, csv_bytes)
    return Attachment(name + ".zip", packed.getvalue(), "application", "zip")
