"""The durable sync journal: per account and server, what was fetched for each message and file.

One SQLite file (``sync.sqlite3``) in the data dir. A message gets a row when sync first takes it on (with
the folder chosen for it, so a later pass and a restart use the same one); a file gets a row once it was
fetched (its checksum and where it went), failed (it is tried again next pass) or is gone from the server.
A file fetched and then deleted by the user keeps its row, so it is not fetched again until ``forget`` is
asked for.

Each change is its own transaction, committed before the next file starts: a crash or a kill costs at most
the file that was under way. Calls run in a worker thread: SQLite waits for the disk, the event loop must not.
"""

import asyncio
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from lfdesktop.api.models import Message, MessageFile
from lfdesktop.transfer.sqlitefile import open_journal_db

log = logging.getLogger(__name__)

FILENAME = "sync.sqlite3"
SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS sync_messages (
    server_url TEXT NOT NULL, account TEXT NOT NULL, message_id TEXT NOT NULL, sender TEXT NOT NULL,
    subject TEXT NOT NULL, folder TEXT NOT NULL, state TEXT NOT NULL, note TEXT, updated_at TEXT NOT NULL,
    PRIMARY KEY (server_url, account, message_id));
CREATE INDEX IF NOT EXISTS sync_messages_folder ON sync_messages(folder);
CREATE TABLE IF NOT EXISTS sync_files (
    server_url TEXT NOT NULL, account TEXT NOT NULL, message_id TEXT NOT NULL, file_id TEXT NOT NULL,
    filename TEXT NOT NULL, size INTEGER NOT NULL, checksum TEXT NOT NULL, local_path TEXT, state TEXT NOT NULL,
    error TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (server_url, account, message_id, file_id));
"""

# Message states: taken on (files to fetch), or expired before everything was fetched (noted once).
OPEN, EXPIRED = "open", "expired"
# File states: fetched and verified (never fetched again), failed (tried again next pass), or gone from the
# server (deleted by its sender, out of downloads: not tried again).
FETCHED, FAILED, GONE = "fetched", "failed", "gone"

T = TypeVar("T")
FileKey = tuple[str, str]  # (message id, file id)


@dataclass(frozen=True)
class Scope:
    """Whose sync this is: one account on one server."""

    server_url: str
    account: str


@dataclass(frozen=True)
class MessageRecord:
    message_id: str
    folder: Path
    state: str
    note: str | None


@dataclass(frozen=True)
class FileRecord:
    message_id: str
    file_id: str
    filename: str
    state: str
    local_path: Path | None
    checksum: str
    error: str | None

    @property
    def key(self) -> FileKey:
        return (self.message_id, self.file_id)


@dataclass(frozen=True)
class JournalView:
    """What the journal knows about one scope, read in one go."""

    messages: dict[str, MessageRecord]
    files: dict[FileKey, FileRecord]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class SyncJournal:
    """Open with ``await SyncJournal.open(data_dir)``; ``aclose()`` when done."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.path = path
        self._db = db
        self._lock = threading.Lock()  # one statement sequence at a time, whichever thread runs it

    @classmethod
    async def open(cls, directory: Path) -> "SyncJournal":
        path = directory / FILENAME
        return cls(await asyncio.to_thread(_connect, path), path)

    async def aclose(self) -> None:
        await self._call(self._db.close)

    async def view(self, scope: Scope) -> JournalView:
        return await self._call(self._view, scope)

    async def take_on(self, scope: Scope, message: Message, folders: Iterator[Path]) -> MessageRecord:
        """The message's record: the one kept, or a new one with the first of ``folders`` no other message uses."""
        return await self._call(self._take_on, scope, message, folders)

    async def fetched(self, scope: Scope, message_id: str, file: MessageFile, path: Path, sha256: str) -> None:
        await self._call(self._set_file, scope, message_id, file, FETCHED, str(path), sha256, None)

    async def failed(
        self, scope: Scope, message_id: str, file: MessageFile, reason: str, *, gone: bool = False
    ) -> None:
        state = GONE if gone else FAILED
        await self._call(self._set_file, scope, message_id, file, state, None, file.checksum, reason)

    async def expired(self, scope: Scope, message: Message, folders: Iterator[Path], note: str) -> None:
        """Noted once: the message expired before all its files were fetched."""
        await self._call(self._expire, scope, message, folders, note)

    async def forget(self, scope: Scope, keys: Iterable[FileKey]) -> None:
        """These files are fetched again by the next pass (the user asked for files deleted locally)."""
        await self._call(self._forget, scope, list(keys))

    # ---- in a worker thread ----

    async def _call(self, job: Callable[..., T], *args: object) -> T:
        def locked() -> T:
            with self._lock:
                return job(*args)

        return await asyncio.to_thread(locked)

    def _view(self, scope: Scope) -> JournalView:
        where = (scope.server_url, scope.account)
        messages = self._db.execute("SELECT * FROM sync_messages WHERE server_url = ? AND account = ?", where)
        files = self._db.execute("SELECT * FROM sync_files WHERE server_url = ? AND account = ?", where)
        records = [
            FileRecord(
                message_id=row["message_id"], file_id=row["file_id"], filename=row["filename"], state=row["state"],
                local_path=Path(row["local_path"]) if row["local_path"] else None, checksum=row["checksum"],
                error=row["error"],
            )
            for row in files
        ]
        return JournalView(
            messages={row["message_id"]: _message(row) for row in messages},
            files={record.key: record for record in records},
        )

    def _take_on(self, scope: Scope, message: Message, folders: Iterator[Path], state: str = OPEN,
                 note: str | None = None) -> MessageRecord:
        db = self._db
        with db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute(
                "SELECT * FROM sync_messages WHERE server_url = ? AND account = ? AND message_id = ?",
                (scope.server_url, scope.account, message.id),
            ).fetchone()
            if row is not None:
                return _message(row)
            folder = next(path for path in folders if not _folder_taken(db, path))
            db.execute(
                "INSERT INTO sync_messages (server_url, account, message_id, sender, subject, folder, state, note,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (scope.server_url, scope.account, message.id, message.sender, message.subject, str(folder), state,
                 note, _now()),
            )
            return MessageRecord(message.id, folder, state, note)

    def _expire(self, scope: Scope, message: Message, folders: Iterator[Path], note: str) -> None:
        self._take_on(scope, message, folders, EXPIRED, note)
        with self._db:
            self._db.execute(
                "UPDATE sync_messages SET state = ?, note = ?, updated_at = ?"
                " WHERE server_url = ? AND account = ? AND message_id = ?",
                (EXPIRED, note, _now(), scope.server_url, scope.account, message.id),
            )

    def _set_file(self, scope: Scope, message_id: str, file: MessageFile, state: str, path: str | None,
                  checksum: str, error: str | None) -> None:
        with self._db:
            self._db.execute(
                "INSERT INTO sync_files (server_url, account, message_id, file_id, filename, size, checksum,"
                " local_path, state, error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (server_url, account, message_id, file_id) DO UPDATE SET"
                " filename = excluded.filename, size = excluded.size, checksum = excluded.checksum,"
                " local_path = excluded.local_path, state = excluded.state, error = excluded.error,"
                " updated_at = excluded.updated_at",
                (scope.server_url, scope.account, message_id, file.id, file.filename, file.size, checksum, path,
                 state, error, _now()),
            )

    def _forget(self, scope: Scope, keys: list[FileKey]) -> None:
        with self._db:
            self._db.executemany(
                "DELETE FROM sync_files WHERE server_url = ? AND account = ? AND message_id = ? AND file_id = ?",
                [(scope.server_url, scope.account, message_id, file_id) for message_id, file_id in keys],
            )


def _message(row: sqlite3.Row) -> MessageRecord:
    return MessageRecord(row["message_id"], Path(row["folder"]), row["state"], row["note"])


def _folder_taken(db: sqlite3.Connection, folder: Path) -> bool:
    return db.execute("SELECT 1 FROM sync_messages WHERE folder = ?", (str(folder),)).fetchone() is not None


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _opened(path)
    except sqlite3.DatabaseError as error:
        # A damaged journal costs a second download of what it remembered, never a crash: keep it for a look.
        aside = path.with_name(f"{path.name}.damaged-{datetime.now(UTC):%Y%m%d%H%M%S}")
        log.warning("sync journal %s is unreadable (%s); moved aside as %s", path, error, aside.name)
        path.replace(aside)
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return _opened(path)


def _opened(path: Path) -> sqlite3.Connection:
    return open_journal_db(path, SCHEMA, SCHEMA_VERSION, any_thread=True)
