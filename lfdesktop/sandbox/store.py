"""The sandbox's durable metadata: one SQLite database, used from the event loop thread only.

Queries are small and indexed, so they run inline; file I/O and hashing go to threads elsewhere.
"""

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE, name TEXT NOT NULL,
    password_hash TEXT NOT NULL, api_key TEXT NOT NULL UNIQUE, admin INTEGER NOT NULL DEFAULT 0,
    grp TEXT NOT NULL DEFAULT 'Default', created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS attachments (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, filename TEXT NOT NULL, size INTEGER NOT NULL,
    content_type TEXT NOT NULL, checksum TEXT NOT NULL, crc32 TEXT NOT NULL,
    virus_scan_required INTEGER NOT NULL, content_blocked INTEGER NOT NULL,
    content_blocked_message TEXT, created_at TEXT NOT NULL, processed_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS attachments_user ON attachments(user_id);
CREATE TABLE IF NOT EXISTS uploads (
    user_id TEXT NOT NULL, filename TEXT NOT NULL, chunks INTEGER NOT NULL, content_type TEXT,
    started_at TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (user_id, filename));
CREATE TABLE IF NOT EXISTS upload_pieces (
    user_id TEXT NOT NULL, filename TEXT NOT NULL, raw_index INTEGER NOT NULL, size INTEGER NOT NULL,
    received_at TEXT NOT NULL, placed_at INTEGER, PRIMARY KEY (user_id, filename, raw_index));
CREATE TABLE IF NOT EXISTS upload_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, filename TEXT NOT NULL,
    chunk INTEGER, chunks INTEGER, bytes INTEGER NOT NULL, outcome TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY, sender_id TEXT NOT NULL, sender_email TEXT NOT NULL, subject TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL, expires_after INTEGER NOT NULL,
    authorization INTEGER NOT NULL, private_message INTEGER NOT NULL, send_email INTEGER NOT NULL,
    bcc_myself INTEGER NOT NULL, files_deleted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS messages_sender ON messages(sender_id, created_at);
CREATE TABLE IF NOT EXISTS message_recipients (
    message_id TEXT NOT NULL, email TEXT NOT NULL COLLATE NOCASE, kind TEXT NOT NULL,
    position INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS recipients_email ON message_recipients(email);
CREATE INDEX IF NOT EXISTS recipients_message ON message_recipients(message_id);
CREATE TABLE IF NOT EXISTS message_attachments (
    message_id TEXT NOT NULL, attachment_id TEXT NOT NULL, position INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS message_attachments_message ON message_attachments(message_id);
CREATE INDEX IF NOT EXISTS message_attachments_attachment ON message_attachments(attachment_id);
CREATE TABLE IF NOT EXISTS download_tokens (
    token TEXT PRIMARY KEY, message_id TEXT NOT NULL, attachment_id TEXT NOT NULL,
    user_id TEXT NOT NULL, expires_at TEXT NOT NULL, used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS links (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, attachment_id TEXT NOT NULL, expires_at TEXT NOT NULL,
    password_hash TEXT, send_download_confirmation INTEGER NOT NULL,
    require_authentication INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS links_user ON links(user_id, created_at);
CREATE INDEX IF NOT EXISTS links_attachment ON links(attachment_id);
CREATE TABLE IF NOT EXISTS downloads (
    id INTEGER PRIMARY KEY AUTOINCREMENT, attachment_id TEXT NOT NULL, message_id TEXT,
    filelink_id TEXT, filename TEXT NOT NULL, size INTEGER NOT NULL, content_type TEXT NOT NULL,
    checksum TEXT NOT NULL, crc32 TEXT NOT NULL, downloaded_at TEXT NOT NULL, user_id TEXT NOT NULL,
    recipient TEXT NOT NULL, remote_ip TEXT NOT NULL, remote_host TEXT NOT NULL,
    download_time TEXT NOT NULL, download_speed INTEGER NOT NULL, location TEXT NOT NULL,
    user_agent TEXT NOT NULL, browser TEXT NOT NULL, os TEXT NOT NULL, platform TEXT NOT NULL,
    longitude REAL, latitude REAL, country_code TEXT NOT NULL, country_name TEXT NOT NULL,
    city TEXT NOT NULL, region_code TEXT NOT NULL, region_name TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS downloads_user ON downloads(user_id, downloaded_at);
CREATE INDEX IF NOT EXISTS downloads_message ON downloads(message_id);
CREATE INDEX IF NOT EXISTS downloads_link ON downloads(filelink_id);
CREATE TABLE IF NOT EXISTS filedrops (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, title TEXT NOT NULL,
    description TEXT NOT NULL, owner TEXT NOT NULL, invalid_extensions TEXT NOT NULL,
    accepted_filetypes TEXT NOT NULL, expires_after INTEGER NOT NULL, max_filesize INTEGER NOT NULL,
    require_validation INTEGER NOT NULL, password TEXT NOT NULL, cc TEXT NOT NULL,
    authorization INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS filedrop_keys (
    api_key TEXT PRIMARY KEY, filedrop_id TEXT NOT NULL, expires_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS file_requests (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, recipient TEXT NOT NULL, subject TEXT NOT NULL,
    message TEXT NOT NULL, send_email INTEGER NOT NULL, expires_at TEXT NOT NULL,
    multiuse INTEGER NOT NULL, bcc_myself INTEGER NOT NULL, created_at TEXT NOT NULL);
"""

Row = sqlite3.Row


class Store:
    """A thin, typed face on one SQLite connection in autocommit mode."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row: Row | None = self.db.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(self.db.execute(sql, params).fetchall())

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute a statement; returns the number of rows changed."""
        return self.db.execute(sql, params).rowcount

    def insert(self, table: str, values: dict[str, Any]) -> int:
        """Insert one row from a column -> value mapping; returns its rowid."""
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values()))  # noqa: S608
        return cursor.lastrowid or 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def get_meta(self, key: str) -> str | None:
        row = self.one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        self.run("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
