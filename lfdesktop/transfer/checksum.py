"""SHA-256 and CRC32 of a file, computed from the blocks that are being sent, and the comparison with the server.

``InOrderHasher`` serves uploads whose pieces travel in parallel: senders offer each block they read with its
file offset. The block at the hashing head is handed to a worker thread at once; blocks ahead of the head wait
in a bounded buffer, and past that bound they are dropped and read again from the file (in the worker thread)
once the head gets to them. With one piece in flight every block arrives at the head: the file is read once
(should hashing fall a buffer's worth behind, the sender waits for it).
"""

import asyncio
import hashlib
import os
import zlib
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol

from lfdesktop.api.models import crc32_matches

from .errors import ChecksumMismatch, FileChanged

BLOCK = 1024 * 1024
HASH_BUFFER = 16 * 1024 * 1024


@dataclass(frozen=True)
class FileDigest:
    size: int
    sha256: str  # lower-case hex
    crc32: int

    @property
    def crc32_hex(self) -> str:
        return f"{self.crc32:08x}"


@dataclass(frozen=True)
class FileStamp:
    """What says a file is still the one we started with."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, result: os.stat_result) -> "FileStamp":
        return cls(result.st_size, result.st_mtime_ns)


class StreamHasher:
    """SHA-256 and CRC32 over blocks fed in order. Call from one thread at a time."""

    def __init__(self) -> None:
        self._sha256 = hashlib.sha256()
        self._crc32 = 0
        self._size = 0

    @property
    def size(self) -> int:
        return self._size

    def update(self, block: bytes) -> None:
        self._sha256.update(block)  # both release the GIL on blocks this size
        self._crc32 = zlib.crc32(block, self._crc32)
        self._size += len(block)

    def digest(self) -> FileDigest:
        return FileDigest(self._size, self._sha256.hexdigest(), self._crc32)


def check_stamp(path: Path, handle_stat: os.stat_result, stamp: FileStamp) -> None:
    if FileStamp.of(handle_stat) != stamp:
        raise FileChanged(f"{path.name} changed while it was being uploaded: upload it again once it is saved")


class ReadableFile(Protocol):
    def seek(self, offset: int, /) -> int: ...
    def read(self, size: int, /) -> bytes: ...


def read_exactly(handle: ReadableFile, path: Path, offset: int, length: int) -> bytes:
    """``length`` bytes at ``offset``; fewer means the file was cut short under us."""
    handle.seek(offset)
    block = handle.read(length)
    if len(block) != length:
        raise FileChanged(f"{path.name} got shorter while it was being uploaded: upload it again once it is saved")
    return block


class InOrderHasher:
    """Hashes a file from blocks offered in any order; ``offer`` is called on the event loop only."""

    def __init__(self, path: Path, stamp: FileStamp, *, buffer_limit: int = HASH_BUFFER, block: int = BLOCK) -> None:
        self._path = path
        self._stamp = stamp
        self._limit = buffer_limit
        self._block = block
        self._hasher = StreamHasher()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lfdesktop-hash")
        self._head = 0  # everything before it is handed to the worker, in order
        self._ahead: dict[int, bytes] = {}  # offset -> block waiting for the head
        self._reread: dict[int, int] = {}  # offset -> length to read from the file when the head gets there
        self._waiting = 0  # bytes in ``_ahead``
        # Bytes handed to the worker and bytes it hashed: each counter is written by one thread only.
        self._queued = 0
        self._hashed = 0
        self._jobs: deque[asyncio.Future[None]] = deque()  # handed to the worker, not done yet, oldest first
        self._failure: BaseException | None = None
        self._closing = False

    def read_later(self, offset: int, length: int) -> None:
        """Bytes nobody will offer (pieces sent by an earlier run): read them from the file in turn."""
        if length > 0 and offset >= self._head:
            self._reread[offset] = length
            self._advance()

    async def offer(self, offset: int, block: bytes) -> None:
        """A block just read for sending. At the head it goes to the worker (waiting first while the worker
        is a buffer's worth behind, so the file is never read twice for that); ahead of the head it waits in
        the buffer while there is room, and is read again from the file later when there is not."""
        size = len(block)
        while offset == self._head and self._jobs and self._held() + size > self._limit:
            await asyncio.wait([self._jobs[0]])
        if offset < self._head or offset in self._ahead or not size:
            return  # hashed already (a resent piece) or already waiting
        if offset == self._head:
            self._submit_block(block)
            self._advance()
        elif self._held() + size <= self._limit:
            self._reread.pop(offset, None)
            self._ahead[offset] = block
            self._waiting += size
        else:
            self._reread.setdefault(offset, size)

    async def digest(self, size: int) -> FileDigest:
        """Hash whatever nobody offered up to ``size``, then the digest of the whole file."""
        self._advance()
        while self._head < size:
            later = [offset for offset in (*self._ahead, *self._reread) if offset > self._head]
            self._reread[self._head] = min([*later, size]) - self._head
            self._advance()
        if self._jobs:
            await asyncio.wait([self._jobs[-1]])
        if self._failure is not None:
            raise self._failure
        return self._hasher.digest()

    async def aclose(self) -> None:
        self._closing = True  # a long re-read in the worker stops at its next block
        self._ahead.clear()
        self._waiting = 0
        await asyncio.to_thread(self._worker.shutdown, wait=True, cancel_futures=True)

    def _advance(self) -> None:
        while True:
            if self._head in self._ahead:
                block = self._ahead.pop(self._head)
                self._waiting -= len(block)
                self._submit_block(block)
            elif self._head in self._reread:
                length = self._reread.pop(self._head)
                self._submit(partial(self._hash_from_file, self._head, length))
                self._head += length
                self._forget_behind_head()
            else:
                return

    def _forget_behind_head(self) -> None:
        """A re-read range may cover blocks offered meanwhile: they are not needed any more."""
        for offset in [offset for offset in self._ahead if offset < self._head]:
            self._waiting -= len(self._ahead.pop(offset))
        for offset in [offset for offset in self._reread if offset < self._head]:
            del self._reread[offset]

    def _submit_block(self, block: bytes) -> None:
        self._queued += len(block)
        self._submit(partial(self._hash_block, block))
        self._head += len(block)

    def _submit(self, job: "partial[None]") -> None:
        future = asyncio.get_running_loop().run_in_executor(self._worker, job)
        future.add_done_callback(self._job_done)
        self._jobs.append(future)

    def _held(self) -> int:
        return self._waiting + self._queued - self._hashed

    def _job_done(self, future: "asyncio.Future[None]") -> None:
        while self._jobs and self._jobs[0].done():
            self._jobs.popleft()
        if not future.cancelled() and future.exception() is not None and self._failure is None:
            self._failure = future.exception()

    def _hash_block(self, block: bytes) -> None:
        """In the worker thread."""
        self._hasher.update(block)
        self._hashed += len(block)

    def _hash_from_file(self, offset: int, length: int) -> None:
        """In the worker thread: hash ``length`` bytes at ``offset`` straight from the file."""
        with self._path.open("rb") as handle:
            check_stamp(self._path, os.fstat(handle.fileno()), self._stamp)
            end = offset + length
            while offset < end and not self._closing:
                block = read_exactly(handle, self._path, offset, min(self._block, end - offset))
                self._hasher.update(block)
                offset += len(block)


class ServerDigest(Protocol):
    """What the server says about a file: an ``Attachment`` or a message's ``MessageFile``."""

    @property
    def size(self) -> int: ...
    @property
    def checksum(self) -> str: ...
    @property
    def crc32(self) -> str: ...


def verify(name: str, server: ServerDigest, local: FileDigest) -> bool:
    """Raise ``ChecksumMismatch`` naming both values where they differ; False when the server gave no checksum."""
    differences = []
    if server.size != local.size:
        differences.append(f"size: server {server.size} bytes, here {local.size} bytes")
    if server.checksum and server.checksum.lower() != local.sha256:
        differences.append(f"SHA-256: server {server.checksum.lower()}, here {local.sha256}")
    if server.crc32 and not crc32_matches(server.crc32, local.crc32):
        differences.append(f"CRC32: server {server.crc32.lower()}, here {local.crc32_hex}")
    if differences:
        raise ChecksumMismatch(f"{name} is not the same on the server as here ({'; '.join(differences)})")
    return bool(server.checksum)
