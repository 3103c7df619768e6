"""What a short reply says when it says no idea or decision: thanks, "no idea", nothing
at all, or a question.

Each test reads the whole reply as words and consumes it from the left with the phrases
of every shipped language (``core.vocabulary``): a reply is "thanks" only when nothing is
left but thanks, greetings, the writer's own name and courtesy words ("voor de snelle
reactie"). A word outside those lists means the reply has something to say, and it is
relayed or read as an idea: a thanks passed on by mistake costs the manager a glance, a
remark swallowed by mistake costs the employee their voice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from core.vocabulary import VOCABULARIES

# A word: letters and digits, joined by an apostrophe, a dot, a slash or a hyphen
# ("d'accord", "n.v.t", "n/a", "e-mail").
_WORD = re.compile(r"[^\W_]+(?:['./-][^\W_]+)*", re.UNICODE)
# Emoji that say thanks or well done on their own (skin tones and variation selectors
# are taken off first).
_THANKS_EMOJI = frozenset("👍🙏👏🙌❤♥💙💚💛🧡💜😊🙂😀😃😄😁🎉🥳💪✅👌🤝💯⭐🌟😍☺")
_MODIFIERS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f\u200d]")
_QUESTION_MARKS = ("?", "\uff1f")  # and the full-width one phones type in CJK input
# Past this many words a reply says more than thank you.
_SHORT = 30


def words(text: str) -> tuple[str, ...]:
    """The words of ``text``, lower-case, with a typographic apostrophe made straight."""
    normal = unicodedata.normalize("NFC", text).lower().replace("\u2019", "'")
    return tuple(_WORD.findall(normal))


def _phrases(values: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """Phrases as word tuples, the longest first (so "dank je wel" beats "dank")."""
    found = {words(value) for value in values}
    return tuple(sorted((p for p in found if p), key=lambda p: (-len(p), p)))


@cache
def _lists() -> dict[str, tuple[tuple[str, ...], ...]]:
    every = VOCABULARIES.values()
    return {
        "thanks": _phrases(t for v in every for t in v.thanks),
        "no_idea": _phrases(t for v in every for t in v.no_idea),
        "greetings": _phrases(g for v in every for g in v.greetings),
        "courtesy": _phrases(c for v in every for c in v.courtesy),
        "questions": _phrases(q for v in every for q in v.question_words),
    }


def _match(tokens: tuple[str, ...], at: int, phrases: tuple[tuple[str, ...], ...]) -> int:
    """The length of the longest phrase at ``tokens[at:]``, or 0."""
    for phrase in phrases:
        if tokens[at : at + len(phrase)] == phrase:
            return len(phrase)
    return 0


def _consume(
    tokens: tuple[str, ...], wanted: str, also: tuple[str, ...], names: frozenset[str]
) -> bool | None:
    """Walk the words: True when they hold a ``wanted`` phrase and nothing but ``also``
    lists and names besides; None when some other word is found; False when none was."""
    lists = _lists()
    found = False
    at = 0
    while at < len(tokens):
        length = _match(tokens, at, lists[wanted])
        if length:
            found = True
            at += length
            continue
        length = max((_match(tokens, at, lists[name]) for name in also), default=0)
        if length:
            at += length
        elif tokens[at] in names:
            at += 1
        else:
            return None
    return found


def name_words(*names: str) -> frozenset[str]:
    """The words of the writer's names ("Jan", "Jansen"), which any reply may carry."""
    return frozenset(w for name in names for w in words(name) if len(w) > 1)


def _emoji(text: str) -> set[str]:
    return set(_MODIFIERS.sub("", text)) & _THANKS_EMOJI


def says_thanks(text: str, names: frozenset[str] = frozenset()) -> bool:
    """Only thanks (or a 👍): "Top, dank je wel!", "Thanks so much for the update 🙏"."""
    if text.rstrip().endswith(_QUESTION_MARKS):
        return False
    tokens = words(text)
    if len(tokens) > _SHORT:
        return False
    found = _consume(tokens, "thanks", ("greetings", "courtesy"), names)
    return found is True or (found is False and bool(_emoji(text)))


def says_no_idea(text: str, names: frozenset[str] = frozenset()) -> bool:
    """Only "no idea": "Geen idee eigenlijk.", "Nothing right now, sorry!"."""
    tokens = words(text)
    if len(tokens) > _SHORT or text.rstrip().endswith(_QUESTION_MARKS):
        return False
    return _consume(tokens, "no_idea", ("greetings", "courtesy", "thanks"), names) is True


def is_content_free(text: str, names: frozenset[str] = frozenset()) -> bool:
    """Nothing but greetings, the writer's name, punctuation and emoji: "Hoi,", "Jan"."""
    tokens = words(text)
    return _consume(tokens, "greetings", (), names) is not None


def read_question(text: str) -> str | None:
    """The question in a reply that asks one, or None.

    "Vraag: voor welke afdeling geldt dit?" asks "voor welke afdeling geldt dit?" (the
    question word, then a colon, a dash or a new line; a greeting line may come first);
    a reply that ends with a question mark asks all of itself.
    """
    stripped = text.strip()
    for candidate in (stripped, _after_greeting_line(stripped)):
        asked = _match(words(candidate), 0, _lists()["questions"])
        if not asked:
            continue
        rest = _after_words(candidate, asked)
        if _ASKS.match(rest) or rest.rstrip().endswith(_QUESTION_MARKS):
            return rest.lstrip(" \t\n:;,.-\u2013\u2014!").strip() or None
    return stripped if stripped.endswith(_QUESTION_MARKS) else None


# After the question word: "vraag: ...", "Frage - ...", or the question on the next line.
_ASKS = re.compile(r"^[ \t]*(?:[:\-\u2013\u2014]|\n)")


def _after_greeting_line(text: str) -> str:
    """The text after a first line that only greets ("Hoi Piet,"), else ''."""
    first, _, rest = text.partition("\n")
    greeting = words(first)
    if rest and greeting and len(greeting) <= 4 and _match(greeting, 0, _lists()["greetings"]):
        return rest.strip()
    return ""


def _after_words(text: str, count: int) -> str:
    """``text`` after its first ``count`` words (as ``words`` counts them)."""
    end = 0
    for found, _ in zip(_WORD.finditer(text), range(count), strict=False):
        end = found.end()
    return text[end:]
