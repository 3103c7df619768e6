"""Importing the organisation from an HR system's CSV export.

Comma or semicolon, UTF-8 or Windows-1252 (as Dutch Excel writes it), English or Dutch
headers. Every row is checked first; one bad row and nothing is applied, and each problem
names its line and column. Re-importing updates people, never duplicates them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tortoise.transactions import in_transaction

from core.app import App
from db.models import Idea, IdeaStatus, Person
from workflows.ideas import hand_over
from workflows.outbox import nudge
from workflows.people import Departure, deactivate_in, missing_from

COLUMNS = {
    "email": ("email", "e-mail", "emailadres", "e-mailadres", "mail", "email address"),
    "name": ("name", "naam", "full name", "volledige naam"),
    "manager_email": (
        "manager_email", "manager email", "manager e-mail", "manager", "leidinggevende",
        "e-mail leidinggevende", "email leidinggevende", "leidinggevende_email",
        "leidinggevende e-mail",
    ),
    "department": ("department", "afdeling", "team"),
    "language": ("language", "taal"),
    "timezone": ("timezone", "time zone", "tijdzone"),
}  # fmt: skip
REQUIRED = ("email", "name")
LANGUAGES = {
    "nl": "nl", "nederlands": "nl", "dutch": "nl", "nl-nl": "nl", "nl-be": "nl",
    "en": "en", "engels": "en", "english": "en", "en-gb": "en", "en-us": "en",
    "de": "de", "duits": "de", "german": "de", "deutsch": "de", "de-de": "de", "de-at": "de",
    "de-ch": "de",
    "fr": "fr", "frans": "fr", "french": "fr", "français": "fr", "francais": "fr",
    "fr-fr": "fr", "fr-be": "fr", "fr-ch": "fr",
}  # fmt: skip
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+$"
)


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    email: str
    name: str
    manager_email: str | None
    department: str | None
    language: str | None
    timezone: str | None


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rerouted_ideas: int = 0
    departures: list[Departure] = field(default_factory=list)


@dataclass
class ImportFailed(Exception):
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(self.problems)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, which reads any byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(header_line: str) -> str:
    """Semicolon (Dutch Excel), comma or tab, as the header row shows; else a comma."""
    try:
        return csv.Sniffer().sniff(header_line, delimiters=";,\t").delimiter
    except csv.Error:  # one column only, or no delimiter the header agrees on
        return ","


def _column_map(header: list[str]) -> tuple[dict[str, int], list[str]]:
    aliases = {alias: name for name, names in COLUMNS.items() for alias in names}
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        name = aliases.get(" ".join(title.strip().lower().replace("_", " ").split()))
        name = name or aliases.get(title.strip().lower())
        if name and name not in found:
            found[name] = index
    missing = [f"line 1: required column '{c}' is missing" for c in REQUIRED if c not in found]
    return found, missing


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on. A quote left open (which would swallow
    the rows after it into one cell) is a problem on the line where it opened; a cell
    with a line break in it (Alt+Enter in Excel) is fine unless it holds rows."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportFailed([f"line {start}: {_csv_problem(error)}"]) from None
        if reader.line_num > start and any(_holds_rows(cell, delimiter) for cell in cells):
            where = f"line {start}: a quoted cell runs on to line {reader.line_num}"
            raise ImportFailed([f"{where}; is a closing quote missing?"])
        yield start, cells


def _holds_rows(cell: str, delimiter: str) -> bool:
    _, *more_lines = cell.splitlines()
    return any(delimiter in line for line in more_lines)


def _csv_problem(error: csv.Error) -> str:
    if "unexpected end of data" in str(error):
        return "a quote opened on this line is never closed"
    if "expected after" in str(error):
        return "text follows a closing quote (a quote inside a quoted cell is written twice)"
    return f"not valid CSV ({error})"


def read_rows(text: str) -> list[Row]:
    """Parse and check every row; raise ImportFailed listing every problem."""
    if "\0" in text:
        raise ImportFailed(["this is not a CSV text file (it holds binary data)"])
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ImportFailed(["line 1: the file is empty; expected a header row"])
    records = _records(text, _delimiter(lines[0]))
    columns, problems = _column_map(next(records)[1])
    if problems:
        raise ImportFailed(problems)
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for line, cells in records:
        if not any(c.strip() for c in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            if index is None or index >= len(cells):
                return ""
            # One line: a name goes into mail headers, where a line break cannot stand.
            return " ".join(cells[index].split())

        email, manager = cell("email").lower(), cell("manager_email").lower()
        row_problems = []
        if not email:
            row_problems.append(f"line {line}, column email: no email address")
        elif not _EMAIL.match(email):
            row_problems.append(f"line {line}, column email: '{email}' is not a valid address")
        elif email in seen:
            row_problems.append(f"line {line}, column email: {email} is also on line {seen[email]}")
        if not cell("name"):
            row_problems.append(f"line {line}, column name: no name")
        if manager and not _EMAIL.match(manager):
            row_problems.append(
                f"line {line}, column manager_email: '{manager}' is not a valid address"
            )
        if manager and manager == email:
            row_problems.append(
                f"line {line}, column manager_email: a person cannot manage themselves"
            )
        language = cell("language").lower()
        if language and language not in LANGUAGES:
            row_problems.append(
                f"line {line}, column language: '{cell('language')}' is not nl, en, de or fr"
            )
        timezone = cell("timezone")
        if timezone:
            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError):
                row_problems.append(
                    f"line {line}, column timezone: '{timezone}' is not a time zone name"
                )
        problems += row_problems
        if email and email not in seen:
            seen[email] = line
        if not row_problems:
            rows.append(
                Row(
                    line=line,
                    email=email,
                    name=cell("name"),
                    manager_email=manager or None,
                    department=cell("department") or None,
                    language=LANGUAGES.get(language),
                    timezone=timezone or None,
                )
            )
    if problems:
        raise ImportFailed(problems)
    if not rows:
        raise ImportFailed(["line 2: no people in the file"])
    return rows


def _check_managers(rows: list[Row], stored: dict[str, str | None]) -> list[str]:
    """Every manager exists (in the file or already stored) and no chain loops."""
    managers = dict(stored)
    managers.update({r.email: r.manager_email for r in rows})
    problems = []
    for row in rows:
        if row.manager_email and row.manager_email not in managers:
            problems.append(
                f"line {row.line}, column manager_email: {row.manager_email} is not in the file"
                " nor already known"
            )
    if problems:
        return problems
    for row in rows:
        chain = [row.email]
        current = row.manager_email
        while current is not None:
            if current in chain:
                loop = " -> ".join([*chain[chain.index(current) :], current])
                problems.append(f"line {row.line}, column manager_email: manager loop {loop}")
                break
            chain.append(current)
            current = managers.get(current)
    return problems


async def missing_people(path: Path) -> list[Person]:
    """Who ``--deactivate-missing`` would deactivate: the active people not in the file."""
    rows = read_rows(decode(path.read_bytes()))
    return await missing_from({row.email for row in rows})


async def import_people(app: App, path: Path, *, deactivate_missing: bool = False) -> ImportSummary:
    """Import or update the people in ``path``; all or nothing. With
    ``deactivate_missing``, whoever is active but not in the file leaves, in the same
    transaction."""
    rows = read_rows(decode(path.read_bytes()))
    stored_people = {p.email: p for p in await Person.all().prefetch_related("manager")}
    stored_managers = {
        email: (p.manager.email if p.manager else None) for email, p in stored_people.items()
    }
    problems = _check_managers(rows, stored_managers)
    if problems:
        raise ImportFailed(problems)

    summary = ImportSummary()
    default_language = app.settings.default_language
    outbox_ids: list[int] = []
    async with in_transaction() as conn:
        people: dict[str, Person] = dict(stored_people)
        changed: set[str] = set()
        for row in rows:
            values = {
                "name": row.name,
                "department": row.department,
                "language": row.language
                or (people[row.email].language if row.email in people else default_language),
                "timezone": row.timezone,
                "active": True,
            }
            person = people.get(row.email)
            if person is None:
                people[row.email] = await Person.create(email=row.email, using_db=conn, **values)
                summary.added += 1
                continue
            if any(getattr(person, k) != v for k, v in values.items()):
                person.update_from_dict(values)
                await person.save(using_db=conn)
                changed.add(row.email)
        for row in rows:
            person = people[row.email]
            manager_id = people[row.manager_email].id if row.manager_email else None
            if person.manager_id == manager_id:
                continue
            existed = row.email in stored_people
            person.manager_id = manager_id
            await person.save(using_db=conn, update_fields=["manager_id"])
            if existed:
                changed.add(row.email)
                # A new manager takes over the person's open ideas, and hears of each.
                open_ideas = await Idea.filter(
                    author_id=person.id, status=IdeaStatus.OPEN
                ).using_db(conn)
                manager = people[row.manager_email] if row.manager_email else None
                for idea in open_ideas:
                    outbox_ids += await hand_over(app, conn, idea, manager)
                    summary.rerouted_ideas += 1
        summary.updated = len(changed)
        summary.unchanged = len(rows) - summary.added - summary.updated
        if deactivate_missing:
            listed = {row.email for row in rows}
            active = await Person.filter(active=True).using_db(conn).order_by("email")
            for leaving in [p.id for p in active if p.email not in listed]:
                # Read again: an earlier departure may have given them a new manager.
                person = await Person.get(id=leaving, using_db=conn)
                departure, moved = await deactivate_in(app, conn, person)
                summary.departures.append(departure)
                outbox_ids += moved
    await nudge(app, outbox_ids)
    return summary
