"""Rolling speed and time left, as a download manager shows them.

Speed is sampled at most every ``sample_every`` seconds and averaged over the last ``window`` seconds, so the
figure does not jump with every block and falls to zero when bytes stop moving. The clock is injectable.
"""

import time
from collections import deque
from collections.abc import Callable


class TransferStats:
    def __init__(
        self, *, clock: Callable[[], float] = time.monotonic, sample_every: float = 0.5, window: float = 10.0
    ) -> None:
        self._clock = clock
        self._sample_every = sample_every
        self._window = window
        self._moved = 0  # bytes that went over the wire, resent ones too
        self._samples: deque[tuple[float, int]] = deque()
        self._speed = 0.0

    def add(self, nbytes: int) -> None:
        self._moved += nbytes
        self._sample()

    def speed(self) -> float:
        """Bytes per second over the window (0 until two samples exist)."""
        self._sample()
        return self._speed

    def eta(self, remaining: int) -> float | None:
        """Seconds left at the current speed; None while the speed is unknown or zero."""
        speed = self.speed()
        if remaining <= 0:
            return 0.0
        return remaining / speed if speed > 0 else None

    def _sample(self) -> None:
        now = self._clock()
        if self._samples and now - self._samples[-1][0] < self._sample_every:
            return
        self._samples.append((now, self._moved))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self._window:
            self._samples.popleft()  # keep one sample at or beyond the window's start
        first_time, first_moved = self._samples[0]
        if now > first_time:
            self._speed = (self._moved - first_moved) / (now - first_time)
