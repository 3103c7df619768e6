"""Every mail kind has one subject, text and HTML template, renders in every language,
escapes what people wrote, and carries its language."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from core.mail import PARTS, TEMPLATE_DIR, MailKind, idea_subject, render, template_folders
from core.vocabulary import LANGUAGES
from ideabox.cli import main
from workflows.preview import contexts, samples

HOSTILE = '<script>alert("x")</script> & "quotes"'


def test_every_kind_has_its_one_template_per_part() -> None:
    assert template_folders() == sorted(kind.value for kind in MailKind)
    for kind in MailKind:
        found = sorted(p.name for p in (TEMPLATE_DIR / kind).iterdir() if p.suffix == ".j2")
        assert found == sorted(f"{part}.j2" for part in PARTS), kind


def test_the_gallery_has_every_kind_in_every_language() -> None:
    found = samples()
    assert {(s.kind, s.language) for s in found} == {
        (k, lang) for k in MailKind for lang in LANGUAGES
    }


def hostile(context: dict[str, Any]) -> dict[str, Any]:
    """Every text a person wrote (an idea, a note, a name, a question) made hostile."""
    keys = (
        "idea_text",
        "note",
        "question",
        "author_name",
        "forward_note",
        "context",
        "name",
        "address",
    )
    changed: dict[str, Any] = {
        k: HOSTILE if k in keys and context.get(k) else v for k, v in context.items()
    }
    ideas = changed.get("ideas")
    if isinstance(ideas, list) and ideas:
        changed["ideas"] = [{**idea, "text": HOSTILE} for idea in ideas]
    themes = changed.get("themes")
    if isinstance(themes, list):  # the results mails: ideas by theme
        changed["themes"] = [
            {**theme, "ideas": [{**i, "text": HOSTILE, "note": HOSTILE} for i in theme["ideas"]]}
            if "ideas" in theme
            else theme
            for theme in themes
        ]
    return changed


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_renders_and_escapes(language: str) -> None:
    for kind, variant, context in contexts(language, "ideabox.test"):
        if kind is MailKind.WEEKLY_REPORT:
            continue  # its figures are numbers; tests/test_reports.py escapes its names
        rendered = render(kind, language, {"name": "Jan", **hostile(context)})
        assert rendered.subject and "\n" not in rendered.subject, (kind, variant)
        assert rendered.html.lstrip().startswith("<!DOCTYPE html>")
        assert "<script>" not in rendered.html, (kind, variant)
        assert "&lt;script&gt;alert(" in rendered.html, (kind, variant)
        assert HOSTILE in rendered.text, (kind, variant)
        assert f'<html lang="{language}"' in rendered.html


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_mail_says_its_language_and_why_it_came(language: str) -> None:
    for sample in samples(languages=(language,)):
        assert sample.message["Content-Language"] == language
        text = sample.message.get_body(preferencelist=("plain",))
        assert text is not None
        # A short footer under "-- " in every text part: why you got it, what replying does.
        assert re.search(r"\n-- \n.{20,}", str(text.get_content()))


def test_languages_differ_and_numbers_and_dates_follow_them() -> None:
    [nl, _] = [s for s in samples(languages=("nl",)) if s.kind is MailKind.INVITATION]
    [en, _] = [s for s in samples(languages=("en",)) if s.kind is MailKind.INVITATION]
    assert "18 december 2026" in nl.html and "December 18, 2026" in en.html


def test_the_subject_of_an_idea_carries_its_number_and_first_words() -> None:
    text = "De koffieautomaat op de tweede verdieping is al weken kapot, echt waar."
    assert (
        idea_subject("nl", 12, text) == "Idee #12: De koffieautomaat op de tweede verdieping is al…"
    )
    assert idea_subject("en", 3, "Plants.") == "Idea #3: Plants."
    assert idea_subject("fr", 3, "Des plantes.") == "Idée #3: Des plantes."


def test_ideabox_preview_writes_the_gallery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["ideabox", "preview", "reminder", "--lang", "de",
                                      "--out", str(tmp_path / "gallery")])  # fmt: skip
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 0
    assert capsys.readouterr().out == f"2 mails written to {tmp_path / 'gallery'}/ (4 files)\n"
    written = sorted(p.name for p in (tmp_path / "gallery").iterdir())
    assert written == [
        "reminder-de.eml", "reminder-de.html", "reminder-digest-de.eml", "reminder-digest-de.html"
    ]  # fmt: skip
    monkeypatch.setattr(sys, "argv", ["ideabox", "preview", "memo", "--out", str(tmp_path)])
    with pytest.raises(SystemExit) as wrong:
        main()
    assert wrong.value.code == 2 and "KIND must be one of" in capsys.readouterr().err
