"""Retrying a failed or cancelled transfer in place (same id, a fresh start, an upload resumed through the
journal), forgetting one finished transfer, and where each transfer's file is on this computer."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.transfer.download import DownloadResult
from lfdesktop.transfer.errors import SaveError
from lfdesktop.transfer.events import ChecksumState, PieceState, TransferSnapshot, TransferState
from lfdesktop.transfer.journal import Journal
from lfdesktop.transfer.queue import TransferQueue
from lfdesktop.transfer.upload import Uploader, UploadResult
from tests.sandbox.helpers import send_message, unique_name, upload_attachment
from tests.sandboxproc import ALICE, BOB, SandboxProcess
from tests.transfer.conftest import OPTIONS, PIECE, blob, stored_pieces, write_file


@pytest.fixture
async def bob(sandbox: SandboxProcess) -> AsyncIterator[LiquidFilesClient]:
    async with LiquidFilesClient.connect(sandbox.url, BOB.api_key) as client:
        yield client


def snapshot_of(queue: TransferQueue, transfer_id: int) -> TransferSnapshot:
    return next(snap for snap in queue.snapshot() if snap.id == transfer_id)


async def pieces_done(queue: TransferQueue, transfer_id: int, count: int) -> None:
    async for _ in queue.watch(interval=0.005):
        if sum(piece.state is PieceState.DONE for piece in snapshot_of(queue, transfer_id).pieces) >= count:
            return


async def test_a_cancelled_upload_is_retried_in_place_sending_only_the_missing_pieces(
    sandbox: SandboxProcess, alice: LiquidFilesClient, tmp_path: Path, journal: Journal
) -> None:
    path, data = write_file(tmp_path, unique_name("retry me.bin"), 40 * PIECE)
    heard: list[TransferSnapshot] = []
    queue = TransferQueue(bandwidth=1024 * 1024, listener=heard.append)  # slow enough to cancel half way
    try:
        transfer_id = queue.upload(Uploader(alice, account=ALICE.email, journal=journal, options=OPTIONS), path)
        await pieces_done(queue, transfer_id, 4)
        queue.cancel(transfer_id)
        with pytest.raises(asyncio.CancelledError):
            await queue.result(transfer_id)
        assert snapshot_of(queue, transfer_id).state is TransferState.CANCELLED
        assert stored_pieces(sandbox, path.name).total() < 40

        heard.clear()
        queue.set_bandwidth(None)
        queue.retry(transfer_id)
        fresh = heard[0]  # told at once, before the new attempt ran
        assert (fresh.id, fresh.state, fresh.done, fresh.pieces, fresh.error) == (
            transfer_id, TransferState.QUEUED, 0, (), None
        )
        result = await queue.result(transfer_id)
        snaps = queue.snapshot()
    finally:
        await queue.aclose()

    assert isinstance(result, UploadResult) and blob(sandbox, result.attachment.id) == data
    assert result.pieces_resumed >= 4  # the journal knew what the cancelled attempt had delivered
    assert stored_pieces(sandbox, path.name) == dict.fromkeys(range(40), 1)  # none sent twice
    assert [(snap.id, snap.state, snap.checksum, snap.done) for snap in snaps] == [
        (transfer_id, TransferState.DONE, ChecksumState.VERIFIED, len(data))  # the same row, finished
    ]
    assert snaps[0].result == result.attachment.id and snaps[0].source == str(path)


async def test_a_failed_download_retried_after_the_cause_is_gone_lands_verified(
    sandbox: SandboxProcess, bob: LiquidFilesClient, tmp_path: Path
) -> None:
    data = b"retry the download\n" * 5000
    with sandbox.client(ALICE) as raw:
        attachment = upload_attachment(raw, unique_name("report.txt"), data)
        message = send_message(raw, recipients=[BOB.email], attachments=[attachment["id"]])
    file = (await bob.message(str(message["id"]))).attachments[0]
    folder = tmp_path / "Downloads"
    folder.write_text("a file where the folder should be")
    queue = TransferQueue()
    try:
        transfer_id = queue.download(bob, file, folder)
        first_attempt = asyncio.ensure_future(queue.result(transfer_id))
        with pytest.raises(SaveError):
            await first_attempt
        failed = snapshot_of(queue, transfer_id)
        assert failed.state is TransferState.FAILED and failed.error and failed.source == str(folder)

        folder.unlink()
        queue.retry(transfer_id)
        result = await queue.result(transfer_id)
        assert isinstance(first_attempt.exception(), SaveError)  # whoever waited for the first attempt: its end
        done = snapshot_of(queue, transfer_id)
    finally:
        await queue.aclose()

    assert isinstance(result, DownloadResult) and result.path.read_bytes() == data
    assert (done.state, done.checksum, done.error) == (TransferState.DONE, ChecksumState.VERIFIED, None)
    assert done.result == str(result.path) and Path(done.result).parent == folder == Path(done.source or "")


async def test_only_failed_or_cancelled_transfers_are_retried_and_only_finished_ones_removed(
    alice: LiquidFilesClient, tmp_path: Path
) -> None:
    small, _ = write_file(tmp_path, unique_name("small.bin"), PIECE)
    held, _ = write_file(tmp_path, unique_name("held.bin"), PIECE)
    queue = TransferQueue()
    uploader = Uploader(alice, options=OPTIONS)
    try:
        done_id = queue.upload(uploader, small)
        await queue.result(done_id)
        with pytest.raises(ValueError, match="done"):
            queue.retry(done_id)

        queue.pause()
        held_id = queue.upload(uploader, held)
        with pytest.raises(ValueError, match="queued"):
            queue.retry(held_id)
        with pytest.raises(ValueError, match="cancel it first"):
            queue.remove(held_id)

        queue.remove(done_id)
        assert [snap.id for snap in queue.snapshot()] == [held_id]
    finally:
        await queue.aclose()
    assert snapshot_of(queue, held_id).state is TransferState.CANCELLED
    queue.remove(held_id)
    assert queue.snapshot() == []


async def test_a_retried_transfer_no_longer_paused_on_its_own_runs(
    sandbox: SandboxProcess, alice: LiquidFilesClient, tmp_path: Path
) -> None:
    path, data = write_file(tmp_path, unique_name("paused then cancelled.bin"), 3 * PIECE)
    queue = TransferQueue()
    try:
        transfer_id = queue.upload(Uploader(alice, options=OPTIONS), path)
        queue.pause(transfer_id)
        queue.cancel(transfer_id)
        with pytest.raises(asyncio.CancelledError):
            await queue.result(transfer_id)
        queue.retry(transfer_id)
        result = await queue.result(transfer_id)
    finally:
        await queue.aclose()
    assert isinstance(result, UploadResult) and blob(sandbox, result.attachment.id) == data


async def test_snapshots_say_where_the_file_is(
    alice: LiquidFilesClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_file(tmp_path / "here", "relative.bin", 10)
    monkeypatch.chdir(tmp_path / "here")
    queue = TransferQueue()
    try:
        queue.pause()  # nothing needs to move for this
        queue.upload(Uploader(alice, options=OPTIONS), Path("relative.bin"))
        assert [snap.source for snap in queue.snapshot()] == [str(tmp_path / "here" / "relative.bin")]
    finally:
        await queue.aclose()


async def test_a_retry_from_the_listener_waits_for_the_cancelled_attempt_to_unwind(
    sandbox: SandboxProcess, alice: LiquidFilesClient, tmp_path: Path, journal: Journal
) -> None:
    """A UI may retry as soon as it hears of the cancel, while the attempt is still on its way out."""
    path, data = write_file(tmp_path, unique_name("retried at once.bin"), 20 * PIECE)
    retried: list[int] = []

    def retry_once(snap: TransferSnapshot) -> None:
        if snap.state is TransferState.CANCELLED and not retried:
            retried.append(snap.id)
            queue.set_bandwidth(None)
            queue.retry(snap.id)

    queue = TransferQueue(bandwidth=1024 * 1024, listener=retry_once)
    try:
        transfer_id = queue.upload(Uploader(alice, account=ALICE.email, journal=journal, options=OPTIONS), path)
        await pieces_done(queue, transfer_id, 2)
        first_attempt = asyncio.ensure_future(queue.result(transfer_id))
        queue.cancel(transfer_id)
        with pytest.raises(asyncio.CancelledError):
            await first_attempt
        assert retried == [transfer_id]  # heard, and retried, before the attempt had ended
        result = await queue.result(transfer_id)
    finally:
        await queue.aclose()

    assert isinstance(result, UploadResult) and blob(sandbox, result.attachment.id) == data
    assert result.pieces_resumed >= 2 and stored_pieces(sandbox, path.name) == dict.fromkeys(range(20), 1)
