"""Receiving upload bodies to disk and assembling pieces into one verified file.

The network side never waits for the disk: each 1 MiB block is written (and, for one-piece uploads,
hashed) in a worker thread while the next block arrives. Pieces of a multi-piece upload are appended to
the assembled file by a background catch-up as soon as they are next in order, so on the last piece
only the remainder is left to hash.
"""

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

from .digest import Digest
from .errors import TooLarge

BLOCK = 1024 * 1024


async def receive_body(
    blocks: AsyncIterator[bytes], dest: Path, limit: int, digest: Digest | None = None
) -> int:
    """Stream ``blocks`` into ``dest``; the file is removed if anything goes wrong."""
    loop = asyncio.get_running_loop()
    file = await asyncio.to_thread(dest.open, "wb")
    pending: asyncio.Future[None] | None = None
    buffer = bytearray()
    total = 0

    def write(block: bytes) -> None:
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
                block, buffer = bytes(buffer), bytearray()
                pending = loop.run_in_executor(None, write, block)
        if pending is not None:
            await pending
        if buffer:
            await asyncio.to_thread(write, bytes(buffer))
    except BaseException:
        if pending is not None and not pending.done():
            await asyncio.shield(pending)
        file.close()
        dest.unlink(missing_ok=True)  # noqa: ASYNC240 - one quick unlink on the failure path
        raise
    await asyncio.to_thread(file.close)
    return total


def upload_dir(incoming: Path, user_id: str, filename: str) -> Path:
    """Where an upload's pieces wait: named by a hash, so a file name never becomes a path."""
    key = hashlib.sha256(f"{user_id}\0{filename}".encode()).hexdigest()[:32]
    return incoming / key


def piece_path(directory: Path, raw_index: int) -> Path:
    return directory / f"{raw_index:06d}.piece"


class Assembler:
    """Appends stored pieces, in order, to ``assembled``, keeping the digest at each piece boundary.

    Lives in memory only; after a restart a new one starts again from the pieces on disk.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.final = directory / "assembled"
        self.final.unlink(missing_ok=True)
        self.appended: list[int] = []
        self.boundaries: list[Digest] = [Digest()]  # boundaries[i]: state before appended[i]
        self.lock = asyncio.Lock()

    async def put(self, raw_index: int, body: Path) -> None:
        """Move a received piece into place; a resent one also cuts the assembled file back to where it began.

        Both happen under the lock, so a catch-up running meanwhile never appends the bytes being replaced.
        """
        async with self.lock:
            if raw_index in self.appended:
                position = self.appended.index(raw_index)
                del self.appended[position:]
                del self.boundaries[position + 1 :]
                size = self.boundaries[position].size
                await asyncio.to_thread(_truncate, self.final, size)
            await asyncio.to_thread(os.replace, body, piece_path(self.directory, raw_index))

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


def _truncate(path: Path, size: int) -> None:
    if path.exists():
        os.truncate(path, size)
