"""Verifying DKIM signatures ourselves, when no trusted MX says what it found.

dkimpy checks each signature whose signer is aligned with the From domain, looking its
key up in DNS (dnspython; ``IDEABOX_DNS_SERVER`` names another resolver, as tests do).
In a thread: the lookup and the RSA check must not hold up the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import dkim
import dns.exception
import dns.resolver
from dkim.util import parse_tag_value

from intake.authresults import Judgement, Verdict, aligned

log = logging.getLogger(__name__)

LOOKUP_SECONDS = 5.0

Lookup = Callable[..., bytes | None]


class DnsUnavailable(Exception):
    """No answer either way (a timeout, a failing server): a verdict must wait."""


def txt_lookup(server: tuple[str, int] | None) -> Lookup:
    """dkimpy's ``dnsfunc``: the TXT record of a name, or None."""
    resolver = dns.resolver.Resolver(configure=server is None)
    if server is not None:
        resolver.nameservers = [server[0]]
        resolver.port = server[1]

    def get_txt(name: bytes, timeout: float = LOOKUP_SECONDS) -> bytes | None:
        try:
            answer = resolver.resolve(name.decode("ascii").rstrip("."), "TXT", lifetime=timeout)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, UnicodeError):
            return None  # there is no such key
        except dns.exception.DNSException as exc:
            raise DnsUnavailable(str(exc)) from exc
        for record in answer:
            return b"".join(record.strings)
        return None

    return get_txt


class DkimVerifier:
    def __init__(self, server: tuple[str, int] | None = None) -> None:
        self.lookup = txt_lookup(server)

    async def judge(self, raw: bytes, from_domain: str) -> Judgement:
        return await asyncio.to_thread(self._judge, raw, from_domain)

    def _judge(self, raw: bytes, from_domain: str) -> Judgement:
        try:
            checker = dkim.DKIM(raw, minkey=1024, timeout=int(LOOKUP_SECONDS))
        except dkim.DKIMException as exc:
            return Judgement(Verdict.NONE, f"DKIM: {exc}")
        signatures = [value for name, value in checker.headers if name.lower() == b"dkim-signature"]
        ours = []
        for index, value in enumerate(signatures):
            try:
                signer = parse_tag_value(value).get(b"d", b"").decode("ascii", "replace")
            except dkim.DKIMException:
                continue
            if aligned(signer, from_domain):
                ours.append((index, signer))
        if not ours:
            return Judgement(Verdict.NONE, f"no DKIM signature of {from_domain}")
        for index, signer in ours:
            try:
                if checker.verify(idx=index, dnsfunc=self.lookup):
                    return Judgement(Verdict.PASS, f"DKIM passed for {signer}")
            except dkim.DKIMException as exc:
                log.info("DKIM signature of %s not verified: %s", signer, exc)
            except DnsUnavailable as exc:
                return Judgement(Verdict.NONE, f"DKIM key of {signer} not found: {exc}")
        return Judgement(Verdict.FAIL, f"DKIM failed for {from_domain}")
