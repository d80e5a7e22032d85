"""Uploading a file: in one request up to the piece size, in pieces beyond it, several in flight.

Each piece is streamed from disk in blocks read in a worker thread (never a whole piece in memory); a block
counts as done once the HTTP client asks for the next one, so progress is live within a piece. The same blocks
feed the file's SHA-256 and CRC32 (``checksum.InOrderHasher``). A failed piece is sent again alone, after a
backoff; once the server answers with the assembled attachment, its size and checksums must equal ours.

With a journal, every piece is recorded as started and as finished, so a later run of the same file (same
path, size and mtime) to the same server and account sends only what is missing. Pieces that were on the wire
when the last run ended may have arrived: such a run first sends one piece that certainly did not, and skips
those the server's answer lists as received (where the server says; the LiquidFiles sandbox does).
"""

import asyncio
import logging
import mimetypes
import os
import unicodedata
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from io import BufferedReader
from pathlib import Path

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import ApiError, AuthError, NetworkError
from lfdesktop.api.models import Attachment, PieceReceipt

from .checksum import BLOCK, HASH_BUFFER, FileDigest, FileStamp, InOrderHasher, check_stamp, read_exactly, verify
from .errors import FileChanged, TransferError
from .events import ChecksumState, Direction, TransferProgress, TransferState, tracked
from .journal import Journal, UploadEntry, UploadTarget
from .offloop import acquire_in_thread, complete, let_finish
from .retry import RetryPolicy
from .throttle import Admit

log = logging.getLogger(__name__)

MIB = 1024 * 1024


@dataclass(frozen=True)
class UploadOptions:
    piece_size: int = 100 * MIB  # as the official clients
    parallel_pieces: int = 3
    block_size: int = BLOCK
    hash_buffer: int = HASH_BUFFER
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True)
class UploadResult:
    attachment: Attachment
    digest: FileDigest
    verified: bool  # False only when the server gave no checksum to compare with (the size matched)
    pieces_sent: int  # pieces delivered by this run
    pieces_resumed: int  # pieces an earlier run had delivered


@dataclass(frozen=True)
class Piece:
    index: int
    offset: int
    size: int


def plan_pieces(size: int, piece_size: int) -> list[Piece]:
    """At least one piece (an empty file is one empty request)."""
    count = max(1, -(-size // piece_size))
    return [Piece(i, i * piece_size, min(piece_size, size - i * piece_size)) for i in range(count)]


class Uploader:
    """Uploads files for one account of one server. Uploads of the same name wait for each other: the server
    tells pieces apart by file name until they are assembled."""

    def __init__(
        self, client: LiquidFilesClient, *, account: str = "", journal: Journal | None = None,
        options: UploadOptions | None = None,
    ) -> None:
        self.client = client
        self.account = account  # the email: with the server, it says whose journal entries are whose
        self.journal = journal
        self.options = options or UploadOptions()
        self._names: dict[str, tuple[asyncio.Lock, int]] = {}

    async def upload(
        self, path: Path, *, link: bool = False, progress: TransferProgress | None = None,
        admit: Admit | None = None,
    ) -> UploadResult:
        """Upload ``path`` as a message attachment (or a FileLink attachment with ``link``), verified."""
        progress = progress or TransferProgress(Direction.UPLOAD, path.name)
        return await tracked(progress, self._upload(path, link, progress, admit), lambda done: done.attachment.id)

    async def _upload(self, path: Path, link: bool, progress: TransferProgress, admit: Admit | None) -> UploadResult:
        path = await asyncio.to_thread(path.absolute)  # the journal knows files by absolute path
        stamp, content_type = await asyncio.to_thread(_inspect, path)
        name = unicodedata.normalize("NFC", path.name)
        async with self._name_held(name):
            progress.set_state(TransferState.RUNNING)
            entry = await self._begin(path, name, stamp, link)
            run = _Run(self, entry, path, name, stamp, content_type, progress, admit)
            try:
                return await run.go()
            finally:
                await run.hasher.aclose()

    async def _begin(self, path: Path, name: str, stamp: FileStamp, link: bool) -> UploadEntry:
        pieces = len(plan_pieces(stamp.size, self.options.piece_size))
        target = UploadTarget(
            server_url=self.client.server_url, account=self.account, path=str(path), size=stamp.size,
            mtime_ns=stamp.mtime_ns, server_name=name, link=link,
        )
        if self.journal is None:
            return UploadEntry(0, target, self.options.piece_size, pieces, frozenset(), frozenset())
        return await self.journal.begin(target, self.options.piece_size, pieces)

    @asynccontextmanager
    async def _name_held(self, name: str) -> AsyncIterator[None]:
        lock, users = self._names.get(name, (asyncio.Lock(), 0))
        self._names[name] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._names[name]
            if users == 1:
                del self._names[name]
            else:
                self._names[name] = (lock, users - 1)


def _inspect(path: Path) -> tuple[FileStamp, str | None]:
    try:
        stat = path.stat()
    except OSError as error:
        raise TransferError(f"Cannot read {path.name}: {error.strerror or error}") from None
    if not path.is_file():
        raise TransferError(f"{path.name} is not a file")
    return FileStamp.of(stat), mimetypes.guess_type(path.name)[0]


def _open_unchanged(path: Path, stamp: FileStamp) -> BufferedReader:
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise FileChanged(f"{path.name} was moved or deleted while it was being uploaded") from None
    except OSError as error:
        raise TransferError(f"Cannot read {path.name}: {error.strerror or error}") from None
    try:
        check_stamp(path, os.fstat(handle.fileno()), stamp)
    except BaseException:
        handle.close()
        raise
    return handle


def _resumable(error: BaseException) -> bool:
    """Whether a later run may continue this upload (else its journal entry is closed as failed)."""
    return isinstance(error, (NetworkError, AuthError)) or (isinstance(error, ApiError) and error.retryable)


class _Run:
    """One run of one upload: which pieces still go, what the server said it holds, the hasher."""

    def __init__(
        self, uploader: Uploader, entry: UploadEntry, path: Path, name: str, stamp: FileStamp,
        content_type: str | None, progress: TransferProgress, admit: Admit | None,
    ) -> None:
        self.client = uploader.client
        self.journal = uploader.journal
        self.options = uploader.options
        self.entry = entry
        self.path = path
        self.name = name
        self.stamp = stamp
        self.content_type = content_type
        self.progress = progress
        self.admit = admit
        self.link = entry.target.link
        self.pieces = plan_pieces(stamp.size, entry.piece_size)
        self.finished = entry.finished  # by an earlier run
        self.at_risk = entry.started - entry.finished  # on the wire when the last run ended
        self.on_server: set[int] = set()  # what the server's answers said it holds
        self.server_lists = False  # whether its answers say that at all
        self.sent = 0
        self.hasher = InOrderHasher(path, stamp, buffer_limit=self.options.hash_buffer, block=self.options.block_size)

    async def go(self) -> UploadResult:
        try:
            attachment = await self._deliver_everything()
            return await self._verified(attachment)
        except Exception as error:
            if self.journal is not None and not _resumable(error):
                await complete(self.journal.fail(self.entry, str(error)))
            raise

    async def _deliver_everything(self) -> Attachment:
        resumed = len(self.finished)
        self.progress.plan(self.stamp.size, [piece.size for piece in self.pieces], self.finished)
        self.progress.checksum = ChecksumState.COMPUTING
        for piece in self.pieces:
            if piece.index in self.finished:
                self.hasher.read_later(piece.offset, piece.size)  # sent by an earlier run: read for the checksum
        todo = deque(piece for piece in self.pieces if piece.index not in self.finished)
        attachment = None
        fresh = [piece for piece in todo if piece.index not in self.at_risk]
        if self.at_risk and fresh:
            # One piece alone first: its answer says which of the pieces at risk the server has.
            todo.remove(fresh[0])
            attachment = await self._deliver(fresh[0])
        attachment = await self._deliver_all(todo) or attachment
        if attachment is None and self.server_lists:
            # Every piece was acknowledged, yet no attachment: the server lost some (a restart, a clean-up).
            missing = deque(piece for piece in self.pieces if piece.index not in self.on_server)
            log.info("server is missing %d piece(s) of %s; sending them again", len(missing), self.name)
            attachment = await self._deliver_all(missing)
        if attachment is None:
            raise TransferError(
                f"The server acknowledged every piece of {self.name} but did not assemble it: upload it again"
            )
        log.info("%s: %d piece(s) sent, %d resumed", self.name, self.sent, resumed)
        return attachment

    async def _deliver_all(self, todo: deque[Piece]) -> Attachment | None:
        """Send ``todo`` with up to ``parallel_pieces`` in flight; the attachment if one answer was it."""
        found: list[Attachment] = []

        async def sender() -> None:
            while todo:
                piece = todo.popleft()
                if piece.index in self.at_risk and piece.index in self.on_server:
                    # It arrived in the last run after all: not sent now, so read for the checksum.
                    self.hasher.read_later(piece.offset, piece.size)
                    await self._acknowledged(piece)
                    continue
                attachment = await self._deliver(piece)
                if attachment is not None:
                    found.append(attachment)

        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(min(self.options.parallel_pieces, len(todo))):
                    group.create_task(sender())
        except BaseExceptionGroup as failures:
            raise failures.exceptions[0] from None
        return found[-1] if found else None

    async def _deliver(self, piece: Piece) -> Attachment | None:
        """Send one piece until the server takes it (or the retries run out)."""
        if self.journal is not None:
            await self.journal.piece_started(self.entry, piece.index)
        attempt = 0
        while True:
            attempt += 1
            self.progress.piece_started(piece.index)
            try:
                answer = await self._send(piece)
                break
            except Exception as error:
                self.progress.piece_failed(piece.index)
                if not self.options.retry.should_retry(error, attempt):
                    raise
                delay = self.options.retry.delay(error, attempt)
                log.info("piece %d of %s failed (%s); again in %.1f s", piece.index, self.name, error, delay)
                await asyncio.sleep(delay)
        self.sent += 1
        if isinstance(answer, Attachment):
            self.progress.piece_done(piece.index)
            return answer
        if answer.received is not None:
            self.server_lists = True
            self.on_server.update(answer.received)
        await self._acknowledged(piece)
        return None

    async def _acknowledged(self, piece: Piece) -> None:
        if self.journal is not None:
            await complete(self.journal.piece_finished(self.entry, piece.index))
        self.progress.piece_done(piece.index)

    async def _send(self, piece: Piece) -> Attachment | PieceReceipt:
        handle = await acquire_in_thread(partial(_open_unchanged, self.path, self.stamp), BufferedReader.close)
        body = self._blocks(handle, piece)
        whole = len(self.pieces) == 1
        try:
            return await self.client.upload(
                self.name, body, piece.size, link=self.link, chunk=None if whole else piece.index,
                chunks=None if whole else len(self.pieces), content_type=self.content_type,
            )
        finally:
            await body.aclose()
            handle.close()

    async def _blocks(self, handle: BufferedReader, piece: Piece) -> AsyncGenerator[bytes, None]:
        """The piece's bytes in blocks; the next block is read (in a thread) while this one is sent."""
        end = piece.offset + piece.size
        reading = self._read(handle, piece.offset, end) if piece.size else None
        offset = piece.offset
        try:
            while reading is not None:
                block = await reading
                await self.hasher.offer(offset, block)
                following = offset + len(block)
                reading = self._read(handle, following, end) if following < end else None
                if self.admit is not None:
                    await self.admit(len(block))
                yield block
                self.progress.piece_moved(piece.index, len(block))  # asked for more: this one went out
                offset = following
        finally:
            await let_finish(reading)  # the handle is closed after us: let the thread finish with it

    def _read(self, handle: BufferedReader, offset: int, end: int) -> "asyncio.Task[bytes]":
        length = min(self.options.block_size, end - offset)
        return asyncio.ensure_future(asyncio.to_thread(read_exactly, handle, self.path, offset, length))

    async def _verified(self, attachment: Attachment) -> UploadResult:
        self.progress.set_state(TransferState.VERIFYING)
        digest = await self.hasher.digest(self.stamp.size)
        stamp_now, _ = await asyncio.to_thread(_inspect, self.path)
        if stamp_now != self.stamp:
            raise FileChanged(f"{self.path.name} changed while it was being uploaded: upload it again once saved")
        self.progress.sha256 = digest.sha256
        verified = verify(self.name, attachment, digest)
        self.progress.checksum = ChecksumState.VERIFIED if verified else ChecksumState.UNCHECKED
        if self.journal is not None:
            await complete(self.journal.finish(self.entry, attachment.id))
        return UploadResult(attachment, digest, verified, self.sent, len(self.entry.finished))
