"""The service survives its dependencies: Redis killed and started again while the
intake and the worker run, as separate processes, as in production."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from core.app import App
from core.queue import redis_settings
from ideabox.embedded_redis import EmbeddedRedis
from tests.operating import JAN, SAMPLE, Operator
from workflows.transport import MaildirTransport
from workflows.worker import make_worker


@pytest.fixture
def redis_dir() -> Path:
    # A short path: unix socket paths are limited to about 100 characters.
    import tempfile

    return Path(tempfile.mkdtemp(prefix="ibf"))


@pytest.mark.timeout(240)
def test_redis_killed_and_back_loses_nothing_and_needs_no_restart(
    operator: Operator, redis_dir: Path
) -> None:
    redis = EmbeddedRedis(redis_dir)
    operator.env["IDEABOX_REDIS_URL"] = asyncio.run(redis.start())
    try:
        intake = operator.start("intake")
        worker = operator.start("worker", listens=False)
        operator.command("org", "import", str(SAMPLE))
        operator.command("campaign", "start", "--question", "Wat kan er beter?")
        [invitation] = [m for m in operator.wait_for_outbox(9) if JAN in str(m["To"])]
        for n in range(3):
            operator.reply(invitation, f"Idee nummer {n}.", message_id=f"<before-{n}@example.nl>")
        operator.wait_for_ideas(3)

        assert redis.process is not None
        os.kill(redis.process.pid, signal.SIGKILL)  # Redis dies, with all it held
        redis.process.wait()
        for n in range(3, 8):  # the listener still accepts and stores
            operator.reply(invitation, f"Idee nummer {n}.", message_id=f"<during-{n}@example.nl>")
        time.sleep(3)
        assert len(operator.ideas()) == 3

        asyncio.run(redis.start())  # back, empty, on the same socket
        back = time.monotonic()
        ideas = operator.wait_for_ideas(8, timeout=60)
        assert time.monotonic() - back < 60
        assert sorted(str(i["text"]) for i in ideas) == [f"Idee nummer {n}." for n in range(8)]
        assert intake.poll() is None and worker.poll() is None  # nobody restarted them
        output = operator.stop(worker, signal.SIGTERM)
        assert "lost Redis" in output, output
        operator.stop(intake, signal.SIGTERM)
    finally:
        asyncio.run(redis.stop())


async def test_a_job_of_a_killed_worker_is_taken_over_within_a_minute(app: App) -> None:
    """arq keeps a started job to its worker for the longest job timeout plus 10 s; a
    worker killed mid-job so holds it up that long (arq's default: five minutes)."""
    worker = make_worker(
        app, MaildirTransport(app.settings.outbox_dir), redis_settings(app.queue.url)
    )
    assert worker.in_progress_timeout_s <= 55
    await worker.close()
