"""Parse the raw bytes into a message, off the event loop, with bounds on its shape.

Headers are read leniently: one that Python's email package cannot make sense of (an
encoded word in a codec that is no text encoding, a From nested in thousands of
parentheses, a date in the year 99999) reads as its plain text instead of raising, so
every later step sees a string.
"""

from __future__ import annotations

import asyncio
import re
from email.headerregistry import BaseHeader
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import EmailPolicy
from typing import Any

from intake import limits
from intake.context import StepContext
from intake.errors import TooDeeplyNested, TooManyParts
from intake.message import Inbound

# What reading an odd header can raise inside the email package.
HEADER_ERRORS = (
    LookupError,
    UnicodeError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    RecursionError,
    OverflowError,
)
_ENCODED_WORD = re.compile(r"=\?[^?\s]{0,40}\?[bBqQ]\?([^?\s]{0,1000})\?=")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def readable(value: str) -> str:
    """A header value as plain text: encoded words unwrapped undecoded, no control bytes."""
    return _CONTROL.sub("", _ENCODED_WORD.sub(r"\1", value))[:10_000]


class LenientPolicy(EmailPolicy):
    """policy.default, except that a header it cannot parse reads as its plain text."""

    def header_fetch_parse(self, name: str, value: str) -> Any:
        try:
            header = super().header_fetch_parse(name, value)
            str(header)  # some headers fail only when shown
            return header
        except HEADER_ERRORS:
            # Unstructured, under a name no parser claims: the text, never an error.
            fallback: BaseHeader = self.header_factory("X-Unparsable", readable(str(value)))
            return fallback


LENIENT = LenientPolicy()
_PARSER = BytesParser(policy=LENIENT)


def parse_bytes(raw: bytes) -> EmailMessage:
    message = _PARSER.parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def check_structure(message: Message) -> None:
    """The real nesting depth and number of parts, walked without recursion."""
    stack: list[tuple[Message, int]] = [(message, 1)]
    parts = 0
    while stack:
        part, depth = stack.pop()
        parts += 1
        if depth > limits.MAX_DEPTH:
            raise TooDeeplyNested(f"parts nested more than {limits.MAX_DEPTH} deep")
        if parts > limits.MAX_PARTS:
            raise TooManyParts(f"more than {limits.MAX_PARTS} MIME parts")
        payload = part.get_payload() if part.is_multipart() else None
        if isinstance(payload, list):
            stack.extend((child, depth + 1) for child in payload if isinstance(child, Message))


def read_message(raw: bytes) -> EmailMessage:
    """Bounds first, then the parse and the shape: what ``parse`` runs in a thread."""
    limits.check_raw(raw)
    message = parse_bytes(raw)
    check_structure(message)
    return message


async def parse(msg: Inbound, ctx: StepContext) -> Inbound:
    # In a thread: a large message must not hold up the listener sharing this loop.
    return msg.but(message=await asyncio.to_thread(read_message, msg.raw))
