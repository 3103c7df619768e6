"""The pipeline's directory backed by the database (``intake.message.Directory``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.about import About, Topic
from db.models import Idea, Invitation, OutboxMail, Person
from intake.message import PersonRef

MAX_CHAIN = 50  # a manager chain longer than this is a loop the import should have refused


def person_ref(person: Person) -> PersonRef:
    return PersonRef(
        person.id, person.email, person.name, person.language, person.manager_id, person.timezone
    )


@dataclass(frozen=True)
class DbDirectory:
    hr_emails: tuple[str, ...] = ()
    offline: bool = False

    async def person_by_email(self, email: str) -> PersonRef | None:
        person = await Person.get_or_none(email=email.lower(), active=True)
        return person_ref(person) if person else None

    async def person_by_id(self, person_id: int) -> PersonRef | None:
        person = await Person.get_or_none(id=person_id)
        return person_ref(person) if person else None

    async def invitation_person(self, invitation_id: int) -> int | None:
        found: list[Any] = await Invitation.filter(id=invitation_id).values_list(
            "person_id", flat=True
        )
        return int(found[0]) if found else None

    async def idea_people(self, idea_id: int) -> tuple[int, int | None] | None:
        idea = await Idea.get_or_none(id=idea_id)
        return (idea.author_id, idea.manager_id) if idea else None

    async def thread_ref(self, message_ids: list[str]) -> About | None:
        invitation = await Invitation.filter(message_id__in=message_ids).first()
        if invitation is not None:
            return About(Topic.INVITATION, invitation.id)
        refs = await OutboxMail.filter(
            message_id__in=message_ids, ref__not_isnull=True
        ).values_list("message_id", "ref")
        by_id = dict(refs)
        for message_id in message_ids:  # nearest first
            if message_id in by_id:
                return About.from_ref(str(by_id[message_id]))
        return None

    async def may_decide(self, person: PersonRef, idea_id: int) -> bool:
        """The assigned manager, anyone above them, or HR; never the idea's own author."""
        idea = await Idea.get_or_none(id=idea_id)
        if idea is None or (person.id is not None and person.id == idea.author_id):
            return False
        if person.email in self.hr_emails:
            return True
        manager_id = idea.manager_id
        for _ in range(MAX_CHAIN):
            if manager_id is None:
                return False
            if manager_id == person.id:
                return True
            managers: list[Any] = await Person.filter(id=manager_id).values_list(
                "manager_id", flat=True
            )
            manager_id = managers[0] if managers else None
        return False
