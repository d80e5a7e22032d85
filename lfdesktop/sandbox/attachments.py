"""Attachments: the stored files, their processing state, and the /attachments endpoints."""

import asyncio
import mimetypes
from datetime import timedelta
from typing import Any

from aiohttp import web

from . import clock
from .digest import Digest
from .errors import NotFound, Rejected
from .protocol import Routes, current_user, empty_ok, json_ok
from .sizes import size_human
from .state import SandboxState, state
from .store import Row, Store

routes = Routes()

EICAR_MESSAGE = "Virus found: Eicar-Test-Signature"
# Content-Type headers that say nothing about the file: curl's default, and the JSON label some
# clients put on raw upload bodies.
_UNINFORMATIVE_TYPES = {"", "application/json", "application/x-www-form-urlencoded", "application/octet-stream"}

# Every attachment row with what it is attached to; callers add WHERE / ORDER.
_SELECT = """
SELECT a.*,
  (SELECT GROUP_CONCAT(ma.message_id) FROM message_attachments ma WHERE ma.attachment_id = a.id) AS message_ids,
  (SELECT GROUP_CONCAT(l.id) FROM links l WHERE l.attachment_id = a.id AND l.deleted = 0) AS link_ids,
  MAX(COALESCE((SELECT MAX(m.expires_at) FROM message_attachments ma JOIN messages m ON m.id = ma.message_id
                WHERE ma.attachment_id = a.id), ''),
      COALESCE((SELECT MAX(l.expires_at) FROM links l WHERE l.attachment_id = a.id AND l.deleted = 0), ''))
    AS last_expiry
FROM attachments a
"""


def content_type_for(header: str | None, query: str | None, filename: str) -> str:
    """The Content-Type header, else the ``content_type`` parameter, else detected from the name."""
    for candidate in (header, query):
        value = (candidate or "").split(";")[0].strip().lower()
        if value not in _UNINFORMATIVE_TYPES and "/" in value:
            return value
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    return guessed or "application/octet-stream"


def create(
    sandbox: SandboxState, attachment_id: str, user_id: str, filename: str, content_type: str, digest: Digest
) -> None:
    """Record an assembled file whose bytes already sit at ``blob_path(attachment_id)``."""
    created = clock.now()
    processed = created + timedelta(seconds=sandbox.config.scan_delay)
    sandbox.store.insert(
        "attachments",
        {
            "id": attachment_id, "user_id": user_id, "filename": filename, "size": digest.size,
            "content_type": content_type, "checksum": digest.sha256, "crc32": digest.crc32,
            "virus_scan_required": 1, "content_blocked": int(digest.eicar),
            "content_blocked_message": EICAR_MESSAGE if digest.eicar else None,
            "created_at": clock.iso(created), "processed_at": clock.iso(processed),
        },
    )


def is_processed(row: Row) -> bool:
    return str(row["processed_at"]) <= clock.now_iso()


def is_available(row: Row) -> bool:
    """Downloadable: scanned, clean and not deleted."""
    return is_processed(row) and not row["content_blocked"] and not row["deleted"]


def find(store: Store, attachment_id: str) -> Row | None:
    return store.one(_SELECT + " WHERE a.id = ? AND a.deleted = 0", (attachment_id,))


def find_own(store: Store, user_id: str, attachment_id: str) -> Row:
    row = find(store, attachment_id)
    if row is None or row["user_id"] != user_id:
        raise NotFound(f"Attachment {attachment_id} not found")
    return row


def to_json(row: Row) -> dict[str, Any]:
    """The attributes of seeds/003: scan results show only once the (simulated) scan has run."""
    processed = is_processed(row)
    processed_at = str(row["processed_at"]) if processed else None
    blocked = processed and bool(row["content_blocked"])
    return {
        "id": row["id"],
        "filename": row["filename"],
        "size": row["size"],
        "size_human": size_human(int(row["size"])),
        "content_type": row["content_type"],
        "checksum": row["checksum"],
        "crc32": row["crc32"],
        "assembled": True,
        "virus_scan_required": bool(row["virus_scan_required"]),
        "virus_scanned": processed,
        "virus_scanned_at": processed_at,
        "content_blocked": blocked,
        "content_blocked_message": row["content_blocked_message"] if blocked else None,
        "actionscript": None,
        "actionscript_scanned": False,
        "actionscript_scanned_at": None,
        "processed": processed,
        "processed_at": processed_at,
        "available": is_available(row),
        "expires_at": row["last_expiry"] or None,
        "created_at": row["created_at"],
        "messages": _ids(row["message_ids"]),
        "filelinks": _ids(row["link_ids"]),
    }


def _ids(joined: str | None) -> list[str]:
    return joined.split(",") if joined else []


def require_sendable(store: Store, user_id: str, attachment_id: object) -> Row:
    """An attachment the user may send or link: their own, processed and not blocked."""
    if not isinstance(attachment_id, str):
        raise Rejected("attachment ids must be strings")
    row = find(store, attachment_id)
    if row is None or row["user_id"] != user_id:
        raise Rejected(f"Attachment {attachment_id} not found")
    if not is_processed(row):
        raise Rejected(f"{row['filename']} is still being processed (virus scan); try again shortly")
    if row["content_blocked"]:
        raise Rejected(f"{row['filename']} is blocked: {row['content_blocked_message']}")
    return row


async def remove_blob(sandbox: SandboxState, attachment_id: str) -> None:
    await asyncio.to_thread(sandbox.blob_path(attachment_id).unlink, missing_ok=True)


@routes.api("GET", "/attachments")
async def list_attachments(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    today = clock.today().isoformat()
    rows = state(request).store.all(
        _SELECT + " WHERE a.user_id = ? AND a.deleted = 0 ORDER BY a.created_at DESC", (user.id,)
    )
    visible = [to_json(row) for row in rows if not row["last_expiry"] or row["last_expiry"] >= today]
    return json_ok({"attachments": visible})


@routes.api("GET", "/attachments/{id:[A-Za-z0-9]+}")
async def show_attachment(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    row = find_own(state(request).store, user.id, request.match_info["id"])
    return json_ok({"attachment": to_json(row)})


async def _delete(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    sandbox = state(request)
    row = find_own(sandbox.store, user.id, request.match_info["id"])
    if row["message_ids"] or row["link_ids"]:
        raise Rejected(f"{row['filename']} has been sent or shared and can't be deleted")
    sandbox.store.run("UPDATE attachments SET deleted = 1 WHERE id = ?", (row["id"],))
    await remove_blob(sandbox, str(row["id"]))
    return empty_ok()


routes.api("DELETE", "/attachments/{id:[A-Za-z0-9]+}")(_delete)
routes.api("DELETE", "/message/attachments/{id:[A-Za-z0-9]+}")(_delete)
