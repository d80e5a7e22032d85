"""The words and figures of the transfer list and the status bar (pure functions: no Qt, no server)."""

from dataclasses import replace

import pytest

from lfdesktop.qt import formatting
from lfdesktop.transfer.events import (
    ChecksumState,
    Direction,
    PieceSnapshot,
    PieceState,
    TransferSnapshot,
    TransferState,
)

KB, MB, GB = 1024, 1024**2, 1024**3


def snap(state: TransferState = TransferState.RUNNING, **fields: object) -> TransferSnapshot:
    base = TransferSnapshot(
        id=1, direction=Direction.UPLOAD, name="report.pdf", size=0, done=0, state=state, pieces=(), speed=0.0,
        eta=None, checksum=ChecksumState.PENDING, sha256=None, error=None, result=None, source=None,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def pieces(*done: int, size: int = MB) -> tuple[PieceSnapshot, ...]:
    return tuple(
        PieceSnapshot(i, size, d, int(d > 0), PieceState.DONE if d == size else PieceState.SENDING if d else
                      PieceState.WAITING)
        for i, d in enumerate(done)
    )


@pytest.mark.parametrize(("size", "text"), [
    (0, "0 bytes"), (1, "1 byte"), (999, "999 bytes"), (1000, "1.0 KB"), (1536, "1.5 KB"), (45.3 * MB, "45.3 MB"),
    (312 * MB, "312 MB"), (1023.9 * MB, "1.0 GB"), (GB, "1.0 GB"), (2.26 * GB, "2.3 GB"), (1536 * GB, "1.5 TB"),
])
def test_sizes_have_three_significant_figures_at_most(size: float, text: str) -> None:
    assert formatting.human_size(size) == text


def test_speed_and_size_progress() -> None:
    assert formatting.human_speed(45.3 * MB) == "45.3 MB/s"
    assert formatting.size_progress(312 * MB, GB) == "312 MB of 1.0 GB"
    assert formatting.size_progress(GB, GB) == "1.0 GB"
    assert formatting.size_text(snap(TransferState.QUEUED)) == ""  # not planned yet: the size is unknown
    assert formatting.size_text(snap(TransferState.DONE)) == "0 bytes"  # an empty file


@pytest.mark.parametrize(("seconds", "text"), [
    (0.2, "1 s"), (45, "45 s"), (59.5, "1 min"), (61, "1 min"), (150, "3 min"), (3569, "59 min"), (3600, "1 h"),
    (2 * 3600 + 5 * 60, "2 h 5 min"), (86400 - 100, "1 d"), (3 * 86400 + 4 * 3600, "3 d 4 h"),
])
def test_durations_are_as_precise_as_they_are_worth(seconds: float, text: str) -> None:
    assert formatting.human_duration(seconds) == text


def test_progress_names_the_piece_on_its_way_while_a_file_of_pieces_moves() -> None:
    moving = snap(size=11 * MB, done=MB + MB // 2, pieces=pieces(MB, MB // 2, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    assert formatting.progress_text(moving) == "13%, piece 2 of 11"
    assert formatting.piece_text(replace(moving, state=TransferState.PAUSED)) == "piece 2 of 11"
    assert formatting.piece_text(replace(moving, state=TransferState.CANCELLED)) is None
    one_piece = snap(size=MB, done=MB // 4, pieces=pieces(MB // 4))
    assert formatting.progress_text(one_piece) == "25%"
    download = snap(direction=Direction.DOWNLOAD, size=4 * MB, done=3 * MB)
    assert formatting.progress_text(download) == "75%"
    assert formatting.percent_text(snap(TransferState.DONE)) == "100%"  # an empty file, done


def test_state_speed_and_eta_words() -> None:
    assert formatting.state_text(snap()) == "Uploading"
    assert formatting.state_text(snap(direction=Direction.DOWNLOAD)) == "Downloading"
    assert formatting.state_text(snap(TransferState.FAILED, error="The server said no")) == "Failed: The server said no"
    assert formatting.state_text(snap(TransferState.CANCELLED)) == "Cancelled"
    assert formatting.checksum_text(snap(checksum=ChecksumState.COMPUTING)) == "Computing"
    assert formatting.checksum_text(snap(TransferState.FAILED, checksum=ChecksumState.MISMATCH)) == "Mismatch"
    assert formatting.checksum_text(snap(TransferState.CANCELLED, checksum=ChecksumState.COMPUTING)) == ""
    assert formatting.checksum_text(snap(TransferState.DONE, checksum=ChecksumState.UNCHECKED)) == "Unchecked"
    running = snap(size=10 * MB, done=MB, speed=2 * MB, eta=4.5)
    assert (formatting.speed_text(running), formatting.eta_text(running)) == ("2.0 MB/s", "5 s")
    paused = replace(running, state=TransferState.PAUSED)
    assert (formatting.speed_text(paused), formatting.eta_text(paused)) == ("", "")


def test_summary_counts_what_is_active_and_adds_speed_and_time_left() -> None:
    assert formatting.summary_text([]) == "No transfers"
    transfers = [
        snap(id=1, size=100 * MB, done=10 * MB, speed=20 * MB),
        snap(id=2, size=40 * MB, done=0, state=TransferState.VERIFYING, speed=10 * MB),
        snap(id=3, size=60 * MB, state=TransferState.QUEUED),
        snap(id=4, size=500 * MB, state=TransferState.PAUSED),  # waits for the user: not in the time left
        snap(id=5, state=TransferState.DONE),
        snap(id=6, direction=Direction.DOWNLOAD, size=10 * MB, done=10 * MB, state=TransferState.FAILED),
    ]
    # 190 MB left at 30 MB/s
    assert formatting.summary_text(transfers) == "2 uploading, 1 queued, 1 paused, 1 failed · 30.0 MB/s · 7 s left"
    assert formatting.summary_text([snap(state=TransferState.QUEUED, size=MB)]) == "1 queued"
    finished = [snap(id=1, state=TransferState.DONE), snap(id=2, state=TransferState.DONE),
                snap(id=3, state=TransferState.CANCELLED)]
    assert formatting.summary_text(finished) == "2 done, 1 cancelled"
    downloading = [snap(direction=Direction.DOWNLOAD, size=120 * MB, done=0, speed=2 * MB)]
    assert formatting.summary_text(downloading) == "1 downloading · 2.0 MB/s · 1 min left"
