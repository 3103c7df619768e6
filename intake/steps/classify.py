"""Tell machines from people: our own mail coming back, bounces, automatic replies."""

from __future__ import annotations

import re
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr

from intake.context import StepContext
from intake.errors import MailLoop
from intake.message import BounceReport, Inbound, Kind
from intake.steps.away import return_date
from intake.steps.extract import body_text

# Subjects that only automatic replies start with, in the languages our people's mail
# servers speak: "Automatisch antwoord: Noem één punt", "Automatic reply: ...",
# "Abwesenheitsnotiz: ...", "Réponse automatique : ...", "Auto: ..." (RFC 3834).
_AUTO_SUBJECT = re.compile(
    r"^\s?(?:"
    r"auto(?:matic|matische?|matisch)?[ -]?(?:reply|response|antwoord|answer|beantwoording)"
    r"|automatisch(?:e)? (?:antwoord|beantwoording|bericht)|afwezigheid(?:smelding|sbericht)"
    r"|abwesenheitsnotiz|automatische antwort|r[ée]ponse automatique|message d'absence"
    r"|risposta automatica|respuesta autom[áa]tica|resposta autom[áa]tica|autosvar"
    r"|automatisk svar|odpowied[źz] automatyczna|автоответ|автоматический ответ|auto:"
    r")",
    re.IGNORECASE,
)
# Words a person may also start a subject with ("Afwezigheid op de afdeling", "On holiday
# cover: an idea"): automatic only when the subject is just that, or it is a prefix.
#   "Afwezig: ...", "Out of Office: ...", "Out of office", "Afwezig tot 7 december"
_AWAY_SUBJECT = re.compile(
    r"^\s?(?:afwezig|niet aanwezig|buiten kantoor|out of (?:the )?office|ooo|away from "
    r"(?:the )?office|on vacation|on holiday|on leave|abwesend|nicht im b[üu]ro|absent(?:e)?"
    r"(?: du bureau)?|fuori ufficio|fuera de la oficina|frav[æa]rende|fr[åa]nvarande"
    r"|op vakantie|met vakantie|met verlof)"
    r"\s?(?:$|[:(\-\u2013]|(?:tot|t/m|until|till|bis|jusqu|from|van|vanaf|ab)\b)",
    re.IGNORECASE,
)
# Subjects of delivery failures sent without a machine-readable report.
_BOUNCE_SUBJECT = re.compile(
    r"^\s?(?:undeliver(?:able|ed)|undelivered mail|delivery (?:status notification|failure"
    r"|has failed)|failure notice|returned mail|mail delivery failed|non[- ]remis"
    r"|unzustellbar|nicht zustellbar|onbestelbaar|niet bezorgd|kan niet worden bezorgd)",
    re.IGNORECASE,
)
_BOUNCE_SENDER = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.I)
# An enhanced status code of a failure ("5.1.1", "4.2.2"), not part of a date or version.
_STATUS = re.compile(r"(?<![\d.])([45])\.(\d{1,3})\.(\d{1,3})(?![\d.]\d)")
# The failed address as MTAs print it: "<jan@example.nl>: host ... said: 550 ..."
_ADDRESS_LINE = re.compile(r"^\s{0,4}<([^<>\s@]{1,64}@[^<>\s@]{1,253})>:?\s", re.MULTILINE)
_SUCCESS_ACTIONS = frozenset({"delivered", "relayed", "expanded"})


def is_our_address(address: str, ctx: StepContext) -> bool:
    """ideabox's own address, with or without a token (``ideas+...@domain``)."""
    local, _, domain = address.strip().strip("<>").lower().rpartition("@")
    base = local.partition("+")[0]
    return domain == ctx.domain.lower() and base == ctx.local_part.lower()


def _header(msg: Message, name: str) -> str:
    return str(msg.get(name, "") or "").strip().lower()


def is_auto_reply(msg: EmailMessage) -> str | None:
    """The first sign that a message was written by a machine, or None."""
    auto_submitted = re.split(r"[\s;(]", _header(msg, "Auto-Submitted"), maxsplit=1)[0]
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply"):
        if msg.get(name) is not None and _header(msg, name) not in ("no", "false", "0"):
            return name
    for name in ("Precedence", "X-Precedence"):
        if _header(msg, name) in ("bulk", "junk", "list", "auto_reply"):
            return f"{name}: {_header(msg, name)}"
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
    if _AUTO_SUBJECT.match(subject) or _AWAY_SUBJECT.match(subject):
        return f"subject: {subject}"
    return None


def _dsn_fields(msg: EmailMessage) -> tuple[str | None, str | None, list[str]]:
    """Recipient, status and the actions in the message/delivery-status part(s)."""
    recipient: str | None = None
    status: str | None = None
    actions: list[str] = []
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
                actions.append(str(block.get("Action")).strip().lower())
    return recipient, status, actions


def bounce_report(msg: EmailMessage, null_sender: bool = False) -> BounceReport | None:
    """Read a delivery status notification; None when the message is not a bounce."""
    is_report = msg.get_content_type() == "multipart/report" and (
        str(msg.get_param("report-type", "", header="content-type")).lower() == "delivery-status"
    )
    from_addr = parseaddr(str(msg.get("From", "")))[1]
    subject = str(msg.get("Subject", "") or "")[:200]
    looks_like_one = bool(_BOUNCE_SENDER.match(from_addr) or _BOUNCE_SUBJECT.match(subject))
    if not (is_report or looks_like_one or null_sender):
        return None
    recipient, status, actions = _dsn_fields(msg)
    if actions and all(action in _SUCCESS_ACTIONS for action in actions):
        return None  # a delivery receipt, not a failure
    text = ""
    if status is None or recipient is None:
        try:
            text = body_text(msg)[:20000]
        except (LookupError, ValueError):
            text = ""
    if status is None:
        # A bounce without a machine-readable part: the first enhanced status code in it.
        found = _STATUS.search(text)
        status = found.group(0) if found else None
    if not is_report and (status is None or not looks_like_one):
        # Null sender or a postmaster address alone is no proof: out-of-office replies
        # come with <> too, and marking an address as bouncing needs evidence.
        return None
    if recipient is None:
        failed = getaddresses([str(msg.get("X-Failed-Recipients", "") or "")])
        found_line = _ADDRESS_LINE.search(text)
        if failed and failed[0][1]:
            recipient = failed[0][1].lower()
        elif found_line:
            recipient = found_line.group(1).lower()
    delayed = bool(actions) and all(action == "delayed" for action in actions)
    hard = not delayed and status is not None and status.startswith("5")
    return BounceReport(recipient=recipient, status=status, hard=hard)


def _is_null_sender(msg: Inbound, ctx: StepContext) -> bool:
    # Offline a file has no envelope: an empty sender there means "unknown", not <>.
    return msg.mail_from.strip() == "<>" or (not msg.mail_from.strip() and not ctx.offline)


async def classify(msg: Inbound, ctx: StepContext) -> Inbound:
    """Say whether a machine wrote the message: a loop, a bounce or an automatic reply."""
    m = msg.msg
    from_addr = parseaddr(str(m.get("From", "")))[1].lower()
    if from_addr and is_our_address(from_addr, ctx):
        raise MailLoop(f"From is our own address {from_addr}")
    if msg.mail_from and is_our_address(msg.mail_from, ctx):
        raise MailLoop(f"the envelope sender is our own address {msg.mail_from}")
    null_sender = _is_null_sender(msg, ctx)
    bounce = bounce_report(m, null_sender)
    if bounce is not None:
        return msg.but(kind=Kind.BOUNCE, bounce=bounce)
    sign = is_auto_reply(m)
    if sign is None and null_sender:
        sign = "null envelope sender"  # no person sends with <>: record it, never answer
    if sign is not None:
        back = return_date(m)
        return msg.but(kind=Kind.AUTO_REPLY, away_until=back).noting(f"automatic reply ({sign})")
    return msg
