"""Work handed to threads or written to disk that must not be lost when the task awaiting it is cancelled."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def acquire_in_thread(job: Callable[[], T], release: Callable[[T], None]) -> T:
    """``job()`` (opening a file) in a worker thread; cancelled meanwhile, what it opens is released, not leaked."""
    task = asyncio.ensure_future(asyncio.to_thread(job))
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        task.add_done_callback(lambda done: _release(done, release))
        raise


def _release(done: "asyncio.Future[T]", release: Callable[[T], None]) -> None:
    if not done.cancelled() and done.exception() is None:
        release(done.result())


async def complete(write: Awaitable[T]) -> T:
    """Finish ``write`` even when the task is cancelled meanwhile (what the server has, the journal records)."""
    task = asyncio.ensure_future(write)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise


async def let_finish(job: "asyncio.Future[T] | None") -> None:
    """Wait for a thread job still using a file that is about to be closed; its outcome no longer matters."""
    if job is None:
        return
    await asyncio.wait([job])
    if not job.cancelled():
        job.exception()  # retrieved: asyncio must not report it as never retrieved
