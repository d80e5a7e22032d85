"""Holding transfers back: a valve for pause / resume and a token bucket for a bandwidth limit.

Both act between blocks: a paused transfer stops asking for its next block, so it resumes where it was.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable

#: Called with a block's size before the block is read (upload) or after it arrived (download).
Admit = Callable[[int], Awaitable[None]]


class Valve:
    """Open: blocks flow. Closed: ``wait`` holds until it opens again."""

    def __init__(self) -> None:
        self._open = asyncio.Event()
        self._open.set()

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    def open(self) -> None:
        self._open.set()

    def close(self) -> None:
        self._open.clear()

    async def wait(self) -> None:
        await self._open.wait()


class TokenBucket:
    """One limit shared by every transfer: ``rate`` bytes per second, bursts of ``burst_seconds`` worth.

    A block larger than what is in the bucket is let through at once and leaves the bucket in debt; the
    next taker waits the debt out. Takers are served in turn, so a busy transfer cannot starve the others.
    """

    def __init__(
        self, rate: float, *, burst_seconds: float = 0.25, clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._burst_seconds = burst_seconds
        self._rate = rate
        self._burst = rate * burst_seconds
        self._tokens = self._burst
        self._stamp = clock()
        self._turn = asyncio.Lock()

    @property
    def rate(self) -> float:
        return self._rate

    def set_rate(self, rate: float) -> None:
        self._refill()
        self._rate = rate
        self._burst = rate * self._burst_seconds
        self._tokens = min(self._tokens, self._burst)

    async def take(self, nbytes: int) -> None:
        async with self._turn:
            self._refill()
            if self._tokens < 0:
                await self._sleep(-self._tokens / self._rate)
                self._refill()
            self._tokens -= nbytes

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self._burst, self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now
