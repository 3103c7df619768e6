"""Where outgoing mail goes: an SMTP relay (aiosmtplib), or a Maildir when none is set."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib


class Transport(Protocol):
    async def deliver(self, *, key: str, sender: str, recipients: list[str], raw: bytes) -> None:
        """Deliver ``raw``; ``key`` is unique per outbox row and stable across retries."""

    async def close(self) -> None: ...


@dataclass
class MaildirTransport:
    """One file per mail in ``<root>/new``, readable by any mail client.

    The file name comes from the outbox row, so a retried delivery rewrites the same file
    instead of adding a second copy.
    """

    root: Path

    def __post_init__(self) -> None:
        for sub in ("tmp", "new", "cur"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    async def deliver(self, *, key: str, sender: str, recipients: list[str], raw: bytes) -> None:
        name = f"{key}.ideabox"
        tmp = self.root / "tmp" / name
        envelope = f"Return-Path: <{sender}>\nDelivered-To: {', '.join(recipients)}\n"
        with tmp.open("wb") as f:
            # Maildir files use the local line ending.
            f.write(envelope.encode() + raw.replace(b"\r\n", b"\n"))
            f.flush()
            os.fsync(f.fileno())
        # Maildir's delivery protocol: write in tmp/, then rename into new/ (atomic).
        tmp.replace(self.root / "new" / name)

    async def close(self) -> None:
        return None


@dataclass(frozen=True)
class RelayConfig:
    hostname: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool
    start_tls: bool | None  # None: use STARTTLS when the server offers it
    validate_certs: bool
    cafile: str | None  # a CA bundle for a relay with a private CA


def parse_relay_url(url: str) -> RelayConfig:
    """``smtp://user:pass@host:587`` (STARTTLS when offered), ``smtps://host:465`` (TLS).

    Query options: ``starttls=required|never``, ``cafile=/path/ca.pem`` (a private CA),
    ``verify=false`` (no certificate check: only for a throw-away test relay).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(
            f"relay URL must be smtp://host[:port] or smtps://host[:port], not {url!r}"
        )
    options = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
    implicit = parts.scheme == "smtps"
    start_tls: bool | None = None
    if implicit or options.get("starttls") == "never":
        start_tls = False
    elif options.get("starttls") == "required":
        start_tls = True
    return RelayConfig(
        hostname=parts.hostname,
        port=parts.port or (465 if implicit else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        implicit_tls=implicit,
        start_tls=start_tls,
        validate_certs=options.get("verify", "true") != "false",
        cafile=parse_qs(parts.query).get("cafile", [None])[-1],
    )


class RelayTransport:
    """Sends through one SMTP connection that is kept open and re-opened when it drops."""

    def __init__(self, config: RelayConfig) -> None:
        self.config = config
        self._client: aiosmtplib.SMTP | None = None
        # Jobs run concurrently; they share one connection and must not open two.
        self._connect_lock = asyncio.Lock()

    async def _connected(self) -> aiosmtplib.SMTP:
        async with self._connect_lock:
            if self._client is not None and self._client.is_connected:
                return self._client
            self._client = await self._connect()
            return self._client

    async def _connect(self) -> aiosmtplib.SMTP:
        c = self.config
        client = aiosmtplib.SMTP(
            hostname=c.hostname,
            port=c.port,
            use_tls=c.implicit_tls,
            start_tls=c.start_tls,
            validate_certs=c.validate_certs,
            cert_bundle=c.cafile,
            username=c.username,
            password=c.password,
            timeout=30,
        )
        await client.connect()
        return client

    async def deliver(self, *, key: str, sender: str, recipients: list[str], raw: bytes) -> None:
        client = await self._connected()
        try:
            await client.sendmail(sender, recipients, raw)
        except aiosmtplib.SMTPServerDisconnected:
            # The relay closed an idle connection: one fresh attempt, then let it raise.
            self._client = None
            client = await self._connected()
            await client.sendmail(sender, recipients, raw)

    async def close(self) -> None:
        if self._client is not None and self._client.is_connected:
            try:
                await self._client.quit()
            except aiosmtplib.SMTPException:
                self._client.close()
        self._client = None


def make_transport(relay_url: str, outbox_dir: Path) -> Transport:
    if relay_url:
        return RelayTransport(parse_relay_url(relay_url))
    return MaildirTransport(outbox_dir)
