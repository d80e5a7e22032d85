"""FileLinks (seeds/001): one uploaded file shared by URL; create, list, delete and change their policy.

The public side (``GET /link/{id}``, its download and download log) lives in ``serving`` and
``downloadlog``; they read the ``links`` table written here.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from aiohttp import web

from . import attachments, clock, users
from .errors import NotFound, Rejected
from .ids import new_id
from .protocol import Routes, current_user, empty_ok, json_ok, origin, read_json
from .sizes import size_human
from .state import state
from .store import Row, Store
from .users import Group, User
from .validate import boolean, expiry_date, optional_date, parse_bool, parse_date, parse_int, text

routes = Routes()

LINK_ID = "{id:[A-Za-z0-9]+}"
MAX_LIST = 100_000
_SELECT = "SELECT l.*, a.filename, a.size FROM links l JOIN attachments a ON a.id = l.attachment_id"


def _link_expiry(value: date | None, group: Group) -> date:
    return expiry_date(value, default_days=group.default_expiry_days, max_days=group.max_expiry_days)


def to_json(request: web.Request, row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "filename": row["filename"],
        "size": int(row["size"]),
        "size_human": size_human(int(row["size"])),
        "expires_at": row["expires_at"],
        "send_download_confirmation": bool(row["send_download_confirmation"]),
        "require_authentication": bool(row["require_authentication"]),
        "url": f"{origin(request)}/link/{row['id']}",
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def find_own(store: Store, user_id: str, link_id: str) -> Row:
    """The user's live link; someone else's is as unknown as a missing one."""
    row = store.one(_SELECT + " WHERE l.id = ? AND l.deleted = 0", (link_id,))
    if row is None or row["user_id"] != user_id:
        raise NotFound(f"FileLink {link_id} not found")
    return row


def _attachment_id(value: object) -> object:
    """``attachment`` is one id; newer servers take an array, of which a FileLink can hold one."""
    if value is None or value == "" or value == []:
        raise Rejected("attachment is required")
    if isinstance(value, list):
        if len(value) > 1:
            raise Rejected(f"A FileLink shares exactly one file; attachment has {len(value)} ids")
        return value[0]
    return value


def _password_hash(fields: dict[str, Any]) -> str | None:
    password = text(fields, "password", default="", max_len=1024)
    return users.hash_password(password) if password else None


def _require_policy_choice(user: User, *, authentication: bool, confirmation: bool) -> None:
    """Refuse what the user's group does not let its members choose."""
    group = user.group
    if not authentication and not group.may_change_link_authentication:
        raise Rejected(f"Your group ({group.name}) requires authentication on FileLinks")
    if not confirmation and not group.may_change_link_confirmation:
        raise Rejected(f"Your group ({group.name}) requires download confirmations on FileLinks")


@routes.api("POST", "/link")
async def create_link(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    sandbox = state(request)
    fields = await read_json(request, root="link")
    attachment_id = _attachment_id(fields.get("attachment"))
    attachment = attachments.require_sendable(sandbox.store, user.id, attachment_id)
    expires_at = _link_expiry(optional_date(fields, "expires_at"), user.group)
    confirmation = boolean(fields, "download_receipt", True)
    authentication = boolean(fields, "require_authentication", user.group.filelink_require_auth_default)
    _require_policy_choice(user, authentication=authentication, confirmation=confirmation)
    now = clock.now_iso()
    link_id = new_id()
    sandbox.store.insert(
        "links",
        {
            "id": link_id, "user_id": user.id, "attachment_id": attachment["id"],
            "expires_at": expires_at.isoformat(), "password_hash": _password_hash(fields),
            "send_download_confirmation": int(confirmation), "require_authentication": int(authentication),
            "created_at": now, "updated_at": now,
        },
    )
    return json_ok({"link": to_json(request, find_own(sandbox.store, user.id, link_id))})


@routes.api("GET", "/link")
async def list_links(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    # Without ``limit``, -1: SQLite's "no limit".
    limit = parse_int(request.query.get("limit"), "limit", -1, 1, MAX_LIST)
    rows = state(request).store.all(
        _SELECT + " WHERE l.user_id = ? AND l.deleted = 0 ORDER BY l.created_at DESC, l.rowid DESC LIMIT ?",
        (user.id, limit),
    )
    return json_ok({"links": [to_json(request, row) for row in rows]})


@routes.api("DELETE", f"/link/{LINK_ID}")
async def delete_link(request: web.Request) -> web.StreamResponse:
    _, link = _own_link(request)
    state(request).store.run(
        "UPDATE links SET deleted = 1, updated_at = ? WHERE id = ?", (clock.now_iso(), link["id"])
    )
    return empty_ok()


async def _required_field(request: web.Request, name: str) -> object:
    """The one parameter of an update: top level as documented, or under ``link`` as some clients send."""
    body = await read_json(request)
    fields = body["link"] if isinstance(body.get("link"), dict) else body
    if fields.get(name) is None:
        raise Rejected(f"{name} is required")
    return fields[name]


def _own_link(request: web.Request) -> tuple[User, Row]:
    user = current_user(request)
    return user, find_own(state(request).store, user.id, request.match_info["id"])


def _save(request: web.Request, user: User, link: Row, column: str, value: object) -> web.StreamResponse:
    store = state(request).store
    store.run(
        f"UPDATE links SET {column} = ?, updated_at = ? WHERE id = ?",  # noqa: S608 (column is ours)
        (value, clock.now_iso(), link["id"]),
    )
    return json_ok({"link": to_json(request, find_own(store, user.id, str(link["id"])))})


async def _update_flag(
    request: web.Request, name: str, may_change: Callable[[Group], bool], what: str
) -> web.StreamResponse:
    user, link = _own_link(request)
    if not may_change(user.group):
        raise Rejected(f"Your group ({user.group.name}) may not change {what} of FileLinks")
    value = parse_bool(await _required_field(request, name), name, False)
    return _save(request, user, link, name, int(value))


@routes.api("PUT", f"/link/{LINK_ID}/update_authentication")
async def update_authentication(request: web.Request) -> web.StreamResponse:
    return await _update_flag(
        request, "require_authentication", lambda group: group.may_change_link_authentication,
        "whether authentication is required",
    )


@routes.api("PUT", f"/link/{LINK_ID}/update_download_confirmation")
async def update_download_confirmation(request: web.Request) -> web.StreamResponse:
    return await _update_flag(
        request, "send_download_confirmation", lambda group: group.may_change_link_confirmation,
        "download confirmations",
    )


@routes.api("PUT", f"/link/{LINK_ID}/update_expires_at")
async def update_expires_at(request: web.Request) -> web.StreamResponse:
    user, link = _own_link(request)
    requested = parse_date(await _required_field(request, "expires_at"), "expires_at")
    expires_at = _link_expiry(requested, user.group)
    return _save(request, user, link, "expires_at", expires_at.isoformat())
