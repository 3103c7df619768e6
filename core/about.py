"""What one of ideabox's mails is about, and so what a reply to it means.

Every mail that can be answered says what it is about with an ``About``: its reply address
carries a signed token naming it (``ideas+i.7.k3j5h2m4q7@domain``, see ``core.tokens``),
and its outbox row keeps it as ``ref`` (``idea:7``), so that a reply whose token got lost
still finds its way through In-Reply-To/References.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Topic(StrEnum):
    """The kinds of things a mail is about; the comment says what a reply to it is."""

    INVITATION = "invitation"  # a campaign's question (invitation id): an idea
    IDEA = "idea"  # an idea, to whoever decides on it (idea id): a decision
    AUTHOR = "author"  # an idea, to the person who had it (idea id): about their own idea
    # The author's words relayed to who decides (idea id): a decision, else words back.
    CONVERSATION = "conversation"
    DIGEST = "digest"  # a reminder listing several ideas (manager id): which one is unclear
    BOUNCE = "bounce"  # the envelope sender of an outbox mail (outbox id): a bounce
    REPORT = "report"  # HR's weekly status (the ISO week, e.g. 202648): nothing to act on

    @property
    def letter(self) -> str:
        """The one letter that stands for the topic in a reply token."""
        return _LETTERS[self]

    @classmethod
    def of_letter(cls, letter: str) -> Topic | None:
        return _TOPIC_OF_LETTER.get(letter)


# Letters already in reply addresses out in the world: never change one.
_LETTERS = {
    Topic.INVITATION: "s",
    Topic.IDEA: "i",
    Topic.AUTHOR: "a",
    Topic.CONVERSATION: "c",
    Topic.DIGEST: "d",
    Topic.BOUNCE: "b",
    Topic.REPORT: "r",
}
_TOPIC_OF_LETTER = {letter: topic for topic, letter in _LETTERS.items()}
_TOPIC_OF_VALUE = {topic.value: topic for topic in Topic}
_REF = re.compile(r"^([a-z]{1,20}):([0-9]{1,12})$")


@dataclass(frozen=True, slots=True)
class About:
    topic: Topic
    id: int

    @property
    def ref(self) -> str:
        """How the outbox row names it: ``idea:7``."""
        return f"{self.topic.value}:{self.id}"

    @classmethod
    def from_ref(cls, ref: str) -> About | None:
        found = _REF.match(ref)
        topic = _TOPIC_OF_VALUE.get(found.group(1)) if found else None
        if found is None or topic is None:
            return None
        return cls(topic, int(found.group(2)))

    def __str__(self) -> str:
        return self.ref
