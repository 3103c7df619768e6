"""Per-sender rate limit at MAIL FROM: a sliding window shared through Redis.

Every intake process sees the same window because it lives in Redis (one sorted set per
sender, scored by time). If Redis cannot be reached the window is kept in this process
instead: intake keeps accepting mail while Redis is down, only less strictly limited.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
from collections import deque

from redis.exceptions import RedisError

from core.queue import Queue
from intake.batcher import Batcher

log = logging.getLogger(__name__)

REDIS_TIMEOUT = 1.0  # seconds; a stuck Redis must not hold up the SMTP conversation
KEY_PREFIX = "ideabox:rate:"
ASK_LINGER = 0.002  # seconds

# One round trip for all the senders asking at this moment, atomic per sender: drop
# what left the window, refuse if it is full (answering the milliseconds until its oldest
# entry leaves), else record this message (-1). A refused attempt is not recorded, so a
# sender retrying too early does not extend its own wait.
_SLIDING_WINDOW = """
local window, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local waits = {}
for i, key in ipairs(KEYS) do
  local now, member = tonumber(ARGV[1 + 2 * i]), ARGV[2 + 2 * i]
  redis.call('zremrangebyscore', key, '-inf', now - window)
  if redis.call('zcard', key) >= limit then
    local oldest = redis.call('zrange', key, 0, 0, 'WITHSCORES')
    waits[i] = math.max(1, tonumber(oldest[2]) + window - now)
  else
    redis.call('zadd', key, now, member)
    redis.call('pexpire', key, window)
    waits[i] = -1
  end
end
return waits
"""


class NoRedis(Exception):
    """Redis could not be asked; the local window decides."""


class LocalWindow:
    """The same sliding window in this process's memory (the fallback)."""

    MAX_SENDERS = 10_000  # forget everyone rather than grow without bound

    def __init__(self) -> None:
        self.seen: dict[str, deque[float]] = {}

    def wait_ms(self, sender: str, now_ms: float, window_ms: float, limit: int) -> float | None:
        times = self.seen.get(sender)
        if times is None:
            if len(self.seen) >= self.MAX_SENDERS:
                self.seen.clear()
            times = self.seen[sender] = deque()
        while times and times[0] <= now_ms - window_ms:
            times.popleft()
        if len(times) >= limit:
            return max(1.0, times[0] + window_ms - now_ms)
        times.append(now_ms)
        return None


class RateLimiter:
    def __init__(self, queue: Queue, limit: int, window_seconds: int) -> None:
        """The window lives in ``queue``'s Redis while it answers, else in this process."""
        self.limit = limit
        self.window_ms = window_seconds * 1000
        self.local = LocalWindow()
        self.queue = queue
        # Checks arriving together from many sessions go to Redis in one call.
        # The answer is needed only at the end of DATA, so asks may wait a little for others.
        self.batcher: Batcher[tuple[str, float], float | None] = Batcher(
            self._ask_redis, linger=ASK_LINGER
        )
        # Entries must be unique even when two messages share a millisecond.
        self._ids = itertools.count()
        self._prefix = os.urandom(4).hex()
        self._redis_down = False

    async def seconds_to_wait(self, sender: str, now: float) -> int | None:
        """None if ``sender`` may send a message now (and count it), else seconds to wait."""
        now_ms = now * 1000
        try:
            waited = await self.batcher.submit((sender, now_ms))
        except NoRedis:
            waited = self.local.wait_ms(sender, now_ms, self.window_ms, self.limit)
        if waited is None:
            return None
        return max(1, round(waited / 1000))

    async def _ask_redis(self, asks: list[tuple[str, float]]) -> list[float | None]:
        script = await self.queue.script(_SLIDING_WINDOW)
        if script is None:
            raise NoRedis()
        args: list[float | str] = [self.window_ms, self.limit]
        for _, now_ms in asks:
            args += [now_ms, f"{self._prefix}.{next(self._ids)}"]
        try:
            async with asyncio.timeout(REDIS_TIMEOUT):
                waits = await script(keys=[KEY_PREFIX + s for s, _ in asks], args=args)
        except (OSError, RedisError, TimeoutError) as exc:
            if not self._redis_down:
                log.warning("rate limit kept in this process: Redis unreachable (%s)", exc)
            self._redis_down = True
            raise NoRedis() from exc
        self._redis_down = False
        return [None if int(w) < 0 else float(w) for w in waits]
