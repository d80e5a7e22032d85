"""Uploads through a failing server, and resuming from the journal: nothing the server acknowledged is
sent again, counted on the sandbox side (``upload_log``)."""

import asyncio
import dataclasses
from collections.abc import Callable
from pathlib import Path

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.http import HttpOptions
from lfdesktop.transfer.events import Direction, PieceState, TransferProgress
from lfdesktop.transfer.journal import Journal, UploadTarget
from lfdesktop.transfer.upload import Uploader
from tests.sandbox.helpers import send_piece, unique_name
from tests.sandboxproc import ALICE, SandboxProcess
from tests.transfer.conftest import OPTIONS, PIECE, blob, journal_target, outcomes, stored_pieces, write_file


async def test_files_arrive_verified_through_dropped_failed_and_stalled_requests(
    fresh_sandbox: Callable[..., SandboxProcess], tmp_path: Path
) -> None:
    server = fresh_sandbox("--fault-rate", "0.2", "--stall-seconds", "1", "--seed", "7")
    files = [write_file(tmp_path, f"faulty {i}.bin", (3 + i) * PIECE + i, seed=i) for i in range(4)]

    async with LiquidFilesClient.connect(server.url, ALICE.api_key, HttpOptions(read_timeout=3)) as client:
        uploader = Uploader(client, options=OPTIONS)
        results = await asyncio.gather(*(uploader.upload(path) for path, _ in files))

    for (path, data), result in zip(files, results, strict=True):
        assert result.verified and blob(server, result.attachment.id) == data
        pieces = -(-len(data) // PIECE)
        assert stored_pieces(server, path.name) == dict.fromkeys(range(pieces), 1)  # none stored twice
    faults = sum(
        count for path, _ in files for outcome, count in outcomes(server, path.name).items() if "fault" in outcome
    )
    assert faults >= 3  # the faults did happen, and were survived


async def test_a_cancelled_upload_resumes_with_only_the_missing_pieces(
    sandbox: SandboxProcess, alice: LiquidFilesClient, tmp_path: Path
) -> None:
    path, data = write_file(tmp_path, unique_name("resume me.bin"), 12 * PIECE + 7)
    journal = await Journal.open(tmp_path / "data")
    progress = TransferProgress(Direction.UPLOAD, path.name)
    four_done = asyncio.Event()

    async def slowly(nbytes: int) -> None:
        if sum(piece.state is PieceState.DONE for piece in progress.snapshot().pieces) >= 4:
            four_done.set()
        await asyncio.sleep(0.002)

    upload = asyncio.create_task(Uploader(alice, account=ALICE.email, journal=journal, options=OPTIONS).upload(
        path, progress=progress, admit=slowly
    ))
    await four_done.wait()
    upload.cancel()
    await asyncio.wait([upload])
    await journal.aclose()
    assert upload.cancelled() and stored_pieces(sandbox, path.name).total() < 13

    journal = await Journal.open(tmp_path / "data")  # as a new run of the app would
    try:
        result = await Uploader(alice, account=ALICE.email, journal=journal, options=OPTIONS).upload(path)
        assert await journal.unfinished(alice.server_url, ALICE.email) == []
    finally:
        await journal.aclose()

    assert result.verified and blob(sandbox, result.attachment.id) == data
    assert result.pieces_resumed >= 4 and result.pieces_resumed + result.pieces_sent <= 13
    assert stored_pieces(sandbox, path.name) == dict.fromkeys(range(13), 1)


async def test_a_piece_that_arrived_just_before_a_crash_is_not_sent_again(
    sandbox: SandboxProcess, alice: LiquidFilesClient, tmp_path: Path, journal: Journal
) -> None:
    """The server stored piece 1 but the app died before writing that down: it is at risk, not missing."""
    path, data = write_file(tmp_path, unique_name("crashed.bin"), 4 * PIECE)
    entry = await journal.begin(journal_target(alice, path), PIECE, 4)
    await journal.piece_started(entry, 0)
    await journal.piece_finished(entry, 0)
    await journal.piece_started(entry, 1)
    with sandbox.client(ALICE) as raw:
        for index in (0, 1):
            answer = send_piece(raw, path.name, data[index * PIECE:(index + 1) * PIECE], 4, index)
            assert answer.status_code == 200, answer.text

    result = await Uploader(alice, account=ALICE.email, journal=journal, options=OPTIONS).upload(path)

    assert result.verified and blob(sandbox, result.attachment.id) == data
    assert (result.pieces_resumed, result.pieces_sent) == (1, 2)
    assert stored_pieces(sandbox, path.name) == dict.fromkeys(range(4), 1)


async def test_pieces_the_server_lost_are_sent_again(
    sandbox: SandboxProcess, alice: LiquidFilesClient, tmp_path: Path, journal: Journal
) -> None:
    """The journal says pieces 0 and 1 arrived, but the server has nothing (say it was restored from backup)."""
    path, data = write_file(tmp_path, unique_name("lost.bin"), 5 * PIECE)
    entry = await journal.begin(journal_target(alice, path), PIECE, 5)
    for index in (0, 1):
        await journal.piece_finished(entry, index)

    result = await Uploader(alice, account=ALICE.email, journal=journal, options=OPTIONS).upload(path)

    assert result.verified and blob(sandbox, result.attachment.id) == data
    assert stored_pieces(sandbox, path.name) == dict.fromkeys(range(5), 1)


async def test_the_journal_resumes_only_the_same_file_to_the_same_place(tmp_path: Path, journal: Journal) -> None:
    target = UploadTarget("https://files.example", "a@example.com", "/data/x.bin", 10, 123, "x.bin", False)
    entry = await journal.begin(target, 4, 3)
    await journal.piece_started(entry, 2)
    await journal.piece_finished(entry, 0)

    again = await journal.begin(target, 99, 1)  # the stored piece plan wins: pieces are on the server in it
    assert (again.id, again.piece_size, again.pieces) == (entry.id, 4, 3)
    assert (again.finished, again.started) == ({0}, {2})

    changed = await journal.begin(dataclasses.replace(target, mtime_ns=124), 4, 3)
    assert changed.id != entry.id and not changed.resumed
    assert [e.id for e in await journal.unfinished(target.server_url, target.account)] == [changed.id]

    await journal.finish(changed, "attachment-id")
    assert await journal.unfinished(target.server_url, target.account) == []


async def test_a_damaged_journal_is_set_aside_not_fatal(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "uploads.sqlite3").write_bytes(b"this is not a database" * 100)

    journal = await Journal.open(folder)
    try:
        assert await journal.unfinished("https://files.example", "a@example.com") == []
    finally:
        await journal.aclose()
    assert [p.name.split(".damaged-")[0] for p in folder.glob("*.damaged-*")] == ["uploads.sqlite3"]


