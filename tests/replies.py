"""Writing replies the way mail clients do, for tests that answer ideabox's own mails."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr

from tests.conftest import CaughtMail


def outlook_reply(
    original: CaughtMail,
    *,
    sender: str,
    sender_name: str,
    text: str,
    to: str | None = None,
    language: str = "nl",
    threaded: bool = True,
    closing: str | None = None,
) -> EmailMessage:
    """An Outlook desktop reply: new text on top, a header block, the original below.

    ``closing`` replaces the usual "Met vriendelijke groet,\n<name>" under the text."""
    msg = EmailMessage()
    msg["From"] = f"{sender_name} <{sender}>"
    reply_to = original.header("Reply-To") or original.header("From")
    msg["To"] = to or reply_to
    msg["Subject"] = "RE: " + original.header("Subject")  # Outlook writes RE: in nl too
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain=sender.partition("@")[2])
    if threaded:
        msg["In-Reply-To"] = original.header("Message-ID")
        msg["References"] = original.header("Message-ID")
    msg["X-Mailer"] = "Microsoft Outlook 16.0"
    labels = (
        ("Van", "Verzonden", "Aan", "Onderwerp")
        if language == "nl"
        else ("From", "Sent", "To", "Subject")
    )
    quoted = original.text()
    signoff = f"Met vriendelijke groet,\n{sender_name}" if closing is None else closing
    body = (
        f"{text}\n\n"
        f"{signoff}\n\n"
        "________________________________\n"
        f"{labels[0]}: ideabox <{parseaddr(original.header('From'))[1]}>\n"
        f"{labels[1]}: dinsdag 24 november 2026 10:00\n"
        f"{labels[2]}: {sender_name} <{sender}>\n"
        f"{labels[3]}: {original.header('Subject')}\n\n"
        f"{quoted}"
    )
    msg.set_content(body, cte="quoted-printable")
    return msg


def as_bytes(msg: EmailMessage) -> bytes:
    return msg.as_bytes(policy=SMTP)
