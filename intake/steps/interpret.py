"""Say what a reply means: an idea (with #anoniem/#anonymous) or a manager's decision."""

from __future__ import annotations

import re

from core.about import Topic
from intake.context import StepContext
from intake.errors import DigestReply, EmptyReply, NotRoutable, UnclearDecision
from intake.message import DecisionDraft, IdeaDraft, Inbound, Kind

_TAG = r"(?<![\w#])#(?:anoniem|anonymous|anonym|anon)\b"
_ANONYMOUS = re.compile(_TAG, re.IGNORECASE)
# The tag and the space on one side of it, so that "ik wil #anoniem blijven" reads well.
_ANONYMOUS_WITH_SPACE = re.compile(
    rf"^[ \t]*{_TAG}[ \t]*|[ \t]*{_TAG}", re.IGNORECASE | re.MULTILINE
)

# The first words of a decision reply. Longer phrases come first so that "in behandeling"
# wins over a shorter word. Matched at the very start of the reply only.
DECISION_WORDS: dict[str, tuple[str, ...]] = {
    "accepted": (
        "akkoord",
        "goedgekeurd",
        "goedkeuren",
        "goed idee",
        "ja",
        "prima",
        "doen we",
        "we gaan het doen",
        "accepted",
        "accept",
        "approved",
        "approve",
        "agreed",
        "agree",
        "yes",
        "ok",
        "okay",
        "oké",
        "oke",
        "no problem",
        "geen probleem",
        "geen bezwaar",
    ),
    "declined": (
        "afgewezen",
        "afwijzen",
        "niet akkoord",
        "nee",
        "helaas niet",
        "helaas",
        "niet doen",
        "doen we niet",
        "declined",
        "decline",
        "rejected",
        "reject",
        "no",
    ),
    "in_progress": (
        "in behandeling",
        "we onderzoeken het",
        "we onderzoeken dit",
        "onderzoeken",
        "wordt onderzocht",
        "later",
        "in progress",
        "looking into it",
        "we are looking into it",
        "we're looking into it",
        "under review",
        "investigating",
    ),
    "done": (
        "gedaan",
        "uitgevoerd",
        "is gedaan",
        "al gedaan",
        "klaar",
        "afgerond",
        "done",
        "completed",
        "already done",
        "implemented",
    ),
}
# "doorsturen naar emma@x.nl", "Forward to: Emma Clarke <emma@x.nl>", "stuur door aan ..."
_FORWARD = re.compile(
    r"^(?:doorsturen|doorgestuurd|stuur (?:ik )?(?:dit )?door|forward(?:ed)?|fwd)"
    r"(?:\s{1,3}(?:naar|aan|to))?\s{0,3}:?\s{0,3}"
    r"(?:[^\n<>@:,;]{0,60}?)<?(?:mailto:)?([A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63})>?",
    re.IGNORECASE,
)
# A greeting line a manager may write before the decision word: "Hoi,", "Hi Jan!".
_GREETING = re.compile(
    r"^(?:hoi|hallo|hi|hey|hello|beste|dear|goedemorgen|goedemiddag|good morning"
    r"|good afternoon|morning)\b[^\n]{0,40}[,!]?[ \t]*\n",
    re.IGNORECASE,
)
_PHRASES = sorted(
    ((phrase, outcome) for outcome, phrases in DECISION_WORDS.items() for phrase in phrases),
    key=lambda item: -len(item[0]),
)
_LEADING_PUNCTUATION = re.compile(r"^[\s,.:;!\-\u2013\u2014]+")


def read_decision(body: str) -> DecisionDraft | None:
    """The outcome named by the first words of ``body`` and the rest as note, or None."""
    text = body.strip()
    decision = _outcome_first(text)
    greeting = _GREETING.match(text)
    if decision is None and greeting:
        decision = _outcome_first(text[greeting.end() :].strip())
    return decision


def _outcome_first(text: str) -> DecisionDraft | None:
    found = _FORWARD.match(text)
    if found:
        note = _LEADING_PUNCTUATION.sub("", text[found.end() :]).strip()
        return DecisionDraft("forward", note, forward_to=found.group(1).lower())
    lowered = text.lower()
    for phrase, outcome in _PHRASES:
        if lowered.startswith(phrase) and not lowered[len(phrase) : len(phrase) + 1].isalnum():
            note = _LEADING_PUNCTUATION.sub("", text[len(phrase) :]).strip()
            return DecisionDraft(outcome, note)
    return None


def read_idea(body: str, signoff: str = "") -> IdeaDraft:
    """The idea in ``body``; #anoniem / #anonymous (also in the sign-off) is taken out."""
    anonymous = _ANONYMOUS.search(body) is not None or _ANONYMOUS.search(signoff) is not None
    text = _ANONYMOUS_WITH_SPACE.sub("", body) if anonymous else body
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return IdeaDraft("\n".join(lines).strip(), anonymous)


async def interpret(msg: Inbound, ctx: StepContext) -> Inbound:
    """Turn the trimmed reply into an idea or a decision, or say why it is neither."""
    assert msg.route is not None and msg.parts is not None
    topic = msg.route.topic
    body = msg.parts.body
    if topic is Topic.BOUNCE:
        raise NotRoutable("a message to a bounce address that is not a bounce")
    if topic is Topic.REPORT:
        raise NotRoutable("a reply to HR's weekly status")
    if topic is Topic.DIGEST:
        raise DigestReply(body[:200])
    if topic is Topic.IDEA:
        decision = read_decision(body)
        if decision is None:
            raise UnclearDecision(body[:200])
        return msg.but(kind=Kind.DECISION, decision=decision)
    idea = read_idea(body, msg.parts.signoff)
    if not idea.text:
        raise EmptyReply()
    return msg.but(kind=Kind.IDEA, idea=idea)
