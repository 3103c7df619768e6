"""At RCPT: may this envelope sender use this reply address? (550 5.7.1 if surely not.)

Only what is certain is refused here. A sender ideabox knows as a person may use their
own invitation, their own idea's author address, and the decision address of an idea
they may decide on. The null sender (``<>``, bounces and auto-replies) may only write to
a bounce address or the plain address. An address ideabox does not know (a forwarding
service, SRS) is let through: the worker checks the From header later, and refusing
here would only bounce mail back to a sender nobody verified.
"""

from __future__ import annotations

from core.about import Topic
from intake.errors import SenderNotAllowed
from intake.message import Directory, Route

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
