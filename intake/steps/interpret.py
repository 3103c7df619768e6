"""Say what a reply means, by what it answers and what it says.

- To an invitation or the plain address: an idea (with #anoniem/#anonymous); "geen
  idee" is a response without one; nothing but a greeting, a sign-off, a signature or
  thanks is empty (the writer is asked again).
- To mail about one's own idea: never a new idea. Thanks is recorded; anything else is a
  comment for whoever decides (or the answer to their question).
- To mail about an idea one decides on: a decision (its first words), else a question
  for the author ("vraag: ...", or a reply that ends with "?"), else thanks, else the
  help mail. To the author's relayed words: the same, except that anything else is
  words back to the author.

The words are those of every language in ``core.vocabulary``: anyone may answer in any
of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.utils import parseaddr

from core.about import Topic
from core.vocabulary import VOCABULARIES
from intake.context import StepContext
from intake.courtesy import (
    is_content_free,
    name_words,
    read_question,
    says_no_idea,
    says_thanks,
)
from intake.errors import (
    DigestReply,
    EmptyReply,
    NothingSaid,
    NotRoutable,
    UnclearDecision,
)
from intake.message import DecisionDraft, IdeaDraft, Inbound, Kind, Remark, RemarkKind
from intake.trimmer import only_closing


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


def _writer_names(msg: Inbound) -> frozenset[str]:
    """The names the writer may sign with: theirs in the organisation, and in the From."""
    shown = parseaddr(str(msg.msg.get("From", "") or ""))[0] if msg.message else ""
    return name_words(msg.sender.name if msg.sender else "", shown)


def _says_nothing(text: str, names: frozenset[str]) -> bool:
    """Only greetings, names, emoji, a sign-off or a signature: "Hoi,", "Groet, Jan"."""
    return is_content_free(text, names) or only_closing(text)


def _only_thanks(body: str, signoff: str, names: frozenset[str]) -> bool:
    """Thanks in the body, or no body and a sign-off that thanks ("Bedankt,\nJan")."""
    if says_thanks(body, names):
        return True
    first_line = signoff.strip().partition("\n")[0]
    return _says_nothing(body, names) and bool(first_line) and says_thanks(first_line, names)


async def interpret(msg: Inbound, ctx: StepContext) -> Inbound:
    """Turn the trimmed reply into an idea, a decision or a remark, or say why it is none."""
    assert msg.route is not None and msg.parts is not None
    topic = msg.route.topic
    body, signoff = msg.parts.body, msg.parts.signoff
    names = _writer_names(msg)
    if topic is Topic.BOUNCE:
        raise NotRoutable("a message to a bounce address that is not a bounce")
    if topic is Topic.REPORT:
        raise NotRoutable("a reply to HR's weekly status")
    if topic is Topic.DIGEST:
        raise DigestReply(body[:200])
    if topic in (Topic.IDEA, Topic.CONVERSATION):
        decision = read_decision(body)
        if decision is not None:
            return msg.but(kind=Kind.DECISION, decision=decision)
        question = read_question(body)
        if question is not None:
            return msg.but(remark=Remark(RemarkKind.QUESTION, question))
        if _only_thanks(body, signoff, names):
            return msg.but(remark=Remark(RemarkKind.THANKS, body))
        if topic is Topic.IDEA:
            raise UnclearDecision(body[:200])
        words_back = read_idea(body).text
        if _says_nothing(words_back, names):
            raise NothingSaid()
        return msg.but(remark=Remark(RemarkKind.REPLY, words_back))
    if topic is Topic.AUTHOR:
        if _only_thanks(body, signoff, names):
            return msg.but(remark=Remark(RemarkKind.THANKS, body))
        comment = read_idea(body).text
        if _says_nothing(comment, names):
            raise NothingSaid()
        return msg.but(remark=Remark(RemarkKind.COMMENT, comment))
    if says_no_idea(body, names):
        return msg.but(remark=Remark(RemarkKind.NO_IDEA, body))
    idea = read_idea(body, signoff)
    if _says_nothing(idea.text, names) or _only_thanks(idea.text, signoff, names):
        raise EmptyReply()
    return msg.but(kind=Kind.IDEA, idea=idea)
