"""Every mail kind exists in every language and part, renders, and escapes its HTML."""

from __future__ import annotations

from typing import Any

import pytest

from core.mail import PARTS, TEMPLATE_DIR, MailKind, render, template_folders
from core.settings import LANGUAGES
from workflows.links import Link

HOSTILE = '<script>alert("x")</script> & "quotes"'
LINKS = [Link("Akkoord", "mailto:ideas+i.1.abcdefghij@ideabox.test?body=akkoord")]
IDEA = {
    "id": 7,
    "text": HOSTILE,
    "author_name": "Jan",
    "received_on": "2026-11-24",
    "waiting_days": 4,
    "escalated": True,
    "reply_to": "ideas+i.7.abcdefghij@ideabox.test",
    "links": LINKS,
    "due": True,
}
# Sample data for each kind; a new kind must add its own here.
SAMPLES: dict[str, dict[str, Any]] = {
    "invitation": {"name": "Jan", "question": HOSTILE, "anonymous": False, "closes_on": None},
    "idea_notification": {
        "name": "Pieter",
        "author_name": "Jan",
        "department": "Zorg",
        "idea_text": HOSTILE,
        "question": "Wat kan beter?",
        "idea_id": 7,
        "links": LINKS,
        "forwarded_by": "Anne",
        "forward_note": HOSTILE,
    },
    "idea_received": {
        "name": "Jan",
        "idea_text": HOSTILE,
        "manager_name": "Pieter",
        "anonymous": True,
    },
    "ask_again": {"name": "Jan", "question": HOSTILE, "problem": "", "address": ""},
    "decision_help": {"name": "Pieter", "problem": "forward_unknown", "address": HOSTILE},
    "decision_confirmation": {
        "name": "Pieter",
        "outcome": "accepted",
        "note": HOSTILE,
        "idea_text": "Idee",
        "report_at": "10:10",
        "grace_minutes": 10,
    },
    "decision_report": {
        "name": "Jan",
        "idea_text": "Idee",
        "outcome": "in_progress",
        "note": HOSTILE,
        "manager_name": "Pieter",
        "update": True,
    },
    "reminder": {
        "name": "Pieter",
        "ideas": [IDEA, {**IDEA, "id": 8, "author_name": None}],
        "count": 2,
    },
}


RENDERED_ELSEWHERE = {MailKind.WEEKLY_REPORT}  # tests/test_reports.py


def test_every_kind_has_its_templates_and_sample_data_here() -> None:
    assert template_folders() == sorted(kind.value for kind in MailKind)
    assert set(MailKind) - RENDERED_ELSEWHERE == set(SAMPLES)


def test_every_kind_has_every_language_and_part() -> None:
    for kind in MailKind:
        found = sorted(p.name for p in (TEMPLATE_DIR / kind).iterdir() if p.suffix == ".j2")
        expected = sorted(f"{lang}.{part}.j2" for lang in LANGUAGES for part in PARTS)
        assert found == expected, kind


@pytest.mark.parametrize("kind", sorted(set(MailKind) - RENDERED_ELSEWHERE))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_renders_and_escapes(kind: MailKind, language: str) -> None:
    rendered = render(kind, language, SAMPLES[kind])
    assert rendered.subject and "\n" not in rendered.subject
    assert rendered.html.lstrip().startswith("<!DOCTYPE html>")
    # What people wrote is escaped in HTML, and shown as written in the text part.
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(" in rendered.html
    assert HOSTILE in rendered.text


def test_the_two_languages_differ() -> None:
    nl = render(MailKind.REMINDER, "nl", SAMPLES[MailKind.REMINDER])
    en = render(MailKind.REMINDER, "en", SAMPLES[MailKind.REMINDER])
    assert nl.subject == "Er wachten 2 ideeën op je besluit"
    assert en.subject == "2 ideas are waiting for your decision"
    assert "een collega" in nl.text and "a colleague" in en.text
