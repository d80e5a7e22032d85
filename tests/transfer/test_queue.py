"""The transfer queue against the real sandbox: pause, resume, cancel, the concurrency limit, a bandwidth
limit measured on an injected clock, and resuming what the journal says an earlier run left unfinished."""

import asyncio
import os
from pathlib import Path

import pytest

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.transfer.events import TransferSnapshot, TransferState
from lfdesktop.transfer.journal import Journal
from lfdesktop.transfer.queue import TransferQueue
from lfdesktop.transfer.upload import Uploader, UploadResult
from tests.sandbox.helpers import unique_name
from tests.sandboxproc import ALICE, SandboxProcess
from tests.transfer.conftest import OPTIONS, PIECE, FakeClock, blob, journal_target, outcomes, stored_pieces, write_file

ACTIVE = (TransferState.RUNNING, TransferState.VERIFYING, TransferState.PAUSED)


async def started(queue: TransferQueue, transfer_id: int) -> TransferSnapshot:
    """The transfer's first snapshot with bytes done (polled as a UI would, only faster)."""
    async for snapshots in queue.watch(interval=0.001):
        snap = next(snap for snap in snapshots if snap.id == transfer_id)
        if snap.done > 0:
            return snap
    raise AssertionError("watch() ended")


async def settled(queue: TransferQueue, transfer_id: int) -> int:
    """Bytes done once they stopped changing (a paused transfer finishes the block already on its way)."""
    seen: list[int] = []
    async for snapshots in queue.watch(interval=0.05):
        seen.append(next(snap.done for snap in snapshots if snap.id == transfer_id))
        if len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3]:
            return seen[-1]
    raise AssertionError("watch() ended")


async def test_pause_stops_progress_and_resume_continues_to_a_verified_end(
    sandbox: SandboxProcess, alice: LiquidFilesClient, tmp_path: Path
) -> None:
    path, data = write_file(tmp_path, unique_name("pause me.bin"), 128 * PIECE)
    queue = TransferQueue()
    try:
        transfer_id = queue.upload(Uploader(alice, options=OPTIONS), path)
        await started(queue, transfer_id)
        queue.pause(transfer_id)
        paused_at = await settled(queue, transfer_id)
        await asyncio.sleep(0.3)
        snap = next(snap for snap in queue.snapshot() if snap.id == transfer_id)
        assert snap.state is TransferState.PAUSED and snap.done == paused_at < len(data)

        queue.resume(transfer_id)
        result = await queue.result(transfer_id)
    finally:
        await queue.aclose()

    assert isinstance(result, UploadResult) and blob(sandbox, result.attachment.id) == data
    assert stored_pieces(sandbox, path.name) == dict.fromkeys(range(128), 1)  # nothing sent twice
    assert outcomes(sandbox, path.name) == {"stored": 128}  # the paused requests were not cut off


async def test_a_transfer_paused_before_it_starts_takes_no_slot(
    sandbox: SandboxProcess, alice: LiquidFilesClient, tmp_path: Path
) -> None:
    held, held_data = write_file(tmp_path, unique_name("held.bin"), 2 * PIECE)
    other, other_data = write_file(tmp_path, unique_name("other.bin"), 2 * PIECE)
    queue = TransferQueue(concurrency=1)
    uploader = Uploader(alice, options=OPTIONS)
    try:
        queue.pause()
        held_id = queue.upload(uploader, held)
        assert [snap.state for snap in queue.snapshot()] == [TransferState.PAUSED]  # added while all are paused
        queue.resume()
        queue.pause(held_id)
        other_id = queue.upload(uploader, other)
        done = await queue.result(other_id)  # the only slot was free for it
        assert isinstance(done, UploadResult) and blob(sandbox, done.attachment.id) == other_data
        assert [snap.state for snap in queue.snapshot()] == [TransferState.PAUSED, TransferState.DONE]
        assert stored_pieces(sandbox, held.name) == {}

        queue.resume(held_id)
        result = await queue.result(held_id)
    finally:
        await queue.aclose()
    assert isinstance(result, UploadResult) and blob(sandbox, result.attachment.id) == held_data


async def test_cancel_stops_a_running_and_a_queued_transfer(alice: LiquidFilesClient, tmp_path: Path) -> None:
    running, _ = write_file(tmp_path, unique_name("running.bin"), 128 * PIECE)
    waiting, _ = write_file(tmp_path, unique_name("waiting.bin"), PIECE)
    queue = TransferQueue(concurrency=1)
    uploader = Uploader(alice, options=OPTIONS)
    try:
        running_id = queue.upload(uploader, running)
        waiting_id = queue.upload(uploader, waiting)
        await started(queue, running_id)
        queue.cancel(waiting_id)
        queue.cancel(running_id)
        for transfer_id in (running_id, waiting_id):
            with pytest.raises(asyncio.CancelledError):
                await queue.result(transfer_id)
        snaps = queue.snapshot()
        assert [snap.state for snap in snaps] == [TransferState.CANCELLED] * 2
        assert 0 < snaps[0].done < snaps[0].size and snaps[1].done == 0

        queue.clear_finished()
        assert queue.snapshot() == []
    finally:
        await queue.aclose()


async def test_never_more_files_in_flight_than_the_limit(
    sandbox: SandboxProcess, alice: LiquidFilesClient, tmp_path: Path
) -> None:
    files = [write_file(tmp_path, unique_name(f"concurrent {i}.bin"), (2 + i) * PIECE, seed=i) for i in range(6)]
    in_flight: list[int] = []
    queue = TransferQueue(
        concurrency=2,
        listener=lambda _: in_flight.append(sum(snap.state in ACTIVE for snap in queue.snapshot())),
    )
    uploader = Uploader(alice, options=OPTIONS)
    try:
        ids = [queue.upload(uploader, path) for path, _ in files]
        results = [await queue.result(transfer_id) for transfer_id in ids]
    finally:
        await queue.aclose()

    assert max(in_flight) == 2
    for (_, data), result in zip(files, results, strict=True):
        assert isinstance(result, UploadResult) and blob(sandbox, result.attachment.id) == data


async def test_a_bandwidth_limit_holds_every_transfer_to_its_rate(
    sandbox: SandboxProcess, alice: LiquidFilesClient, tmp_path: Path
) -> None:
    rate, burst, block = 256 * 1024, 64 * 1024, OPTIONS.block_size
    files = [write_file(tmp_path, unique_name(f"limited {i}.bin"), 16 * PIECE, seed=i) for i in range(2)]
    clock = FakeClock()
    ticks: list[tuple[float, int]] = []

    async def tick(seconds: float) -> None:
        ticks.append((clock.now, sum(snap.done for snap in queue.snapshot())))
        await clock.sleep(seconds)

    queue = TransferQueue(concurrency=2, bandwidth=rate, clock=clock, sleep=tick)
    uploader = Uploader(alice, options=OPTIONS)
    try:
        ids = [queue.upload(uploader, path) for path, _ in files]
        for transfer_id in ids:
            await queue.result(transfer_id)
        snaps = queue.snapshot()
    finally:
        await queue.aclose()

    total = sum(len(data) for _, data in files)
    assert ticks
    # On the bucket's own clock: never ahead of rate x time plus one burst and the blocks let through...
    assert all(done <= burst + rate * now + 2 * block for now, done in ticks)
    # ... and the whole took as long as the rate says (not the few milliseconds loopback would take).
    assert clock.now == pytest.approx((total - burst) / rate, abs=block / rate)
    assert all(snap.speed == pytest.approx(rate / 2, rel=0.25) for snap in snaps)  # sharing the one limit


async def test_unfinished_uploads_in_the_journal_are_queued_again(
    sandbox: SandboxProcess, alice: LiquidFilesClient, tmp_path: Path
) -> None:
    path, data = write_file(tmp_path, unique_name("left over.bin"), 6 * PIECE)
    changed, _ = write_file(tmp_path, unique_name("changed since.bin"), 3 * PIECE)
    journal = await Journal.open(tmp_path / "data")
    uploader = Uploader(alice, account=ALICE.email, journal=journal, options=OPTIONS)
    try:
        for leftover in (path, changed):
            target = journal_target(alice, leftover)
            entry = await journal.begin(target, PIECE, -(-target.size // PIECE))
            await journal.piece_finished(entry, 0)
        os.utime(changed, ns=(0, 0))
        with sandbox.client(ALICE) as raw:
            answer = raw.post("/message/attachments/upload", params={
                "filename": path.name, "chunks": 6, "chunk": 0}, content=data[:PIECE])
            assert answer.status_code == 200

        queue = TransferQueue()
        try:
            ids = await queue.resume_unfinished(uploader)
            assert [snap.name for snap in queue.snapshot()] == [path.name]  # the changed file is not resumed
            result = await queue.result(ids[0])
        finally:
            await queue.aclose()
    finally:
        await journal.aclose()

    assert isinstance(result, UploadResult) and blob(sandbox, result.attachment.id) == data
    assert result.pieces_resumed == 1
    assert stored_pieces(sandbox, path.name) == dict.fromkeys(range(6), 1)

