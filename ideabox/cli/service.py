"""``ideabox run``, ``intake`` and ``worker``: the service, whole or in its two halves."""

from __future__ import annotations

import asyncio
import logging

from core.settings import Settings
from ideabox.runner import Mode, serve


def _serve(mode: Mode) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("tortoise", "aiosqlite", "asyncpg", "mail.log"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    asyncio.run(serve(Settings(), mode))


def run() -> None:
    """The whole service in one process (listener and worker; embedded defaults)."""
    _serve(Mode.ALL)


def intake() -> None:
    """Only the SMTP listener (production: run any number, next to workers)."""
    _serve(Mode.INTAKE)


def worker() -> None:
    """Only the worker: processing, sending, reminders, reports."""
    _serve(Mode.WORKER)
