"""Read the return date from an out-of-office reply, so reminders can wait for it.

"Ik ben afwezig tot en met 12 december."        -> 13 December
"Vanaf maandag 4 januari 2027 ben ik er weer."  -> 4 January 2027
"I am out of the office until 14/12/2026."      -> 15 December 2026
"I will be back on December 3rd."               -> 3 December
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "january", "jan", "januar", "janvier"),
            ("februari", "february", "feb", "februar", "février", "fevrier"),
            ("maart", "march", "mar", "mrt", "märz", "maerz", "mars"),
            ("april", "apr", "avril"),
            ("mei", "may", "mai"),
            ("juni", "june", "jun", "juin"),
            ("juli", "july", "jul", "juillet"),
            ("augustus", "august", "aug", "août", "aout"),
            ("september", "sep", "sept", "septembre"),
            ("oktober", "october", "okt", "oct", "octobre"),
            ("november", "nov", "novembre"),
            ("december", "dec", "dezember", "décembre", "decembre"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = (
    r"(?:(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday|montag|dienstag|mittwoch|donnerstag"
    r"|freitag|lundi|mardi|mercredi|jeudi|vendredi)\s*,?\s*)?"
)
# "until" words: the date named is the last day away. "back" words: the first day back.
_UNTIL = r"tot en met|t/m|tot|until|till|through|up to and including|bis|jusqu'au"
_BACK = (
    r"terug op|terug|weer aanwezig op|weer aanwezig vanaf|weer op kantoor op|vanaf|per"
    r"|back on|back in the office on|back|returning on|return on|returning|from"
    r"|ab|dès le|à partir du"
)
_DATE = (
    rf"(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th|e|ste|de)?\.?\s+(?:of\s+)?(?P<m1>{_MONTH})\.?"
    rf"(?:\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>\d{{4}}))?"
    r"|(?P<y3>\d{4})-(?P<m3>\d{1,2})-(?P<d3>\d{1,2})"
    r"|(?P<d4>\d{1,2})[-/.](?P<m4>\d{1,2})(?:[-/.](?P<y4>\d{2,4}))?)"
)
_PATTERN = re.compile(
    rf"\b(?:(?P<until>{_UNTIL})|(?P<back>{_BACK}))\s+{_WEEKDAY}{_DATE}", re.IGNORECASE
)


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
        # No year: the next such day (an absence notice speaks of the future).
        return found if found >= today else date(today.year + 1, month, day)
    except (ValueError, KeyError):
        return None


def return_date(msg: EmailMessage) -> str | None:
    """The ISO date the person is back, or None when the reply names none."""
    body = msg.get_body(preferencelist=("plain", "html"))
    try:
        text = body.get_content() if isinstance(body, EmailMessage) else ""
    except (LookupError, ValueError):
        text = ""
    subject = str(msg.get("Subject", "") or "")
    today = _sent_on(msg)
    for match in _PATTERN.finditer(f"{subject}\n{text[:5000]}"):
        found = _to_date(match, today)
        if found is None or found < today or found > today + timedelta(days=366):
            continue
        back = found + timedelta(days=1) if match.group("until") else found
        return back.isoformat()
    return None
