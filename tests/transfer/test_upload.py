"""Uploads against the real sandbox: every size around the piece boundary, Unicode names, progress, the
errors that end an upload at once, the file changing under us, and same-name uploads taking turns."""

import asyncio
import dataclasses
import hashlib
import os
import unicodedata
import zlib
from pathlib import Path

import pytest

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import AuthError, Rejected
from lfdesktop.transfer.checksum import FileDigest, verify
from lfdesktop.transfer.errors import ChecksumMismatch, FileChanged
from lfdesktop.transfer.events import (
    ChecksumState,
    Direction,
    PieceState,
    TransferProgress,
    TransferSnapshot,
    TransferState,
)
from lfdesktop.transfer.journal import Journal
from lfdesktop.transfer.upload import Uploader
from tests.sandbox.helpers import unique_name
from tests.sandboxproc import ALICE, CAROL, SandboxProcess
from tests.transfer.conftest import OPTIONS, PIECE, blob, stored_pieces, write_file

NFD_NAME = unicodedata.normalize("NFD", "Café Überweisung 🚀.bin")


@pytest.mark.parametrize(
    ("size", "pieces"),
    [(0, 1), (1, 1), (PIECE - 1, 1), (PIECE, 1), (PIECE + 1, 2), (5 * PIECE + 123, 6)],
)
async def test_every_size_arrives_verified_under_its_unicode_name(
    sandbox: SandboxProcess, alice: LiquidFilesClient, tmp_path: Path, size: int, pieces: int
) -> None:
    path, data = write_file(tmp_path, unique_name(NFD_NAME), size, seed=size)
    server_name = unicodedata.normalize("NFC", path.name)

    result = await Uploader(alice, account=ALICE.email, options=OPTIONS).upload(path)

    assert result.attachment.filename == server_name  # recipients get the composed form
    assert result.attachment.checksum == hashlib.sha256(data).hexdigest() == result.digest.sha256
    assert result.digest.crc32 == zlib.crc32(data)
    assert result.verified
    assert blob(sandbox, result.attachment.id) == data
    expected = {None: 1} if pieces == 1 else dict.fromkeys(range(pieces), 1)
    assert stored_pieces(sandbox, server_name) == expected


async def test_a_filelink_attachment_is_uploaded_to_the_link_endpoint(
    sandbox: SandboxProcess, alice: LiquidFilesClient, tmp_path: Path
) -> None:
    path, data = write_file(tmp_path, unique_name("for a link.pdf"), 3 * PIECE)

    result = await Uploader(alice, options=OPTIONS).upload(path, link=True)

    assert result.verified and blob(sandbox, result.attachment.id) == data
    assert result.attachment.content_type == "application/pdf"  # guessed from the name, as browsers do
    link = await alice.create_link(result.attachment.id)
    assert link.filename == path.name


async def test_progress_is_live_per_piece_and_listeners_hear_only_state_changes(
    alice: LiquidFilesClient, tmp_path: Path
) -> None:
    path, data = write_file(tmp_path, unique_name("progress.bin"), 4 * PIECE + 10)
    heard: list[TransferSnapshot] = []
    progress = TransferProgress(Direction.UPLOAD, path.name, listener=heard.append)
    seen_partial = False

    async def watch() -> None:
        nonlocal seen_partial
        while not progress.state.finished:
            snap = progress.snapshot()
            seen_partial |= any(0 < piece.done < piece.size for piece in snap.pieces)
            await asyncio.sleep(0)

    watcher = asyncio.create_task(watch())
    await Uploader(alice, options=OPTIONS).upload(path, progress=progress)
    await watcher

    final = progress.snapshot()
    assert final.state is TransferState.DONE and final.done == final.size == len(data)
    assert final.checksum is ChecksumState.VERIFIED and final.sha256 == hashlib.sha256(data).hexdigest()
    assert [(p.index, p.size, p.done, p.attempts, p.state) for p in final.pieces] == [
        (i, size, size, 1, PieceState.DONE) for i, size in enumerate([PIECE] * 4 + [10])
    ]
    assert final.result is not None and final.eta is None
    assert seen_partial  # bytes are counted as they go, within a piece
    assert [snap.state for snap in heard] == [TransferState.RUNNING, TransferState.VERIFYING, TransferState.DONE]


async def test_a_wrong_key_fails_at_once_with_the_servers_message(sandbox: SandboxProcess, tmp_path: Path) -> None:
    path, _ = write_file(tmp_path, unique_name("nokey.bin"), 3 * PIECE)
    progress = TransferProgress(Direction.UPLOAD, path.name)

    async with LiquidFilesClient.connect(sandbox.url, "WrongKey00000000000000") as client:
        with pytest.raises(AuthError):
            await Uploader(client, options=OPTIONS).upload(path, progress=progress)

    snap = progress.snapshot()
    assert snap.state is TransferState.FAILED and snap.error and "API key" in snap.error
    assert max(piece.attempts for piece in snap.pieces) == 1  # not retried


async def test_a_refused_file_fails_at_once_and_its_journal_entry_is_closed(
    sandbox: SandboxProcess, tmp_path: Path, journal: Journal
) -> None:
    path, _ = write_file(tmp_path, unique_name("setup.exe"), 2 * PIECE)  # Carol's group blocks .exe
    progress = TransferProgress(Direction.UPLOAD, path.name)

    async with LiquidFilesClient.connect(sandbox.url, CAROL.api_key) as client:
        uploader = Uploader(client, account=CAROL.email, journal=journal, options=OPTIONS)
        with pytest.raises(Rejected, match=r"\.exe are not permitted"):
            await uploader.upload(path, progress=progress)
        assert await journal.unfinished(client.server_url, CAROL.email) == []

    snap = progress.snapshot()
    assert snap.state is TransferState.FAILED and snap.error and ".exe are not permitted" in snap.error
    assert all(piece.attempts <= 1 for piece in snap.pieces)


async def test_a_file_that_grows_during_the_upload_fails_with_file_changed(
    alice: LiquidFilesClient, tmp_path: Path, journal: Journal
) -> None:
    path, _ = write_file(tmp_path, unique_name("growing.log"), 4 * PIECE)
    progress = TransferProgress(Direction.UPLOAD, path.name)
    sent = 0

    async def append_after_the_first_piece(nbytes: int) -> None:
        nonlocal sent
        sent += nbytes
        if sent == PIECE:
            await asyncio.to_thread(_append, path, b"more")

    uploader = Uploader(
        alice, account=ALICE.email, journal=journal, options=dataclasses.replace(OPTIONS, parallel_pieces=1)
    )
    with pytest.raises(FileChanged, match="changed while it was being uploaded"):
        await uploader.upload(path, progress=progress, admit=append_after_the_first_piece)

    snap = progress.snapshot()
    assert snap.state is TransferState.FAILED and snap.error and "changed" in snap.error
    assert await journal.unfinished(alice.server_url, ALICE.email) == []  # never resumed


async def test_a_file_rewritten_with_the_same_size_is_caught_by_its_mtime(
    alice: LiquidFilesClient, tmp_path: Path
) -> None:
    path, data = write_file(tmp_path, unique_name("same size.bin"), 3 * PIECE)

    async def rewrite_after_the_first_block(nbytes: int) -> None:
        await asyncio.to_thread(_rewrite_once, path, data)

    with pytest.raises(FileChanged):
        await Uploader(alice, options=dataclasses.replace(OPTIONS, parallel_pieces=1)).upload(
            path, admit=rewrite_after_the_first_block
        )


async def test_verification_names_both_values_when_the_server_has_other_bytes(
    alice: LiquidFilesClient, tmp_path: Path
) -> None:
    path, data = write_file(tmp_path, unique_name("verify.bin"), 1000)
    attachment = (await Uploader(alice, options=OPTIONS).upload(path)).attachment
    ours = FileDigest(len(data), hashlib.sha256(data).hexdigest(), zlib.crc32(data))

    assert verify("verify.bin", attachment, ours)
    assert verify("verify.bin", dataclasses.replace(attachment, crc32=f"{zlib.crc32(data):x}".lstrip("0")), ours)
    other = "ab" * 32
    with pytest.raises(ChecksumMismatch) as caught:
        verify("verify.bin", dataclasses.replace(attachment, checksum=other), ours)
    assert other in str(caught.value) and ours.sha256 in str(caught.value)
    with pytest.raises(ChecksumMismatch, match="size: server 999 bytes, here 1000 bytes"):
        verify("verify.bin", dataclasses.replace(attachment, size=999), ours)
    with pytest.raises(ChecksumMismatch, match=f"CRC32: server 1, here {ours.crc32_hex}"):
        verify("verify.bin", dataclasses.replace(attachment, crc32="1"), ours)
    assert not verify("verify.bin", dataclasses.replace(attachment, checksum="", crc32=""), ours)


async def test_uploads_of_the_same_name_take_turns(
    sandbox: SandboxProcess, alice: LiquidFilesClient, tmp_path: Path
) -> None:
    name = unique_name("same name.bin")
    first, first_data = write_file(tmp_path / "a", name, 5 * PIECE, seed=1)
    second, second_data = write_file(tmp_path / "b", name, 3 * PIECE, seed=2)  # another piece count: a 422 if mixed
    uploader = Uploader(alice, options=OPTIONS)

    results = await asyncio.gather(uploader.upload(first), uploader.upload(second))

    assert [blob(sandbox, result.attachment.id) for result in results] == [first_data, second_data]
    with sandbox.db() as db:
        rows = db.execute("SELECT chunks FROM upload_log WHERE filename = ? ORDER BY id", (name,)).fetchall()
    assert [row["chunks"] for row in rows] in ([5] * 5 + [3] * 3, [3] * 3 + [5] * 5)  # one after the other


def _append(path: Path, data: bytes) -> None:
    with path.open("ab") as handle:
        handle.write(data)


def _rewrite_once(path: Path, data: bytes) -> None:
    """Other bytes of the same size; the mtime moved on as any editor's save would."""
    if path.read_bytes() == data:
        stat = path.stat()
        path.write_bytes(bytes(len(data)))
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
