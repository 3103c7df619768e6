"""Running the service: everything in one process, or the intake and worker halves.

All parts run on one event loop, the one that opened the ORM (tortoise keeps its state
per loop). Ctrl-C or SIGTERM stops them in order: listener, worker, queue, database,
and last the embedded Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from enum import StrEnum

from core.app import App
from core.queue import Queue, redis_settings
from core.settings import Settings
from db.setup import close_database, open_database
from ideabox.embedded_redis import EmbeddedRedis
from intake.server import start_listener
from workflows.transport import make_transport
from workflows.worker import SupervisedWorker, make_worker

log = logging.getLogger(__name__)


class Mode(StrEnum):
    ALL = "all"
    INTAKE = "intake"
    WORKER = "worker"


@asynccontextmanager
async def redis_url(settings: Settings) -> AsyncIterator[str]:
    """The configured Redis, or an embedded one for as long as the context lasts."""
    if settings.redis_url:
        yield settings.redis_url
        return
    embedded = EmbeddedRedis(settings.var_dir)
    url = await embedded.start()
    try:
        yield url
    finally:
        await embedded.stop()


@asynccontextmanager
async def connected_app(settings: Settings, *, migrate: bool = True) -> AsyncIterator[App]:
    """Database and queue opened (and closed again) for a command or the service."""
    async with AsyncExitStack() as stack:
        url = await stack.enter_async_context(redis_url(settings))
        await open_database(settings.database, run_migrations=migrate)
        stack.push_async_callback(close_database)
        app = App(settings, queue=await Queue.connect(url))
        stack.push_async_callback(app.queue.close)
        await app.load_keys()
        yield app


async def serve(settings: Settings, mode: Mode, stop: asyncio.Event | None = None) -> None:
    """Run until ``stop`` is set or a termination signal arrives."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    # Without Redis the listener still stores and answers 250, and the worker waits for
    # it; both pick it up when it comes (the sweep finds what was stored).
    async with connected_app(settings) as app, AsyncExitStack() as stack:
        if mode in (Mode.ALL, Mode.INTAKE):
            listener = await start_listener(app, settings.listen_host, settings.listen_port)
            stack.push_async_callback(listener.close)
            print(f"ideabox: SMTP on {settings.listen_host}:{listener.port}", flush=True)
        if mode in (Mode.ALL, Mode.WORKER):
            transport = make_transport(settings.relay_url, settings.outbox_dir)
            stack.push_async_callback(transport.close)
            worker = SupervisedWorker(
                lambda: make_worker(app, transport, redis_settings(app.queue.url))
            )
            worker.start()
            stack.push_async_callback(worker.stop)
            where = settings.relay_url.split("@")[-1] if settings.relay_url else settings.outbox_dir
            print(f"ideabox: worker running, mail goes to {where}", flush=True)
        await stop.wait()
        print("ideabox: stopping", flush=True)
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signum)
