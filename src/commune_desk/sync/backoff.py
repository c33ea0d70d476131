"""Exponential backoff with jitter and a cap, for retrying after network errors.

Delays grow ``base * factor**n`` up to ``cap``; each delay is drawn from the
upper half of that window ("equal jitter") so that many PCs of a commune that
lost the link together do not all come back in the same second, and so a
retry never happens sooner than half the window (no busy loop).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Delay schedule for consecutive failures; :meth:`reset` after a success."""

    base: float = 2.0
    cap: float = 300.0
    factor: float = 2.0
    rng: random.Random = field(default_factory=random.Random)
    failures: int = 0

    def window(self) -> float:
        """The upper bound of the next delay, in seconds."""
        return min(self.cap, self.base * self.factor ** min(self.failures, 64))

    def next_delay(self) -> float:
        """Record one more failure and return how long to wait before retrying."""
        upper = self.window()
        self.failures += 1
        return upper / 2 + self.rng.uniform(0, upper / 2)

    def reset(self) -> None:
        """Forget past failures (after a successful round)."""
        self.failures = 0
