"""Opening a journal's SQLite file the way every lfdesktop journal needs it (uploads, sync)."""

import sqlite3
from pathlib import Path


def open_journal_db(path: Path, schema: str, version: int, *, any_thread: bool = False) -> sqlite3.Connection:
    """Autocommit (each change in its own transaction), WAL, ``schema`` applied; a file written by a newer
    lfdesktop (a higher ``user_version``) is a ``DatabaseError``, as a damaged one is.

    ``any_thread``: the connection is used from more than one thread, one at a time (the caller's lock)."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=not any_thread)
    try:
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # in WAL mode: a commit survives the app being killed
        db.execute("PRAGMA foreign_keys=ON")
        found = db.execute("PRAGMA user_version").fetchone()[0]
        if found > version:
            raise sqlite3.DatabaseError(f"written by a newer lfdesktop (schema {found})")
        db.executescript(schema)
        db.execute(f"PRAGMA user_version = {version}")
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db
