"""Why a message is refused or set aside: one exception class per reason.

    Rejection
    ├── SmtpRejection            refused during the SMTP conversation (a reply code)
    │   ├── UnknownRecipient     550 5.1.1  not an address of ours
    │   ├── BadToken             550 5.1.1  reply address with a wrong or broken token
    │   ├── TooManyRecipients    452 4.5.3
    │   ├── MessageTooLarge      552 5.3.4
    │   ├── SenderNotAllowed     550 5.7.1  the envelope sender may not use this token
    │   ├── RateLimited          451 4.7.1  too many messages from one sender, try later
    │   └── Malformed            the message goes past a bound (intake.limits); found
    │       │                    after the 250 (a file, an older row) it is set aside
    │       ├── HeaderTooLarge       552 5.3.4
    │       ├── TooManyHeaderFields  552 5.3.4
    │       ├── TooManyAddresses     554 5.6.0  in one address field
    │       ├── TooManyParameters    554 5.6.0  in one Content-Type/-Disposition
    │       ├── TooManyParts         554 5.6.0
    │       └── TooDeeplyNested      554 5.6.0  multiparts inside multiparts
    └── SetAside                 accepted (250), then recorded and not acted on
                                 (bounces and automatic replies are not rejections:
                                 they are recorded as what they are, see Kind)
        ├── MailLoop             our own mail came back
        ├── UnknownSender        nobody we know; never answered (no backscatter)
        ├── SenderMismatch       From is not the person the reply address belongs to, or
        │                        the envelope sender is not the From
        ├── UntrustedFrom        not one From header with one address, or another
        │                        address disguised in it
        ├── Unauthenticated      the receiving MX (or ideabox's DKIM check) says forged
        ├── Unproven             a decision resting on nothing but its From header
        ├── NotRoutable          a reply we cannot connect to anything
        ├── NotAllowedToDecide   a decision from someone who may not take it
        ├── EmptyReply           nothing left after trimming: ask again
        ├── NothingSaid          an empty reply about one's own idea: recorded, silent
        ├── RepeatedIdea         the same text from the same person today: one idea
        ├── RepeatedRemark       the same words on one idea's conversation today
        ├── TooManyRemarks       an idea's conversation is past its messages for today
        ├── UnclearDecision      no outcome word found: send the help mail
        ├── DigestReply          a reply to a reminder about several ideas: help mail
        ├── ForwardUnknown       forward to an address ideabox does not know: help mail
        ├── ForwardSame          forward to the manager who decides already: help mail
        ├── ForwardToAuthor      forward to the idea's own author: help mail
        └── Unreadable           a step could not read it (a broken charset, header or
                                 structure, or over its time budget): help mail

What each reason leads to (an SMTP reply, silence, or a short mail to a known person) is
in ``OUTCOMES`` below, in one place; every class has its row (a test checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.mail import MailKind

if TYPE_CHECKING:
    from intake.message import Inbound


class Rejection(Exception):
    """Base class: ``reason`` is the code stored on the inbound row, ``detail`` the rest."""

    reason = "rejected"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.reason)
        self.detail = detail
        # The message as the pipeline understood it when this was raised (who sent it,
        # what it answers): enough to send a help mail to a known person.
        self.understood: Inbound | None = None

    @property
    def problem(self) -> str:
        """What the help mail explains: a code its template words ('' for the general)."""
        return ""

    @property
    def address(self) -> str:
        """An address the help mail names (the forward target), if any."""
        return ""


class SmtpRejection(Rejection):
    pass


class UnknownRecipient(SmtpRejection):
    reason = "unknown_recipient"


class BadToken(SmtpRejection):
    reason = "bad_token"


class TooManyRecipients(SmtpRejection):
    reason = "too_many_recipients"


class MessageTooLarge(SmtpRejection):
    reason = "too_large"


class SenderNotAllowed(SmtpRejection):
    reason = "sender_not_allowed"


class RateLimited(SmtpRejection):
    reason = "rate_limited"


class Malformed(SmtpRejection):
    """Past one of the bounds on headers and structure (``intake.limits``)."""

    @property
    def problem(self) -> str:
        return "unreadable"


class HeaderTooLarge(Malformed):
    reason = "header_too_large"


class TooManyHeaderFields(Malformed):
    reason = "too_many_header_fields"


class TooManyAddresses(Malformed):
    reason = "too_many_addresses"


class TooManyParameters(Malformed):
    reason = "too_many_parameters"


class TooManyParts(Malformed):
    reason = "too_many_parts"


class TooDeeplyNested(Malformed):
    reason = "too_deeply_nested"


class SetAside(Rejection):
    pass


class MailLoop(SetAside):
    reason = "mail_loop"


class UnknownSender(SetAside):
    reason = "unknown_sender"


class SenderMismatch(SetAside):
    reason = "sender_mismatch"


class UntrustedFrom(SetAside):
    reason = "untrusted_from"


class Unauthenticated(SetAside):
    reason = "unauthenticated"


class Unproven(SetAside):
    reason = "unproven"


class NotRoutable(SetAside):
    reason = "not_routable"


class NotAllowedToDecide(SetAside):
    reason = "not_allowed_to_decide"


class EmptyReply(SetAside):
    reason = "empty_reply"


class NothingSaid(SetAside):
    """A reply about one's own idea with nothing in it (a signature, a greeting)."""

    reason = "nothing_said"


class RepeatedIdea(SetAside):
    reason = "repeated_idea"


class RepeatedRemark(SetAside):
    reason = "repeated_remark"


class TooManyRemarks(SetAside):
    """Two auto-responders answering each other through an idea's conversation."""

    reason = "too_many_remarks"


class UnclearDecision(SetAside):
    reason = "unclear_decision"


class DigestReply(SetAside):
    """A reply to a reminder listing several ideas: which one is decided is unknown."""

    reason = "digest_reply"

    @property
    def problem(self) -> str:
        return "digest"


class ForwardRefused(SetAside):
    """A forward that cannot be done as asked; ``target`` is the address the manager gave."""

    def __init__(self, detail: str, target: str) -> None:
        super().__init__(detail)
        self.target = target

    @property
    def problem(self) -> str:
        return self.reason

    @property
    def address(self) -> str:
        return self.target


class ForwardUnknown(ForwardRefused):
    reason = "forward_unknown"


class ForwardSame(ForwardRefused):
    reason = "forward_same"


class ForwardToAuthor(ForwardRefused):
    """Nobody decides on their own idea, also not by being handed it."""

    reason = "forward_author"


class Unreadable(SetAside):
    reason = "unreadable"

    @property
    def problem(self) -> str:
        return "unreadable"


@dataclass(frozen=True, slots=True)
class Answer:
    """What the sender hears: an SMTP reply, or (after 250) a mail of this kind, or nothing."""

    smtp_reply: str | None = None
    help_mail: MailKind | None = None


SILENT = Answer()

OUTCOMES: dict[type[Rejection], Answer] = {
    UnknownRecipient: Answer("550 5.1.1 No such recipient here"),
    BadToken: Answer("550 5.1.1 This reply address is not valid (was it changed?)"),
    TooManyRecipients: Answer("452 4.5.3 Too many recipients"),
    MessageTooLarge: Answer("552 5.3.4 Message too large"),
    SenderNotAllowed: Answer("550 5.7.1 Sender not allowed to use this reply address"),
    RateLimited: Answer("451 4.7.1 Too many messages from this sender; try again later"),
    # Heard at once when refused at SMTP time; a help mail when found after the 250.
    HeaderTooLarge: Answer("552 5.3.4 Message header too large", MailKind.ASK_AGAIN),
    TooManyHeaderFields: Answer("552 5.3.4 Too many header fields", MailKind.ASK_AGAIN),
    TooManyAddresses: Answer("554 5.6.0 Too many addresses in one field", MailKind.ASK_AGAIN),
    TooManyParameters: Answer("554 5.6.0 Too many parameters in one field", MailKind.ASK_AGAIN),
    TooManyParts: Answer("554 5.6.0 Too many MIME parts", MailKind.ASK_AGAIN),
    TooDeeplyNested: Answer("554 5.6.0 MIME parts nested too deeply", MailKind.ASK_AGAIN),
    MailLoop: SILENT,
    UnknownSender: SILENT,
    SenderMismatch: SILENT,
    UntrustedFrom: SILENT,
    Unauthenticated: SILENT,
    Unproven: SILENT,
    NotRoutable: SILENT,
    NotAllowedToDecide: SILENT,
    EmptyReply: Answer(help_mail=MailKind.ASK_AGAIN),
    NothingSaid: SILENT,
    RepeatedIdea: SILENT,
    RepeatedRemark: SILENT,
    TooManyRemarks: SILENT,
    UnclearDecision: Answer(help_mail=MailKind.DECISION_HELP),
    DigestReply: Answer(help_mail=MailKind.DECISION_HELP),
    ForwardUnknown: Answer(help_mail=MailKind.DECISION_HELP),
    ForwardSame: Answer(help_mail=MailKind.DECISION_HELP),
    ForwardToAuthor: Answer(help_mail=MailKind.DECISION_HELP),
    Unreadable: Answer(help_mail=MailKind.ASK_AGAIN),
}


def outcome_of(rejection: Rejection) -> Answer:
    return OUTCOMES[type(rejection)]


def smtp_reply(rejection: SmtpRejection) -> str:
    reply = outcome_of(rejection).smtp_reply
    assert reply is not None, f"{type(rejection).__name__} has no SMTP reply in OUTCOMES"
    if rejection.detail:
        return f"{reply}: {rejection.detail}"
    return reply
