"""Secure messages (seeds/002 and the docs): send, inbox, sent, view one, delete a message's files.

A message's attachment URLs are per viewer, short-lived and one-time: each view issues fresh tokens in
``download_tokens``, which ``serving`` checks and uses up once a download completes.
"""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from aiohttp import web

from . import attachments, clock
from .errors import Gone, NotFound, Rejected
from .ids import new_id
from .protocol import Routes, current_user, empty_ok, json_ok, origin, read_json
from .state import SandboxState, state
from .store import Row, Store
from .users import User
from .validate import boolean, email_list, expiry_date, id_list, integer, optional_date, parse_int, text

routes = Routes()

MESSAGE_ID = "{id:[A-Za-z0-9]+}"
# seeds/002 lists the five levels; its example words level 3 as "can access", which is what servers say.
AUTHORIZATION_DESCRIPTIONS = (
    "Anyone can download",
    "Anyone can download after authentication",
    "Specified Recipients and local users can download",
    "Only Specified Recipients can access",
    "Specified Recipients and Recipient Domains can download",
)
DEFAULT_AUTHORIZATION = 3
MAX_DOWNLOADS = 1_000_000
MAX_HOURS = 24 * 366 * 100
MAX_LIST = 100_000
MAX_SUBJECT = 1000
KINDS = ("to", "cc", "bcc")
EXPIRED_URL = "This download URL has expired or was already used: view the message again for a fresh URL"


def create_message(
    sandbox: SandboxState, *, sender_id: str, sender_email: str, recipients: Sequence[str], ccs: Sequence[str],
    bccs: Sequence[str], subject: str, message: str, attachment_ids: Sequence[str], expires_at: date,
    expires_after: int, authorization: int, private_message: bool, send_email: bool, bcc_myself: bool,
) -> str:
    """Store a message whose fields are already checked; returns its id."""
    message_id = new_id()
    store = sandbox.store
    with store.transaction():
        store.insert(
            "messages",
            {
                "id": message_id, "sender_id": sender_id, "sender_email": sender_email, "subject": subject,
                "message": message, "created_at": clock.now_iso(), "expires_at": expires_at.isoformat(),
                "expires_after": expires_after, "authorization": authorization,
                "private_message": int(private_message), "send_email": int(send_email),
                "bcc_myself": int(bcc_myself),
            },
        )
        for kind, addresses in zip(KINDS, (recipients, ccs, bccs), strict=True):
            for position, address in enumerate(addresses):
                store.insert(
                    "message_recipients",
                    {"message_id": message_id, "email": address, "kind": kind, "position": position},
                )
        for position, attachment_id in enumerate(attachment_ids):
            store.insert(
                "message_attachments",
                {"message_id": message_id, "attachment_id": attachment_id, "position": position},
            )
    return message_id


# ---- Who may see what ----


def find(store: Store, message_id: str) -> Row | None:
    return store.one("SELECT * FROM messages WHERE id = ?", (message_id,))


def find_sent(store: Store, user: User, message_id: str) -> Row:
    """One of the user's sent messages; anyone else's is as unknown as a missing one."""
    row = find(store, message_id)
    if row is None or row["sender_id"] != user.id:
        raise NotFound(f"Message {message_id} not found")
    return row


def _recipients(store: Store, message_id: str) -> dict[str, list[str]]:
    """Addresses by kind (to, cc, bcc), in the order the sender gave them."""
    grouped: dict[str, list[str]] = {kind: [] for kind in KINDS}
    rows = store.all(
        "SELECT email, kind FROM message_recipients WHERE message_id = ? ORDER BY position", (message_id,)
    )
    for row in rows:
        grouped[str(row["kind"])].append(str(row["email"]))
    return grouped


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower()


def _is_party(message: Row, recipients: dict[str, list[str]], viewer: User) -> bool:
    """The sender or a recipient (to, cc or bcc) of the message."""
    everyone = (address.lower() for addresses in recipients.values() for address in addresses)
    return viewer.id == message["sender_id"] or viewer.email.lower() in everyone


def _may_view(message: Row, recipients: dict[str, list[str]], viewer: User) -> bool:
    """Parties always; others as ``authorization`` allows (every sandbox user is a local user)."""
    if _is_party(message, recipients, viewer):
        return True
    level = int(message["authorization"])
    if level == 4:
        domains = {_domain(address) for addresses in recipients.values() for address in addresses}
        return _domain(viewer.email) in domains
    return level <= 2


def find_visible(store: Store, viewer: User, message_id: str) -> Row:
    row = find(store, message_id)
    if row is None or not _may_view(row, _recipients(store, message_id), viewer):
        raise NotFound(f"Message {message_id} not found")
    return row


# ---- One-time download URLs ----


def _download_url(request: web.Request, message_id: str, attachment: Row, viewer: User) -> str:
    """A fresh URL for ``viewer`` alone, valid for ``download_url_ttl`` seconds or one download."""
    sandbox = state(request)
    token = new_id()
    expires = clock.now() + timedelta(seconds=sandbox.config.download_url_ttl)
    sandbox.store.insert(
        "download_tokens",
        {
            "token": token, "message_id": message_id, "attachment_id": attachment["id"], "user_id": viewer.id,
            "expires_at": clock.iso(expires),
        },
    )
    filename = quote(str(attachment["filename"]), safe="")
    return f"{origin(request)}/message/{message_id}/{attachment['id']}/{token}/{filename}"


def check_download_token(store: Store, token: str, user: User, message_id: str, attachment_id: str) -> None:
    """410 unless ``token`` was issued to ``user`` for this file of this message, is unused and unexpired."""
    row = store.one("SELECT * FROM download_tokens WHERE token = ?", (token,))
    if (
        row is None
        or row["user_id"] != user.id
        or row["message_id"] != message_id
        or row["attachment_id"] != attachment_id
        or row["used"]
        or str(row["expires_at"]) <= clock.now_iso()
    ):
        raise Gone(EXPIRED_URL)


def use_download_token(store: Store, token: str) -> None:
    store.run("UPDATE download_tokens SET used = 1 WHERE token = ?", (token,))


def _forget_expired_tokens(store: Store) -> None:
    store.run("DELETE FROM download_tokens WHERE expires_at < ?", (clock.now_iso(),))


def check_downloadable(store: Store, message: Row, attachment_id: str) -> None:
    """410 once the message expired, its files were deleted, or this file used up its downloads."""
    if str(message["expires_at"]) < clock.today().isoformat():
        raise Gone(f"This message expired on {message['expires_at']}")
    if message["files_deleted"]:
        raise Gone("The files of this message have been deleted by its sender")
    allowed = int(message["expires_after"])
    if allowed:
        done = store.one(
            "SELECT COUNT(*) AS n FROM downloads WHERE message_id = ? AND attachment_id = ?",
            (message["id"], attachment_id),
        )
        if done is not None and int(done["n"]) >= allowed:
            raise Gone(f"This file has already been downloaded the {allowed} time(s) its message allows")


# ---- The message as JSON ----


def _files(store: Store, message_id: str) -> list[Row]:
    """The message's attachments in the order sent, including files deleted since."""
    return store.all(
        "SELECT a.* FROM message_attachments ma JOIN attachments a ON a.id = ma.attachment_id"
        " WHERE ma.message_id = ? ORDER BY ma.position",
        (message_id,),
    )


def _attachment_json(request: web.Request, message_id: str, row: Row, viewer: User) -> dict[str, Any]:
    return {
        "id": row["id"],
        "filename": row["filename"],
        "size": int(row["size"]),
        "content_type": row["content_type"],
        "checksum": row["checksum"],
        "crc32": row["crc32"],
        "created_at": row["created_at"],
        "url": _download_url(request, message_id, row, viewer),
    }


def to_json(request: web.Request, message: Row, viewer: User) -> dict[str, Any]:
    """The message as ``viewer`` may see it: bccs for the sender only, a private text for parties only."""
    store = state(request).store
    message_id = str(message["id"])
    recipients = _recipients(store, message_id)
    files = _files(store, message_id)
    private = bool(message["private_message"])
    sender_only = {"bccs": recipients["bcc"]} if viewer.id == message["sender_id"] else {}
    return {
        "id": message_id,
        "sender": message["sender_email"],
        "recipients": recipients["to"],
        "ccs": recipients["cc"],
        **sender_only,
        "created_at": message["created_at"],
        "expires_at": message["expires_at"],
        "expires_after": int(message["expires_after"]),
        "authorization": int(message["authorization"]),
        "authorization_description": AUTHORIZATION_DESCRIPTIONS[int(message["authorization"])],
        "subject": message["subject"],
        "message": message["message"] if not private or _is_party(message, recipients, viewer) else None,
        "private_message": private,
        "size": sum(int(row["size"]) for row in files),
        "url": f"{origin(request)}/message/{message_id}",
        "attachments": [_attachment_json(request, message_id, row, viewer) for row in files],
    }


def _render(request: web.Request, rows: list[Row], viewer: User) -> list[dict[str, Any]]:
    """Several messages, their download tokens written in one transaction."""
    store = state(request).store
    with store.transaction():
        _forget_expired_tokens(store)
        return [to_json(request, row, viewer) for row in rows]


# ---- Endpoints ----


def _earliest(query: Mapping[str, str]) -> str:
    """The earliest ``created_at`` that ``sent_after`` and ``sent_in_the_last`` let through ('' = any)."""
    bounds = [""]
    day = optional_date(query, "sent_after")
    if day is not None:
        bounds.append(clock.day_start_iso(day))
    if query.get("sent_in_the_last") is not None:
        hours = parse_int(query["sent_in_the_last"], "sent_in_the_last", 0, 1, MAX_HOURS)
        bounds.append(clock.iso(clock.now() - timedelta(hours=hours)))
    return max(bounds)


@routes.api("POST", "/message")
async def send_message(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    sandbox = state(request)
    fields = await read_json(request, root="message")
    recipients, ccs, bccs = (email_list(fields, name) for name in ("recipients", "cc", "bcc"))
    if not (recipients or ccs or bccs):
        raise Rejected("At least one recipient is required (recipients, cc or bcc)")
    attachment_ids = list(dict.fromkeys(id_list(fields, "attachments")))
    for attachment_id in attachment_ids:
        attachments.require_sendable(sandbox.store, user.id, attachment_id)
    group = user.group
    message_id = create_message(
        sandbox, sender_id=user.id, sender_email=user.email, recipients=recipients, ccs=ccs, bccs=bccs,
        subject=text(fields, "subject", default="", max_len=MAX_SUBJECT),
        message=text(fields, "message", default=""),
        attachment_ids=attachment_ids,
        expires_at=expiry_date(
            optional_date(fields, "expires_at"), default_days=group.default_expiry_days,
            max_days=group.max_expiry_days,
        ),
        expires_after=integer(fields, "expires_after", 0, 0, MAX_DOWNLOADS),
        authorization=integer(fields, "authorization", DEFAULT_AUTHORIZATION, 0, len(AUTHORIZATION_DESCRIPTIONS) - 1),
        private_message=boolean(fields, "private_message", False),
        send_email=boolean(fields, "send_email", False),
        bcc_myself=boolean(fields, "bcc_myself", True),
    )
    row = find(sandbox.store, message_id)
    assert row is not None
    return json_ok({"message": _render(request, [row], user)[0]})


@routes.api("GET", "/messages/inbox")
async def inbox(request: web.Request) -> web.StreamResponse:
    """Messages the caller received (to, cc or bcc), newest first."""
    user = current_user(request)
    rows = state(request).store.all(
        "SELECT * FROM messages WHERE id IN (SELECT message_id FROM message_recipients WHERE email = ?)"
        " AND created_at >= ? ORDER BY created_at DESC, rowid DESC",
        (user.email, _earliest(request.query)),
    )
    return json_ok({"messages": _render(request, rows, user)})


@routes.api("GET", "/messages/sent")
async def sent(request: web.Request) -> web.StreamResponse:
    """The caller's sent messages, newest first; the docs' example answers under ``sent``."""
    user = current_user(request)
    limit = parse_int(request.query.get("limit"), "limit", -1, 1, MAX_LIST)  # -1: SQLite's "no limit"
    rows = state(request).store.all(
        "SELECT * FROM messages WHERE sender_id = ? AND created_at >= ?"
        " ORDER BY created_at DESC, rowid DESC LIMIT ?",
        (user.id, _earliest(request.query), limit),
    )
    return json_ok({"sent": _render(request, rows, user)})


@routes.api("GET", f"/message/{MESSAGE_ID}")
async def show_message(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    row = find_visible(state(request).store, user, request.match_info["id"])
    return json_ok({"message": _render(request, [row], user)[0]})


def _files_only_this_message_uses(store: Store, message_id: str) -> list[str]:
    """The message's files no other live message or FileLink still shares."""
    today = clock.today().isoformat()
    rows = store.all(
        "SELECT ma.attachment_id FROM message_attachments ma JOIN attachments a ON a.id = ma.attachment_id"
        " WHERE ma.message_id = ? AND a.deleted = 0"
        " AND NOT EXISTS (SELECT 1 FROM message_attachments other JOIN messages m ON m.id = other.message_id"
        "   WHERE other.attachment_id = ma.attachment_id AND m.id != ma.message_id AND m.files_deleted = 0"
        "   AND m.expires_at >= ?)"
        " AND NOT EXISTS (SELECT 1 FROM links l WHERE l.attachment_id = ma.attachment_id AND l.deleted = 0"
        "   AND l.expires_at >= ?)",
        (message_id, today, today),
    )
    return [str(row["attachment_id"]) for row in rows]


@routes.api("DELETE", f"/message/{MESSAGE_ID}/delete_attachments")
async def delete_attachments(request: web.Request) -> web.StreamResponse:
    """The sender withdraws the message's files; files shared elsewhere stay for those."""
    user = current_user(request)
    sandbox = state(request)
    store = sandbox.store
    message = find_sent(store, user, request.match_info["id"])
    with store.transaction():
        unshared = _files_only_this_message_uses(store, str(message["id"]))
        store.run("UPDATE messages SET files_deleted = 1 WHERE id = ?", (message["id"],))
        for attachment_id in unshared:
            store.run("UPDATE attachments SET deleted = 1 WHERE id = ?", (attachment_id,))
    for attachment_id in unshared:
        await attachments.remove_blob(sandbox, attachment_id)
    return empty_ok()
