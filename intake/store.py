"""Store an accepted message durably (raw bytes and envelope) before answering 250."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from tortoise.exceptions import IntegrityError

from db.models import InboundMessage

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


async def store_message(
    *, mail_from: str, rcpt_tos: list[str], raw: bytes, received_at: datetime
) -> int | None:
    """The new row's id, or None when this message was stored before (a redelivery)."""
    key = dedupe_key(raw)
    try:
        row = await InboundMessage.create(
            dedupe_key=key,
            mail_from=mail_from,
            rcpt_tos=rcpt_tos,
            raw_bytes=raw,
            received_at=received_at,
        )
    except IntegrityError:
        return None
    return int(row.id)
