"""Bounds on what a message may hold, checked on its raw bytes without parsing it.

The listener asks ``check_raw`` at the end of DATA (the sender's server hears the reason
at once) and the parse step asks again (a file given to ``ideabox parse``, a message
stored before a limit was lowered). Each scan is linear and looks at bytes only, so it
costs microseconds for ordinary mail; what passes is bounded enough for Python's email
parser to read quickly (its parameter handling, for one, is quadratic).
"""

from __future__ import annotations

import re

from intake.errors import (
    HeaderTooLarge,
    TooDeeplyNested,
    TooManyAddresses,
    TooManyHeaderFields,
    TooManyParameters,
    TooManyParts,
)

MAX_HEADER_BYTES = 256 * 1024  # the whole header block
MAX_FIELD_BYTES = 64 * 1024  # one header field, its continuation lines included
MAX_HEADER_FIELDS = 500
MAX_ADDRESSES = 100  # in one From, To, Cc, Reply-To ... field
MAX_PARAMETERS = 50  # in one Content-Type or Content-Disposition, in any part
MAX_PARTS = 200  # MIME parts (Content-Type fields) in the whole message
# Multiparts inside multiparts. Before parsing, the number of multipart containers bounds
# the depth (real mail has a handful); after parsing the depth itself is checked.
MAX_DEPTH = 20

_HEADER_END = re.compile(rb"\r?\n\r?\n")
# A header field: its first line and the folded lines under it.
_FIELD = re.compile(rb"^([!-9;-~]{1,100})[ \t]*:(.*(?:\r?\n[ \t].*)*)", re.M)
_ADDRESS_FIELDS = frozenset(
    {b"from", b"to", b"cc", b"bcc", b"reply-to", b"sender", b"resent-from", b"resent-to"}
)
# Parameters may sit in the headers of any part: every such field in the message.
_PARAMETERISED = re.compile(rb"^content-(?:type|disposition)[ \t]*:", re.I | re.M)
_FIELD_REST = re.compile(rb".*(?:\r?\n[ \t].*)*")
_MULTIPART = re.compile(rb"^[ \t]*\"?multipart/", re.I)


def header_block(raw: bytes) -> bytes:
    end = _HEADER_END.search(raw, 0, MAX_HEADER_BYTES + 4)
    return raw[: end.start()] if end else raw[: MAX_HEADER_BYTES + 1]


def check_raw(raw: bytes) -> None:
    """Raise the limit a message goes past (an SmtpRejection), or return."""
    headers = header_block(raw)
    if len(headers) > MAX_HEADER_BYTES:
        raise HeaderTooLarge(f"the header is over {MAX_HEADER_BYTES // 1024} KB")
    for fields, found in enumerate(_FIELD.finditer(headers), start=1):
        if fields > MAX_HEADER_FIELDS:
            raise TooManyHeaderFields(f"more than {MAX_HEADER_FIELDS} header fields")
        name, value = found.group(1).lower(), found.group(2)
        if len(value) > MAX_FIELD_BYTES:
            raise HeaderTooLarge(f"the {name.decode()} field is over {MAX_FIELD_BYTES // 1024} KB")
        if name in _ADDRESS_FIELDS and value.count(b"@") > MAX_ADDRESSES:
            raise TooManyAddresses(f"more than {MAX_ADDRESSES} addresses in {name.decode()}")
    parts = containers = 0
    for found in _PARAMETERISED.finditer(raw):
        rest = _FIELD_REST.match(raw, found.end(), found.end() + MAX_FIELD_BYTES)
        value = rest.group(0) if rest else b""
        if found.group(0).lower().startswith(b"content-type"):
            parts += 1
            if parts > MAX_PARTS:
                raise TooManyParts(f"more than {MAX_PARTS} MIME parts")
            containers += bool(_MULTIPART.match(value))
            if containers > MAX_DEPTH:
                raise TooDeeplyNested(f"more than {MAX_DEPTH} multipart containers")
        # ";" outside quotes is close enough: a real field has a handful.
        if value.count(b";") > MAX_PARAMETERS:
            raise TooManyParameters(f"more than {MAX_PARAMETERS} parameters in one field")
