"""What people read about transfers: sizes, speeds, times left, states and the status bar's summary.

Pure functions of numbers and ``TransferSnapshot``s (no Qt), shared by the transfer model, its delegate and
the status bar. Sizes use binary multiples with the familiar names (1 KB = 1024 bytes), as the CLI and
Windows do, with at most three significant figures: "312 MB", "45.3 MB", "1.0 GB".
"""

import math
from collections import Counter
from collections.abc import Sequence

from lfdesktop.transfer.events import ChecksumState, Direction, TransferSnapshot, TransferState

_UNITS = ("KB", "MB", "GB", "TB", "PB")
_ACTIVE = (TransferState.QUEUED, TransferState.RUNNING, TransferState.PAUSED, TransferState.VERIFYING)
_MOVING = (TransferState.RUNNING, TransferState.VERIFYING)


def human_size(size: float) -> str:
    if size < 1000:
        count = int(size)
        return "1 byte" if count == 1 else f"{count} bytes"
    value = size / 1024
    for unit in _UNITS:
        if value < 999.5 or unit == _UNITS[-1]:
            return f"{value:.1f} {unit}" if value < 99.95 else f"{value:.0f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def human_speed(bytes_per_second: float) -> str:
    return f"{human_size(bytes_per_second)}/s"


def human_duration(seconds: float) -> str:
    """A time left, as precise as it is worth: "45 s", "12 min", "2 h 5 min", "3 d 4 h"."""
    total = max(1, math.ceil(seconds))
    if total < 60:
        return f"{total} s"
    if total < 3600 - 30:
        return f"{max(1, _rounded(total / 60))} min"
    if total < 86400 - 1800:
        hours, minutes = divmod(_rounded(total / 60), 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(_rounded(total / 3600), 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def _rounded(value: float) -> int:
    """Halves up (``round`` would make 2.5 minutes "2 min")."""
    return math.floor(value + 0.5)


def size_progress(done: int, size: int) -> str:
    """"312 MB of 1.0 GB"; the size alone once all of it is done."""
    if done >= size:
        return human_size(max(done, size))
    return f"{human_size(done)} of {human_size(size)}"


def size_text(snapshot: TransferSnapshot) -> str:
    """The Size column: nothing until the size is known (an upload learns it when it starts)."""
    if snapshot.size <= 0 and snapshot.done <= 0 and not snapshot.state.finished:
        return ""
    return size_progress(snapshot.done, snapshot.size)


def fraction(snapshot: TransferSnapshot) -> float:
    """Between 0 and 1; an empty file is complete once done."""
    if snapshot.size > 0:
        return min(1.0, max(0.0, snapshot.done / snapshot.size))
    return 1.0 if snapshot.state is TransferState.DONE else 0.0


def percent_text(snapshot: TransferSnapshot) -> str:
    return f"{math.floor(fraction(snapshot) * 100)}%"


def piece_text(snapshot: TransferSnapshot) -> str | None:
    """"piece 3 of 11" while a file of several pieces moves (the highest piece started so far, as the
    pieces go in order); None for downloads, single pieces and finished transfers."""
    if len(snapshot.pieces) < 2 or snapshot.state.finished:
        return None
    started = sum(1 for piece in snapshot.pieces if piece.attempts or piece.done)
    return f"piece {max(1, started)} of {len(snapshot.pieces)}"


def progress_text(snapshot: TransferSnapshot) -> str:
    """What a screen reader says of the progress bar: "45%, piece 3 of 11"."""
    pieces = piece_text(snapshot)
    return f"{percent_text(snapshot)}, {pieces}" if pieces else percent_text(snapshot)


def state_text(snapshot: TransferSnapshot) -> str:
    state = snapshot.state
    if state is TransferState.RUNNING:
        return "Uploading" if snapshot.direction is Direction.UPLOAD else "Downloading"
    if state is TransferState.FAILED:
        return f"Failed: {snapshot.error}" if snapshot.error else "Failed"
    return state.value.capitalize()


def checksum_text(snapshot: TransferSnapshot) -> str:
    """Nothing for a transfer that ended before its checksum could be settled (a failure or a cancel)."""
    unsettled = snapshot.checksum in (ChecksumState.PENDING, ChecksumState.COMPUTING)
    if unsettled and snapshot.state in (TransferState.FAILED, TransferState.CANCELLED):
        return ""
    return snapshot.checksum.value.capitalize()


def speed_text(snapshot: TransferSnapshot) -> str:
    """Only while bytes move: a paused or finished transfer has no speed worth showing."""
    if snapshot.state is TransferState.RUNNING and snapshot.speed > 0:
        return human_speed(snapshot.speed)
    return ""


def eta_text(snapshot: TransferSnapshot) -> str:
    if snapshot.state is TransferState.RUNNING and snapshot.eta is not None and snapshot.done < snapshot.size:
        return human_duration(snapshot.eta)
    return ""


def _activity(snapshot: TransferSnapshot) -> str:
    if snapshot.state in _MOVING:
        return "uploading" if snapshot.direction is Direction.UPLOAD else "downloading"
    return snapshot.state.value


_ACTIVITIES = ("uploading", "downloading", "queued", "paused", "done", "failed", "cancelled")
_ALWAYS_SHOWN = ("uploading", "downloading", "queued", "paused", "failed")


def overall_progress(snapshots: Sequence[TransferSnapshot]) -> float | None:
    """How far the unfinished transfers are together, 0..1; None when there are none (or no sizes yet)."""
    active = [snapshot for snapshot in snapshots if snapshot.state in _ACTIVE]
    size = sum(snapshot.size for snapshot in active)
    if size <= 0:
        return None
    return sum(min(snapshot.done, snapshot.size) for snapshot in active) / size


def moving(snapshots: Sequence[TransferSnapshot]) -> bool:
    """Whether any transfer runs or waits for its turn (paused ones wait for the user)."""
    return any(snapshot.state in (TransferState.QUEUED, *_MOVING) for snapshot in snapshots)


def summary_text(snapshots: Sequence[TransferSnapshot]) -> str:
    """The status bar's line: "2 uploading, 1 queued · 45.3 MB/s · 1 min left", or "No transfers".

    Finished transfers are counted only when nothing is active (failures always: they need the user)."""
    if not snapshots:
        return "No transfers"
    counts = Counter(_activity(snapshot) for snapshot in snapshots)
    active = any(snapshot.state in _ACTIVE for snapshot in snapshots)
    shown = [name for name in _ACTIVITIES if counts[name] and (name in _ALWAYS_SHOWN or not active)]
    parts = [", ".join(f"{counts[name]} {name}" for name in shown)]
    speed = sum(snapshot.speed for snapshot in snapshots if snapshot.state in _MOVING)
    if speed > 0:
        parts.append(human_speed(speed))
        # Paused transfers wait for the user: they are left out of the time left.
        flowing = (TransferState.QUEUED, *_MOVING)
        remaining = sum(max(0, s.size - s.done) for s in snapshots if s.state in flowing)
        if remaining > 0:
            parts.append(f"{human_duration(remaining / speed)} left")
    return " · ".join(parts)
