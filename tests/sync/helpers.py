"""Messages sent through the real sandbox for sync to find, and what the sandbox says was downloaded."""

import random
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.sandbox.helpers import send_message, unique_name, upload_attachment
from tests.sandboxproc import ALICE, Account, SandboxProcess


def payload(seed: int, size: int = 40_000) -> bytes:
    return random.Random(seed).randbytes(size)


def send(sandbox: SandboxProcess, sender: Account, subject: str, files: dict[str, bytes],
         to: Account = ALICE, **fields: object) -> dict[str, Any]:
    """``sender`` sends ``files`` to ``to`` through the API; the message as the sender sees it.

    Each upload gets a name of its own (pieces of one name belong to one upload per user); the message lists the
    file under that name, so the test renames it back on the server to the name it asked for."""
    with sandbox.client(sender) as client:
        ids = []
        for name, data in files.items():
            attachment = upload_attachment(client, unique_name("file"), data)
            ids.append(attachment["id"])
            rename_on_server(sandbox, attachment["id"], name)
        return send_message(client, recipients=[to.email], subject=subject, attachments=ids, **fields)


def rename_on_server(sandbox: SandboxProcess, attachment_id: str, name: str) -> None:
    with sandbox.db() as db:
        db.execute("UPDATE attachments SET filename = ? WHERE id = ?", (name, attachment_id))


def downloads_of(sandbox: SandboxProcess, message_id: str) -> int:
    """Completed downloads of the message's files, as the sandbox's download log counts them."""
    with sandbox.db() as db:
        return int(db.execute("SELECT COUNT(*) FROM downloads WHERE message_id = ?", (message_id,)).fetchone()[0])


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by its path relative to it (none when there is no ``root``)."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def folder_of(message: dict[str, Any]) -> str:
    """``<sender>/<local date> <subject>``: where sync puts the message, as the message says."""
    day = datetime.fromisoformat(message["created_at"].replace("Z", "+00:00")).astimezone().date()
    return f"{message['sender']}/{day.isoformat()} {message['subject']}"


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())
