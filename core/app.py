"""What every part of a running ideabox shares: settings, the clock and the job queue."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import UTC
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.about import About
from core.clock import Clock, WallClock
from core.keys import KeyRing
from core.queue import Queue
from core.settings import Settings
from core.tokens import reply_address


@dataclass
class App:
    settings: Settings
    queue: Queue = field(default_factory=lambda: Queue(None))
    clock: Clock = field(default_factory=WallClock)
    keys: KeyRing = field(default_factory=KeyRing)

    async def load_keys(self) -> None:
        """Read the signing keys from the database (once opened); again to refresh."""
        s = self.settings
        configured = s.secret_key.get_secret_value().encode()
        await self.keys.load(configured, s.var_dir, self.clock.now().astimezone(UTC))

    def zone_of(self, timezone: str | None) -> ZoneInfo:
        """A person's time zone, else the organisation's."""
        if timezone:
            with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
                return ZoneInfo(timezone)
        return self.settings.zone

    def reply_address(self, about: About) -> str:
        """The signed address whose replies come back about ``about``."""
        s = self.settings
        return reply_address(self.keys.current, s.local_part, s.domain, about)
