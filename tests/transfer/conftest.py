"""Clients of the real sandbox, files to move, and ways to look at what the sandbox received."""

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.transfer.journal import Journal, UploadTarget
from lfdesktop.transfer.retry import RetryPolicy
from lfdesktop.transfer.upload import UploadOptions
from tests.sandboxproc import ALICE, SandboxProcess

KIB = 1024
PIECE = 64 * KIB
# Small pieces and blocks keep the tests fast while exercising every path of the big ones.
OPTIONS = UploadOptions(
    piece_size=PIECE, block_size=16 * KIB, retry=RetryPolicy(attempts=20, base_delay=0.02, max_delay=0.2)
)


@pytest.fixture
async def alice(sandbox: SandboxProcess) -> AsyncIterator[LiquidFilesClient]:
    async with LiquidFilesClient.connect(sandbox.url, ALICE.api_key) as client:
        yield client


@pytest.fixture
async def journal(tmp_path: Path) -> AsyncIterator[Journal]:
    opened = await Journal.open(tmp_path / "data")
    yield opened
    await opened.aclose()


class FakeClock:
    """Time that passes only when someone sleeps: speeds and limits without wall-clock waits."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def write_file(folder: Path, name: str, size: int, seed: int = 0) -> tuple[Path, bytes]:
    data = random.Random(seed).randbytes(size)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path, data


def stored_pieces(sandbox: SandboxProcess, filename: str) -> Counter[int | None]:
    """How often each piece of ``filename`` was stored (None: uploads in one request)."""
    with sandbox.db() as db:
        rows = db.execute("SELECT chunk FROM upload_log WHERE filename = ? AND outcome = 'stored'", (filename,))
        return Counter(row["chunk"] for row in rows)


def outcomes(sandbox: SandboxProcess, filename: str) -> Counter[str]:
    with sandbox.db() as db:
        rows = db.execute("SELECT outcome FROM upload_log WHERE filename = ?", (filename,))
        return Counter(str(row["outcome"]) for row in rows)


def blob(sandbox: SandboxProcess, attachment_id: str) -> bytes:
    return (sandbox.data_dir / "blobs" / attachment_id).read_bytes()


def journal_target(client: LiquidFilesClient, path: Path) -> UploadTarget:
    """The journal's key for Alice uploading ``path`` as a message attachment, as the uploader writes it."""
    stat = path.stat()
    return UploadTarget(client.server_url, ALICE.email, str(path), stat.st_size, stat.st_mtime_ns, path.name, False)
