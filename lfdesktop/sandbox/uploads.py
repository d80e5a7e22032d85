"""Uploading files: whole, or in pieces (``chunks``/``chunk``) in any order and of any sizes.

A piece's body goes to ``tmp/`` first and becomes part of the upload only once it arrived whole, so a
dropped connection leaves nothing behind. Received pieces are kept (on disk and in ``upload_pieces``)
until the last one arrives, so a client can resume by sending only what is missing; a resent piece
replaces the earlier one. Every request's outcome is written to ``upload_log`` for tests to count.
"""

import asyncio
import contextlib
import logging
import os
import shutil
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from aiohttp import BodyPartReader, MultipartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from . import attachments, clock, faults
from .assembly import BLOCK, Assembler, receive_body, upload_dir
from .digest import Digest
from .errors import Conflict, Rejected, TooLarge
from .ids import new_id
from .protocol import Routes, current_user, json_ok, wants_json
from .state import SandboxState, state
from .users import User
from .validate import parse_int

log = logging.getLogger("lfdesktop.sandbox.uploads")
routes = Routes()

MAX_FILENAME_BYTES = 255
MAX_PIECES = 100_000
# An unfinished upload untouched this long may be replaced by a new one under the same name.
STALE_AFTER = timedelta(hours=24)


@dataclass
class UploadRegistry:
    """In-memory bookkeeping of uploads under way; the durable part is in the store."""

    receiving: set[tuple[str, str, int]] = field(default_factory=set)
    declared: dict[tuple[str, str, int], int] = field(default_factory=dict)  # in-flight pieces' lengths
    finishing: set[tuple[str, str]] = field(default_factory=set)
    assemblers: dict[tuple[str, str], Assembler] = field(default_factory=dict)
    background: set[asyncio.Task[object]] = field(default_factory=set)


REGISTRY: web.AppKey[UploadRegistry] = web.AppKey("uploads", UploadRegistry)


@dataclass(frozen=True)
class Piece:
    user: User
    filename: str
    chunks: int
    raw_index: int
    content_type: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.user.id, self.filename)

    @property
    def whole(self) -> bool:
        return self.chunks == 1


def valid_filename(value: str | None) -> str:
    if not value:
        raise Rejected("filename is required")
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise Rejected("filename must not contain control characters")
    if "/" in value or "\\" in value:
        raise Rejected("filename must not contain path separators (/ or \\)")
    if value.strip() in ("", ".", ".."):
        raise Rejected(f"{value!r} is not a valid filename")
    if len(value.encode("utf-8")) > MAX_FILENAME_BYTES:
        raise Rejected(f"filename is too long (at most {MAX_FILENAME_BYTES} bytes)")
    return value


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[1].lower() if "." in filename else ""


def _extensions(listed: str) -> set[str]:
    """``"doc, .PDF,zip"`` -> ``{"doc", "pdf", "zip"}``."""
    return {item.strip().lstrip(".").lower() for item in listed.split(",") if item.strip()}


def check_policy(sandbox: SandboxState, user: User, filename: str) -> None:
    """Blocked extensions of the user's group, or a filedrop's own rules."""
    extension = _extension(filename)
    if extension and extension in user.group.blocked_extensions:
        raise Rejected(f"Files of type .{extension} are not permitted")
    if user.filedrop_id is None:
        return
    row = sandbox.store.one("SELECT * FROM filedrops WHERE id = ?", (user.filedrop_id,))
    if row is None:
        raise Rejected("This filedrop no longer exists")
    invalid = _extensions(str(row["invalid_extensions"]))
    accepted = _extensions(str(row["accepted_filetypes"]))
    if extension in invalid or (accepted and extension not in accepted):
        raise Rejected(f"Files of type .{extension or '(none)'} are not accepted by this filedrop")


def max_upload_bytes(sandbox: SandboxState, user: User) -> int:
    if user.filedrop_id is not None:
        row = sandbox.store.one("SELECT max_filesize FROM filedrops WHERE id = ?", (user.filedrop_id,))
        if row is not None:
            return int(row["max_filesize"]) * 1024**2
    return user.group.max_file_size_mb * 1024**2


def piece_numbers(query: Mapping[str, str]) -> tuple[int, int]:
    """(chunks, raw chunk index); a whole upload is one piece numbered 0."""
    chunks_text, chunk_text = query.get("chunks"), query.get("chunk")
    if chunks_text is None and chunk_text is None:
        return 1, 0
    if chunks_text is None or chunk_text is None:
        raise Rejected("chunk and chunks must be given together")
    chunks = parse_int(chunks_text, "chunks", 1, 1, MAX_PIECES)
    # 0-based per the documentation; some clients count 1..N: both are accepted.
    return chunks, parse_int(chunk_text, "chunk", 0, 0, chunks)


def expected_order(chunks: int, stored: set[int]) -> list[int] | None:
    """The raw indices in file order, once the numbering (0- or 1-based) is known."""
    if 0 in stored:
        return list(range(chunks))
    if chunks in stored:
        return list(range(1, chunks + 1))
    return None


def _log(sandbox: SandboxState, piece: Piece, size: int, outcome: str) -> None:
    sandbox.store.insert(
        "upload_log",
        {
            "user_id": piece.user.id, "filename": piece.filename,
            "chunk": None if piece.whole else piece.raw_index, "chunks": None if piece.whole else piece.chunks,
            "bytes": size, "outcome": outcome, "at": clock.now_iso(),
        },
    )


def _stored_pieces(sandbox: SandboxState, piece: Piece) -> dict[int, int]:
    rows = sandbox.store.all(
        "SELECT raw_index, size FROM upload_pieces WHERE user_id = ? AND filename = ?", piece.key
    )
    return {int(row["raw_index"]): int(row["size"]) for row in rows}


def _placed_offsets(sandbox: SandboxState, piece: Piece) -> dict[int, int]:
    """Where pieces written straight into the assembled file were put."""
    rows = sandbox.store.all(
        "SELECT raw_index, placed_at FROM upload_pieces WHERE user_id = ? AND filename = ? AND placed_at IS NOT NULL",
        piece.key,
    )
    return {int(row["raw_index"]): int(row["placed_at"]) for row in rows}


def _forget_pieces(sandbox: SandboxState, piece: Piece, raw_indexes: list[int]) -> None:
    for raw_index in raw_indexes:
        sandbox.store.run(
            "DELETE FROM upload_pieces WHERE user_id = ? AND filename = ? AND raw_index = ?", (*piece.key, raw_index)
        )


def _open_upload(sandbox: SandboxState, registry: UploadRegistry, piece: Piece) -> dict[int, int]:
    """Check the piece fits the upload in progress under its name (or start one); the stored pieces."""
    store = sandbox.store
    row = store.one("SELECT * FROM uploads WHERE user_id = ? AND filename = ?", piece.key)
    stale = row is not None and clock.iso(clock.now() - STALE_AFTER) > str(row["updated_at"])
    if row is not None and int(row["chunks"]) != piece.chunks and not stale:
        raise Rejected(
            f"An upload of {piece.filename} in {row['chunks']} pieces is already in progress;"
            " send its missing pieces or use another filename"
        )
    if row is None or stale:
        _discard_upload(sandbox, registry, piece)
        if piece.whole:
            return {}
        now = clock.now_iso()
        store.insert(
            "uploads",
            {
                "user_id": piece.user.id, "filename": piece.filename, "chunks": piece.chunks,
                "content_type": piece.content_type, "started_at": now, "updated_at": now,
            },
        )
        return {}
    stored = _stored_pieces(sandbox, piece)
    if (piece.raw_index == 0 and piece.chunks in stored) or (piece.raw_index == piece.chunks and 0 in stored):
        raise Rejected("Piece numbers mix 0-based and 1-based counting")
    return stored


def _discard_upload(sandbox: SandboxState, registry: UploadRegistry, piece: Piece) -> None:
    sandbox.store.run("DELETE FROM uploads WHERE user_id = ? AND filename = ?", piece.key)
    sandbox.store.run("DELETE FROM upload_pieces WHERE user_id = ? AND filename = ?", piece.key)
    registry.assemblers.pop(piece.key, None)
    shutil.rmtree(upload_dir(sandbox.incoming, *piece.key), ignore_errors=True)


def _check_free(registry: UploadRegistry, piece: Piece) -> None:
    if piece.key in registry.finishing:
        raise Conflict(f"{piece.filename} is being assembled; wait for its answer")
    busy = {index for (user_id, name, index) in registry.receiving if (user_id, name) == piece.key}
    if piece.raw_index in busy:
        raise Conflict(f"Piece {piece.raw_index} of {piece.filename} is already being received")
    if busy and piece.whole:
        raise Conflict(f"An upload of {piece.filename} is already being received")


async def _finish(
    sandbox: SandboxState, piece: Piece, digest: Digest, source: Path
) -> str:
    """Move the assembled file into place and record the attachment; returns its id."""
    attachment_id = new_id()
    await asyncio.to_thread(os.replace, source, sandbox.blob_path(attachment_id))
    with sandbox.store.transaction():
        attachments.create(sandbox, attachment_id, piece.user.id, piece.filename, piece.content_type, digest)
        sandbox.store.run("DELETE FROM uploads WHERE user_id = ? AND filename = ?", piece.key)
        sandbox.store.run("DELETE FROM upload_pieces WHERE user_id = ? AND filename = ?", piece.key)
    return attachment_id


async def _assembler(
    sandbox: SandboxState, registry: UploadRegistry, piece: Piece, stored: dict[int, int]
) -> Assembler:
    """The upload's assembler; made anew (and rebuilt from disk) after a restart."""
    assembler = registry.assemblers.get(piece.key)
    if assembler is not None:
        return assembler
    directory = upload_dir(sandbox.incoming, *piece.key)
    assembler = registry.assemblers[piece.key] = Assembler(directory)
    async with assembler.lock:
        await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
        lost = await asyncio.to_thread(assembler.recover, stored, _placed_offsets(sandbox, piece))
    _forget_pieces(sandbox, piece, lost)
    for raw_index in lost:
        del stored[raw_index]
    return assembler


def _offset_of(registry: UploadRegistry, piece: Piece, order: list[int], stored: dict[int, int]) -> int | None:
    """Where the piece starts in the file, if every piece before it is stored or on its way with a length."""
    offset = 0
    for raw_index in order[: order.index(piece.raw_index)]:
        size = registry.declared.get((*piece.key, raw_index), stored.get(raw_index))
        if size is None:
            return None
        offset += size
    return offset


async def _receive_piece(
    sandbox: SandboxState, registry: UploadRegistry, assembler: Assembler, piece: Piece, stored: dict[int, int],
    source: "BodySource", limit: int,
) -> tuple[Path | None, int, int | None]:
    """Receive a piece: straight into its place in the assembled file when that is known (no body file, and
    the offset), else into a body file in tmp/."""
    order = expected_order(piece.chunks, {*stored, piece.raw_index})
    if order is not None and source.declared_size is not None:
        offset = _offset_of(registry, piece, order, stored)
        if offset is not None:
            limit = min(limit, source.declared_size)  # it must not spill into the next piece's place
            return None, await assembler.write(piece.raw_index, offset, order, source.blocks, limit), offset
    body = sandbox.tmp / new_id()
    return body, await receive_body(source.blocks, body, limit), None


async def _catch_up(sandbox: SandboxState, assembler: Assembler, piece: Piece, order: list[int]) -> Digest | None:
    """Hash what is next in order; pieces found missing are forgotten, so the client is told to send them."""
    digest, lost = await assembler.catch_up(order, _stored_pieces(sandbox, piece))
    _forget_pieces(sandbox, piece, lost)
    return digest


async def _store_piece(
    sandbox: SandboxState, registry: UploadRegistry, assembler: Assembler, piece: Piece, body: Path | None,
    size: int, placed_at: int | None,
) -> str | None:
    """Keep a piece of a multi-piece upload; assemble when it was the last one missing."""
    if body is not None:
        await assembler.put(piece.raw_index, body)
    now = clock.now_iso()
    sandbox.store.run(
        "INSERT OR REPLACE INTO upload_pieces (user_id, filename, raw_index, size, received_at, placed_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (*piece.key, piece.raw_index, size, now, placed_at),
    )
    sandbox.store.run("UPDATE uploads SET updated_at = ? WHERE user_id = ? AND filename = ?", (now, *piece.key))
    _log(sandbox, piece, size, "stored")
    stored = set(_stored_pieces(sandbox, piece))
    order = expected_order(piece.chunks, stored)
    if order is None:
        return None
    if len(stored) < piece.chunks:
        # Hash what is already in order while the rest is still on its way.
        task: asyncio.Task[object] = asyncio.create_task(_catch_up(sandbox, assembler, piece, order))
        registry.background.add(task)
        task.add_done_callback(registry.background.discard)
        return None
    registry.finishing.add(piece.key)
    try:
        digest = await _catch_up(sandbox, assembler, piece, order)
        if digest is None:  # a piece was not where its record said: the answer lists what is missing
            return None
        attachment_id = await _finish(sandbox, piece, digest, await assembler.finish(digest.size))
    finally:
        registry.finishing.discard(piece.key)
    registry.assemblers.pop(piece.key, None)
    await asyncio.to_thread(shutil.rmtree, assembler.directory, ignore_errors=True)
    return attachment_id


class InjectedFault(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class BodySource:
    blocks: AsyncIterator[bytes]
    declared_size: int | None


async def receive(request: web.Request, piece: Piece, blocks_source: BodySource) -> str | None:
    """Receive one piece; the new attachment's id once the upload is complete, else None."""
    sandbox = state(request)
    registry = request.app[REGISTRY]
    check_policy(sandbox, piece.user, piece.filename)
    _check_free(registry, piece)
    stored = _open_upload(sandbox, registry, piece)
    allowed_total = max_upload_bytes(sandbox, piece.user)
    limit = min(sandbox.config.max_piece_bytes, allowed_total - sum(stored.values()) + stored.get(piece.raw_index, 0))
    declared = blocks_source.declared_size
    if declared is not None and declared > limit:
        raise TooLarge(f"{piece.filename} is larger than the {limit // 1024**2} MB allowed")
    fault = faults.pick(sandbox)
    token = (*piece.key, piece.raw_index)
    registry.receiving.add(token)
    if declared is not None:
        registry.declared[token] = declared
    try:
        if fault is not None:
            _log(sandbox, piece, 0, f"fault-{fault}")
            raise InjectedFault(fault)
        try:
            if piece.whole:
                whole, digest = sandbox.tmp / new_id(), Digest()
                size = await receive_body(blocks_source.blocks, whole, limit, digest)
            else:
                assembler = await _assembler(sandbox, registry, piece, stored)
                body, size, placed_at = await _receive_piece(
                    sandbox, registry, assembler, piece, stored, blocks_source, limit
                )
        except Exception as exc:
            _log(sandbox, piece, 0, "too-large" if isinstance(exc, TooLarge) else "aborted")
            raise
    finally:
        registry.receiving.discard(token)
        registry.declared.pop(token, None)
    if piece.whole:
        _log(sandbox, piece, size, "stored")
        return await _finish(sandbox, piece, digest, whole)
    return await _store_piece(sandbox, registry, assembler, piece, body, size, placed_at)


def piece_from_request(request: web.Request, user: User) -> Piece:
    filename = valid_filename(request.query.get("filename"))
    chunks, raw_index = piece_numbers(request.query)
    content_type = attachments.content_type_for(
        request.headers.get("Content-Type"), request.query.get("content_type"), filename
    )
    return Piece(user, filename, chunks, raw_index, content_type)


def _answer(request: web.Request, piece: Piece, attachment_id: str | None) -> web.Response:
    """The attachment once assembled; before that, which pieces the server holds."""
    sandbox = state(request)
    if attachment_id is not None:
        row = attachments.find(sandbox.store, attachment_id)
        assert row is not None
        return json_ok({"attachment": attachments.to_json(row)})
    received = sorted(_stored_pieces(sandbox, piece))
    return json_ok(
        {"upload": {"filename": piece.filename, "chunks": piece.chunks, "received": received, "complete": False}}
    )


async def upload(request: web.Request) -> web.StreamResponse:
    user = current_user(request, allow_filedrop=True)
    piece = piece_from_request(request, user)
    source = BodySource(request.content.iter_chunked(BLOCK), request.content_length)
    try:
        attachment_id = await receive(request, piece, source)
    except InjectedFault as fault:
        return await faults.inject(request, fault.kind, state(request).config.stall_seconds)
    return _answer(request, piece, attachment_id)


routes.api("POST", "/message/attachments/upload")(upload)
routes.api("POST", "/link/attachments/upload")(upload)


@contextlib.contextmanager
def _form_errors() -> Iterator[None]:
    """aiohttp's multipart reader raises these on a malformed form: the client's mistake, so a 422."""
    try:
        yield
    except (HttpProcessingError, ValueError, RuntimeError) as exc:
        raise Rejected(f"Malformed multipart/form-data body: {str(exc)[:200]}") from None


async def _next_part(reader: MultipartReader) -> BodyPartReader | None:
    with _form_errors():
        part = await reader.next()
    if part is not None and not isinstance(part, BodyPartReader):
        raise Rejected("Nested multipart bodies are not supported")
    return part


async def _field_value(part: BodyPartReader) -> str:
    with _form_errors():
        return (await part.read(decode=True))[:4096].decode("utf-8", "replace")


async def _part_blocks(part: BodyPartReader) -> AsyncIterator[bytes]:
    with _form_errors():
        while block := await part.read_chunk(BLOCK):
            yield block


@routes.page("POST", "/attachments")
async def legacy_upload(request: web.Request) -> web.StreamResponse:
    """The pre-3.7 form upload: part ``Filedata`` with ``name``, ``chunk``, ``chunks`` fields before it.

    Without a JSON Accept the answer is the bare attachment id, or an empty body for an early piece.
    """
    user = current_user(request, allow_filedrop=True)
    if not request.content_type.startswith("multipart/"):
        raise Rejected("Expected a multipart/form-data body with a Filedata part")
    fields: dict[str, str] = {}
    with _form_errors():
        reader = await request.multipart()
    while (part := await _next_part(reader)) is not None:
        if part.name != "Filedata":
            fields[part.name or ""] = await _field_value(part)
            continue
        filename = valid_filename(fields.get("name") or part.filename)
        chunks, raw_index = piece_numbers({k: v for k, v in fields.items() if k in ("chunk", "chunks")})
        content_type = attachments.content_type_for(part.headers.get("Content-Type"), None, filename)
        piece = Piece(user, filename, chunks, raw_index, content_type)
        try:
            attachment_id = await receive(request, piece, BodySource(_part_blocks(part), None))
        except InjectedFault as fault:
            return await faults.inject(request, fault.kind, state(request).config.stall_seconds)
        if wants_json(request):
            return _answer(request, piece, attachment_id)
        return web.Response(text=attachment_id or "", content_type="text/plain")
    raise Rejected("The form has no Filedata part")


async def on_shutdown(app: web.Application) -> None:
    for task in list(app[REGISTRY].background):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
