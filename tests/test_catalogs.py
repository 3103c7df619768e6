"""Every language ideabox speaks has every message: a missing translation fails here,
named, instead of showing up as English in someone's mail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from core.i18n import LOCALE_DIR, SOURCE_LANGUAGE, catalog_path
from core.vocabulary import LANGUAGES, OUTCOMES, VOCABULARIES

ROOT = Path(__file__).parents[1]
METHODS = [("core/**.py", "python"), ("workflows/**.py", "python"), ("templates/**.j2", "jinja2")]
OPTIONS = {"templates/**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def messages_in_the_code() -> set[str]:
    """What the templates and the code ask to be translated (as scripts/catalogs does)."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        METHODS,
        OPTIONS,
        keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _strings(value: object) -> list[str]:
    """A message's translation: one string, or one per plural form."""
    if isinstance(value, str):
        return [value]
    return [str(s) for s in value] if isinstance(value, (list, tuple)) else []


def catalog(language: str) -> Catalog:
    with catalog_path(language).open("rb") as po:
        return read_po(po, locale=language)


def test_the_template_catalog_is_up_to_date() -> None:
    with (LOCALE_DIR / "ideabox.pot").open("rb") as pot:
        template = read_po(pot)
    assert {str(m.id if isinstance(m.id, str) else m.id[0]) for m in template if m.id} == (
        messages_in_the_code()
    ), "run scripts/catalogs"


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE])
def test_every_message_is_translated(language: str) -> None:
    translated = catalog(language)
    missing, broken = [], []
    for message in messages_in_the_code():
        entry = translated.get(message)
        strings = _strings(entry.string) if entry is not None else []
        if entry is None or "fuzzy" in entry.flags or not all(strings):
            missing.append(message)
            continue
        ids = [entry.id] if isinstance(entry.id, str) else list(entry.id)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        if any(set(PLACEHOLDER.findall(s)) != wanted for s in strings):
            broken.append(message)
    assert sorted(missing) == [], f"{language}: not translated"
    assert sorted(broken) == [], f"{language}: placeholders differ"


def test_every_language_has_its_words() -> None:
    assert set(LANGUAGES) == {"nl", "en", "de", "fr"}
    for code, words in VOCABULARIES.items():
        assert words.code == code
        assert [b.outcome for b in words.buttons] == ["accepted", "declined", "in_progress", "done"]
        assert set(words.outcome_labels) == set(OUTCOMES)
        assert set(words.decisions) == set(OUTCOMES) - {"forward"}
        # The word a button writes is one the reply parser reads as that outcome.
        for button in words.buttons:
            assert button.word in words.decisions[button.outcome], (code, button)
        if code != SOURCE_LANGUAGE:
            assert catalog_path(code).is_file()
