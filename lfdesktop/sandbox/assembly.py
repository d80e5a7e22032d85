"""Receiving upload bodies to disk and assembling pieces into one verified file.

The network side never waits for the disk: each 1 MiB block is written and hashed in a worker thread
while the next block arrives. A piece that is next in file order streams straight into the assembled
file, so a client sending pieces in order has every byte written once and hashed once, as it arrives.
Pieces that arrive early wait in piece files; a background catch-up appends them when their turn comes.
"""

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from .digest import Digest
from .errors import TooLarge

BLOCK = 1024 * 1024


async def receive_body(
    blocks: AsyncIterator[bytes], dest: Path, limit: int, digest: Digest | None = None, *, append: bool = False
) -> int:
    """Stream ``blocks`` into ``dest`` (after its end with ``append``); nothing of them stays if anything fails."""
    loop = asyncio.get_running_loop()
    file = await asyncio.to_thread(dest.open, "ab" if append else "wb")
    start = file.tell()
    pending: asyncio.Future[None] | None = None
    buffer = bytearray()
    total = 0

    def write(block: bytearray) -> None:
        file.write(block)
        if digest is not None:
            digest.update(block)

    try:
        async for chunk in blocks:
            total += len(chunk)
            if total > limit:
                raise TooLarge(f"Upload is larger than the {limit // 1024**2} MB allowed")
            buffer += chunk
            if len(buffer) >= BLOCK:
                if pending is not None:
                    await pending
                block, buffer = buffer, bytearray()
                pending = loop.run_in_executor(None, write, block)
        if pending is not None:
            await pending
        if buffer:
            await asyncio.to_thread(write, buffer)
    except BaseException:
        if pending is not None and not pending.done():
            await asyncio.shield(pending)
        await asyncio.shield(asyncio.to_thread(_undo, file, dest, start, append))
        raise
    await asyncio.to_thread(file.close)
    return total


def _undo(file: BinaryIO, dest: Path, start: int, append: bool) -> None:
    file.close()
    if append:
        os.truncate(dest, start)
    else:
        dest.unlink(missing_ok=True)


def upload_dir(incoming: Path, user_id: str, filename: str) -> Path:
    """Where an upload's pieces wait: named by a hash, so a file name never becomes a path."""
    key = hashlib.sha256(f"{user_id}\0{filename}".encode()).hexdigest()[:32]
    return incoming / key


def piece_path(directory: Path, raw_index: int) -> Path:
    return directory / f"{raw_index:06d}.piece"


class Assembler:
    """Builds ``assembled`` from the pieces in file order, keeping the digest at each piece boundary.

    A piece's bytes live in its piece file, or only in ``assembled`` when it was streamed there directly.
    Lives in memory; after a restart, ``recover`` rebuilds it from the files on disk.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.final = directory / "assembled"
        self.appended: list[int] = []
        self.boundaries: list[Digest] = [Digest()]  # boundaries[i]: state before appended[i]
        self.lock = asyncio.Lock()

    def next_in(self, order: list[int]) -> int | None:
        return order[len(self.appended)] if len(self.appended) < len(order) else None

    async def stream(
        self, raw_index: int, order: list[int], blocks: AsyncIterator[bytes], limit: int
    ) -> int | None:
        """Receive the piece straight into ``assembled`` if it is next in order; its size, else None."""
        async with self.lock:
            if self.next_in(order) != raw_index:
                return None
            digest = self.boundaries[-1].copy()
            size = await receive_body(blocks, self.final, limit, digest, append=True)
            self.appended.append(raw_index)
            self.boundaries.append(digest)
            return size

    async def put(self, raw_index: int, body: Path) -> None:
        """Move a received piece into place; a resent one also cuts the assembled file back to where it began.

        Both happen under the lock, so a catch-up running meanwhile never appends the bytes being replaced.
        """
        async with self.lock:
            if raw_index in self.appended:
                await asyncio.to_thread(self._cut_back, self.appended.index(raw_index))
            await asyncio.to_thread(os.replace, body, piece_path(self.directory, raw_index))

    def _cut_back(self, position: int) -> None:
        """Forget pieces from ``position`` on; those that live only in ``assembled`` get piece files first."""
        with self.final.open("rb") as assembled:
            for later in range(position + 1, len(self.appended)):
                path = piece_path(self.directory, self.appended[later])
                if not path.exists():
                    start, end = self.boundaries[later].size, self.boundaries[later + 1].size
                    assembled.seek(start)
                    _copy(assembled, path, end - start)
        os.truncate(self.final, self.boundaries[position].size)
        del self.appended[position:]
        del self.boundaries[position + 1 :]

    async def catch_up(self, order: list[int], stored: set[int]) -> Digest | None:
        """Append what is next in ``order`` and stored; the final digest once all of ``order`` is in."""
        async with self.lock:
            todo: list[int] = []
            for raw_index in order[len(self.appended) :]:
                if raw_index not in stored:
                    break
                todo.append(raw_index)
            if todo:
                digest = self.boundaries[-1].copy()
                try:
                    states = await asyncio.to_thread(self._append, todo, digest)
                except BaseException:
                    await asyncio.to_thread(_truncate, self.final, self.boundaries[-1].size)
                    raise
                self.appended.extend(todo)
                self.boundaries.extend(states)
            return self.boundaries[-1] if len(self.appended) == len(order) else None

    def _append(self, todo: list[int], digest: Digest) -> list[Digest]:
        states = []
        with self.final.open("ab") as out:
            for raw_index in todo:
                with piece_path(self.directory, raw_index).open("rb") as piece:
                    while block := piece.read(BLOCK):
                        digest.update(block)
                        out.write(block)
                states.append(digest.copy())
        return states

    def recover(self, order: list[int] | None, stored: Mapping[int, int]) -> list[int]:
        """Rebuild the state after a restart from ``assembled`` and the piece sizes on record.

        Returns the stored pieces whose bytes are nowhere (cut off by a crash): they must be sent again.
        """
        size = self.final.stat().st_size if self.final.exists() else 0
        digest = Digest()
        if order is not None and size:
            with self.final.open("rb") as assembled:
                for raw_index in order:
                    piece_size = stored.get(raw_index)
                    if piece_size is None or digest.size + piece_size > size:
                        break
                    _feed(assembled, digest, piece_size)
                    self.appended.append(raw_index)
                    self.boundaries.append(digest.copy())
        _truncate(self.final, digest.size)
        kept = set(self.appended)
        return [index for index in stored if index not in kept and not piece_path(self.directory, index).exists()]


def _read_exactly(source: BinaryIO, count: int) -> Iterator[bytes]:
    """``count`` bytes of ``source`` in blocks; a file shorter than the record says is an error."""
    while count > 0:
        block = source.read(min(BLOCK, count))
        if not block:
            raise OSError("assembled file ended early")
        count -= len(block)
        yield block


def _feed(source: BinaryIO, digest: Digest, count: int) -> None:
    for block in _read_exactly(source, count):
        digest.update(block)


def _copy(source: BinaryIO, dest: Path, count: int) -> None:
    with dest.open("wb") as out:
        for block in _read_exactly(source, count):
            out.write(block)


def _truncate(path: Path, size: int) -> None:
    if path.exists():
        os.truncate(path, size)
