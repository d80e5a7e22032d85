"""Verified downloads of a message's files.

The bytes go to ``<name>.part`` in the destination folder, hashed (SHA-256 and CRC32) as they are written,
in a worker thread while the next block arrives. Only when size and checksums equal what the message says
does the file get its real name, by an atomic move that never replaces an existing file (``name (1).ext``).
Whatever fails (a mismatch, a full disk, no permission, a cancel) leaves nothing under the real name and
no ``.part`` behind.

A message's download URLs are short-lived and one-time: a used or expired one (410) is renewed once
through a callback that reads the message again.
"""

import asyncio
import errno
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from io import BufferedWriter
from pathlib import Path

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import ApiError, Gone
from lfdesktop.api.http import DownloadBody
from lfdesktop.api.models import MessageFile

from .checksum import FileDigest, StreamHasher, verify
from .errors import SaveError
from .events import ChecksumState, Direction, TransferProgress, TransferState, tracked
from .offloop import acquire_in_thread, let_finish
from .retry import RetryPolicy
from .safenames import candidates, safe_filename, with_suffix
from .throttle import Admit

log = logging.getLogger(__name__)

#: Reads the message again and returns the same file with a fresh URL.
Renew = Callable[[], Awaitable[MessageFile]]

PART_SUFFIX = ".part"


class PartWriter:
    """The ``.part`` file and the checksums of what went into it. Every method runs in a worker thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: BufferedWriter = path.open("xb")  # never an existing file, not even a stale .part
        self._hasher = StreamHasher()

    @property
    def size(self) -> int:
        """Bytes written so far: where a resumed request starts."""
        return self._hasher.size

    def write(self, block: bytes) -> None:
        self._file.write(block)
        self._hasher.update(block)

    def restart(self) -> None:
        """Back to an empty file (a server that ignored the range sends the whole file again)."""
        self._file.seek(0)
        self._file.truncate()
        self._hasher = StreamHasher()

    def finish(self) -> FileDigest:
        self._file.flush()
        os.fsync(self._file.fileno())  # the bytes are on disk before the file gets its real name
        self._file.close()
        return self._hasher.digest()

    def discard(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


OpenPart = Callable[[Path], PartWriter]


@dataclass(frozen=True)
class DownloadResult:
    path: Path
    digest: FileDigest
    verified: bool  # False only when the message gave no checksum to compare with (the size matched)


async def download(
    client: LiquidFilesClient, file: MessageFile, folder: Path, *, renew: Renew | None = None,
    progress: TransferProgress | None = None, admit: Admit | None = None, open_part: OpenPart = PartWriter,
    retry: RetryPolicy | None = None,
) -> DownloadResult:
    """Download ``file`` into ``folder`` under a safe, new name; verified against the message's checksums.

    A dropped connection is resumed where it stopped (a ranged request), with ``retry``'s backoff."""
    name = safe_filename(file.filename)
    progress = progress or TransferProgress(Direction.DOWNLOAD, name, size=file.size)
    progress.set_state(TransferState.RUNNING)
    work = _download(client, file, folder, name, renew, progress, admit, open_part, retry or RetryPolicy())
    return await tracked(progress, work, lambda done: str(done.path))


async def _download(
    client: LiquidFilesClient, file: MessageFile, folder: Path, name: str, renew: Renew | None,
    progress: TransferProgress, admit: Admit | None, open_part: OpenPart, retry: RetryPolicy,
) -> DownloadResult:
    try:
        writer = await acquire_in_thread(partial(_open_part, folder, name, open_part), PartWriter.discard)
    except OSError as error:
        raise SaveError(_why(error, folder, name)) from None
    try:
        progress.checksum = ChecksumState.COMPUTING
        try:
            await _fetch_resuming(client, file.url, writer, progress, admit, retry)
        except Gone:
            if renew is None:
                raise
            file = await renew()  # the URL was used or expired: the message gives a fresh one
            await _fetch_resuming(client, file.url, writer, progress, admit, retry)
        progress.set_state(TransferState.VERIFYING)
        digest = await asyncio.to_thread(writer.finish)
        progress.sha256 = digest.sha256
        verified = verify(name, file, digest)
        progress.checksum = ChecksumState.VERIFIED if verified else ChecksumState.UNCHECKED
        final = await asyncio.to_thread(_claim, writer.path, folder, name)
    except BaseException as error:
        await asyncio.shield(asyncio.to_thread(writer.discard))
        if isinstance(error, OSError):
            raise SaveError(_why(error, folder, name)) from None
        raise
    return DownloadResult(final, digest, verified)


async def _fetch_resuming(
    client: LiquidFilesClient, url: str, writer: PartWriter, progress: TransferProgress, admit: Admit | None,
    retry: RetryPolicy,
) -> None:
    """Fetch ``url``; after a dropped connection or a passing server error, ask for the rest (a range)."""
    attempt = 0
    while True:
        attempt += 1
        try:
            await _fetch(client, url, writer, progress, admit)
            return
        except ApiError as error:
            if not retry.should_retry(error, attempt):
                raise
            delay = retry.delay(error, attempt)
            log.info("download of %s stopped at %d bytes (%s); resuming in %.1f s", url, writer.size, error, delay)
            await asyncio.sleep(delay)


def _resumes(body: DownloadBody, offset: int) -> bool:
    return body.status == 206 and body.headers.get("content-range", "").startswith(f"bytes {offset}-")


async def _fetch(
    client: LiquidFilesClient, url: str, writer: PartWriter, progress: TransferProgress, admit: Admit | None
) -> None:
    """Stream ``url`` into ``writer`` from where it stands: one block is written (in a thread) while the next
    one arrives."""
    writing: asyncio.Future[None] | None = None
    offset = writer.size
    try:
        async with client.download(url, offset=offset) as body:
            if offset and not _resumes(body, offset):
                await asyncio.to_thread(writer.restart)
                progress.moved(-offset)
            async for block in body.blocks():
                if writing is not None:
                    await writing
                writing = asyncio.ensure_future(asyncio.to_thread(writer.write, block))
                progress.moved(len(block))
                if admit is not None:
                    await admit(len(block))
            if writing is not None:
                await writing
                writing = None
    finally:
        await let_finish(writing)  # the file is closed after us: let the thread finish with it


def _why(error: OSError, folder: Path, name: str) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"Not enough disk space in {folder} to save {name}"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"No permission to save {name} in {folder}"
    return f"Could not save {name} in {folder}: {error.strerror or error}"


def _open_part(folder: Path, name: str, open_part: OpenPart) -> PartWriter:
    folder.mkdir(parents=True, exist_ok=True)
    names = candidates(with_suffix(name, PART_SUFFIX))
    while True:
        try:
            return open_part(folder / next(names))
        except FileExistsError:
            pass  # another download of the same name, or a leftover: leave it be


def _claim(part: Path, folder: Path, name: str) -> Path:
    """Give the verified ``part`` the first free name among ``name``, ``name (1)``, ..."""
    names = candidates(name)
    while True:
        target = folder / next(names)
        try:
            _move_without_replacing(part, target)
        except FileExistsError:
            continue
        return target


def _move_without_replacing(source: Path, target: Path) -> None:
    if os.name == "nt":
        source.rename(target)  # on Windows a rename never replaces an existing file
        return
    try:
        target.hardlink_to(source)  # atomic, and fails if the target exists
    except FileExistsError:
        raise
    except OSError:
        # No hard links on this file system (FAT, some network shares): check, then rename.
        if target.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
        source.rename(target)
        return
    source.unlink()
