"""Parse the raw bytes into a message with decoded headers."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from intake.context import StepContext
from intake.message import Inbound

_PARSER = BytesParser(policy=policy.default)


def parse_bytes(raw: bytes) -> EmailMessage:
    return _PARSER.parsebytes(raw)


async def parse(msg: Inbound, ctx: StepContext) -> Inbound:
    return msg.but(message=parse_bytes(msg.raw))
