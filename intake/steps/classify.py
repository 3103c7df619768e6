"""Tell machines from people: our own mail coming back, bounces, automatic replies."""

from __future__ import annotations

import re
from email.message import EmailMessage, Message
from email.utils import parseaddr

from intake.context import StepContext
from intake.errors import MailLoop
from intake.message import BounceReport, Inbound, Kind
from intake.steps.away import return_date

# Subjects of automatic replies in the languages our people's mail servers speak.
#   "Automatisch antwoord: Noem één punt", "Afwezig: ...", "Out of Office: ...",
#   "Automatic reply: ...", "Abwesenheitsnotiz: ...", "Réponse automatique : ..."
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:"
    r"auto(?:matic|matische?)?[ -]?(?:reply|response|antwoord|answer)"
    r"|automatisch(?:e)? (?:antwoord|beantwoording|bericht)"
    r"|afwezig|afwezigheid(?:smelding|sbericht)?|niet aanwezig|buiten kantoor"
    r"|out of (?:the )?office|ooo\b|away from (?:the )?office|on vacation|on holiday"
    r"|abwesenheitsnotiz|abwesend|automatische antwort|nicht im b[üu]ro"
    r"|r[ée]ponse automatique|absent(?:e)? du bureau|message d'absence"
    r"|risposta automatica|fuori ufficio|respuesta autom[áa]tica|fuera de la oficina"
    r"|resposta autom[áa]tica|autosvar|automatisk svar|frav[æa]rende|fr[åa]nvarande"
    r"|odpowied[źz] automatyczna|автоответ|автоматический ответ"
    r")",
    re.IGNORECASE,
)
_BOUNCE_SENDER = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.I)
_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")


def is_our_address(address: str, ctx: StepContext) -> bool:
    local, _, domain = address.lower().rpartition("@")
    base = local.partition("+")[0]
    return domain == ctx.domain.lower() and base.startswith(ctx.local_part.lower())


def _header(msg: Message, name: str) -> str:
    return str(msg.get(name, "") or "").strip().lower()


def is_auto_reply(msg: EmailMessage) -> str | None:
    """The first sign that a message was written by a machine, or None."""
    auto_submitted = _header(msg, "Auto-Submitted")
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply"):
        if msg.get(name) is not None:
            return name
    if _header(msg, "Precedence") in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {_header(msg, 'Precedence')}"
    suppress = _header(msg, "X-Auto-Response-Suppress")
    if suppress == "all" or "oof" in suppress:
        # Exchange marks its own automatic mail this way (and so do we).
        return f"X-Auto-Response-Suppress: {suppress}"
    for name in msg:
        if name.lower().startswith("x-ms-exchange-") and "autoreply" in name.lower():
            return name
    if _header(msg, "X-MS-Exchange-Generated-Message-Source") or _header(
        msg, "X-MS-Exchange-Inbox-Rules-Loop"
    ):
        return "X-MS-Exchange generated"
    if msg.get("List-Id") is not None or msg.get("List-Unsubscribe") is not None:
        return "mailing list"
    subject = str(msg.get("Subject", "") or "")[:200]
    if _AUTO_SUBJECT.match(subject):
        return f"subject: {subject}"
    return None


def bounce_report(msg: EmailMessage, mail_from: str) -> BounceReport | None:
    """Read a delivery status notification; None when the message is not a bounce."""
    is_report = msg.get_content_type() == "multipart/report" and (
        msg.get_param("report-type", "", header="content-type") == "delivery-status"
    )
    from_addr = parseaddr(str(msg.get("From", "")))[1]
    if not (is_report or mail_from in ("", "<>") or _BOUNCE_SENDER.match(from_addr)):
        return None
    recipient: str | None = None
    status: str | None = None
    action = ""
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in part.get_payload() or []:
            if not isinstance(block, Message):
                continue
            final = str(block.get("Final-Recipient", "") or block.get("Original-Recipient", ""))
            if final and recipient is None:
                recipient = final.rpartition(";")[2].strip().strip("<>").lower() or None
            if block.get("Status") and status is None:
                status = str(block.get("Status")).strip().split()[0]
            if block.get("Action"):
                action = str(block.get("Action")).strip().lower()
    if status is None:
        # A bounce without a machine-readable part: the first enhanced status code in it.
        body = msg.get_body(preferencelist=("plain",))
        text = body.get_content() if isinstance(body, EmailMessage) else ""
        found = _STATUS.search(text[:20000])
        status = found.group(0) if found else None
    if status is None and not is_report and mail_from not in ("", "<>"):
        return None  # mail from a postmaster address, but no sign of a bounce
    hard = action != "delayed" and (status is None or status.startswith("5"))
    return BounceReport(recipient=recipient, status=status, hard=hard)


async def classify(msg: Inbound, ctx: StepContext) -> Inbound:
    m = msg.msg
    from_addr = parseaddr(str(m.get("From", "")))[1].lower()
    if from_addr and is_our_address(from_addr, ctx):
        raise MailLoop(f"From is our own address {from_addr}")
    bounce = bounce_report(m, msg.mail_from)
    if bounce is not None:
        return msg.but(kind=Kind.BOUNCE, bounce=bounce)
    sign = is_auto_reply(m)
    if sign is not None:
        back = return_date(m)
        return msg.but(kind=Kind.AUTO_REPLY, away_until=back).noting(f"automatic reply ({sign})")
    return msg
