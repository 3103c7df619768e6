"""Run work that many SMTP sessions ask for at the same moment as one batch.

A database commit or a Redis round trip costs far more than the row or the key it
carries, and one listener serves many sessions at once. So each session submits its item
and waits for its own result, while a single task works through what has gathered: the
batch it takes is whatever arrived while the previous batch ran. Under light load a
batch is one item and nothing waits longer than it would alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MAX_BATCH = 200


class Batcher(Generic[Item, Result]):
    def __init__(
        self, run: Callable[[list[Item]], Awaitable[list[Result]]], linger: float = 0.0
    ) -> None:
        self.run = run  # one result per item, in order; an exception fails the whole batch
        # Seconds to wait for company before running a batch: only for work whose result
        # nobody is waiting on right away (fewer, larger batches; less CPU per item).
        self.linger = linger
        self.waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self.worker: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        done: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self.waiting.append((item, done))
        if self.worker is None:
            self.worker = asyncio.create_task(self._work())
        return await done

    async def _work(self) -> None:
        try:
            while self.waiting:
                if self.linger:
                    await asyncio.sleep(self.linger)
                batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
                try:
                    results = await self.run([item for item, _ in batch])
                    if len(results) != len(batch):
                        raise RuntimeError(f"{self.run} gave {len(results)} of {len(batch)}")
                except Exception as exc:  # every caller gets it and answers for itself
                    for _, done in batch:
                        if not done.done():
                            done.set_exception(exc)
                    continue
                for (_, done), result in zip(batch, results, strict=True):
                    if not done.done():  # a session whose client went away is cancelled
                        done.set_result(result)
        finally:
            self.worker = None
