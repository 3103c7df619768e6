"""``ideabox run``, ``intake`` and ``worker``: the service, whole or in its two halves."""

from __future__ import annotations

import asyncio
import logging

from core.settings import Settings
from db.setup import DatabaseUnavailable
from ideabox.cli.common import cannot_open, fail
from ideabox.embedded_redis import EmbeddedRedisFailed
from ideabox.instance_lock import FolderInUse
from ideabox.runner import CannotListen, Mode, serve
from intake.spool import SpoolUnavailable


def _serve(mode: Mode) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("tortoise", "aiosqlite", "asyncpg", "mail.log"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    settings = Settings()
    try:
        asyncio.run(serve(settings, mode))
    except (FolderInUse, CannotListen, EmbeddedRedisFailed, SpoolUnavailable) as failure:
        fail(str(failure))
    except DatabaseUnavailable as unavailable:
        cannot_open(settings, unavailable)


def run() -> None:
    """The whole service in one process (listener and worker; embedded defaults)."""
    _serve(Mode.ALL)


def intake() -> None:
    """Only the SMTP listener (production: run any number, next to workers)."""
    _serve(Mode.INTAKE)


def worker() -> None:
    """Only the worker: processing, sending, reminders, reports."""
    _serve(Mode.WORKER)
