"""Rendering outgoing mail: templates per kind and language, text and HTML, our headers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

import templates
from core.i18n import format_date, format_number, format_percent, translations
from core.vocabulary import LANGUAGES, vocabulary

PARTS = ("subject", "text", "html")
TEMPLATE_DIR = Path(templates.__file__).parent


class MailKind(StrEnum):
    """Every mail ideabox sends; each has its folder of templates under ``templates/``."""

    INVITATION = "invitation"  # a campaign's question, to each person invited
    IDEA_RECEIVED = "idea_received"  # thanks, to the author
    IDEA_NOTIFICATION = "idea_notification"  # a new (or forwarded) idea, to who decides
    REMINDER = "reminder"  # the ideas still waiting, to their manager
    ESCALATION = "escalation"  # ideas long waiting, to the manager's manager (or HR)
    DECISION_CONFIRMATION = "decision_confirmation"  # what was understood, to who decided
    DECISION_REPORT = "decision_report"  # the decision, to the author
    DECISION_HELP = "decision_help"  # how to decide, after an unclear reply
    DECIDED_FOR_YOU = "decided_for_you"  # HR recorded a decision, to the idea's manager
    AUTHOR_WRITES = "author_writes"  # the author's comment or answer, to who decides
    DECIDER_WRITES = "decider_writes"  # a question or words back, to the author
    ASK_AGAIN = "ask_again"  # what is your idea?, after an empty reply
    WEEKLY_REPORT = "weekly_report"  # HR's weekly status
    TEAM_RESULTS = "team_results"  # a closed campaign: the team's ideas, to its manager
    TEAM_IDEAS = "team_ideas"  # the same without names, to the team
    CAMPAIGN_SUMMARY = "campaign_summary"  # a closed campaign, organisation-wide, to HR


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a mail goes to, in which language, and (for times in it) in which zone."""

    email: str
    name: str
    language: str
    timezone: str | None = None


def _is_html(name: str | None) -> bool:
    # HTML parts are autoescaped; text parts and subjects are not (they are not HTML).
    return name is not None and (name.endswith("/html.j2") or name.endswith(".html.j2"))


@cache
def environment(language: str) -> jinja2.Environment:
    """One environment per language: its catalog installed, its ways with dates."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=_is_html,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # a sentence is one msgid, however wrapped
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["date"] = lambda value, form="long": format_date(value, language, form)
    env.filters["number"] = lambda value: format_number(value, language)
    env.filters["percent"] = lambda value: format_percent(value, language)
    return env


# Beside the folder of each mail kind: the pieces they share, and the catalogs.
NOT_KINDS = frozenset({"common", "locale"})


def template_folders() -> list[str]:
    return sorted(
        p.name
        for p in TEMPLATE_DIR.iterdir()
        if p.is_dir() and p.name[0] != "_" and p.name not in NOT_KINDS
    )


def language_of(value: str | None, default: str = "nl") -> str:
    return value if value in LANGUAGES else default


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str
    language: str


def render(kind: MailKind, language: str, context: Mapping[str, Any]) -> Rendered:
    """The subject, text and HTML of one mail, in ``language``, from its one template each."""
    env = environment(language)
    values = {"lang": language, "vocab": vocabulary(language), **context}
    # A subject is one line, whatever the template's whitespace; the HTML shows it too.
    subject = " ".join(env.get_template(f"{kind.value}/subject.j2").render(values).split())
    values["subject"] = subject
    text = env.get_template(f"{kind.value}/text.j2").render(values)
    html = env.get_template(f"{kind.value}/html.j2").render(values)
    return Rendered(subject=subject, text=text, html=html, language=language)


def idea_subject(language: str, idea_id: int, text: str, words: int = 8) -> str:
    """The stable subject of every mail about one idea: ``Idee #12: <first words>``."""
    first = " ".join(text.split()[:words])
    if len(first) > 60:
        first = first[:59].rsplit(" ", 1)[0]
    more = "…" if len(first) < len(" ".join(text.split())) else ""
    return f"{vocabulary(language).idea} #{idea_id}: {first}{more}"


def new_message_id(domain: str) -> str:
    return make_msgid(idstring="ideabox", domain=domain)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file attached to a mail, or (with ``cid``) an image shown inside the HTML part."""

    filename: str
    data: bytes
    maintype: str
    subtype: str
    cid: str | None = None  # "<...@domain>", referenced as src="cid:..." in the HTML
    params: Mapping[str, str] = field(default_factory=dict)  # e.g. the charset of a CSV


@dataclass(frozen=True, slots=True)
class Headers:
    """Who a mail goes to and how replies to it find their way back."""

    to: str
    to_name: str = ""
    reply_to: str = ""
    cc: Sequence[str] = ()
    in_reply_to: str | None = None
    references: Sequence[str] = ()
    auto_submitted: str = "auto-generated"


def build_message(
    *,
    sender_name: str,
    sender: str,
    domain: str,
    headers: Headers,
    rendered: Rendered,
    date: datetime,
    message_id: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> EmailMessage:
    """A multipart/alternative message with the headers every ideabox mail carries."""
    msg = EmailMessage()
    msg["From"] = Address(display_name=sender_name, addr_spec=sender)
    msg["To"] = Address(display_name=headers.to_name, addr_spec=headers.to)
    if headers.cc:
        msg["Cc"] = ", ".join(headers.cc)
    if headers.reply_to:
        msg["Reply-To"] = headers.reply_to
    msg["Subject"] = rendered.subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id or new_message_id(domain)
    if headers.in_reply_to:
        msg["In-Reply-To"] = headers.in_reply_to
    refs = [*headers.references]
    if headers.in_reply_to and headers.in_reply_to not in refs:
        refs.append(headers.in_reply_to)
    if refs:
        msg["References"] = " ".join(refs)
    # RFC 3834, and Exchange's own header: keep out-of-office replies away from us.
    msg["Auto-Submitted"] = headers.auto_submitted
    msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    html = msg.get_body(preferencelist=("html",))
    assert isinstance(html, EmailMessage)
    for item in attachments:
        if item.cid is not None:  # inline: related to the HTML part that shows it
            html.add_related(
                item.data,
                item.maintype,
                item.subtype,
                cid=item.cid,
                filename=item.filename,
                disposition="inline",
            )
    if any(item.cid is not None for item in attachments):
        related = msg.get_body(preferencelist=("related",))
        assert isinstance(related, EmailMessage)
        related.set_param("type", "text/html")  # RFC 2387: what the root part is
    for item in attachments:
        if item.cid is None:
            msg.add_attachment(
                item.data,
                item.maintype,
                item.subtype,
                filename=item.filename,
                params=dict(item.params),
            )
    # Last: building the body moves or drops the Content-* headers set before it.
    msg["Content-Language"] = rendered.language
    return msg
