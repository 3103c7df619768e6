"""A DNS server on 127.0.0.1 that serves DKIM keys, and a signer that uses them: what a
mail domain's real DNS and outgoing server do, for the tests of ideabox's DKIM check."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import dkim
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

SELECTOR = "ideas2026"


@dataclass
class DnsServer(asyncio.DatagramProtocol):
    """Answers TXT queries from ``records``; NXDOMAIN for every other name."""

    records: dict[str, str] = field(default_factory=dict)
    transport: asyncio.DatagramTransport | None = None
    port: int = 0

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        query = dns.message.from_wire(data)
        response = dns.message.make_response(query)
        question = query.question[0]
        name = question.name.to_text().rstrip(".").lower()
        text = self.records.get(name)
        if question.rdtype == dns.rdatatype.TXT and text is not None:
            chunks = [text[i : i + 250] for i in range(0, len(text), 250)]
            value = " ".join(f'"{chunk}"' for chunk in chunks)
            response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "TXT", value))
        else:
            response.set_rcode(dns.rcode.NXDOMAIN)
        assert self.transport is not None
        self.transport.sendto(response.to_wire(), addr)


@asynccontextmanager
async def dns_server() -> AsyncIterator[DnsServer]:
    server = DnsServer()
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(lambda: server, local_addr=("127.0.0.1", 0))
    server.port = int(transport.get_extra_info("sockname")[1])
    try:
        yield server
    finally:
        transport.close()


@dataclass(frozen=True)
class SigningKey:
    """One domain's DKIM key: the private half signs, the public half goes into DNS."""

    domain: str
    private_pem: bytes
    public_record: str

    @classmethod
    def generate(cls, domain: str) -> SigningKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
        public = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        record = f"v=DKIM1; k=rsa; p={base64.b64encode(public).decode()}"
        return cls(domain, private, record)

    @property
    def dns_name(self) -> str:
        return f"{SELECTOR}._domainkey.{self.domain}"

    def sign(self, raw: bytes) -> bytes:
        """``raw`` with a DKIM-Signature header in front, as the sender's server adds it."""
        header: bytes = dkim.sign(
            raw,
            SELECTOR.encode(),
            self.domain.encode(),
            self.private_pem,
            include_headers=[b"from", b"to", b"subject", b"message-id", b"in-reply-to"],
        )
        return header + raw
