"""Receiving upload bodies to disk and assembling pieces into one verified file.

The network side never waits for the disk: each 1 MiB block is written (and hashed where that is possible)
in a worker thread while the next block arrives. A piece whose place in the file is known when it arrives
(every piece before it stored, or on its way with a declared length) is written straight into ``assembled``
at that offset; the one at the hashing head is also hashed as it streams. So a client sending in order,
or several pieces at once, has every byte written once. A piece whose place is not known yet waits in a
piece file. A background catch-up hashes (and for piece files, copies) what is next in order.
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
    blocks: AsyncIterator[bytes], dest: Path, limit: int, digest: Digest | None = None, *, offset: int | None = None
) -> int:
    """Stream ``blocks`` into a new file ``dest``, or into ``dest`` at ``offset``.

    A new file is removed if anything fails; bytes written at an offset stay, but count for nothing until
    the piece is recorded as stored.
    """
    loop = asyncio.get_running_loop()
    file = await asyncio.to_thread(_open_for_writing, dest, offset)
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
        await asyncio.shield(asyncio.to_thread(_undo, file, dest, offset))
        raise
    await asyncio.to_thread(file.close)
    return total


def _open_for_writing(dest: Path, offset: int | None) -> BinaryIO:
    if offset is None:
        return dest.open("wb")
    file = os.fdopen(os.open(dest, os.O_RDWR | os.O_CREAT, 0o600), "r+b")
    file.seek(offset)
    return file


def _undo(file: BinaryIO, dest: Path, offset: int | None) -> None:
    file.close()
    if offset is None:
        dest.unlink(missing_ok=True)


def upload_dir(incoming: Path, user_id: str, filename: str) -> Path:
    """Where an upload's pieces wait: named by a hash, so a file name never becomes a path."""
    key = hashlib.sha256(f"{user_id}\0{filename}".encode()).hexdigest()[:32]
    return incoming / key


def piece_path(directory: Path, raw_index: int) -> Path:
    return directory / f"{raw_index:06d}.piece"


class Assembler:
    """Builds ``assembled`` from the pieces in file order, keeping the digest at each piece boundary.

    ``placed`` says which pieces already sit in ``assembled`` (at which offset); any other stored piece is in
    its piece file. Lives in memory; after a restart, ``recover`` rebuilds it from the files and the record.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.final = directory / "assembled"
        self.appended: list[int] = []  # the hashed prefix, in file order
        self.boundaries: list[Digest] = [Digest()]  # boundaries[i]: state before appended[i]
        self.placed: dict[int, int] = {}  # raw index -> offset of its bytes in ``assembled``
        self.writing: set[int] = set()  # pieces on their way into ``assembled``: catch-up stops short of them
        self.lock = asyncio.Lock()

    def next_in(self, order: list[int]) -> int | None:
        return order[len(self.appended)] if len(self.appended) < len(order) else None

    async def write(
        self, raw_index: int, offset: int, order: list[int], blocks: AsyncIterator[bytes], limit: int
    ) -> int:
        """Receive a piece straight into ``assembled`` at ``offset``; hashed as it streams when it is next.

        The lock covers bookkeeping only, never the stream: other pieces go on arriving meanwhile.
        """
        async with self.lock:
            self._forget(raw_index)
            self.writing.add(raw_index)
            start = self.boundaries[-1]
            at_head = self.next_in(order) == raw_index and offset == start.size
        try:
            digest = start.copy() if at_head else None
            size = await receive_body(blocks, self.final, limit, digest, offset=offset)
            async with self.lock:
                if digest is not None and self.boundaries[-1] is start:  # no resend cut the hashes back meanwhile
                    self.appended.append(raw_index)
                    self.boundaries.append(digest)
                self.placed[raw_index] = offset
        finally:
            self.writing.discard(raw_index)
        await asyncio.to_thread(piece_path(self.directory, raw_index).unlink, missing_ok=True)  # an older copy
        return size

    async def put(self, raw_index: int, body: Path) -> None:
        """Keep a piece whose place is not known yet in its piece file (replacing an earlier copy)."""
        async with self.lock:
            self._forget(raw_index)
            await asyncio.to_thread(os.replace, body, piece_path(self.directory, raw_index))

    def _forget(self, raw_index: int) -> None:
        """A piece is being sent again: its bytes and the hashes from it on are no longer good."""
        self.placed.pop(raw_index, None)
        if raw_index in self.appended:
            position = self.appended.index(raw_index)
            del self.appended[position:]  # later pieces keep their places: only their hashes go
            del self.boundaries[position + 1 :]

    async def catch_up(self, order: list[int], stored: Mapping[int, int]) -> tuple[Digest | None, list[int]]:
        """Hash (and copy piece files into place) what is next in ``order`` and stored.

        Returns the final digest once all of ``order`` is in, and the pieces found out of place or missing
        (their bytes are not where the record says): those must be sent again.
        """
        async with self.lock:
            todo: list[tuple[int, int]] = []
            offset = self.boundaries[-1].size
            for raw_index in order[len(self.appended) :]:
                if raw_index not in stored or raw_index in self.writing:
                    break
                todo.append((raw_index, offset))
                offset += stored[raw_index]
            lost: list[int] = []
            if todo:
                digest = self.boundaries[-1].copy()
                states, lost = await asyncio.to_thread(self._hash_in_place, todo, stored, digest)
                self.appended.extend(raw_index for raw_index, _ in todo[: len(states)])
                self.boundaries.extend(states)
                for raw_index, start in todo[: len(states)]:
                    self.placed[raw_index] = start
                for raw_index in lost:
                    self.placed.pop(raw_index, None)
            done = not lost and len(self.appended) == len(order)
            return (self.boundaries[-1] if done else None), lost

    def _hash_in_place(
        self, todo: list[tuple[int, int]], stored: Mapping[int, int], digest: Digest
    ) -> tuple[list[Digest], list[int]]:
        states: list[Digest] = []
        with _open_for_writing(self.final, 0) as assembled:
            for raw_index, offset in todo:
                size = stored[raw_index]
                piece = piece_path(self.directory, raw_index)
                if self.placed.get(raw_index) == offset:
                    assembled.seek(offset)
                    for block in _read_exactly(assembled, size):
                        digest.update(block)
                elif piece.exists():
                    assembled.seek(offset)
                    with piece.open("rb") as source:
                        for block in _read_exactly(source, size):
                            digest.update(block)
                            assembled.write(block)
                    piece.unlink()
                else:  # placed where an earlier piece's size, since changed, said it would start
                    return states, [raw_index]
                states.append(digest.copy())
        return states, []

    def recover(self, stored: Mapping[int, int], offsets: Mapping[int, int]) -> list[int]:
        """Rebuild after a restart from the pieces on record (``offsets``: where placed ones were written).

        Returns the stored pieces whose bytes are nowhere (cut off by a crash): they must be sent again.
        Everything is hashed again by the next catch-up.
        """
        size = self.final.stat().st_size if self.final.exists() else 0
        self.placed = {index: offset for index, offset in offsets.items() if offset + stored[index] <= size}
        return [
            index for index in stored
            if index not in self.placed and not piece_path(self.directory, index).exists()
        ]

    async def finish(self, size: int) -> Path:
        """The assembled file, cut to ``size`` (a failed longer attempt may have left bytes past the end)."""
        await asyncio.to_thread(_truncate, self.final, size)
        return self.final


def _read_exactly(source: BinaryIO, count: int) -> Iterator[bytes]:
    """``count`` bytes of ``source`` in blocks; a file shorter than the record says is an error."""
    while count > 0:
        block = source.read(min(BLOCK, count))
        if not block:
            raise OSError("assembled file ended early")
        count -= len(block)
        yield block


def _truncate(path: Path, size: int) -> None:
    if path.exists():
        os.truncate(path, size)
