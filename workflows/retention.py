"""Keeping mail no longer than needed: after ``IDEABOX_RETENTION_DAYS`` the raw bytes of
processed mail, in and out, and the relayed texts of conversations are deleted.

What the reports and the themes count stays: the ideas and their texts, the decisions,
each message's kind, status, reason and dates. Mail still waiting (unprocessed, failed
for a human to look at, or not yet sent) keeps its bytes whatever its age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from core.app import App
from db.models import ConversationMessage, InboundMessage, InboundStatus, OutboxMail

BATCH = 500  # rows per update: a first run on a large backlog takes a few rounds


@dataclass(frozen=True, slots=True)
class Erased:
    inbound: int
    outbox: int
    conversation: int

    @property
    def total(self) -> int:
        return self.inbound + self.outbox + self.conversation


async def _ids(query: QuerySet[Any]) -> list[int]:
    rows: list[Any] = await query.limit(BATCH).values_list("id", flat=True)
    return [int(r) for r in rows]


async def erase_expired(app: App) -> Erased:
    """One round of deleting what is older than the retention period."""
    now = app.clock.now()
    cutoff = now - timedelta(days=app.settings.retention_days)
    inbound = await _ids(
        InboundMessage.filter(
            erased_at=None, status=InboundStatus.PROCESSED, processed_at__lt=cutoff
        ).order_by("id")
    )
    if inbound:
        await InboundMessage.filter(id__in=inbound).update(
            raw_bytes=b"", mail_from="", rcpt_tos=[], erased_at=now
        )
    outbox = await _ids(
        OutboxMail.filter(erased_at=None)
        .filter(Q(sent_at__lt=cutoff) | Q(failed=True, created_at__lt=cutoff))
        .order_by("id")
    )
    if outbox:
        await OutboxMail.filter(id__in=outbox).update(raw_bytes=b"", erased_at=now)
    conversation = await _ids(
        ConversationMessage.filter(erased_at=None, created_at__lt=cutoff).order_by("id")
    )
    if conversation:
        await ConversationMessage.filter(id__in=conversation).update(text="", erased_at=now)
    return Erased(len(inbound), len(outbox), len(conversation))
