"""Verified downloads from the real sandbox: the right bytes under a safe new name, or a clear error and
nothing under the final name (tampering on the server, a full disk, no permission), and renewed URLs."""

import errno
import hashlib
import random
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import Gone
from lfdesktop.api.models import MessageFile
from lfdesktop.transfer.download import PartWriter, download
from lfdesktop.transfer.errors import ChecksumMismatch, SaveError
from lfdesktop.transfer.events import ChecksumState, Direction, TransferProgress, TransferState
from lfdesktop.transfer.retry import RetryPolicy
from tests.sandbox.helpers import send_message, unique_name, upload_attachment
from tests.sandboxproc import ALICE, BOB, SandboxProcess
from tests.transfer.conftest import blob


@pytest.fixture
async def bob(sandbox: SandboxProcess) -> AsyncIterator[LiquidFilesClient]:
    async with LiquidFilesClient.connect(sandbox.url, BOB.api_key) as client:
        yield client


def share(sandbox: SandboxProcess, name: str, data: bytes) -> str:
    """Alice sends ``data`` as ``name`` to Bob; the message id."""
    with sandbox.client(ALICE) as alice:
        attachment = upload_attachment(alice, unique_name(name), data)
        return str(send_message(alice, recipients=[BOB.email], attachments=[attachment["id"]])["id"])


async def file_of(client: LiquidFilesClient, message_id: str) -> MessageFile:
    return (await client.message(message_id)).attachments[0]


def rename_on_server(sandbox: SandboxProcess, attachment_id: str, name: str) -> None:
    with sandbox.db() as db:
        db.execute("UPDATE attachments SET filename = ? WHERE id = ?", (name, attachment_id))


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


async def test_a_dropped_download_resumes_where_it_stopped(
    fresh_sandbox: Callable[..., SandboxProcess], tmp_path: Path
) -> None:
    """The sandbox cuts every fresh download off half way; only a ranged request (a resume) gets the rest."""
    sandbox = fresh_sandbox("--download-fault-rate", "1")
    data = random.Random(5).randbytes(3 * 1024 * 1024 + 17)
    message_id = share(sandbox, "cut-off.bin", data)
    async with LiquidFilesClient.connect(sandbox.url, BOB.api_key) as client:
        file = await file_of(client, message_id)
        progress = TransferProgress(Direction.DOWNLOAD, file.filename, size=file.size)
        result = await download(client, file, tmp_path, progress=progress, retry=RetryPolicy(base_delay=0.01))
    assert result.path.read_bytes() == data and result.verified
    assert progress.snapshot().done == len(data)  # the half that arrived first was counted once
    with sandbox.db() as db:  # one download, logged once it finished: the resume did not start over
        assert db.execute("SELECT COUNT(*) FROM downloads WHERE message_id = ?", (message_id,)).fetchone()[0] == 1


async def test_a_download_lands_verified_under_its_name(
    sandbox: SandboxProcess, bob: LiquidFilesClient, tmp_path: Path
) -> None:
    data = bytes(range(256)) * 9000  # 2.2 MiB: several blocks
    file = await file_of(bob, share(sandbox, "Grüße.pdf", data))
    progress = TransferProgress(Direction.DOWNLOAD, file.filename, size=file.size)

    result = await download(bob, file, tmp_path / "Downloads", progress=progress)

    assert result.path == tmp_path / "Downloads" / file.filename
    assert result.path.read_bytes() == data and result.verified
    assert result.digest.sha256 == hashlib.sha256(data).hexdigest()
    assert listing(tmp_path / "Downloads") == [file.filename]  # no .part left
    snap = progress.snapshot()
    assert (snap.state, snap.checksum, snap.done, snap.result) == (
        TransferState.DONE, ChecksumState.VERIFIED, len(data), str(result.path)
    )


async def test_a_file_tampered_with_on_the_server_is_caught(
    sandbox: SandboxProcess, bob: LiquidFilesClient, tmp_path: Path
) -> None:
    data = b"the original contract\n" * 5000
    file = await file_of(bob, share(sandbox, "contract.txt", data))
    tampered = bytearray(blob(sandbox, file.id))
    tampered[1000] ^= 0xFF  # the same size: only the checksums can tell
    (sandbox.data_dir / "blobs" / file.id).write_bytes(bytes(tampered))
    progress = TransferProgress(Direction.DOWNLOAD, file.filename, size=file.size)

    with pytest.raises(ChecksumMismatch) as caught:
        await download(bob, file, tmp_path, progress=progress)

    assert file.checksum in str(caught.value) and hashlib.sha256(tampered).hexdigest() in str(caught.value)
    assert listing(tmp_path) == []
    snap = progress.snapshot()
    assert snap.state is TransferState.FAILED and snap.checksum is ChecksumState.MISMATCH


@pytest.mark.parametrize(
    ("hostile", "saved"),
    [
        ("../x", "x"),
        ("..\\..\\Windows\\evil.dll", "evil.dll"),
        ("CON.txt", "_CON.txt"),
        ("bell\x07 and\nnewline\r.txt", "bell andnewline.txt"),
        ("trailing dots... ", "trailing dots"),
        ("é" * 150 + ".txt", "é" * 125 + ".txt"),  # 300 bytes: cut to 255 keeping the extension
    ],
)
async def test_hostile_names_land_safely_inside_the_folder(
    sandbox: SandboxProcess, bob: LiquidFilesClient, tmp_path: Path, hostile: str, saved: str
) -> None:
    message_id = share(sandbox, "innocent.txt", b"payload")
    rename_on_server(sandbox, (await file_of(bob, message_id)).id, hostile)
    file = await file_of(bob, message_id)
    assert file.filename == hostile
    folder = tmp_path / "inbox"

    result = await download(bob, file, folder)

    assert result.path == folder / saved and result.path.read_bytes() == b"payload"
    assert listing(tmp_path) == ["inbox"] and listing(folder) == [saved]


async def test_an_existing_file_is_never_overwritten(
    sandbox: SandboxProcess, bob: LiquidFilesClient, tmp_path: Path
) -> None:
    message_id = share(sandbox, "report.pdf", b"new report")
    (tmp_path / "report.pdf").write_bytes(b"mine")
    (tmp_path / "report (1).pdf").write_bytes(b"also mine")

    file = await file_of(bob, message_id)
    rename_on_server(sandbox, file.id, "report.pdf")
    result = await download(bob, await file_of(bob, message_id), tmp_path)

    assert result.path.name == "report (2).pdf" and result.path.read_bytes() == b"new report"
    assert (tmp_path / "report.pdf").read_bytes() == b"mine"
    assert (tmp_path / "report (1).pdf").read_bytes() == b"also mine"


async def test_a_used_url_is_renewed_once_by_reading_the_message_again(
    sandbox: SandboxProcess, bob: LiquidFilesClient, tmp_path: Path
) -> None:
    message_id = share(sandbox, "twice.bin", b"fetch me twice")
    used = await file_of(bob, message_id)
    await download(bob, used, tmp_path / "first")  # the URL is one-time: now it answers 410
    renewals = 0

    async def renew() -> MessageFile:
        nonlocal renewals
        renewals += 1
        return await file_of(bob, message_id)

    with pytest.raises(Gone):
        await download(bob, used, tmp_path / "without")
    result = await download(bob, used, tmp_path / "second", renew=renew)

    assert renewals == 1 and result.path.read_bytes() == b"fetch me twice"
    assert listing(tmp_path / "without") == []


class FullDisk(PartWriter):
    """The one failure no local server can produce: the disk fills up part way."""

    def write(self, block: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")


class Forbidden(PartWriter):
    def __init__(self, path: Path) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))


@pytest.mark.parametrize(
    ("writer", "reason"), [(FullDisk, "Not enough disk space"), (Forbidden, "No permission to save")]
)
async def test_a_full_disk_or_no_permission_is_a_clear_error_leaving_nothing(
    sandbox: SandboxProcess, bob: LiquidFilesClient, tmp_path: Path, writer: type[PartWriter], reason: str
) -> None:
    file = await file_of(bob, share(sandbox, "big.iso", b"x" * 300_000))
    progress = TransferProgress(Direction.DOWNLOAD, file.filename, size=file.size)

    with pytest.raises(SaveError, match=reason):
        await download(bob, file, tmp_path, open_part=writer, progress=progress)

    assert listing(tmp_path) == []
    assert progress.snapshot().state is TransferState.FAILED
