"""What the receiving MX says of a message's From, in its Authentication-Results header.

Only the trusted MX's word counts (any sender can write such a header too), and only its
topmost header: the MX adds its own above whatever came with the message. RFC 8601:
``authserv-id; method=result property=value ...; ...``, comments in parentheses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from enum import StrEnum


class Verdict(StrEnum):
    PASS = "pass"  # proven: the From's domain signed it, or DMARC passed for it
    FAIL = "fail"  # forged, or not the From ideabox read
    NONE = "none"  # nothing either way (no signature, no trusted header, a DNS error)


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: Verdict
    why: str


NOTHING = Judgement(Verdict.NONE, "no verdict")

_COMMENT = re.compile(r"\([^()]*\)")
_RESULT = re.compile(r"^\s*([a-z0-9_-]{1,30})\s*=\s*([a-z]{1,20})\b", re.I)
_PROPERTY = re.compile(r"\b([a-z]{1,20}\.[a-z0-9_-]{1,30})\s*=\s*\"?([^\s;\"]{1,320})", re.I)


def aligned(signer: str, from_domain: str) -> bool:
    """The From's domain itself or a parent of it signed (relaxed alignment), not merely
    a name ending the same way (``evilexample.nl`` is no ``example.nl``)."""
    signer, from_domain = signer.lower().strip("."), from_domain.lower()
    return "." in signer and (from_domain == signer or from_domain.endswith("." + signer))


def trusted_results(msg: Message, authserv_id: str) -> list[tuple[str, str, dict[str, str]]]:
    """(method, result, properties) of the topmost header the trusted MX wrote."""
    for header in msg.get_all("Authentication-Results") or []:
        value = str(header)
        for _ in range(5):  # comments may nest a little
            value = _COMMENT.sub(" ", value)
        server, *resinfos = value.split(";")
        if server.strip().lower().split()[:1] != [authserv_id.lower()]:
            continue  # the id is case-insensitive; a version number may follow it
        found = []
        for resinfo in resinfos:
            result = _RESULT.match(resinfo)
            if result:
                properties = {k.lower(): v.lower() for k, v in _PROPERTY.findall(resinfo)}
                found.append((result.group(1).lower(), result.group(2).lower(), properties))
        return found
    return []


def judge(msg: Message, authserv_id: str, from_domain: str) -> Judgement:
    """The trusted MX's verdict on the From domain ideabox read."""
    results = trusted_results(msg, authserv_id)
    if not results:
        return Judgement(Verdict.NONE, f"no Authentication-Results from {authserv_id}")
    dkim_passed = dkim_failed = False
    for method, result, properties in results:
        if method == "dmarc":
            checked = properties.get("header.from", "").rpartition("@")[2]
            if checked and checked != from_domain.lower():
                return Judgement(Verdict.FAIL, f"the MX checked DMARC for {checked}")
            if result == "fail":
                return Judgement(Verdict.FAIL, "DMARC failed")
            if result == "pass" and checked:
                return Judgement(Verdict.PASS, "DMARC passed")
        elif method == "dkim":
            signer = properties.get("header.d") or properties.get("header.i", "").rpartition("@")[2]
            if signer and aligned(signer, from_domain):
                dkim_passed |= result == "pass"
                dkim_failed |= result in ("fail", "permerror")
    if dkim_passed:
        return Judgement(Verdict.PASS, "DKIM passed for the From domain")
    if dkim_failed:
        return Judgement(Verdict.FAIL, "DKIM failed for the From domain")
    return Judgement(Verdict.NONE, "neither DMARC nor an aligned DKIM passed")
