"""The arq worker: its jobs, its schedules, and what they share through ``ctx``.

Jobs take ids, never objects; the database says what is to be done. The sweep is what
makes a lost Redis harmless: it enqueues whatever the database holds as not yet done.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from arq import cron
from arq.connections import RedisSettings
from arq.worker import Worker, func

from core.app import App
from core.backoff import Backoff
from core.queue import (
    LAST_SWEEP_KEY,
    PROCESS_INBOUND,
    SEND_MAIL,
    SEND_MAILS,
    inbound_job_id,
    worker_health_key,
)
from workflows.campaigns import remind_non_responders
from workflows.decisions import report_due_decisions
from workflows.ideas import theme_backlog
from workflows.inbound import process_inbound, stored_unprocessed
from workflows.outbox import due_mail_ids, nudge, send_mail, send_mails
from workflows.reminders import send_due_reminders
from workflows.reports import weekly_report_due
from workflows.results import send_due_results
from workflows.retention import erase_expired
from workflows.schedules import run_due_schedules
from workflows.transport import Transport

log = logging.getLogger(__name__)

# A message younger than this is probably still on its way through the queue.
SWEEP_GRACE = timedelta(seconds=5)
# Seconds a job may run (understanding a message has its own budget of 20 s); a job of a
# worker that died is taken by another one JOB_TIMEOUT + 10 s after it started.
JOB_TIMEOUT = 45
INBOUND_TIMEOUT = 30


async def process_inbound_job(ctx: dict[str, Any], inbound_id: int) -> str:
    return await process_inbound(ctx["app"], inbound_id)


async def send_mail_job(ctx: dict[str, Any], outbox_id: int) -> bool:
    return await send_mail(ctx["app"], ctx["transport"], outbox_id)


async def send_mails_job(ctx: dict[str, Any], outbox_ids: list[int]) -> int:
    return await send_mails(ctx["app"], ctx["transport"], outbox_ids)


async def sweep(ctx: dict[str, Any]) -> dict[str, int]:
    """Enqueue what the database says is pending: unprocessed mail in, unsent mail out."""
    app: App = ctx["app"]
    inbound = await stored_unprocessed(app, older_than=SWEEP_GRACE)
    for inbound_id in inbound:
        await app.queue.enqueue(PROCESS_INBOUND, inbound_id, job_id=inbound_job_id(inbound_id))
    outgoing = await due_mail_ids(app)
    await nudge(app, outgoing)
    found = {"inbound": len(inbound), "outbox": len(outgoing)}
    await app.queue.note(LAST_SWEEP_KEY, json.dumps({"at": app.clock.now().isoformat(), **found}))
    return found


async def remind(ctx: dict[str, Any]) -> int:
    """Reminder digests for every manager with a due idea (driven by the database)."""
    return await send_due_reminders(ctx["app"])


async def weekly_report(ctx: dict[str, Any]) -> int:
    """HR's weekly status, once per week from the configured weekday and hour."""
    return len(await weekly_report_due(ctx["app"]))


async def start_scheduled_campaigns(ctx: dict[str, Any]) -> int:
    """Campaigns of the schedules whose day has come (once, however many workers)."""
    return len(await run_due_schedules(ctx["app"]))


async def themes_for_older_ideas(ctx: dict[str, Any]) -> int:
    """Ideas stored before ideas had a theme get one, a batch at a time."""
    return await theme_backlog(ctx["app"])


async def campaign_results(ctx: dict[str, Any]) -> int:
    """Results back to the teams, and HR's summary, of every campaign just closed."""
    return await send_due_results(ctx["app"])


async def remind_campaigns(ctx: dict[str, Any]) -> int:
    """The one reminder to who has not answered a campaign that closes soon."""
    return await remind_non_responders(ctx["app"])


async def erase_expired_mail(ctx: dict[str, Any]) -> int:
    """Delete the raw mail and relayed texts older than the retention period."""
    return (await erase_expired(ctx["app"])).total


async def report_decisions(ctx: dict[str, Any]) -> int:
    """Tell authors about decisions whose grace period has passed."""
    return await report_due_decisions(ctx["app"])


def make_worker(
    app: App,
    transport: Transport,
    redis_settings: RedisSettings,
    *,
    burst: bool = False,
    with_cron: bool = True,
) -> Worker:
    every = max(1, min(app.settings.sweep_every_seconds, 60))
    cron_jobs = [
        cron(sweep, second=set(range(0, 60, every)), run_at_startup=True),
        cron(report_decisions, second={30}, run_at_startup=True),
        cron(remind, minute=set(range(0, 60, 5)), second={15}, run_at_startup=True),
        cron(weekly_report, minute={0, 30}, second={45}, run_at_startup=True),
        cron(remind_campaigns, minute=set(range(1, 60, 5)), second={5}, run_at_startup=True),
        cron(campaign_results, minute=set(range(2, 60, 5)), second={25}, run_at_startup=True),
        cron(themes_for_older_ideas, minute=set(range(4, 60, 5)), second={35}, run_at_startup=True),
        cron(
            start_scheduled_campaigns, minute=set(range(0, 60, 5)), second={40}, run_at_startup=True
        ),
        # A batch every ten minutes: a backlog goes in small rounds, never one long lock.
        cron(erase_expired_mail, minute=set(range(3, 60, 10)), second={50}, run_at_startup=True),
    ]
    return Worker(
        # keep_result=0: a finished job leaves no result behind, so the sweep may enqueue
        # the same id again (a retry); the row's state keeps it from acting twice.
        functions=[
            func(process_inbound_job, name=PROCESS_INBOUND, keep_result=0, timeout=INBOUND_TIMEOUT),
            func(send_mail_job, name=SEND_MAIL, keep_result=0),
            func(send_mails_job, name=SEND_MAILS, keep_result=0),
        ],
        cron_jobs=cron_jobs if with_cron else [],
        redis_settings=redis_settings,
        ctx={"app": app, "transport": transport},
        handle_signals=False,
        burst=burst,
        poll_delay=app.settings.worker_poll_delay,
        max_jobs=20,
        # Short jobs: arq holds a job of a worker killed mid-way for its longest timeout
        # plus 10 s before another worker may take it (an hour would be its default).
        job_timeout=JOB_TIMEOUT,
        # Its own health key, refreshed every minute: ``ideabox status`` counts the
        # workers alive, and docker-compose's health check finds its container's.
        health_check_interval=60,
        health_check_key=worker_health_key(socket.gethostname(), os.getpid()),
    )


async def stop_worker(worker: Worker, task: asyncio.Task[None], wait: float = 10.0) -> None:
    """Stop a worker started with ``async_run`` in ``task``: no new jobs, running ones finish.

    A job still running after ``wait`` seconds is cancelled; its row stays pending in the
    database and the next sweep picks it up.
    """
    # No new jobs: the polling loop then only sends heartbeats (no Redis pipelines that a
    # cancellation could cut in half). The iteration it may be in still finishes: one
    # poll delay and a little more, or its pipeline leaks a connection.
    worker.allow_pick_jobs = False
    await asyncio.sleep(worker.poll_delay_s * 2 + 0.05)
    running = [t for t in worker.tasks.values() if not t.done()]
    if running:
        _, late = await asyncio.wait(running, timeout=wait)
        for job in late:
            job.cancel()
        await asyncio.gather(*late, return_exceptions=True)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    # arq's close() gathers the job tasks without return_exceptions; they are all done.
    worker.tasks.clear()
    await worker.close()


class SupervisedWorker:
    """An arq worker that outlives its Redis.

    When Redis goes away arq's main loop ends, and arq does not start it again. This
    starts a fresh worker (with a fresh connection) after a pause growing from 1 to 30
    seconds, logging each loss, until it is stopped; once Redis is back, its first sweep
    queues whatever the database still holds (Redis itself keeps nothing).
    """

    def __init__(self, build: Callable[[], Worker]) -> None:
        self.build = build
        self.worker: Worker | None = None
        self.task: asyncio.Task[None] | None = None
        self.runner: asyncio.Task[None] | None = None
        self.stopping = False
        self.restarts = 0

    def start(self) -> None:
        self.runner = asyncio.create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        backoff = Backoff()
        while not self.stopping:
            worker = self.worker = self.build()
            started = loop.time()
            self.task = asyncio.create_task(worker.async_run())
            lost: Exception | None = None
            try:
                await self.task
                if worker.burst:
                    return
            except asyncio.CancelledError:
                if self.stopping:
                    return
                raise
            except Exception as exc:  # Redis gone, or a connection cut: start anew
                lost = exc
            await _discard(worker, self.task)
            if loop.time() - started > 60:
                backoff.reset()  # it ran a good while: this is a new outage
            pause = backoff.next()
            if lost is not None:
                log.warning("the worker lost Redis (%s); starting again in %.0f s", lost, pause)
            await asyncio.sleep(pause)
            self.restarts += 1

    async def stop(self) -> None:
        self.stopping = True
        if self.worker is not None and self.task is not None and not self.task.done():
            await stop_worker(self.worker, self.task)
        if self.runner is not None:
            self.runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.runner


async def _discard(worker: Worker, task: asyncio.Task[None]) -> None:
    """Let a worker whose loop died finish its jobs; its Redis may be gone for good."""
    with contextlib.suppress(Exception):
        async with asyncio.timeout(15):
            await stop_worker(worker, task)
