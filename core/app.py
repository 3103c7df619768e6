"""What every part of a running ideabox shares: settings, the clock and the job queue."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.clock import Clock, WallClock
from core.queue import Queue
from core.settings import Settings


@dataclass
class App:
    settings: Settings
    queue: Queue = field(default_factory=lambda: Queue(None))
    clock: Clock = field(default_factory=WallClock)
