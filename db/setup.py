"""Database set-up: the tortoise config from a URL, migrations at start-up, shutdown."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from asyncpg import InterfaceError, PostgresError
from tortoise import Tortoise
from tortoise.exceptions import BaseORMException
from tortoise.migrations.api import migrate

APP = "models"


# Refused connections, unknown hosts, wrong passwords, missing databases, unwritable files.
UNAVAILABLE = (OSError, BaseORMException, PostgresError, InterfaceError, sqlite3.Error)


class DatabaseUnavailable(Exception):
    """The database at the configured URL cannot be opened; the message says why."""


def _reason(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def tortoise_config(url: str) -> dict[str, Any]:
    """The one config every entry point uses: one app, migrations in ``db.migrations``."""
    if url.startswith("sqlite://") and not url.startswith("sqlite://:memory:"):
        Path(url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
    return {
        "connections": {"default": url},
        "apps": {
            APP: {
                "models": ["db.models"],
                "default_connection": "default",
                "migrations": "db.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def apply_migrations(url: str) -> None:
    """Bring the schema up to date; a second call finds nothing to apply."""
    await migrate(config=tortoise_config(url))
    await Tortoise.close_connections()


async def open_database(url: str, *, run_migrations: bool = True) -> None:
    try:
        if run_migrations:
            await apply_migrations(url)
        # The global fallback lets every task of this process (SMTP sessions, worker
        # jobs) see the ORM; all of them run on the one loop that opened it.
        await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
        if not run_migrations:  # connect now, so a wrong URL shows here and not later
            await Tortoise.get_connection("default").execute_query("SELECT 1")
    except UNAVAILABLE as error:
        await Tortoise.close_connections()
        raise DatabaseUnavailable(_reason(error)) from error


async def close_database() -> None:
    # Without this, aiosqlite's thread keeps the process alive.
    await Tortoise.close_connections()


@asynccontextmanager
async def database(url: str, *, run_migrations: bool = True) -> AsyncIterator[None]:
    await open_database(url, run_migrations=run_migrations)
    try:
        yield
    finally:
        await close_database()


# For tortoise's own command line (``tortoise -c db.setup.TORTOISE_ORM makemigrations``),
# which developers use to write a new migration after changing db/models.py.
TORTOISE_ORM = tortoise_config("sqlite://:memory:")
