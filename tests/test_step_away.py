"""away: the first day back an out-of-office reply names (or None)."""

from __future__ import annotations

import time
from datetime import date

import pytest

from intake.steps.away import return_date, return_date_in
from intake.steps.parse import parse_bytes

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("Ik ben afwezig tot en met 4 december.", "2026-12-05"),
        ("Ik ben afwezig t/m vrijdag 4 december.", "2026-12-05"),
        (
            "Afwezig tot en met 4 december. Vanaf maandag 7 december ben ik weer aanwezig.",
            "2026-12-07",
        ),
        ("Vanaf maandag 4 januari 2027 ben ik er weer.", "2027-01-04"),
        ("Ik ben vanaf 14-12-2026 weer bereikbaar.", "2026-12-14"),
        ("I am out of the office until 14/12/2026.", "2026-12-15"),
        ("I am out of the office until Friday, December 4th.", "2026-12-05"),
        ("Out from 25 November. I will be back on December 7.", "2026-12-07"),
        ("I'm away from 25 November and will be back on December 7.", "2026-12-07"),
        ("I will return on Monday 7th December 2026.", "2026-12-07"),
        ("Back in the office on 2026-12-07.", "2026-12-07"),
        ("Ich bin bis einschließlich 4. Dezember nicht im Büro.", "2026-12-05"),
        ("Ab Montag, dem 7. Dezember, bin ich wieder erreichbar.", "2026-12-07"),
        ("Je suis absent jusqu'au 4 décembre inclus.", "2026-12-05"),
        ("Je serai de retour le lundi 7 décembre.", "2026-12-07"),
        ("Tot 5 januari ben ik met vakantie.", "2027-01-06"),  # no year: the next one
        # No return date named (only the start of the absence, or a past date):
        ("Ik ben afwezig vanaf 25 november.", None),
        ("Ik was tot 20 november weg, nu met verlof.", None),
        ("I am out of the office with limited access to email.", None),
        ("Versie 4.2.2 van 2026 staat klaar", None),
    ],
)
def test_return_dates(text: str, back: str | None) -> None:
    found = return_date_in(text, TODAY)
    assert (found.isoformat() if found else None) == back


def test_a_message_subject_and_html_body() -> None:
    msg = parse_bytes(
        b"From: p@example.nl\nSubject: Afwezig tot 4 december\n"
        b"Date: Tue, 24 Nov 2026 10:00:00 +0100\nMIME-Version: 1.0\n"
        b"Content-Type: text/html; charset=utf-8\n\n<p>Ik ben <b>weg</b>.</p>\n"
    )
    assert return_date(msg) == "2026-12-05"
    msg = parse_bytes(
        b"From: p@example.nl\nSubject: Afwezig\nDate: Tue, 24 Nov 2026 10:00:00 +0100\n"
        b"MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
        b"<p>Ik ben er <b>weer</b> op maandag <i>7 december</i>.</p>\n"
    )
    assert return_date(msg) == "2026-12-07"


def test_long_text_is_read_quickly() -> None:
    text = "tot en met " * 20_000 + "1 2 3 " * 20_000
    start = time.perf_counter()
    return_date_in(text, TODAY)
    assert time.perf_counter() - start < 0.5
