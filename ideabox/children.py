"""Processes ``ideabox run`` starts and owns: they live exactly as long as it does.

The worker of ``ideabox run`` is one of them. Sharing the listener's event loop, its
parsing and mail building slowed SMTP answers to a crawl during a reply burst; in a
process of its own at a lower OS priority it gets whatever CPU the listener leaves, so
the listener keeps its pace and the worker catches up right after.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping

from core.backoff import Backoff

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>
WORKER_NICENESS = 10  # the listener first; idle CPU still goes to the worker in full


def die_with_parent(parent: int) -> None:
    """In the child before exec: SIGTERM when the parent exits (Linux only)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def spawn(
    command: list[str], *, env: Mapping[str, str] | None = None, log_to_stderr: bool = True
) -> subprocess.Popen[bytes]:
    """A child in its own session (a Ctrl-C reaches only the parent, which stops it in
    order) that the kernel stops when the parent dies, by any signal or crash. Its
    output lines would repeat the parent's; its log goes to the parent's stderr."""
    parent = os.getpid()
    arm = (lambda: die_with_parent(parent)) if sys.platform == "linux" else None
    # Popen, not asyncio's subprocess: a child may outlive any one event loop (the tests
    # start the embedded Redis once for all their loops). Starting it does not block.
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=None if log_to_stderr else subprocess.DEVNULL,
        env=dict(env) if env is not None else None,
        start_new_session=True,
        preexec_fn=arm,
    )


class WorkerProcess:
    """``ideabox worker`` as a child on the given Redis, started again if it dies."""

    def __init__(self, redis_url: str) -> None:
        self.env = {**os.environ, "IDEABOX_REDIS_URL": redis_url}
        self.process: subprocess.Popen[bytes] | None = None
        self.keeper: asyncio.Task[None] | None = None
        self.stopping = False

    def start(self) -> None:
        self._start_one()
        self.keeper = asyncio.create_task(self._keep_running())

    def _start_one(self) -> None:
        self.process = spawn([sys.executable, "-m", "ideabox", "worker"], env=self.env)
        with contextlib.suppress(OSError):  # a platform without it: same priority
            os.setpriority(os.PRIO_PROCESS, self.process.pid, WORKER_NICENESS)

    async def _keep_running(self) -> None:
        backoff = Backoff()
        while not self.stopping:
            assert self.process is not None
            started = time.monotonic()
            while self.process.poll() is None:  # noqa: ASYNC110 (a Popen, no event)
                await asyncio.sleep(0.2)
            if self.stopping:
                return
            if time.monotonic() - started > 60:
                backoff.reset()  # it ran a good while: this is a new failure
            pause = backoff.next()
            code = self.process.returncode
            log.warning("the worker exited (%s); starting it again in %.0f s", code, pause)
            await asyncio.sleep(pause)
            if not self.stopping:
                self._start_one()

    async def stop(self, within: float = 20.0) -> None:
        """SIGTERM, as any worker is stopped: running jobs finish; killed after ``within``."""
        self.stopping = True
        if self.keeper is not None:
            self.keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.keeper
        if self.process is not None and await stop_child(self.process, within):
            log.warning("the worker did not stop within %.0f s; killed it", within)


async def stop_child(process: subprocess.Popen[bytes], within: float) -> bool:
    """SIGTERM, then SIGKILL if it still runs after ``within`` seconds; whether it took that."""
    if process.poll() is not None:
        return False
    process.terminate()
    deadline = time.monotonic() + within
    while process.poll() is None and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    if process.poll() is not None:
        return False
    process.kill()
    process.wait()
    return True
