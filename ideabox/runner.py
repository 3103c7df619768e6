"""Running the service: all of it (``run``), or the intake and worker halves.

``ideabox run`` is the listener in this process and the worker as a child process at a
lower OS priority (``ideabox.children``): during a reply burst the SMTP answers keep
their pace. The parts of one process run on one event loop, the one that opened the ORM
(tortoise keeps its state per loop). Ctrl-C, SIGTERM or SIGHUP (the terminal closed)
stops them in order: listener, worker, queue, database, and last the embedded Redis. A
service that keeps its state in the ``var`` folder (``ideabox run``, or any part on the
embedded Redis) holds that folder's lock for as long as it runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from enum import StrEnum

from core.app import App
from core.keys import REFRESH_EVERY
from core.queue import Queue, redis_settings
from core.settings import Settings
from db.setup import close_database, open_database
from ideabox.children import WorkerProcess
from ideabox.embedded_redis import EmbeddedRedis
from ideabox.instance_lock import InstanceLock
from intake.server import Listener, start_listener
from workflows.transport import make_transport
from workflows.worker import SupervisedWorker, make_worker

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class CannotListen(Exception):
    """The SMTP address is taken or not ours; the message names it."""


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


async def refresh_keys(app: App) -> None:
    """Read the signing keys again now and then: a rotation reaches every process."""
    while True:
        await asyncio.sleep(REFRESH_EVERY.total_seconds())
        try:
            await app.load_keys()
        except Exception:  # a database hiccup: keep the keys we have, try again later
            log.warning("could not read the signing keys; keeping the current ones", exc_info=True)


def holds_folder(settings: Settings, mode: Mode) -> bool:
    """Whether this process keeps state in the var folder that a second one would share."""
    return mode is Mode.ALL or not settings.redis_url


async def serve(settings: Settings, mode: Mode, stop: asyncio.Event | None = None) -> None:
    """Run until ``stop`` is set or a termination signal arrives."""
    stop = stop or asyncio.Event()
    caught: list[str] = []

    def on_signal(signum: signal.Signals) -> None:
        caught.append(signum.name)
        stop.set()

    loop = asyncio.get_running_loop()
    for signum in STOP_SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, on_signal, signum)
    lock = InstanceLock(settings.var_dir, f"ideabox {mode_command(mode)}")
    try:
        if holds_folder(settings, mode):
            lock.acquire()  # before the embedded Redis: never two of them on one socket
        await _serve(settings, mode, stop, caught)
    finally:
        lock.release()
        for signum in STOP_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)


def mode_command(mode: Mode) -> str:
    return "run" if mode is Mode.ALL else mode.value


async def _serve(settings: Settings, mode: Mode, stop: asyncio.Event, caught: list[str]) -> None:
    # Without Redis the listener still stores and answers 250, and the worker waits for
    # it; both pick it up when it comes (the sweep finds what was stored).
    async with connected_app(settings) as app, AsyncExitStack() as stack:
        refresher = asyncio.create_task(refresh_keys(app))
        stack.callback(refresher.cancel)
        listener: Listener | None = None
        if mode in (Mode.ALL, Mode.INTAKE):
            host, port = settings.listen_host, settings.listen_port
            try:
                listener = await start_listener(app, host, port)
            except OSError as error:
                reason = os.strerror(error.errno) if error.errno else str(error)
                address = f"IDEABOX_SMTP_LISTEN: cannot listen on {host}:{port}"
                raise CannotListen(f"{address}: {reason.lower()}") from None
            print(f"ideabox: SMTP on {host}:{listener.port}", flush=True)
        if mode is Mode.ALL:
            child = WorkerProcess(app.queue.url)
            try:
                child.start()
            finally:
                stack.push_async_callback(child.stop)
        if mode is Mode.WORKER:
            transport = make_transport(settings.relay_url, settings.outbox_dir)
            stack.push_async_callback(transport.close)
            worker = SupervisedWorker(
                lambda: make_worker(app, transport, redis_settings(app.queue.url))
            )
            worker.start()
            stack.push_async_callback(worker.stop)
        if listener is not None:  # stopped first: what it accepted reaches the database
            stack.push_async_callback(listener.close)
        if mode in (Mode.ALL, Mode.WORKER):
            where = settings.relay_url.split("@")[-1] if settings.relay_url else settings.outbox_dir
            print(f"ideabox: worker running, mail goes to {where}", flush=True)
        await stop.wait()
        print(f"ideabox: stopping on {caught[0]}" if caught else "ideabox: stopping", flush=True)
