"""Signed reply tokens carried in the local part of reply addresses.

``ideas+s.42.k3j5h2m4q7@domain``: kind ``s``, object id 42, a 10-character HMAC. The
signature uses lower-case base32 only, so a server that lower-cases local parts (some do)
keeps it valid, and it is short enough to survive any mail client.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum


class TokenKind(StrEnum):
    INVITATION = "s"  # reply to a campaign invitation -> idea
    IDEA = "i"  # manager's reply to an idea notification -> decision
    AUTHOR = "a"  # employee's reply to mail about their own idea
    BOUNCE = "b"  # envelope sender of an outbox mail -> bounce for that mail
    DIGEST = "d"  # a reminder about several ideas (manager id) -> help mail


SIGNATURE_LENGTH = 10
_TOKEN = re.compile(r"^([a-z])\.([0-9]{1,12})\.([a-z2-7]{10})$")


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    object_id: int


def _signature(key: bytes, kind: str, object_id: int) -> str:
    digest = hmac.new(key, f"{kind}.{object_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:SIGNATURE_LENGTH]


def make_token(key: bytes, kind: TokenKind, object_id: int) -> str:
    return f"{kind.value}.{object_id}.{_signature(key, kind.value, object_id)}"


def reply_address(key: bytes, local_part: str, domain: str, kind: TokenKind, object_id: int) -> str:
    return f"{local_part}+{make_token(key, kind, object_id)}@{domain}"


class BadToken(ValueError):
    """The token is malformed, of an unknown kind, or its signature does not match."""


def read_token(key: bytes, text: str) -> Token:
    """Verify ``text`` (case-insensitive) and return what it names, or raise BadToken."""
    match = _TOKEN.match(text.strip().lower())
    if match is None:
        raise BadToken("malformed token")
    kind, raw_id, signature = match.groups()
    try:
        token_kind = TokenKind(kind)
    except ValueError:
        raise BadToken("unknown token kind") from None
    object_id = int(raw_id)
    if not hmac.compare_digest(signature, _signature(key, kind, object_id)):
        raise BadToken("signature does not match")
    return Token(token_kind, object_id)


def split_address(address: str, local_part: str, domain: str) -> str | None:
    """The token part of ``address`` ('' for the plain address), or None if not ours."""
    local, _, addr_domain = address.strip().lower().rpartition("@")
    if addr_domain != domain.lower():
        return None
    base, plus, token = local.partition("+")
    if base != local_part.lower():
        return None
    return token if plus else ""
