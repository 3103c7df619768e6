"""Read the return date from an out-of-office reply, so reminders can wait for it.

"Ik ben afwezig tot en met 12 december."              -> 13 December (the day after)
"Vanaf maandag 4 januari 2027 ben ik er weer."        -> 4 January 2027
"I am out of the office until 14/12/2026."            -> 15 December 2026
"Out from 25 November. I will be back on December 3." -> 3 December (not 25 November)

A date is read by what stands around it: "until" words just before it make it the last
day away; a sentence that speaks of being back ("weer", "terug", "back", "return",
"wieder", "retour") makes it the first day back. Other dates (when the absence starts,
the date of the mail) are ignored. A named first day back wins over a last day away.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

from intake.steps.extract import body_text

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "january", "jan", "januar", "janvier", "jänner"),
            ("februari", "february", "feb", "februar", "février", "fevrier", "febr"),
            ("maart", "march", "mar", "mrt", "märz", "maerz", "mars"),
            ("april", "apr", "avril", "avr"),
            ("mei", "may", "mai"),
            ("juni", "june", "jun", "juin"),
            ("juli", "july", "jul", "juillet", "juil"),
            ("augustus", "august", "aug", "août", "aout"),
            ("september", "sep", "sept", "septembre"),
            ("oktober", "october", "okt", "oct", "octobre"),
            ("november", "nov", "novembre"),
            ("december", "dec", "dezember", "dez", "décembre", "decembre", "déc"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th|e|ste|de|er)?\.?\s{{1,3}}(?:of\s)?(?P<m1>{_MONTH})\b\.?"
    r"(?:\s{1,3}(?P<y1>\d{4})\b)?"
    rf"|(?P<m2>{_MONTH})\.?\s{{1,3}}(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s{{1,3}}(?P<y2>\d{{4}})\b)?"
    r"|(?P<y3>\d{4})-(?P<m3>\d{1,2})-(?P<d3>\d{1,2})\b"
    r"|(?P<d4>\d{1,2})[-/.](?P<m4>\d{1,2})(?:[-/.](?P<y4>\d{4}|\d{2}))?\b(?![-/.]?\d))",
    re.IGNORECASE,
)
# Words that, right before a date (a weekday may sit between), make it the last day away.
_UNTIL = re.compile(
    r"(?:\b(?:tot en met|tot|t/m|tm|until|till|til|through|thru|up to and including"
    r"|bis einschlie(?:ß|ss)lich|bis zum|bis|jusqu'au|jusqu\u2019au|jusqu'à|hasta el|fino al)"
    r"|\buntil and including)\s{1,3}(?:\w{2,10},?\s{1,3}(?:(?:de[nm]|the|le)\s{1,3})?)?$",
    re.IGNORECASE,
)
# A sentence that speaks of being back: a date in it is the first day back.
_BACK = re.compile(
    r"\b(?:weer|terug|back|return|returning|returns|wieder|zurück|zurueck|retour|de retour"
    r"|available again|beschikbaar vanaf|bereikbaar vanaf)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n\s*\n")


def _sent_on(msg: EmailMessage) -> date:
    try:
        sent = parsedate_to_datetime(str(msg.get("Date", "")))
    except (TypeError, ValueError):
        return datetime.now(UTC).date()
    return sent.date()


def _to_date(match: re.Match[str], today: date) -> date | None:
    g = match.groupdict()
    try:
        if g["m1"] or g["m2"]:
            day = int(g["d1"] or g["d2"])
            month = MONTHS[(g["m1"] or g["m2"]).lower()]
            year_text = g["y1"] or g["y2"]
        elif g["y3"]:
            day, month, year_text = int(g["d3"]), int(g["m3"]), g["y3"]
        else:  # day-month order, as written in Europe
            day, month, year_text = int(g["d4"]), int(g["m4"]), g["y4"]
        if year_text:
            year = int(year_text)
            year += 2000 if year < 100 else 0
            return date(year, month, day)
        found = date(today.year, month, day)
        # No year: the next such day (an absence notice speaks of the future), unless the
        # day was recent ("was tot 20 november weg"): then it is the past, and ignored.
        if found >= today or today - found < timedelta(days=120):
            return found
        return date(today.year + 1, month, day)
    except (ValueError, KeyError):
        return None


def _back_distance(text: str, start: int, end: int) -> int | None:
    """How far the nearest "back" word in the date's sentence is from it, or None."""
    sentence_start = max(0, start - 200)
    before = text[sentence_start:start]
    cuts = [m.end() for m in _SENTENCE_END.finditer(before)]
    left = before[cuts[-1] if cuts else 0 :]
    after = text[end : end + 200]
    stop = _SENTENCE_END.search(after)
    right = after[: stop.start() if stop else None]
    distances = [len(left) - m.end() for m in _BACK.finditer(left)]
    distances += [m.start() for m in _BACK.finditer(right)]
    return min(distances) if distances else None


def return_date_in(text: str, today: date) -> date | None:
    """The first day back that ``text`` names, or None."""
    back: tuple[int, date] | None = None
    until: date | None = None
    for match in _DATE.finditer(text[:5000]):
        found = _to_date(match, today)
        if found is None or found < today or found > today + timedelta(days=366):
            continue
        if _UNTIL.search(text[max(0, match.start() - 40) : match.start()]):
            until = until or found + timedelta(days=1)
            continue
        distance = _back_distance(text, match.start(), match.end())
        if distance is not None and (back is None or distance < back[0]):
            back = (distance, found)
    return back[1] if back else until


def return_date(msg: EmailMessage) -> str | None:
    """The ISO date the person is back, or None when the reply names none."""
    try:
        text = body_text(msg)
    except (LookupError, ValueError):
        text = ""
    subject = str(msg.get("Subject", "") or "")
    found = return_date_in(f"{subject}.\n\n{text}", _sent_on(msg))
    return found.isoformat() if found else None
