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
    """Sends over a small pool of SMTP connections, kept open and re-opened when dropped.

    Several connections let a campaign's invitations go out side by side; each one
    carries one message at a time.
    """

    def __init__(self, config: RelayConfig, connections: int = 4) -> None:
        self.config = config
        self._idle: asyncio.Queue[aiosmtplib.SMTP | None] = asyncio.Queue()
        self._clients: list[aiosmtplib.SMTP] = []
        for _ in range(connections):
            self._idle.put_nowait(None)  # a slot; connected when first used

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
        # Keep only live connections for close(); a dropped one is gone for good.
        self._clients = [c for c in self._clients if c.is_connected]
        self._clients.append(client)
        return client

    async def deliver(self, *, key: str, sender: str, recipients: list[str], raw: bytes) -> None:
        client = await self._idle.get()
        try:
            if client is None or not client.is_connected:
                client = await self._connect()
            try:
                await client.sendmail(sender, recipients, raw)
            except aiosmtplib.SMTPServerDisconnected:
                # The relay closed an idle connection: one fresh attempt, then let it raise.
                client = await self._connect()
                await client.sendmail(sender, recipients, raw)
        except BaseException:
            self._idle.put_nowait(client if client is not None and client.is_connected else None)
            raise
        self._idle.put_nowait(client)

    async def close(self) -> None:
        clients, self._clients = self._clients, []
        for client in clients:
            if not client.is_connected:
                continue
            try:
                await client.quit()
            except aiosmtplib.SMTPException:
                client.close()


def make_transport(relay_url: str, outbox_dir: Path) -> Transport:
    if relay_url:
        return RelayTransport(parse_relay_url(relay_url))
    return MaildirTransport(outbox_dir)
