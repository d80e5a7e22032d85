"""Background work started from Qt slots: kept alive, cancelled together at shutdown, failures reported.

qasync's ``asyncSlot`` return values are not to be relied on, and a bare ``ensure_future`` task can be garbage
collected mid-flight; ``Tasks`` holds every task until it ends.
"""

import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class Tasks:
    def __init__(self, on_error: Callable[[BaseException], None] | None = None) -> None:
        """``on_error`` hears of every task that failed; by default the failure goes to ``sys.excepthook``
        (the app's hook shows it, pytest-qt turns it into a test failure)."""
        self._running: set[asyncio.Task[Any]] = set()
        self._on_error = on_error or _to_excepthook
        self.closed = False

    def spawn(self, work: Coroutine[Any, Any, T], *, name: str | None = None) -> "asyncio.Task[T]":
        """``work`` as a task, kept until it ends. Once closed (the app is quitting), work a late timer or signal
        still spawns is cancelled before it starts: the parts it would use are being closed."""
        task = asyncio.ensure_future(work)
        if name:
            task.set_name(name)
        if self.closed:
            task.cancel()
            return task
        self._running.add(task)
        task.add_done_callback(self._finished)
        return task

    @property
    def running(self) -> int:
        return len(self._running)

    async def aclose(self) -> None:
        """Cancel what still runs and wait until it stopped; what is spawned later never runs."""
        self.closed = True
        tasks = list(self._running)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _finished(self, task: "asyncio.Task[Any]") -> None:
        self._running.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            self._on_error(error)


def _to_excepthook(error: BaseException) -> None:
    sys.excepthook(type(error), error, error.__traceback__)
