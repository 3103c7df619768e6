"""The values the inbound pipeline passes along: each step returns an enriched copy."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from email.message import EmailMessage
from enum import StrEnum
from typing import Protocol, Self

from core.about import About, Topic
from intake.trimmer import TrimmedReply


class Kind(StrEnum):
    """What a message turned out to be (``ideabox parse`` prints this)."""

    IDEA = "idea"
    DECISION = "decision"
    BOUNCE = "bounce"
    AUTO_REPLY = "auto_reply"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class PersonRef:
    id: int | None  # None: an HR address that is not a person in the organisation
    email: str
    name: str
    language: str
    manager_id: int | None
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class Route:
    """What the message answers: known from the address it was sent to, or its thread."""

    about: About | None  # None: written to the plain address, about nothing yet
    via: str = "token"  # token, thread (In-Reply-To/References) or plain
    verified: bool = True  # False offline (``ideabox parse``): the HMAC was not checked

    @property
    def topic(self) -> Topic | None:
        return self.about.topic if self.about else None

    @property
    def object_id(self) -> int | None:
        return self.about.id if self.about else None


PLAIN = Route(None, via="plain")


@dataclass(frozen=True, slots=True)
class IdeaDraft:
    text: str
    anonymous: bool


@dataclass(frozen=True, slots=True)
class DecisionDraft:
    outcome: str  # accepted, declined, in_progress, done, forward
    note: str
    forward_to: str | None = None


class RemarkKind(StrEnum):
    """A reply that is neither an idea nor a decision, but still says something."""

    THANKS = "thanks"  # only thanks: recorded on the idea, answered by nothing
    COMMENT = "comment"  # the author on their own idea: relayed to who decides
    QUESTION = "question"  # who decides asks the author: relayed to the author
    REPLY = "reply"  # who decides answers the author's comment: relayed to the author
    NO_IDEA = "no_idea"  # an invitation answered with "geen idee": a response, no idea


@dataclass(frozen=True, slots=True)
class Remark:
    kind: RemarkKind
    text: str  # what is relayed: the question without its "vraag:", the comment as written


@dataclass(frozen=True, slots=True)
class BounceReport:
    recipient: str | None
    status: str | None  # e.g. 5.1.1
    hard: bool


@dataclass(frozen=True, slots=True)
class Inbound:
    raw: bytes
    mail_from: str
    rcpt_tos: tuple[str, ...]
    received_at: datetime | None = None  # when intake accepted it (None offline)
    message: EmailMessage | None = None
    kind: Kind | None = None
    route: Route | None = None
    sender: PersonRef | None = None
    text: str = ""
    parts: TrimmedReply | None = None
    idea: IdeaDraft | None = None
    decision: DecisionDraft | None = None
    remark: Remark | None = None
    bounce: BounceReport | None = None
    away_until: str | None = None  # ISO date an out-of-office names as the return day
    notes: tuple[str, ...] = ()  # what the steps observed, for ``ideabox parse``
    trace: tuple[str, ...] = ()  # the steps that ran, each with what it noted

    @property
    def msg(self) -> EmailMessage:
        assert self.message is not None, "parse runs first"
        return self.message

    def but(self, **changes: object) -> Self:
        return replace(self, **changes)  # type: ignore[arg-type]

    def noting(self, note: str) -> Self:
        return replace(self, notes=(*self.notes, note))

    def traced(self, step: str, since: Inbound, outcome: str = "") -> Self:
        """This copy with ``step`` in the trace, with the notes it added since ``since``."""
        said = [*self.notes[len(since.notes) :], *([outcome] if outcome else [])]
        entry = f"{step}: {'; '.join(said)}" if said else step
        return replace(self, trace=(*self.trace, entry))


class Directory(Protocol):
    """What the steps may look up; the database in the service, nothing offline."""

    @property
    def offline(self) -> bool: ...

    async def person_by_email(self, email: str) -> PersonRef | None: ...

    async def person_by_id(self, person_id: int) -> PersonRef | None: ...

    async def invitation_person(self, invitation_id: int) -> int | None: ...

    async def idea_people(self, idea_id: int) -> tuple[int, int | None] | None:
        """(author id, manager id) of an idea."""
        ...

    async def thread_ref(self, message_ids: list[str]) -> About | None:
        """What one of our mails with these Message-IDs was about, nearest first."""
        ...

    async def may_decide(self, person: PersonRef, idea_id: int) -> bool: ...
