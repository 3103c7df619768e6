"""Importing the organisation: formats, re-imports, and every bad row's clear error."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from core.app import App
from db.models import Idea, IdeaStatus, OutboxMail, Person
from workflows.org import ImportFailed, import_people

SAMPLE = Path(__file__).parents[1] / "examples" / "organisation.csv"


async def snapshot() -> list[tuple[str, str, int | None, str | None, str]]:
    people = await Person.all().order_by("email")
    return [(p.email, p.name, p.manager_id, p.department, p.language) for p in people]


async def test_the_sample_organisation_imports(app: App) -> None:
    # Semicolons, Windows-1252, Dutch headers, a three-level manager chain.
    summary = await import_people(app, SAMPLE)
    assert (summary.added, summary.updated, summary.unchanged) == (9, 0, 0)
    jan = await Person.get(email="jan.jansen@example.nl").prefetch_related("manager")
    assert jan.manager is not None and jan.manager.email == "pieter.bakker@example.nl"
    pieter = await Person.get(email="pieter.bakker@example.nl").prefetch_related("manager")
    assert pieter.manager is not None and pieter.manager.email == "anne.devries@example.nl"
    assert (await Person.get(email="chloe.meijer@example.nl")).name == "Chloë Meijer"
    assert (await Person.get(email="andre.dubois@example.nl")).name == "André Dubois"
    emma = await Person.get(email="emma.clarke@example.nl")
    assert (emma.language, emma.timezone, emma.department) == ("en", "Europe/London", "IT")


async def test_reimporting_updates_and_never_duplicates(app: App, tmp_path: Path) -> None:
    await import_people(app, SAMPLE)
    again = await import_people(app, SAMPLE)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 9)
    changed = tmp_path / "changed.csv"
    changed.write_text(
        "email,name,manager_email,department,language\n"
        "jan.jansen@example.nl,Jan Jansen-de Boer,pieter.bakker@example.nl,Zorg,nl\n"
        "new.person@example.nl,New Person,jan.jansen@example.nl,Zorg,en\n",
        encoding="utf-8",
    )
    summary = await import_people(app, changed)
    assert (summary.added, summary.updated, summary.unchanged) == (1, 1, 0)
    assert await Person.all().count() == 10
    assert (await Person.get(email="jan.jansen@example.nl")).name == "Jan Jansen-de Boer"


async def test_utf8_with_bom_and_commas(app: App, tmp_path: Path) -> None:
    path = tmp_path / "org.csv"
    path.write_bytes(
        "\ufeffEmail,Name,Language\r\nzoë@example.nl,Zoë,NL\r\n".encode().replace(
            "zoë@".encode(), b"zoe@"
        )
    )
    await import_people(app, path)
    person = await Person.get(email="zoe@example.nl")
    assert (person.name, person.language) == ("Zoë", "nl")


BAD_FILES = {
    "no email": ("email;name\nmissing@example.nl;A\n;Nameless\n", "line 3, column email"),
    "invalid address": ("email;name\nnot-an-address;A\n", "line 2, column email"),
    "unknown manager": (
        "email;name;manager_email\na@example.nl;A;boss@example.nl\n",
        "line 2, column manager_email: boss@example.nl is not in the file",
    ),
    "manager loop": (
        "email;name;manager_email\na@example.nl;A;b@example.nl\nb@example.nl;B;c@example.nl\n"
        "c@example.nl;C;a@example.nl\n",
        "manager loop",
    ),
    "own manager": ("email;name;manager_email\na@example.nl;A;a@example.nl\n", "line 2"),
    "duplicate": (
        "email;name\na@example.nl;A\nA@example.nl;A again\n",
        "line 3, column email: a@example.nl is also on line 2",
    ),
    "bad language": ("email;name;language\na@example.nl;A;it\n", "line 2, column language"),
    "bad timezone": ("email;name;timezone\na@example.nl;A;Mars/Base\n", "line 2, column timezone"),
    "missing column": ("email;afdeling\na@example.nl;Zorg\n", "required column 'name'"),
    # The rest of the file would otherwise become one person's name, and be mailed.
    "unclosed quote": (
        'email,name,manager_email\na@example.nl,"Unclosed quote,boss@example.nl\n'
        "boss@example.nl,Boss,\n",
        "line 2: a quote opened on this line is never closed",
    ),
    "quote closed lines later": (
        'email,name\na@example.nl,"Open\nb@example.nl,B\nc@example.nl",C\n',
        "line 2: a quoted cell runs on to line 4",
    ),
    "text after a closing quote": ('email,name\na@example.nl,"A" B\n', "line 2: text follows"),
    "binary": ("\x7fELF\x02\x01\x01\x00\x00\x00>\x00", "not a CSV text file"),
    "empty": ("", "line 1"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
async def test_a_bad_file_changes_nothing_and_says_where(
    app: App, tmp_path: Path, case: str
) -> None:
    await import_people(app, SAMPLE)
    before = await snapshot()
    content, expected = BAD_FILES[case]
    # A good row next to the bad one: it must not be applied either.
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        await import_people(app, path)
    assert any(expected in problem for problem in failed.value.problems), failed.value.problems
    assert await snapshot() == before


async def test_a_manager_change_reroutes_open_ideas(app: App, tmp_path: Path) -> None:
    await import_people(app, SAMPLE)
    jan = await Person.get(email="jan.jansen@example.nl")
    pieter = await Person.get(email="pieter.bakker@example.nl")
    open_idea = await Idea.create(
        author=jan,
        manager=pieter,
        text="Meer planten",
        received_at=app.clock.now(),
        assigned_at=app.clock.now(),
    )
    decided = await Idea.create(
        author=jan,
        manager=pieter,
        text="Koffie",
        status=IdeaStatus.ACCEPTED,
        received_at=app.clock.now(),
        assigned_at=app.clock.now(),
    )
    moved = tmp_path / "moved.csv"
    moved.write_text(
        "email;name;manager_email\njan.jansen@example.nl;Jan Jansen;emma.clarke@example.nl\n",
        encoding="utf-8",
    )
    summary = await import_people(app, moved)
    assert (summary.updated, summary.rerouted_ideas) == (1, 1)
    emma = await Person.get(email="emma.clarke@example.nl")
    assert (await Idea.get(id=open_idea.id)).manager_id == emma.id
    assert (await Idea.get(id=decided.id)).manager_id == pieter.id
    notice = await OutboxMail.get(kind="idea_notification")
    assert notice.recipient == "emma.clarke@example.nl"


async def test_a_line_break_in_a_name_becomes_a_space(app: App, tmp_path: Path) -> None:
    path = tmp_path / "org.csv"
    path.write_text('email,name,department\na@example.nl,"Jan\nJansen","Zorg\r\nNoord"\n')
    await import_people(app, path)
    person = await Person.get(email="a@example.nl")
    assert (person.name, person.department) == ("Jan Jansen", "Zorg Noord")


async def test_a_new_manager_starts_the_reminders_over(app: App, tmp_path: Path) -> None:
    await import_people(app, SAMPLE)
    jan = await Person.get(email="jan.jansen@example.nl")
    pieter = await Person.get(email="pieter.bakker@example.nl")
    long_ago = app.clock.now() - timedelta(days=30)
    idea = await Idea.create(
        author=jan,
        manager=pieter,
        text="Idee",
        received_at=long_ago,
        assigned_at=long_ago,
        reminders_sent=3,
        escalated=True,
        next_reminder_at=app.clock.now(),
    )
    moved = tmp_path / "moved.csv"
    moved.write_text("email;name;manager_email\njan.jansen@example.nl;Jan;emma.clarke@example.nl\n")
    await import_people(app, moved)
    idea = await Idea.get(id=idea.id)
    assert (idea.reminders_sent, idea.escalated, idea.assigned_at) == (0, False, app.clock.now())
    assert idea.next_reminder_at is not None and idea.next_reminder_at > app.clock.now()
