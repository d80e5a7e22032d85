"""Progress of a transfer: a live record the engine writes and frozen snapshots the UI reads.

The engine counts every block into a ``TransferProgress`` (a few integer additions); nobody is told about a
block. Consumers poll ``snapshot()`` on their own timer (the GUI repaints every 250-500 ms) and may register a
listener that hears of state changes only (queued, running, paused, verifying, done, failed, cancelled).
"""

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from .errors import ChecksumMismatch
from .stats import TransferStats

T = TypeVar("T")


class TransferState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    VERIFYING = "verifying"  # every byte is across; waiting for the server's answer or our checksum
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (TransferState.DONE, TransferState.FAILED, TransferState.CANCELLED)


class PieceState(StrEnum):
    WAITING = "waiting"
    SENDING = "sending"
    RETRYING = "retrying"  # failed, waiting out the backoff before it is sent again
    DONE = "done"


class ChecksumState(StrEnum):
    PENDING = "pending"
    COMPUTING = "computing"
    VERIFIED = "verified"
    MISMATCH = "mismatch"
    UNCHECKED = "unchecked"  # the server gave no checksum to compare with (size was checked)


class Direction(StrEnum):
    UPLOAD = "upload"
    DOWNLOAD = "download"


@dataclass(frozen=True)
class PieceSnapshot:
    index: int
    size: int
    done: int
    attempts: int
    state: PieceState


@dataclass(frozen=True)
class TransferSnapshot:
    id: int
    direction: Direction
    name: str
    size: int
    done: int
    state: TransferState
    pieces: tuple[PieceSnapshot, ...]  # empty for a download
    speed: float  # bytes per second
    eta: float | None  # seconds
    checksum: ChecksumState
    sha256: str | None
    error: str | None
    result: str | None  # the attachment id of an upload, the saved path of a download
    source: str | None = None  # an upload's local file, a download's destination folder (absolute paths)


@dataclass
class _Piece:
    size: int
    done: int = 0
    attempts: int = 0
    state: PieceState = PieceState.WAITING


Listener = Callable[[TransferSnapshot], None]

_ids = itertools.count(1)


class TransferProgress:
    """The live side of one transfer: written by the engine on the event loop, read through ``snapshot()``."""

    def __init__(
        self, direction: Direction, name: str, *, size: int = 0, listener: Listener | None = None,
        clock: Callable[[], float] = time.monotonic, source: str | None = None,
    ) -> None:
        self.id = next(_ids)
        self.direction = direction
        self.name = name
        self.size = size
        self.source = source  # where the file is on this computer: see ``TransferSnapshot.source``
        self.done = 0
        self.state = TransferState.QUEUED
        self.paused = False  # the queue holds it: shown as paused while it would otherwise run
        self.checksum = ChecksumState.PENDING
        self.sha256: str | None = None
        self.error: str | None = None
        self.result: str | None = None
        self._pieces: list[_Piece] = []
        self._clock = clock
        self._stats = TransferStats(clock=clock)
        self._listener = listener

    # ---- written by the engine ----

    def plan(self, size: int, piece_sizes: Iterable[int], done: Iterable[int] = ()) -> None:
        """The file's size and its pieces; ``done`` are pieces an earlier run already sent."""
        self.size = size
        self._pieces = [_Piece(piece_size) for piece_size in piece_sizes]
        for index in done:
            self.piece_done(index)

    def moved(self, nbytes: int) -> None:
        """Bytes of a transfer without pieces (a download)."""
        self.done += nbytes
        self._stats.add(nbytes)

    def piece_started(self, index: int) -> None:
        piece = self._pieces[index]
        piece.attempts += 1
        piece.state = PieceState.SENDING

    def piece_moved(self, index: int, nbytes: int) -> None:
        self._pieces[index].done += nbytes
        self.moved(nbytes)

    def piece_failed(self, index: int) -> None:
        """The attempt failed: its bytes no longer count as done (a retry sends them again)."""
        piece = self._pieces[index]
        self.done -= piece.done
        piece.done = 0
        piece.state = PieceState.RETRYING

    def piece_done(self, index: int) -> None:
        piece = self._pieces[index]
        self.done += piece.size - piece.done
        piece.done = piece.size
        piece.state = PieceState.DONE

    def set_state(self, state: TransferState, error: str | None = None) -> None:
        self.state = state
        if error is not None:
            self.error = error
        self._tell()

    def reset(self) -> None:
        """Back to queued with nothing done, to run the same transfer again (a retry): the id, name, size and
        source stay, so whoever shows it keeps its row."""
        self.done = 0
        self.state = TransferState.QUEUED
        self.checksum = ChecksumState.PENDING
        self.sha256 = self.error = self.result = None
        self._pieces = []
        self._stats = TransferStats(clock=self._clock)
        self._tell()

    def set_paused(self, paused: bool) -> None:
        if paused != self.paused:
            self.paused = paused
            self._tell()

    def _tell(self) -> None:
        if self._listener is not None:
            self._listener(self.snapshot())

    # ---- read by everyone ----

    def snapshot(self) -> TransferSnapshot:
        state = self.state
        if self.paused and state in (TransferState.QUEUED, TransferState.RUNNING):
            state = TransferState.PAUSED
        return TransferSnapshot(
            id=self.id, direction=self.direction, name=self.name, size=self.size, done=self.done, state=state,
            pieces=tuple(
                PieceSnapshot(index, piece.size, piece.done, piece.attempts, piece.state)
                for index, piece in enumerate(self._pieces)
            ),
            speed=self._stats.speed(), eta=None if state.finished else self._stats.eta(self.size - self.done),
            checksum=self.checksum, sha256=self.sha256, error=self.error, result=self.result, source=self.source,
        )


async def tracked(progress: "TransferProgress", work: Awaitable[T], describe: Callable[[T], str]) -> T:
    """Await ``work`` and show how it ended in ``progress``: done (with ``describe(result)``), cancelled, or
    failed with its reason (a checksum mismatch also marked as such)."""
    try:
        result = await work
    except asyncio.CancelledError:
        progress.set_state(TransferState.CANCELLED)
        raise
    except Exception as error:
        if isinstance(error, ChecksumMismatch):
            progress.checksum = ChecksumState.MISMATCH
        progress.set_state(TransferState.FAILED, str(error))
        raise
    progress.result = describe(result)
    progress.set_state(TransferState.DONE)
    return result
