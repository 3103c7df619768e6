"""Signed reply tokens carried in the local part of reply addresses.

``ideas+s.42.k3j5h2m4q7@domain``: topic letter ``s`` (an invitation), id 42, a
10-character HMAC. The signature uses lower-case base32 only, so a server that
lower-cases local parts (some do) keeps it valid, and it is short enough to survive any
mail client.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence

from core.about import About, Topic

SIGNATURE_LENGTH = 10
_TOKEN = re.compile(r"^([a-z])\.([0-9]{1,12})\.([a-z2-7]{10})$")
_UNSIGNED = re.compile(r"^([a-z])\.([0-9]{1,12})\.")


def _signature(key: bytes, letter: str, object_id: int) -> str:
    digest = hmac.new(key, f"{letter}.{object_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:SIGNATURE_LENGTH]


def make_token(key: bytes, about: About) -> str:
    letter = about.topic.letter
    return f"{letter}.{about.id}.{_signature(key, letter, about.id)}"


def reply_address(key: bytes, local_part: str, domain: str, about: About) -> str:
    return f"{local_part}+{make_token(key, about)}@{domain}"


class BadToken(ValueError):
    """The token is malformed, of an unknown topic, or its signature does not match."""


def read_token(keys: Sequence[bytes], text: str) -> About:
    """Verify ``text`` (case-insensitive) with any of ``keys`` and return what it names,
    or raise BadToken."""
    match = _TOKEN.match(text.strip().lower())
    if match is None:
        raise BadToken("malformed token")
    letter, raw_id, signature = match.groups()
    topic = Topic.of_letter(letter)
    if topic is None:
        raise BadToken("unknown token kind")
    object_id = int(raw_id)
    if not any(hmac.compare_digest(signature, _signature(k, letter, object_id)) for k in keys):
        raise BadToken("signature does not match")
    return About(topic, object_id)


def read_unverified(text: str) -> About:
    """What a token names, without checking its signature (offline, without the key)."""
    match = _UNSIGNED.match(text.strip().lower())
    topic = Topic.of_letter(match.group(1)) if match else None
    if match is None or topic is None:
        raise BadToken("malformed token")
    return About(topic, int(match.group(2)))


def split_address(address: str, local_part: str, domain: str) -> str | None:
    """The token part of ``address`` ('' for the plain address), or None if not ours."""
    local, _, addr_domain = address.strip().lower().rpartition("@")
    if addr_domain != domain.lower():
        return None
    base, plus, token = local.partition("+")
    if base != local_part.lower():
        return None
    return token if plus else ""
