"""At RCPT: may this envelope sender use this reply address? (550 5.7.1 if surely not.)

Only what is certain is refused here. A sender ideabox knows as a person may use their
own invitation, their own idea's author address, and the decision address of an idea
they may decide on. The null sender (``<>``, bounces and auto-replies) may only write to
a bounce address or the plain address. An address ideabox does not know (a forwarding
service, SRS) is let through: the worker checks the From header later, and refusing
here would only bounce mail back to a sender nobody verified.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TypeVar

from core.about import About, Topic
from intake.errors import SenderNotAllowed
from intake.message import Directory, PersonRef, Route

OPEN_TO_ANYONE = (Topic.BOUNCE,)


def is_null_sender(mail_from: str) -> bool:
    return mail_from in ("", "<>")


async def check_sender(mail_from: str, route: Route | None, directory: Directory) -> None:
    """Raise SenderNotAllowed when ``mail_from`` may not write to ``route``."""
    if route is None or route.topic in OPEN_TO_ANYONE or route.object_id is None:
        return  # the plain address, or a bounce address: anyone may write there
    if is_null_sender(mail_from):
        raise SenderNotAllowed("the null sender may not reply to a personal address")
    person = await directory.person_by_email(mail_from)
    if person is None:
        return
    object_id = route.object_id
    if route.topic is Topic.INVITATION:
        owner = await directory.invitation_person(object_id)
        if owner is not None and owner != person.id:
            raise SenderNotAllowed("this invitation was sent to someone else")
    elif route.topic is Topic.AUTHOR:
        people = await directory.idea_people(object_id)
        if people is not None and people[0] != person.id:
            raise SenderNotAllowed("this idea is someone else's")
    elif route.topic in (Topic.IDEA, Topic.CONVERSATION):
        people = await directory.idea_people(object_id)
        if people is None or people[1] == person.id:
            return  # unknown idea (the worker says so) or its own manager: one query
        if not await directory.may_decide(person, object_id):
            raise SenderNotAllowed("only the idea's manager, those above them or HR decide")


K = TypeVar("K")
V = TypeVar("V")

PEOPLE_FOR = 30.0  # seconds a person (or its absence) is remembered at RCPT
REMEMBERED = 20_000  # entries per cache; the oldest go first


@dataclass
class RememberingDirectory:
    """The listener's directory: who an address is for ``PEOPLE_FOR`` seconds, and whose
    an invitation is for good (it never changes hands).

    A reply burst after a campaign asks the same few hundred people and their invitations
    again and again, at every RCPT. Remembering is safe here because RCPT refuses only
    what is certain and the worker checks every message again: a person imported or
    deactivated a moment ago is known (or not) at RCPT half a minute later.
    """

    directory: Directory
    people: dict[str, tuple[float, PersonRef | None]] = field(default_factory=dict)
    invitations: dict[int, int | None] = field(default_factory=dict)

    @property
    def offline(self) -> bool:
        return self.directory.offline

    async def person_by_email(self, email: str) -> PersonRef | None:
        key, now = email.lower(), time.monotonic()
        known = self.people.get(key)
        if known is not None and now - known[0] < PEOPLE_FOR:
            return known[1]
        person = await self.directory.person_by_email(key)
        _remember(self.people, key, (now, person))
        return person

    async def invitation_person(self, invitation_id: int) -> int | None:
        if invitation_id in self.invitations:
            return self.invitations[invitation_id]
        owner = await self.directory.invitation_person(invitation_id)
        if owner is not None:  # an id not yet used may be used tomorrow
            _remember(self.invitations, invitation_id, owner)
        return owner

    async def person_by_id(self, person_id: int) -> PersonRef | None:
        return await self.directory.person_by_id(person_id)

    async def idea_people(self, idea_id: int) -> tuple[int, int | None] | None:
        return await self.directory.idea_people(idea_id)  # its manager changes on a forward

    async def thread_ref(self, message_ids: list[str]) -> About | None:
        return await self.directory.thread_ref(message_ids)

    async def may_decide(self, person: PersonRef, idea_id: int) -> bool:
        return await self.directory.may_decide(person, idea_id)


def _remember(cache: dict[K, V], key: K, value: V) -> None:
    cache.pop(key, None)  # to the end: dicts keep insertion order, the oldest first
    cache[key] = value
    if len(cache) > REMEMBERED:
        del cache[next(iter(cache))]
