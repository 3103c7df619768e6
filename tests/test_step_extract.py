"""extract: the text a person wrote, from any charset, transfer encoding and part layout."""

from __future__ import annotations

import base64

import pytest

from intake.steps.extract import body_text, decode_bytes, html_to_text, unflow
from intake.steps.parse import parse_bytes


@pytest.mark.parametrize(
    ("data", "label", "text"),
    [
        ("café €5".encode(), "utf-8", "café €5"),
        ("café €5".encode("cp1252"), "utf-8", "café €5"),  # mislabelled
        ("café €5".encode("cp1252"), None, "café €5"),  # unlabelled
        ("café €5".encode("cp1252"), "iso-8859-1", "café €5"),  # what browsers do too
        ("café".encode(), "iso-8859-1", "café"),  # UTF-8 under a Latin-1 label
        ("café".encode("cp1252"), "x-unknown-charset", "café"),
        ("中文".encode("gb18030"), "gb2312", "中文"),
        ("Привет".encode("koi8-r"), "koi8-r", "Привет"),
    ],
)
def test_decode_bytes(data: bytes, label: str | None, text: str) -> None:
    assert decode_bytes(data, label) == text


def test_unflow_joins_soft_breaks_only() -> None:
    flowed = "Een lange \nregel die \ndoorloopt.\nNieuwe regel.\n\n> quoted \n> on\n-- \nJan"
    assert (
        unflow(flowed) == "Een lange regel die doorloopt.\nNieuwe regel.\n\n> quoted on\n-- \nJan"
    )
    assert unflow("ab \ncd", delsp=True) == "abcd"
    assert unflow(" From the start") == "From the start"  # space-stuffing undone


def test_html_keeps_paragraphs_lists_and_breaks() -> None:
    html = (
        "<div>Eerste regel<br>tweede regel</div><div><br></div><div>&nbsp;</div>"
        "<p>Alinea met <b>nadruk</b> en 5 * 3 = 15.</p><ul><li>een</li><li>twee</li></ul>"
        "<ol><li>drie</li></ol>"
    )
    assert html_to_text(html) == (
        "Eerste regel\ntweede regel\n\nAlinea met nadruk en 5 * 3 = 15.\n\n- een\n- twee\n1. drie\n"
    )


def test_html_quotes_become_quoted_lines() -> None:
    html = (
        "<div>Meer groen.</div><div class=gmail_quote>Op di 24 nov 2026 schreef ideabox"
        " &lt;i@x.nl&gt;:<blockquote><div>Beste Jan,</div><div><br></div><div>Wat kan"
        " beter?</div><blockquote>eerder</blockquote></blockquote></div><p>Na het citaat.</p>"
    )
    assert html_to_text(html) == (
        "Meer groen.\nOp di 24 nov 2026 schreef ideabox <i@x.nl>:\n\n"
        "> Beste Jan,\n>\n> Wat kan beter?\n>\n> > eerder\n\nNa het citaat.\n"
    )


def test_html_that_is_no_html_gives_no_text() -> None:
    assert html_to_text("") == html_to_text("   ") == ""


def raw_mail(body: str) -> bytes:
    return ("From: a@example.nl\nSubject: x\nMIME-Version: 1.0\n" + body).encode()


def test_plain_is_preferred_and_attachments_are_never_read() -> None:
    pdf = base64.b64encode(b"%PDF-1.4 secret").decode()
    msg = parse_bytes(
        raw_mail(
            'Content-Type: multipart/mixed; boundary="m"\n\n--m\n'
            'Content-Type: multipart/alternative; boundary="a"\n\n--a\n'
            "Content-Type: text/plain; charset=utf-8\n\nPlain idee\n--a\n"
            "Content-Type: text/html; charset=utf-8\n\n<p>HTML idee</p>\n--a--\n--m\n"
            "Content-Type: text/plain; name=notes.txt\nContent-Disposition: attachment\n\n"
            "attached notes\n--m\n"
            "Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n"
            f"Content-Disposition: attachment; filename=a.pdf\n\n{pdf}\n--m--\n"
        )
    )
    assert body_text(msg) == "Plain idee"


def test_html_is_read_when_the_plain_part_is_empty() -> None:
    msg = parse_bytes(
        raw_mail(
            'Content-Type: multipart/alternative; boundary="a"\n\n--a\n'
            "Content-Type: text/plain; charset=utf-8\n\n \n--a\n"
            "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
            + base64.b64encode("<p>Idee met één accent</p>".encode()).decode()
            + "\n--a--\n"
        )
    )
    assert body_text(msg) == "Idee met één accent\n"


def test_quoted_printable_windows_1252_with_crlf() -> None:
    msg = parse_bytes(
        raw_mail(
            "Content-Type: text/plain; charset=windows-1252\n"
            "Content-Transfer-Encoding: quoted-printable\n\n"
            "Caf=E9 =80 5,=\r\n- per persoon\r\nregel twee\r\n"
        )
    )
    assert body_text(msg) == "Café € 5,- per persoon\nregel twee\n"
