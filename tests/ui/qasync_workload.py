"""Thousands of callbacks through qasync's timers on a real QApplication (run as a child process).

PySide6 6.12.0 on Python 3.11 aborts here with "Fatal Python error: none_dealloc" (a reference-count bug in
Python overrides of C++ virtuals, which qasync uses on every callback). Prints the counts it reached.
"""

import asyncio
import os
import sys
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

ROUNDS = 5000


async def workload() -> dict[str, int]:
    loop = asyncio.get_running_loop()
    counts = {"soon": 0, "later": 0, "threadsafe": 0, "tasks": 0, "qtimer": 0}
    done = asyncio.Event()
    callbacks_done = asyncio.Event()

    def bump(kind: str) -> None:
        counts[kind] += 1
        if min(counts["soon"], counts["later"], counts["threadsafe"]) >= ROUNDS:
            callbacks_done.set()

    for _ in range(ROUNDS):
        loop.call_soon(bump, "soon")
        loop.call_later(0.001, bump, "later")

    def from_thread() -> None:
        for _ in range(ROUNDS):
            loop.call_soon_threadsafe(bump, "threadsafe")

    worker = threading.Thread(target=from_thread)
    worker.start()

    async def hop() -> None:
        await asyncio.sleep(0)
        await asyncio.sleep(0.0005)
        counts["tasks"] += 1

    await asyncio.gather(*(hop() for _ in range(ROUNDS)))

    def tick() -> None:
        counts["qtimer"] += 1
        if counts["qtimer"] >= 500:
            timer.stop()
            done.set()

    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(tick)
    timer.start()
    await done.wait()
    await asyncio.to_thread(worker.join)
    await callbacks_done.wait()
    return counts


def main() -> int:
    app = QApplication(sys.argv)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        counts = loop.run_until_complete(workload())
    print(" ".join(f"{key}={value}" for key, value in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
