"""A progress line on the terminal for transfers, redrawn from snapshots on a timer (never per block)."""

import asyncio
import contextlib
import shutil
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from typing import TextIO

from lfdesktop.transfer.events import TransferProgress, TransferSnapshot, TransferState

from .output import human_size

REDRAW_SECONDS = 0.25
BAR_WIDTH = 20
NAME_AT_LEAST = 8


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def line(snapshot: TransferSnapshot, position: int, count: int, width: int) -> str:
    """``[1/2] report.pdf  42% |#####      | piece 3/11  120.5 MB/s  ETA 0:12``, fitted to ``width``."""
    fraction = snapshot.done / snapshot.size if snapshot.size else 1.0
    pieces = ""
    if len(snapshot.pieces) > 1:
        started = sum(1 for piece in snapshot.pieces if piece.done or piece.attempts)
        pieces = f" piece {max(1, started)}/{len(snapshot.pieces)}"
    tail = f" {fraction:4.0%} |{{bar}}|{pieces} {human_size(int(snapshot.speed))}/s ETA {duration(snapshot.eta)}"
    head = f"[{position}/{count}] " if count > 1 else ""
    fixed = len(head) + len(tail.format(bar=""))
    # On a narrow terminal the bar gives way before the figures and the first letters of the name.
    bar_width = max(0, min(BAR_WIDTH, width - fixed - min(len(snapshot.name), NAME_AT_LEAST) - 1))
    room = width - fixed - bar_width - 1
    name = snapshot.name if len(snapshot.name) <= room else snapshot.name[: max(room - 1, 1)] + "…"
    filled = int(fraction * bar_width)
    return (head + name + tail.format(bar="#" * filled + " " * (bar_width - filled)))[:width]


Note = Callable[[str], None]


@contextlib.asynccontextmanager
async def shown(progresses: Sequence[TransferProgress], stream: TextIO | None = None) -> AsyncIterator[Note]:
    """Draw the active transfer's line while the block runs; nothing at all when not on a terminal.

    The block reports through the function it gets: on a terminal its lines go above the progress line, which a
    plain print would run into.
    """
    out = stream or sys.stderr

    def note(text: str) -> None:
        print(text, file=out)

    if not out.isatty():
        yield note
        return

    def clear() -> None:
        out.write("\r" + " " * (shutil.get_terminal_size((100, 20)).columns - 1) + "\r")

    def draw() -> None:
        width = shutil.get_terminal_size((100, 20)).columns - 1
        running = [i for i, p in enumerate(progresses) if p.snapshot().state is TransferState.RUNNING]
        if running:
            index = running[0]
            out.write("\r" + line(progresses[index].snapshot(), index + 1, len(progresses), width).ljust(width))
            out.flush()

    def note_above(text: str) -> None:
        clear()
        note(text)
        draw()

    async def redraw() -> None:
        while True:
            draw()
            await asyncio.sleep(REDRAW_SECONDS)

    task = asyncio.create_task(redraw())
    try:
        yield note_above
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        clear()
        out.flush()
