"""Get the text a person wrote: text/plain if there is one, else the HTML as text."""

from __future__ import annotations

import re
from email.message import EmailMessage

import html2text

from intake.context import StepContext
from intake.message import Inbound

_BLANKS = re.compile(r"\n{3,}")


def html_to_text(html: str) -> str:
    """Readable text from HTML: paragraphs, line breaks and lists kept, no markup."""
    converter = html2text.HTML2Text(bodywidth=0)
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.ignore_tables = True
    converter.ignore_links = False
    converter.inline_links = False
    converter.protect_links = True
    converter.unicode_snob = True
    converter.ul_item_mark = "-"
    converter.single_line_break = False
    text = converter.handle(html)
    # html2text escapes markdown characters; a person reading the idea wants none of that.
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!>])", r"\1", text)
    # Quoted blocks (<blockquote>) come out as "> " lines, which the trimmer understands.
    return _BLANKS.sub("\n\n", text).strip() + "\n"


def _decode(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        # An unknown or wrong charset label: Windows-1252 reads any byte and is what
        # mislabelled Western European mail usually is.
        payload = part.get_payload(decode=True)
        content = payload.decode("cp1252", errors="replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def body_text(message: EmailMessage) -> str:
    """The text of the message body; attachments (winmail.dat included) are never read."""
    part = message.get_body(preferencelist=("plain", "html"))
    if not isinstance(part, EmailMessage):
        return ""
    text = _decode(part)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")


async def extract(msg: Inbound, ctx: StepContext) -> Inbound:
    return msg.but(text=body_text(msg.msg))
