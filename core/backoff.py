"""Pauses between tries of something that failed: 1, 2, 4 ... up to 30 seconds."""

from __future__ import annotations


class Backoff:
    """The next pause doubles each time, up to ``most``; ``reset`` after a success."""

    def __init__(self, first: float = 1.0, most: float = 30.0) -> None:
        self.first = first
        self.most = most
        self.pause = first

    def next(self) -> float:
        pause = self.pause
        self.pause = min(pause * 2, self.most)
        return pause

    def reset(self) -> None:
        self.pause = self.first
