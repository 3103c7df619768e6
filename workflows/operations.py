"""What the service is doing, and failed mail seen and retried (as Mailman's ``status`` and
``unshunt``): the queries behind ``ideabox status``, ``inbound ...`` and ``outbox ...``.

A retried inbound message goes back to "received" and is processed as if it had just
arrived; only a failed one can be retried, and the reset is one conditional update, so a
second retry (or two at once) finds nothing to do. A retried outbox mail starts its
attempts afresh.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from email.parser import BytesHeaderParser
from email.policy import default
from typing import Any

from tortoise.expressions import F, Q
from tortoise.functions import Count, Min

from core.app import App
from core.queue import LAST_SWEEP_KEY, PROCESS_INBOUND, inbound_job_id
from db.models import Decision, Idea, InboundMessage, InboundStatus, OutboxMail
from workflows.outbox import nudge

_HEADERS = BytesHeaderParser(policy=default)


@dataclass(frozen=True, slots=True)
class Status:
    inbound: dict[str, int]  # per status: received, processed, failed
    oldest_unprocessed: datetime | None
    outbox_due: int  # unsent, not given up, its time has come
    outbox_waiting: int  # unsent, waiting for its next attempt (backoff)
    outbox_failed: int  # given up after the last attempt
    workers: list[tuple[str, str]]  # (host:pid, arq's health line)
    last_sweep: dict[str, Any] | None
    redis: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "inbound": self.inbound,
            "oldest_unprocessed": _iso(self.oldest_unprocessed),
            "outbox": {
                "due": self.outbox_due,
                "waiting": self.outbox_waiting,
                "failed": self.outbox_failed,
            },
            "workers": [{"worker": name, "health": line} for name, line in self.workers],
            "last_sweep": self.last_sweep,
            "redis": self.redis,
        }


async def status(app: App) -> Status:
    now = app.clock.now()
    counts = {str(s): 0 for s in InboundStatus}
    rows: list[dict[str, Any]] = (
        await InboundMessage.annotate(n=Count("id")).group_by("status").values("status", "n")
    )
    for row in rows:
        counts[str(row["status"])] = int(row["n"])
    oldest: list[dict[str, Any]] = (
        await InboundMessage.filter(status=InboundStatus.RECEIVED)
        .annotate(oldest=Min("received_at"))
        .values("oldest")
    )
    unsent = OutboxMail.filter(sent_at=None, failed=False)
    due = await unsent.filter(next_attempt_at__lte=now).count()
    waiting = await unsent.filter(next_attempt_at__gt=now).count()
    failed = await OutboxMail.filter(sent_at=None, failed=True).count()
    sweep = await app.queue.read(LAST_SWEEP_KEY)
    return Status(
        inbound=counts,
        oldest_unprocessed=_moment(oldest[0]["oldest"]) if oldest else None,
        outbox_due=due,
        outbox_waiting=waiting,
        outbox_failed=failed,
        workers=await app.queue.workers_alive(),
        last_sweep=json.loads(sweep) if sweep else None,
        redis=app.queue.pool is not None,
    )


def _moment(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))  # SQLite hands aggregates back as text


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# --- inbound -----------------------------------------------------------------------------


def _headline(raw: bytes) -> dict[str, str]:
    """The few headers an operator looks at first, read without parsing the body."""
    try:
        headers = _HEADERS.parsebytes(raw[:65536])
        return {
            name: " ".join(str(headers.get(name, "") or "").split())[:300]
            for name in ("From", "Subject", "Message-ID", "Date")
        }
    except Exception:  # an operator must see even a message Python cannot read
        return {"From": "", "Subject": "(unreadable headers)", "Message-ID": "", "Date": ""}


def inbound_summary(row: InboundMessage) -> dict[str, Any]:
    return {
        "id": row.id,
        "received_at": row.received_at.isoformat(),
        "mail_from": row.mail_from,
        "status": str(row.status),
        "kind": row.kind,
        "reason": row.reason,
        "detail": row.detail,
    }


async def inbound_list(*, failed_only: bool = False, limit: int = 100) -> list[dict[str, Any]]:
    """The newest messages first (or only the failed ones)."""
    query = InboundMessage.all()
    if failed_only:
        query = query.filter(status=InboundStatus.FAILED)
    rows = await query.order_by("-id").limit(limit)
    return [inbound_summary(row) for row in rows]


async def inbound_show(inbound_id: int) -> dict[str, Any] | None:
    """One message: envelope, headers, what happened to it and what it became."""
    row = await InboundMessage.get_or_none(id=inbound_id)
    if row is None:
        return None
    ideas: list[Any] = await Idea.filter(inbound_id=row.id).values_list("id", flat=True)
    decisions: list[Any] = await Decision.filter(inbound_id=row.id).values_list("id", flat=True)
    return {
        **inbound_summary(row),
        "rcpt_tos": row.rcpt_tos,
        "processed_at": _iso(row.processed_at),
        "headers": _headline(row.raw_bytes),
        "size": len(row.raw_bytes),
        "trace": row.trace or [],
        "became": {"ideas": [int(i) for i in ideas], "decisions": [int(d) for d in decisions]},
    }


async def retry_inbound(app: App, inbound_ids: list[int] | None) -> list[int]:
    """Back to "received" and queued: the given failed messages, or all failed (None)."""
    query = InboundMessage.filter(status=InboundStatus.FAILED)
    if inbound_ids is not None:
        query = query.filter(id__in=inbound_ids)
    candidates: list[Any] = await query.values_list("id", flat=True)
    retried = []
    for inbound_id in sorted(int(i) for i in candidates):
        # Conditional: of two retries at once, one resets the row and the other finds
        # nothing; the worker then claims it once, as any new message.
        reset = await InboundMessage.filter(id=inbound_id, status=InboundStatus.FAILED).update(
            status=InboundStatus.RECEIVED, reason=None, detail=None, trace=None, processed_at=None
        )
        if reset:
            retried.append(inbound_id)
            await app.queue.enqueue(PROCESS_INBOUND, inbound_id, job_id=inbound_job_id(inbound_id))
    return retried


# --- outbox ------------------------------------------------------------------------------


def outbox_summary(mail: OutboxMail) -> dict[str, Any]:
    return {
        "id": mail.id,
        "kind": mail.kind,
        "recipient": mail.recipient,
        "created_at": mail.created_at.isoformat(),
        "attempts": mail.attempts,
        "sent_at": _iso(mail.sent_at),
        "failed": mail.failed,
        "next_attempt_at": _iso(mail.next_attempt_at) if not mail.sent_at else None,
        "last_error": mail.last_error,
    }


async def outbox_list(*, failed_only: bool = False, limit: int = 100) -> list[dict[str, Any]]:
    """The newest mails first: the failed ones, or all not yet sent and the newest sent."""
    query = OutboxMail.all()
    if failed_only:
        query = query.filter(sent_at=None, failed=True)
    rows = await query.order_by("-id").limit(limit)
    return [outbox_summary(mail) for mail in rows]


async def retry_outbox(app: App, outbox_ids: list[int] | None) -> list[int]:
    """Send again from the first attempt: the given failed mails, or all failed (None)."""
    # An erased mail (past retention, or naming someone forgotten) has nothing to send.
    failed = Q(sent_at=None, failed=True, erased_at=None)
    query = OutboxMail.filter(failed)
    if outbox_ids is not None:
        query = query.filter(id__in=outbox_ids)
    candidates: list[Any] = await query.values_list("id", flat=True)
    retried = []
    for outbox_id in sorted(int(i) for i in candidates):
        # Due from its creation: due at once for every worker, whatever its clock says.
        reset = await OutboxMail.filter(failed, id=outbox_id).update(
            failed=False, attempts=0, next_attempt_at=F("created_at"), claimed_until=None
        )
        if reset:
            retried.append(outbox_id)
    await nudge(app, retried)
    return retried
