"""Small request helpers shared by the sandbox tests."""

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import httpx

from tests.sandboxproc import SandboxProcess

ISO_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
ID = re.compile(r"^[A-Za-z0-9]{22}$")

_names = count()


def days_ahead(days: int) -> str:
    """The date ``days`` from today (UTC), as the API writes dates; negative for the past."""
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def unique_name(name: str) -> str:
    """A file name, subject or filedrop name no other test uses, so tests can share one sandbox.

    Pieces of one file name belong to one upload per user, and filedrop names are global.
    """
    return f"t{next(_names)}-{time.monotonic_ns()}-{name}"


def json_root(response: httpx.Response, key: str) -> Any:
    """The answer's JSON under ``key``, once the answer is a 200 (its body shown otherwise)."""
    assert response.status_code == 200, response.text
    return response.json()[key]


def assert_typed(record: dict[str, Any], types: dict[str, type]) -> None:
    """``record`` has exactly the fields of ``types``, each of exactly its type (so no bool for an int)."""
    assert set(record) == set(types)
    for field, kind in types.items():
        assert type(record[field]) is kind, (field, record[field])


def upload(client: httpx.Client, filename: str, data: bytes, *, link: bool = False, **params: object) -> Any:
    """Upload ``data`` in one request; the answer's JSON (the attachment once complete)."""
    path = "/link/attachments/upload" if link else "/message/attachments/upload"
    response = client.post(path, params={"filename": filename, **params}, content=data)
    assert response.status_code == 200, response.text
    return response.json()


def upload_attachment(client: httpx.Client, filename: str, data: bytes, **params: object) -> dict[str, Any]:
    attachment: dict[str, Any] = upload(client, filename, data, **params)["attachment"]
    return attachment


def errors_of(response: httpx.Response) -> list[str]:
    """The ``errors`` of a failure answer, checking its documented shape on the way."""
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("errors"), list), body
    assert body["errors"] and all(isinstance(message, str) for message in body["errors"]), body
    return list(body["errors"])


def send_piece(
    client: httpx.Client, filename: str, data: bytes | Iterator[bytes], chunks: int, chunk: int,
    path: str = "/message/attachments/upload", length: int | None = None,
) -> httpx.Response:
    """One piece of a multi-piece upload, answer unchecked; ``length`` declares a streamed body's size."""
    headers = {} if length is None else {"Content-Length": str(length)}
    params = {"filename": filename, "chunks": chunks, "chunk": chunk}
    return client.post(path, params=params, content=data, headers=headers)


def upload_log(sandbox: SandboxProcess, filename: str) -> list[tuple[int | None, str]]:
    """(chunk, outcome) of every upload request for ``filename``, oldest first, from the sandbox's database."""
    with sandbox.db() as db:
        rows = db.execute("SELECT chunk, outcome FROM upload_log WHERE filename = ? ORDER BY id", (filename,))
        return [(row["chunk"], row["outcome"]) for row in rows]


def send_message(client: httpx.Client, **fields: object) -> dict[str, Any]:
    """``POST /message`` with ``fields`` under ``message``; the created message as the sender sees it."""
    message: dict[str, Any] = json_root(client.post("/message", json={"message": fields}), "message")
    return message
