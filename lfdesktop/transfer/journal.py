"""The durable upload journal: what was sent where, so that a later run sends only the missing pieces.

One SQLite file in a directory the caller gives (the app passes the user's data dir). Each upload is a row
(server, account, file path, size, mtime_ns, the name used on the server, target, piece size and count,
state, attachment id once done); each piece that was started or finished is a row of its own, written in a
transaction of its own. A piece recorded as started but not finished may or may not have reached the
server: the uploader asks the server before sending such pieces again.

Every call runs in one worker thread of the journal's own: SQLite waits for the disk, the event loop must not.
"""

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from .sqlitefile import open_journal_db

log = logging.getLogger(__name__)

FILENAME = "uploads.sqlite3"
SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    id INTEGER PRIMARY KEY AUTOINCREMENT, server_url TEXT NOT NULL, account TEXT NOT NULL, path TEXT NOT NULL,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, server_name TEXT NOT NULL, link INTEGER NOT NULL,
    piece_size INTEGER NOT NULL, pieces INTEGER NOT NULL, state TEXT NOT NULL, attachment_id TEXT,
    error TEXT, started_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS uploads_file ON uploads(server_url, account, path, state);
CREATE TABLE IF NOT EXISTS upload_pieces (
    upload_id INTEGER NOT NULL REFERENCES uploads(id) ON DELETE CASCADE, piece INTEGER NOT NULL,
    state TEXT NOT NULL, PRIMARY KEY (upload_id, piece));
"""

ACTIVE, DONE, FAILED, SUPERSEDED = "active", "done", "failed", "superseded"
STARTED, FINISHED = "started", "finished"

T = TypeVar("T")


@dataclass(frozen=True)
class UploadTarget:
    """Which upload a journal entry is about: the same file to the same place resumes it."""

    server_url: str
    account: str
    path: str
    size: int
    mtime_ns: int
    server_name: str
    link: bool


@dataclass(frozen=True)
class UploadEntry:
    id: int
    target: UploadTarget
    piece_size: int
    pieces: int
    finished: frozenset[int]  # the server acknowledged these
    started: frozenset[int]  # sent, or being sent, when the last run ended without an answer

    @property
    def resumed(self) -> bool:
        return bool(self.finished or self.started)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Journal:
    """Open with ``await Journal.open(directory)``; ``aclose()`` when done."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / FILENAME
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lfdesktop-journal")
        self._db: sqlite3.Connection | None = None

    @classmethod
    async def open(cls, directory: Path) -> "Journal":
        journal = cls(directory)
        await journal._call(journal._connect)
        return journal

    async def aclose(self) -> None:
        await self._call(self._disconnect)
        await asyncio.to_thread(self._worker.shutdown)

    async def begin(self, target: UploadTarget, piece_size: int, pieces: int) -> UploadEntry:
        """The unfinished upload of this very file to this place, or a new entry."""
        return await self._call(self._begin, target, piece_size, pieces)

    async def piece_started(self, entry: UploadEntry, piece: int) -> None:
        await self._call(self._set_piece, entry.id, piece, STARTED)

    async def piece_finished(self, entry: UploadEntry, piece: int) -> None:
        await self._call(self._set_piece, entry.id, piece, FINISHED)

    async def finish(self, entry: UploadEntry, attachment_id: str) -> None:
        await self._call(self._end, entry.id, DONE, attachment_id, None)

    async def fail(self, entry: UploadEntry, reason: str) -> None:
        """Never to be resumed (the file changed, the server refused it, the checksums differ)."""
        await self._call(self._end, entry.id, FAILED, None, reason)

    async def unfinished(self, server_url: str, account: str) -> list[UploadEntry]:
        """Uploads to resume for this account (after a crash or a kill), oldest first."""
        return await self._call(self._unfinished, server_url, account)

    # ---- in the worker thread ----

    async def _call(self, job: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._worker, job, *args)

    def _connect(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._opened()
        except sqlite3.DatabaseError as error:
            # A damaged journal costs only the chance to resume: keep it aside for a look, start afresh.
            stamp = f"{datetime.now(UTC):%Y%m%d%H%M%S}"
            log.warning("upload journal %s is unreadable (%s); moved aside as *.damaged-%s", self.path, error, stamp)
            for suffix in ("", "-wal", "-shm"):
                damaged = self.path.with_name(FILENAME + suffix)
                if damaged.exists():
                    damaged.replace(damaged.with_name(f"{damaged.name}.damaged-{stamp}"))
            self._db = self._opened()

    def _opened(self) -> sqlite3.Connection:
        return open_journal_db(self.path, SCHEMA, SCHEMA_VERSION)

    def _disconnect(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def _conn(self) -> sqlite3.Connection:
        assert self._db is not None, "the journal is closed"
        return self._db

    def _begin(self, target: UploadTarget, piece_size: int, pieces: int) -> UploadEntry:
        db = self._conn
        with db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute(
                "SELECT * FROM uploads WHERE server_url = ? AND account = ? AND path = ? AND size = ?"
                " AND mtime_ns = ? AND server_name = ? AND link = ? AND state = ? ORDER BY id DESC LIMIT 1",
                (target.server_url, target.account, target.path, target.size, target.mtime_ns,
                 target.server_name, int(target.link), ACTIVE),
            ).fetchone()
            if row is not None:
                return self._entry(row)
            # Earlier unfinished uploads under this name (another version of the file) can never resume now.
            now = _now()
            db.execute(
                "UPDATE uploads SET state = ?, updated_at = ? WHERE server_url = ? AND account = ?"
                " AND server_name = ? AND state = ?",
                (SUPERSEDED, now, target.server_url, target.account, target.server_name, ACTIVE),
            )
            cursor = db.execute(
                "INSERT INTO uploads (server_url, account, path, size, mtime_ns, server_name, link, piece_size,"
                " pieces, state, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (target.server_url, target.account, target.path, target.size, target.mtime_ns,
                 target.server_name, int(target.link), piece_size, pieces, ACTIVE, now, now),
            )
            assert cursor.lastrowid is not None
            return UploadEntry(cursor.lastrowid, target, piece_size, pieces, frozenset(), frozenset())

    def _entry(self, row: sqlite3.Row) -> UploadEntry:
        pieces = self._conn.execute("SELECT piece, state FROM upload_pieces WHERE upload_id = ?", (row["id"],))
        states = {int(piece["piece"]): str(piece["state"]) for piece in pieces}
        target = UploadTarget(
            server_url=row["server_url"], account=row["account"], path=row["path"], size=row["size"],
            mtime_ns=row["mtime_ns"], server_name=row["server_name"], link=bool(row["link"]),
        )
        return UploadEntry(
            id=row["id"], target=target, piece_size=row["piece_size"], pieces=row["pieces"],
            finished=frozenset(piece for piece, state in states.items() if state == FINISHED),
            started=frozenset(piece for piece, state in states.items() if state == STARTED),
        )

    def _set_piece(self, upload_id: int, piece: int, state: str) -> None:
        db = self._conn
        with db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "INSERT INTO upload_pieces (upload_id, piece, state) VALUES (?, ?, ?)"
                " ON CONFLICT (upload_id, piece) DO UPDATE SET state = excluded.state",
                (upload_id, piece, state),
            )
            db.execute("UPDATE uploads SET updated_at = ? WHERE id = ?", (_now(), upload_id))

    def _end(self, upload_id: int, state: str, attachment_id: str | None, error: str | None) -> None:
        db = self._conn
        with db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "UPDATE uploads SET state = ?, attachment_id = ?, error = ?, updated_at = ? WHERE id = ?",
                (state, attachment_id, error, _now(), upload_id),
            )
            db.execute("DELETE FROM upload_pieces WHERE upload_id = ?", (upload_id,))

    def _unfinished(self, server_url: str, account: str) -> list[UploadEntry]:
        rows = self._conn.execute(
            "SELECT * FROM uploads WHERE server_url = ? AND account = ? AND state = ? ORDER BY id",
            (server_url, account, ACTIVE),
        ).fetchall()
        return [self._entry(row) for row in rows]
