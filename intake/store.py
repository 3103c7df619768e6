"""Store accepted messages durably (raw bytes and envelope) before answering 250."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from db.models import InboundMessage, InboundStatus

# Only the header block is searched, and only the first match counts; the value may be
# folded onto the next line. Parsing the whole message here would cost more than the
# SMTP exchange itself, so the heavy parse waits for the worker.
_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(?:\r?\n[ \t]+)?(<[^<>\r\n]{1,240}>)", re.I | re.M)
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def dedupe_key(raw: bytes) -> str:
    """The Message-ID, or a hash of the bytes for a message without one."""
    end = _HEADER_END.search(raw)
    headers = raw[: end.start()] if end else raw[:65536]
    found = _MESSAGE_ID.search(headers)
    if found:
        return found.group(1).decode("ascii", errors="replace")
    return "sha256:" + hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True, slots=True)
class NewMessage:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    received_at: datetime


_COLUMNS = ("dedupe_key", "mail_from", "rcpt_tos", "raw_bytes", "received_at", "status")


async def store_messages(
    messages: list[NewMessage], db: BaseDBAsyncClient | None = None
) -> list[int | None]:
    """Store many messages with one statement (one commit): each one's new id, or None.

    A commit (a flush to disk) costs far more than an insert, so messages arriving
    together share one: a single ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (SQLite
    and PostgreSQL), atomic on its own. The envelope sender and Message-ID, unique
    together, decide what is new, also between copies in the same batch or stored by
    another intake process at the same moment: a duplicate is skipped, never an error
    for the others. ``db``: a connection of the caller's own, else the ORM's.
    """
    if not messages:
        return []
    db = db or InboundMessage._meta.db
    fields = InboundMessage._meta.fields_map
    keys = [dedupe_key(m.raw) for m in messages]
    values: list[object] = []
    for key, m in zip(keys, messages, strict=True):
        row = (key, m.mail_from, m.rcpt_tos, m.raw, m.received_at, InboundStatus.RECEIVED)
        values += [
            fields[column].to_db_value(value, InboundMessage)
            for column, value in zip(_COLUMNS, row, strict=True)
        ]
    # Placeholders: SQLite's ``?``, else PostgreSQL's ``$1, $2, ...`` (the two supported).
    sqlite = db.capabilities.dialect == "sqlite"
    marks = iter(range(1, len(values) + 1))
    tuples = ", ".join(
        "(" + ", ".join("?" if sqlite else f"${next(marks)}" for _ in _COLUMNS) + ")"
        for _ in messages
    )
    rows = await db.execute_query_dict(
        f"INSERT INTO {InboundMessage._meta.db_table} ({', '.join(_COLUMNS)}) VALUES {tuples}"
        " ON CONFLICT (mail_from, dedupe_key) DO NOTHING RETURNING id, mail_from, dedupe_key",
        values,
    )
    ids = {(str(row["mail_from"]), str(row["dedupe_key"])): int(row["id"]) for row in rows}
    # pop: a second copy in the batch gets None
    return [ids.pop((m.mail_from, key), None) for key, m in zip(keys, messages, strict=True)]
