"""``Tasks``: work started from slots is kept alive, cancelled together at shutdown, and work spawned after the
shutdown (a late timer) never runs."""

import asyncio
from collections.abc import Callable

from lfdesktop.qt.tasks import Tasks


def test_closing_cancels_what_runs_and_what_is_spawned_later_never_runs(run: Callable[..., object]) -> None:
    tasks = Tasks()
    ran: list[str] = []

    async def work(name: str) -> None:
        ran.append(f"{name} started")
        await asyncio.sleep(60)
        ran.append(f"{name} finished")

    running = tasks.spawn(work("early"))
    run(asyncio.sleep(0))
    run(tasks.aclose())
    late = tasks.spawn(work("late"))
    run(asyncio.sleep(0))

    assert running.cancelled() and late.cancelled()
    assert ran == ["early started"] and tasks.running == 0
