"""Rendering outgoing mail: templates per kind and language, text and HTML, our headers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
from core.settings import LANGUAGES

PARTS = ("subject", "txt", "html")
TEMPLATE_DIR = Path(templates.__file__).parent


class MailKind(StrEnum):
    """Every mail ideabox sends; each has its folder of templates under ``templates/``."""

    INVITATION = "invitation"  # a campaign's question, to each person invited
    IDEA_RECEIVED = "idea_received"  # thanks, to the author
    IDEA_NOTIFICATION = "idea_notification"  # a new (or forwarded) idea, to who decides
    REMINDER = "reminder"  # the ideas still waiting, to their manager
    DECISION_CONFIRMATION = "decision_confirmation"  # what was understood, to who decided
    DECISION_REPORT = "decision_report"  # the decision, to the author
    DECISION_HELP = "decision_help"  # how to decide, after an unclear reply
    ASK_AGAIN = "ask_again"  # what is your idea?, after an empty reply
    WEEKLY_REPORT = "weekly_report"  # HR's weekly status


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a mail goes to, and in which language."""

    email: str
    name: str
    language: str


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        # HTML parts are autoescaped; text parts and subjects are not (they are not HTML).
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def template_folders() -> list[str]:
    return sorted(p.name for p in TEMPLATE_DIR.iterdir() if p.is_dir() and p.name[0] != "_")


def language_of(value: str | None, default: str = "nl") -> str:
    return value if value in LANGUAGES else default


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(kind: MailKind, language: str, context: Mapping[str, Any]) -> Rendered:
    env = environment()
    values = {"lang": language, **context}
    parts = [
        env.get_template(f"{kind.value}/{language}.{part}.j2").render(values) for part in PARTS
    ]
    # A subject is one line, whatever the template's whitespace.
    subject = " ".join(parts[0].split())
    return Rendered(subject=subject, text=parts[1], html=parts[2])


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
                item.data, item.maintype, item.subtype, cid=item.cid, filename=item.filename
            )
    for item in attachments:
        if item.cid is None:
            msg.add_attachment(item.data, item.maintype, item.subtype, filename=item.filename)
    return msg
