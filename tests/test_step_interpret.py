"""interpret: an idea (#anoniem) or a decision from the first words; never a guess."""

from __future__ import annotations

import pytest

from core.about import About, Topic
from core.keys import KeyRing
from intake.context import StepContext
from intake.errors import EmptyReply, NothingSaid, NotRoutable, UnclearDecision
from intake.message import PLAIN, Inbound, Kind, RemarkKind, Route
from intake.offline import OfflineDirectory
from intake.steps.interpret import interpret, read_decision, read_idea
from intake.trimmer import TrimmedReply

CTX = StepContext(OfflineDirectory(), KeyRing(), "ideas", "ideabox.test")


@pytest.mark.parametrize(
    ("body", "outcome", "note"),
    [
        ("akkoord, we plannen het in januari", "accepted", "we plannen het in januari"),
        ("Akkoord!", "accepted", ""),
        ("Akkoord!\n\nRegel een.\nRegel twee.", "accepted", "Regel een.\nRegel twee."),
        ("Ja. Goed plan.", "accepted", "Goed plan."),
        ("Goedgekeurd: budget is er.", "accepted", "budget is er."),
        ("Yes, let's do it.", "accepted", "let's do it."),
        ("ACCEPT.\nOrdered.", "accepted", "Ordered."),
        ("Approved - nice one", "accepted", "nice one"),
        ("No problem, we'll do it", "accepted", "we'll do it"),
        ("Afgewezen; te duur.", "declined", "te duur."),
        ("Nee, geen budget", "declined", "geen budget"),
        ("Niet akkoord: geen budget", "declined", "geen budget"),
        ("Decline - we have no budget this year", "declined", "we have no budget this year"),
        ("no.", "declined", ""),
        ("later", "in_progress", ""),
        ("In behandeling: de facilitair manager", "in_progress", "de facilitair manager"),
        ("We onderzoeken het, eind maart meer", "in_progress", "eind maart meer"),
        ("In progress. Quote requested.", "in_progress", "Quote requested."),
        ("Gedaan - vorige week vervangen.", "done", "vorige week vervangen."),
        ("Uitgevoerd.", "done", ""),
        ("Done: fixed on Monday", "done", "fixed on Monday"),
        ("Hoi,\n\nakkoord, prima idee", "accepted", "prima idee"),
        ("Hi Tom!\nDecline. Sorry.", "declined", "Sorry."),
    ],
)
def test_decision_words(body: str, outcome: str, note: str) -> None:
    decision = read_decision(body)
    assert decision is not None
    assert (decision.outcome, decision.note, decision.forward_to) == (outcome, note, None)


@pytest.mark.parametrize(
    ("body", "address", "note"),
    [
        ("doorsturen naar emma.clarke@example.nl", "emma.clarke@example.nl", ""),
        (
            "Doorsturen naar Emma.Clarke@Example.nl, dit is IT.",
            "emma.clarke@example.nl",
            "dit is IT.",
        ),
        ("Forward to: Emma Clarke <emma@example.nl>\nHers.", "emma@example.nl", "Hers."),
        ("stuur door aan <mailto:anne@example.nl>", "anne@example.nl", ""),
    ],
)
def test_forward_names_an_address(body: str, address: str, note: str) -> None:
    decision = read_decision(body)
    assert decision is not None
    assert (decision.outcome, decision.forward_to, decision.note) == ("forward", address, note)


@pytest.mark.parametrize(
    "body",
    [
        "",
        "Goede vraag, wat bedoelt Jan?",
        "Ik weet het nog niet.",
        "Doorsturen naar Emma",  # no address: ask, do not guess
        "Jammer dat niemand dit eerder zei.",  # "ja" inside a word is not "ja"
        "Okidoki",
    ],
)
def test_unclear(body: str) -> None:
    assert read_decision(body) is None


def test_a_long_unclear_reply_finishes_quickly() -> None:
    assert read_decision("doorsturen naar " + "x" * 100_000) is None


@pytest.mark.parametrize(
    ("body", "text", "anonymous"),
    [
        ("#anoniem\n\nMeer groen.", "Meer groen.", True),
        ("Meer groen. #anonymous", "Meer groen.", True),
        ("Ik wil #anoniem blijven: meer groen.", "Ik wil blijven: meer groen.", True),
        ("Meer groen #ANONIEM\nen licht.", "Meer groen\nen licht.", True),
        ("Meer #groen en licht.", "Meer #groen en licht.", False),
        ("Mail me at anoniem#anoniem.nl", "Mail me at anoniem#anoniem.nl", False),
        ("  Ruimte  \n\n\n", "Ruimte", False),
    ],
)
def test_ideas(body: str, text: str, anonymous: bool) -> None:
    assert read_idea(body) == read_idea(body).__class__(text, anonymous)


def test_the_tag_counts_in_the_signoff_too() -> None:
    assert read_idea("Meer groen.", "Groet,\nJan #anoniem").anonymous


def understood(topic: Topic | None, body: str) -> Inbound:
    return Inbound(
        raw=b"",
        mail_from="jan@example.nl",
        rcpt_tos=("ideas@ideabox.test",),
        route=Route(About(topic, 7)) if topic else PLAIN,
        parts=TrimmedReply(body, "", ""),
    )


async def test_roles() -> None:
    idea = await interpret(understood(Topic.INVITATION, "Meer groen."), CTX)
    assert idea.kind is Kind.IDEA and idea.idea is not None and idea.idea.text == "Meer groen."
    plain = await interpret(understood(None, "Meer groen."), CTX)
    assert plain.kind is Kind.IDEA
    decided = await interpret(understood(Topic.IDEA, "akkoord"), CTX)
    assert decided.kind is Kind.DECISION and decided.decision is not None
    with pytest.raises(EmptyReply):
        await interpret(understood(Topic.INVITATION, "  \n#anoniem\n"), CTX)
    with pytest.raises(UnclearDecision):
        await interpret(understood(Topic.IDEA, "Hmm, misschien. Ik denk erover na."), CTX)


@pytest.mark.parametrize(
    ("topic", "body", "kind"),
    [
        (Topic.AUTHOR, "Top, dank je wel!", RemarkKind.THANKS),
        (Topic.AUTHOR, "Wanneer begint dat?", RemarkKind.COMMENT),
        (Topic.AUTHOR, "Meer groen.", RemarkKind.COMMENT),  # never a new idea
        (Topic.IDEA, "vraag: voor welke afdeling?", RemarkKind.QUESTION),
        (Topic.IDEA, "Geldt dit voor iedereen?", RemarkKind.QUESTION),
        (Topic.CONVERSATION, "In januari.", RemarkKind.REPLY),
        (Topic.CONVERSATION, "Waarom januari?", RemarkKind.QUESTION),
        (Topic.INVITATION, "Geen idee.", RemarkKind.NO_IDEA),
    ],
)
async def test_remarks(topic: Topic, body: str, kind: RemarkKind) -> None:
    said = await interpret(understood(topic, body), CTX)
    assert said.kind is None and said.remark is not None and said.remark.kind is kind


async def test_a_decision_word_decides_on_a_conversation_too() -> None:
    said = await interpret(understood(Topic.CONVERSATION, "akkoord, in januari"), CTX)
    assert said.kind is Kind.DECISION and said.decision is not None
    assert (said.decision.outcome, said.decision.note) == ("accepted", "in januari")


@pytest.mark.parametrize("topic", [Topic.AUTHOR, Topic.CONVERSATION])
async def test_nothing_said_about_an_idea_is_silent(topic: Topic) -> None:
    with pytest.raises(NothingSaid):
        await interpret(understood(topic, "Hoi,"), CTX)


@pytest.mark.parametrize("body", ["Bedankt!", "Met vriendelijke groet,\nJan", "Hoi,"])
async def test_nothing_but_courtesy_to_an_invitation_is_asked_again(body: str) -> None:
    with pytest.raises(EmptyReply):
        await interpret(understood(Topic.INVITATION, body), CTX)
    with pytest.raises(NotRoutable):
        await interpret(understood(Topic.BOUNCE, "akkoord"), CTX)
