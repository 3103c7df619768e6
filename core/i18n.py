"""The languages of the mails: message catalogs (gettext, as Babel keeps them) and the
way each language writes dates, times and numbers (Babel's CLDR data).

The words are in ``templates/locale/<language>/LC_MESSAGES/ideabox.po``, English being
the source; a catalog is compiled in memory the first time a language is used, so the
repository holds only the readable ``.po`` files. ``scripts/catalogs`` brings them up to
date with the templates; a test fails when a catalog misses a message.
"""

from __future__ import annotations

import gettext
import io
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

import templates
from core.vocabulary import LANGUAGES

SOURCE_LANGUAGE = "en"
DOMAIN = "ideabox"
LOCALE_DIR = Path(templates.__file__).parent / "locale"


def N_(message: str) -> str:
    """Marks a message for the catalogs where it is written; translated where shown."""
    return message


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of ``language``; the source language needs none."""
    if language == SOURCE_LANGUAGE or language not in LANGUAGES:
        return gettext.NullTranslations()
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def translate(language: str, message: str) -> str:
    return translations(language).gettext(message)


# How each language writes dates, times and numbers.


def format_date(value: date | datetime, language: str, form: str = "long") -> str:
    return dates.format_date(value, form, locale=language)


def format_time(moment: datetime, language: str, zone: ZoneInfo) -> str:
    return dates.format_time(moment, "short", tzinfo=zone, locale=language)


def format_datetime(moment: datetime, language: str, zone: ZoneInfo) -> str:
    """A day and a time to the minute: "24 nov 2026 10:30", "Nov 24, 2026, 10:30 AM"."""
    day = dates.format_date(moment.astimezone(zone), "medium", locale=language)
    return f"{day}, {format_time(moment, language, zone)}"


def format_number(value: float, language: str) -> str:
    return numbers.format_decimal(value, locale=language)


def format_percent(value: float, language: str) -> str:
    return numbers.format_percent(value, locale=language)
