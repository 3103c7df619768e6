"""Understanding messages from files, with nothing stored and nothing looked up."""

from __future__ import annotations

from email.parser import BytesHeaderParser
from email.utils import getaddresses
from pathlib import Path
from typing import Any

from core.about import About
from core.keys import KeyRing
from core.settings import Settings
from intake.context import StepContext
from intake.errors import Rejection
from intake.limits import header_block
from intake.message import Inbound, Kind, PersonRef, Route
from intake.pipeline import StepFailed, understand
from intake.steps.parse import LENIENT
from intake.steps.route import thread_ids

_HEADERS = BytesHeaderParser(policy=LENIENT)


class OfflineDirectory:
    """Knows nobody: every sender is taken at their word, no token can be checked."""

    offline = True

    async def person_by_email(self, email: str) -> PersonRef | None:
        return None

    async def person_by_id(self, person_id: int) -> PersonRef | None:
        return None

    async def invitation_person(self, invitation_id: int) -> int | None:
        return None

    async def idea_people(self, idea_id: int) -> tuple[int, int | None] | None:
        return None

    async def thread_ref(self, message_ids: list[str]) -> About | None:
        return None

    async def may_decide(self, person: PersonRef, idea_id: int) -> bool:
        return False


def _envelope(raw: bytes, settings: Settings) -> tuple[str, tuple[str, ...]]:
    """A file has no envelope: the recipients are our addresses among To/Cc/Delivered-To."""
    msg = _HEADERS.parsebytes(header_block(raw))  # the headers only: quick on any input
    # Enough of each field for our own addresses; the pipeline refuses too many.
    fields = [str(v)[:5000] for name in ("Delivered-To", "To", "Cc") for v in msg.get_all(name, [])]
    domain = f"@{settings.domain.lower()}"
    ours = [a for _, a in getaddresses(fields) if a.lower().endswith(domain)]
    # "<>" (a null sender, as bounces and Exchange's out-of-office use) stays visible;
    # a file without Return-Path has no known envelope sender.
    return_path = str(msg.get("Return-Path", "") or "").strip()
    mail_from = "<>" if return_path == "<>" else return_path.strip("<>")
    return mail_from, tuple(dict.fromkeys(ours)) or (settings.address,)


def _role(route: Route | None) -> str | None:
    """What the message answers, as ``ideabox parse`` prints it: a topic, or plain."""
    if route is None:
        return None
    return route.topic.value if route.topic else "plain"


async def understand_file(path: Path, settings: Settings) -> dict[str, Any]:
    raw = path.read_bytes()
    mail_from, rcpt_tos = _envelope(raw, settings)
    ctx = StepContext(
        directory=OfflineDirectory(),
        keys=KeyRing(),
        local_part=settings.local_part,
        domain=settings.domain,
    )
    msg = Inbound(raw=raw, mail_from=mail_from, rcpt_tos=rcpt_tos)
    reason = None
    try:
        msg = await understand(msg, ctx)
    except Rejection as rejection:
        msg = rejection.understood or msg
        reason = rejection.reason
    except StepFailed as failed:  # a bug: shown for this file, the next ones still run
        msg = failed.understood.noting(str(failed))
        reason = "failed"
    parts = msg.parts
    result: dict[str, Any] = {
        "file": str(path),
        "kind": str(msg.kind or Kind.UNKNOWN),
        "text": (
            msg.idea.text
            if msg.idea
            else msg.remark.text
            if msg.remark
            else (parts.body if parts else "")
        ),
        # A reply that is neither idea nor decision: thanks, comment, question, reply,
        # no_idea (see intake.message.RemarkKind); None otherwise.
        "reply": msg.remark.kind.value if msg.remark else None,
        "body": parts.body if parts else "",
        "signoff": parts.signoff if parts else "",
        "signature": parts.signature if parts else "",
        "role": _role(msg.route),
        "token_verified": msg.route.verified if msg.route else None,
        "reason": reason,
        "notes": list(msg.notes),
        "trace": list(msg.trace),
    }
    if msg.idea is not None:
        result["anonymous"] = msg.idea.anonymous
    if msg.decision is not None:
        result["decision"] = msg.decision.outcome
        result["note"] = msg.decision.note
        result["forward_to"] = msg.decision.forward_to
    if msg.bounce is not None:
        result["bounce"] = {
            "recipient": msg.bounce.recipient,
            "status": msg.bounce.status,
            "hard": msg.bounce.hard,
        }
    if msg.away_until is not None:
        result["away_until"] = msg.away_until
    if msg.message is not None:
        result["in_reply_to"] = thread_ids(msg)[:1]
    return result
