"""Group ideas into themes across Dutch, English, German and French.

Clustering words (TF-IDF) cannot see that "koffieautomaat" and "coffee machine" are one
theme, so themes come from a lexicon instead (`workflows.theme_lexicon`): per theme and
language, words and phrases from domain knowledge, stemmed once with Snowball. A text scores
each theme by the words it uses:

- a word counts by its own form, else by its stem ("meetings" → "meet");
- a Dutch or German compound that is not in the lexicon counts by the known word it ends
  with (its head, full weight) and the one it starts with (half): "Kaffeemaschine",
  "parkeerplaatsen", "werkdrukverlaging";
- an English word counts in any language (loanwords: "laptops", "meeting", "onboarding");
- a phrase ("working from home", "red tape") counts as one more word.

A long listed word with one letter missing or extra still counts ("ontwikeling").

An idea belongs to its best theme: highest score, then the theme it mentioned first. An
idea no theme recognises stays alone, in a theme "other:<id>" labelled by its longest
significant word: lumping such ideas together (by a shared stem, or all in one) scored
worse on ideas the lexicon was not tuned on. Everything is pure and deterministic, and
linear in the number of words: each distinct word is stemmed and looked up once (cached).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import snowballstemmer

from workflows.theme_lexicon import (
    FALLBACK_KEY,
    FALLBACK_LABELS,
    STOPWORDS,
    THEMES,
    LexiconTheme,
)

LANGUAGES = ("nl", "en", "de", "fr")

_STEMMER_NAMES = {"nl": "dutch", "en": "english", "de": "german", "fr": "french"}
_COMPOUNDING = frozenset({"nl", "de"})  # languages that write compounds as one word
# A word of letters and digits, and whether a hyphen joins it to the next ("wi-fi").
_WORD = re.compile(r"([^\W_]+)(-(?=[^\W_]))?")
_MIN_WORD = 2  # shorter tokens ("l'", "d'", "s") carry nothing
_MIN_STEM = 5  # shortest stem that counts without being a listed word itself
_MIN_PART = 4  # shortest known word recognised inside a compound
_MIN_REST = 3  # shortest remainder beside it, so "in|druk" and "af|druk" are no compounds
_MIN_TYPO = 7  # shortest listed word that is still recognised with a typo
# Endings that make a derived word, not a compound: "verantwoord|elijk", "Verwalt|ung".
_DERIVATIONAL = ("lijk", "elijk", "heid", "baar", "isch", "ing", "lich", "keit", "heit", "ung")
_HEAD = 1.0
_MODIFIER = 0.5


@dataclass(frozen=True, slots=True)
class IdeaText:
    id: int
    text: str
    language: str | None = None  # "nl", "en", "de", "fr" or None (then guessed)
    department: str | None = None


@dataclass(frozen=True, slots=True)
class Theme:
    key: str  # stable identifier, e.g. "coffee" (English, for code and JSON)
    label: tuple[str, ...]  # label words shown to people, e.g. ("coffee", "koffie")
    ideas: tuple[int, ...]  # idea ids, ascending
    departments: tuple[str, ...]  # distinct departments of those ideas, sorted
    count: int  # len(ideas)


def themes_of(text: str, language: str | None = None) -> tuple[str, ...]:
    """Theme keys one text is about, best first (empty: none recognised)."""
    return tuple(key for key, _ in _ranked(_read(text, language).evidence))


def group_themes(ideas: Iterable[IdeaText]) -> list[Theme]:
    """Every idea in exactly one theme; largest theme first, then by key."""
    members: defaultdict[str, list[IdeaText]] = defaultdict(list)
    used_words: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for idea in ideas:
        key, words = _best_theme(idea)
        members[key].append(idea)
        used_words[key].update(words)
    themes = [_theme(key, group, used_words[key]) for key, group in members.items()]
    return sorted(themes, key=lambda theme: (-theme.count, theme.key))


def label_in(key: str, language: str) -> str:
    """A theme's label word in one language (English where that language has none)."""
    labels = _LABELS.get(key, FALLBACK_LABELS)
    return labels.get(language) or labels["en"]


def _best_theme(idea: IdeaText) -> tuple[str, list[str]]:
    """The key of the idea's theme, and the words of the idea that speak for it."""
    reading = _read(idea.text, idea.language)
    ranked = _ranked(reading.evidence)
    if ranked:
        key, best = ranked[0]
        return key, best.words
    # Alone, not lumped: on ideas not tuned on, grouping the unrecognised by a shared word
    # (or all in one) put unrelated ideas together more often than it found a theme.
    telling = _telling_word(reading)
    return f"{FALLBACK_KEY}:{idea.id}", [telling] if telling else []


# --- reading one text ----------------------------------------------------------------------


@dataclass(slots=True)
class _Evidence:
    score: float = 0.0
    first: int = 0  # position of the first word that spoke for the theme
    words: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Reading:
    """What one text says: evidence per theme key, read as one language."""

    evidence: dict[str, _Evidence]
    tokens: list[str]
    language: str


def _read(text: str, hint: str | None) -> _Reading:
    tokens, modifiers = _tokens(text)
    language = _language_of(tokens, hint)
    if language is not None:
        return _read_as(tokens, modifiers, language)
    # Nothing tells the language (a bare "Parkeerplaatsen!"): take the reading that finds most.
    readings = [_read_as(tokens, modifiers, language) for language in LANGUAGES]
    return max(readings, key=lambda reading: sum(e.score for e in reading.evidence.values()))


def _tokens(text: str) -> tuple[list[str], set[int]]:
    """The words of a text, and the positions of those that start a hyphenated compound."""
    tokens: list[str] = []
    modifiers: set[int] = set()
    for word, hyphen in _WORD.findall(text.lower()):
        if len(word) >= _MIN_WORD:
            if hyphen:
                modifiers.add(len(tokens))
            tokens.append(word)
    return tokens, modifiers


def _read_as(tokens: list[str], modifiers: set[int], language: str) -> _Reading:
    evidence: dict[str, _Evidence] = {}

    def add(key: str, weight: float, position: int, word: str) -> None:
        found = evidence.get(key)
        if found is None:
            found = evidence[key] = _Evidence(first=position)
        found.score += weight
        found.words.append(word)

    phrases = _INDEXES[language].phrases
    # In "Excel-cursus" the course is the point, as in "Excelcursus".
    modifier_weight = _MODIFIER if language in _COMPOUNDING else _HEAD
    words = [_word(token, language) for token in tokens]
    stems = [stem for stem, _ in words]
    for position, (token, (stem, matches)) in enumerate(zip(tokens, words, strict=True)):
        scale = modifier_weight if position in modifiers else _HEAD
        for key, weight in matches:
            add(key, weight * scale, position, token)
        for phrase, key in phrases.get(stem, ()):
            if tuple(stems[position : position + len(phrase)]) == phrase:
                add(key, _HEAD, position, token)
    return _Reading(evidence, tokens, language)


def _telling_word(reading: _Reading) -> str:
    """The longest word of the text that is no stopword: a label for an idea on its own."""
    stopwords = _INDEXES[reading.language].stopwords
    significant = (word for word in reading.tokens if word.isalpha() and word not in stopwords)
    return max(significant, key=len, default="")


def _ranked(evidence: Mapping[str, _Evidence]) -> list[tuple[str, _Evidence]]:
    """Best first: highest score, then mentioned first (often the main point), then key."""
    return sorted(evidence.items(), key=lambda item: (-item[1].score, item[1].first, item[0]))


def _language_of(tokens: list[str], hint: str | None) -> str | None:
    """The hint, unless the text is plainly in another language; else a guess, or None.

    The hint is usually the author's profile language, and people answer in the language
    of their choice, so clear evidence in the text wins.
    """
    counts = dict.fromkeys(LANGUAGES, 0)
    for token in tokens:
        for language in _STOPWORD_LANGUAGES.get(token, ()):
            counts[language] += 1
    best = max(LANGUAGES, key=counts.__getitem__)
    if hint in counts and not (counts[best] >= 3 and counts[best] > 2 * counts[hint]):
        return hint
    if counts[best] == 0 or list(counts.values()).count(counts[best]) > 1:
        return None
    return best


@functools.lru_cache(maxsize=1 << 16)
def _word(word: str, language: str) -> tuple[str, tuple[tuple[str, float], ...]]:
    """A word's stem and the (theme key, weight) pairs it gives; cached: words repeat."""
    if word.isdigit():
        return word, ()
    return _stem(word, language), _word_matches(word, language)


def _word_matches(word: str, language: str) -> tuple[tuple[str, float], ...]:
    index = _INDEXES[language]
    folded = _fold(word)
    if folded in index.stopwords:
        return ()
    stem = _stem(word, language)
    keys = index.forms.get(folded) or index.stems.get(stem)
    if keys:
        return _weighted(keys, _HEAD)
    found = _compound_matches(folded, stem, index) if language in _COMPOUNDING else ()
    found = found or _typo_matches(folded, index)
    if found or language == "en":
        return found
    # A loanword: English as listed, or with a plural s; not stemmed again, which would
    # double the time spent on every word no theme knows.
    return _weighted(keys, _HEAD) if (keys := _LOANWORDS.get(folded)) else ()


def _compound_matches(word: str, stem: str, index: _Index) -> tuple[tuple[str, float], ...]:
    """Known words at the end and start of a compound: "koffie|automaat", "Park|plätze"."""
    for base in (stem, word):  # the stem first: the head is the part that is inflected
        head = _known_ending(base, index)
        if head:
            modifier = _known_start(base[: -len(head)], index, rest=0)
            return _weighted(index.parts[head], _HEAD) + _modifier_matches(modifier, index)
    modifier = _known_start(word, index, rest=_MIN_REST)
    if word[len(modifier) :].startswith(_DERIVATIONAL):
        return ()  # "verantwoord|elijk" is a derived word, no compound
    return _modifier_matches(modifier, index)


def _modifier_matches(modifier: str, index: _Index) -> tuple[tuple[str, float], ...]:
    return _weighted(index.parts[modifier], _MODIFIER) if modifier else ()


def _known_ending(word: str, index: _Index) -> str:
    """The longest known word that ends `word`; a short one only after a long start."""
    for start in range(_MIN_REST, len(word) - _MIN_PART + 1):
        head = word[start:]
        # "bespr|ook" (discussed) is no smoke, "werk|druk" needs listing: short heads
        # catch too many participles and derived words.
        if head in index.parts and (len(head) >= _MIN_STEM or start >= _MIN_STEM):
            return head
    return ""


def _known_start(word: str, index: _Index, rest: int) -> str:
    """The longest known word that starts `word` and leaves at least `rest` letters."""
    for end in range(len(word) - rest, _MIN_PART - 1, -1):
        if word[:end] in index.parts:
            return word[:end]
    return ""


def _typo_matches(word: str, index: _Index) -> tuple[tuple[str, float], ...]:
    """A long listed word with one letter missing or one too many ("ontwikeling").

    Not a wrong letter: "packing" is no "parking", and "melting" no "meeting".
    """
    keys = set(index.shortened.get(word, ()))
    if len(word) > _MIN_TYPO:
        for shorter in _deletions(word):
            keys.update(index.forms.get(shorter, ()))
    return _weighted(tuple(sorted(keys)), _HEAD) if keys else ()


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _weighted(keys: tuple[str, ...], weight: float) -> tuple[tuple[str, float], ...]:
    # A word of several themes ("train": commute or training) speaks for each in part.
    return tuple((key, weight / len(keys)) for key in keys)


@functools.lru_cache(maxsize=1 << 16)
def _stem(word: str, language: str) -> str:
    return _fold(_STEMMERS[language].stemWord(word))


def _fold(word: str) -> str:
    """Without accents, so that "reunion" finds "réunion" and "Parkplaetze" is no worse."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# --- building a theme ----------------------------------------------------------------------


def _theme(key: str, ideas: list[IdeaText], used_words: Counter[str]) -> Theme:
    ids = tuple(sorted(idea.id for idea in ideas))
    departments = tuple(sorted({idea.department for idea in ideas if idea.department}))
    return Theme(key, _label(key, used_words), ids, departments, len(ids))


def _label(key: str, used_words: Counter[str]) -> tuple[str, ...]:
    """English and Dutch label words, then the word the ideas themselves used most."""
    most_used = min(used_words, key=lambda word: (-used_words[word], word), default="")
    labels = _LABELS.get(key, FALLBACK_LABELS)
    unique: dict[str, str] = {}
    for word in (labels["en"], labels["nl"], most_used):
        if word:
            unique.setdefault(word.lower(), word)
    return tuple(unique.values())


# --- the lexicon, stemmed once -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Index:
    """One language's lexicon: theme keys by word form, by stem, by compound part."""

    forms: dict[str, tuple[str, ...]]
    stems: dict[str, tuple[str, ...]]
    parts: dict[str, tuple[str, ...]]
    phrases: dict[str, tuple[tuple[tuple[str, ...], str], ...]]  # by first stem
    shortened: dict[str, tuple[str, ...]]  # long word forms with one letter left out
    stopwords: frozenset[str]


def _build_index(language: str, themes: tuple[LexiconTheme, ...]) -> _Index:
    stopwords = _STOPWORDS[language]
    words: list[tuple[str, str, str]] = []  # (form, stem, theme key)
    phrases: defaultdict[str, set[tuple[tuple[str, ...], str]]] = defaultdict(set)
    for theme in themes:
        for entry in _entries(theme.words.get(language, "")):
            tokens, _ = _tokens(entry)
            in_order = tuple(_stem(token, language) for token in tokens)
            if len(tokens) > 1:  # a phrase, or a hyphenated word ("wi-fi"): read in order
                phrases[in_order[0]].add((in_order, theme.key))
            elif tokens and _fold(tokens[0]) not in stopwords:
                words.append((_fold(tokens[0]), in_order[0], theme.key))
    forms = _keys_by((form, key) for form, _, key in words)
    # A short stem is a common word as often as not ("kort" from "korting", "uit" from
    # "uitjes"): it counts only where the lexicon lists it as a word of its own.
    stems = _keys_by(
        (stem, key)
        for _, stem, key in words
        if (len(stem) >= _MIN_STEM or stem in forms) and stem not in stopwords
    )
    parts = _keys_by(
        (part, key)
        for form, stem, key in words
        for part in (form, stem)
        if len(part) >= _MIN_PART and (part == form or part in stems)
    )
    return _Index(
        forms=forms,
        stems=stems,
        parts=parts,
        phrases={first: tuple(sorted(found)) for first, found in phrases.items()},
        shortened=_keys_by(
            (shorter, key)
            for form, _, key in words
            if len(form) >= _MIN_TYPO
            for shorter in _deletions(form)
        ),
        stopwords=stopwords,
    )


def _entries(words: str) -> list[str]:
    return [entry.strip().lower() for entry in words.split(",") if entry.strip()]


def _keys_by(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """Theme keys by word, each word's keys sorted and distinct."""
    found: defaultdict[str, set[str]] = defaultdict(set)
    for word, key in pairs:
        found[word].add(key)
    return {word: tuple(sorted(keys)) for word, keys in found.items()}


_STEMMERS = {language: snowballstemmer.stemmer(name) for language, name in _STEMMER_NAMES.items()}
# Each stopword as written and without accents ("très", "tres"), as texts have either.
_STOPWORDS = {
    language: frozenset(form for word in words.split() for form in (word, _fold(word)))
    for language, words in STOPWORDS.items()
}
_STOPWORD_LANGUAGES = {
    word: tuple(language for language in LANGUAGES if word in _STOPWORDS[language])
    for word in frozenset().union(*_STOPWORDS.values())
}
_LABELS = {theme.key: theme.labels for theme in THEMES}
_INDEXES = {language: _build_index(language, THEMES) for language in LANGUAGES}
_LOANWORDS = _keys_by(
    (loanword, key)
    for form, keys in _INDEXES["en"].forms.items()
    for key in keys
    for loanword in (form, form if form.endswith("s") else f"{form}s")
)
