"""What every command shares: one-line failures, settings, and an app to work with."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, NoReturn, TypeVar

import typer

from core.app import App
from core.queue import Queue
from core.settings import Settings, without_password
from db.setup import DatabaseUnavailable, database
from ideabox.embedded_redis import EmbeddedRedis

T = TypeVar("T")


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, then exit: 1 for a failure, 2 for a usage mistake."""
    typer.echo(f"ideabox: {message}", err=True)
    raise typer.Exit(code)


def echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@asynccontextmanager
async def command_app(settings: Settings) -> AsyncIterator[App]:
    """The database, and Redis when it runs (else the service's sweep sends later)."""
    url = settings.redis_url
    if not url:
        embedded = EmbeddedRedis(settings.var_dir)
        url = embedded.url if embedded.socket_path.exists() else ""
    async with database(settings.database):
        queue = await Queue.connect(url) if url else Queue(None)
        try:
            app = App(settings, queue=queue)
            await app.load_keys()
            yield app
        finally:
            await queue.close()


def run_with_app(work: Callable[[App], Awaitable[T]]) -> T:
    settings = Settings()

    async def main() -> T:
        async with command_app(settings) as app:
            return await work(app)

    try:
        return asyncio.run(main())
    except DatabaseUnavailable as unavailable:
        cannot_open(settings, unavailable)


def cannot_open(settings: Settings, unavailable: DatabaseUnavailable) -> NoReturn:
    fail(f"IDEABOX_DATABASE_URL: cannot open {without_password(settings.database)}: {unavailable}")
