"""The words of each language ideabox speaks, in one place: what people write to it and
the words its mails put in their mouths.

One module per language (``nl``, ``en``, ``de``, ``fr``) holds one ``Vocabulary``; adding
a language is one such module here and one message catalog under ``templates/locale``.
The reply parser reads decisions in every language (a manager may answer in any), the
mails and reports word outcomes and buttons in the reader's own.
"""

from __future__ import annotations

from dataclasses import dataclass

OUTCOMES = ("accepted", "declined", "in_progress", "done", "forward")


@dataclass(frozen=True, slots=True)
class Button:
    """One decide button: its label, and the word the reply it opens starts with."""

    outcome: str
    label: str
    word: str


@dataclass(frozen=True, slots=True)
class Vocabulary:
    code: str  # ISO 639-1, also the Babel locale
    name: str  # in the language itself
    idea: str  # "Idee": in "Idee #12: ..." subjects
    # The first words of a decision reply, per outcome; matched at the very start only,
    # lower-case, with a straight apostrophe (a typographic one is read as straight).
    decisions: dict[str, tuple[str, ...]]
    forward_verbs: tuple[str, ...]  # regular expressions: "doorsturen", "stuur (?:dit )?door"
    forward_prepositions: tuple[str, ...]  # "naar", "aan"
    buttons: tuple[Button, ...]  # in the order the mail shows them
    outcome_labels: dict[str, str]  # "akkoord", "afgewezen", ... as mails show outcomes
    greetings: tuple[str, ...]  # a line a manager may start with before the decision word
    anonymous_tags: tuple[str, ...]  # "anoniem": written as #anoniem
    # A reply made of these (and greetings, names, emoji) only says thank you.
    thanks: tuple[str, ...]
    # A manager's reply starting with one of these asks the author something.
    question_words: tuple[str, ...]
    # An invitation reply saying only this has no idea to add: "geen idee".
    no_idea: tuple[str, ...]
    # Words that add nothing to a short thanks or "no idea": "voor de snelle reactie",
    # "helaas", "op dit moment". Only words that never carry an idea or a question.
    courtesy: tuple[str, ...]


def _all() -> dict[str, Vocabulary]:
    from core.vocabulary import de, en, fr, nl

    return {v.code: v for v in (nl.WORDS, en.WORDS, de.WORDS, fr.WORDS)}


VOCABULARIES: dict[str, Vocabulary] = _all()
LANGUAGES: tuple[str, ...] = tuple(VOCABULARIES)


def vocabulary(language: str | None, default: str = "nl") -> Vocabulary:
    return VOCABULARIES.get(language or "", VOCABULARIES[default])
