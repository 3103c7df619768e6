"""Say what a reply means: an idea (with #anoniem/#anonymous) or a manager's decision.

The words are those of every language in ``core.vocabulary``: a manager may answer in
any of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.about import Topic
from core.vocabulary import VOCABULARIES
from intake.context import StepContext
from intake.errors import DigestReply, EmptyReply, NotRoutable, UnclearDecision
from intake.message import DecisionDraft, IdeaDraft, Inbound, Kind


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation, the longest first so that "in behandeling" beats "in"."""
    return "|".join(sorted(set(words), key=lambda w: (-len(w), w)))


_WORDS = VOCABULARIES.values()
_TAG = rf"(?<![\w#])#(?:{_alternatives(t for v in _WORDS for t in v.anonymous_tags)})\b"
_ANONYMOUS = re.compile(_TAG, re.IGNORECASE)
# The tag and the space on one side of it, so that "ik wil #anoniem blijven" reads well.
_ANONYMOUS_WITH_SPACE = re.compile(
    rf"^[ \t]*{_TAG}[ \t]*|[ \t]*{_TAG}", re.IGNORECASE | re.MULTILINE
)
# "doorsturen naar emma@x.nl", "Forward to: Emma Clarke <emma@x.nl>", "weiterleiten an ..."
_FORWARD = re.compile(
    rf"^(?:{'|'.join(verb for v in _WORDS for verb in v.forward_verbs)})"
    rf"(?:\s{{1,3}}(?:{_alternatives(p for v in _WORDS for p in v.forward_prepositions)}))?"
    r"\s{0,3}:?\s{0,3}"
    r"(?:[^\n<>@:,;]{0,60}?)<?(?:mailto:)?([A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63})>?",
    re.IGNORECASE,
)
# A greeting line a manager may write before the decision word: "Hoi,", "Hi Jan!".
_GREETING = re.compile(
    rf"^(?:{_alternatives(g for v in _WORDS for g in v.greetings)})\b[^\n]{{0,40}}[,!]?[ \t]*\n",
    re.IGNORECASE,
)
# The first words of a decision reply, in every language, longest first.
_PHRASES = sorted(
    {
        (phrase, outcome)
        for v in _WORDS
        for outcome, phrases in v.decisions.items()
        for phrase in phrases
    },
    key=lambda item: (-len(item[0]), item),
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
    lowered = text.lower().replace("\u2019", "'")  # a typographic apostrophe, as phones type
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
