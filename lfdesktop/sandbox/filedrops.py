"""Filedrops: the admin API of seeds/004, and the public side that lets anyone send files to their owner.

A public caller gets a short-lived key from ``GET /filedrop/NAME``; ``users.find_by_filedrop_key`` turns
it into an upload-only caller whose files belong to ``filedrop-<id>``, and ``uploads`` applies the
filedrop's extension and size rules. ``POST /filedrop/NAME`` then sends those files to the owner.
"""

import hmac
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from aiohttp import web

from . import attachments, clock, messages, users
from .errors import Forbidden, NotFound, Rejected
from .ids import new_id
from .protocol import Routes, current_admin, current_user, empty_ok, json_ok, read_json
from .state import state
from .store import Row, Store
from .validate import boolean, comma_list, email, id_list, integer, required_text, text

routes = Routes()

FILEDROP_ID = "{id:[A-Za-z0-9_-]+}"
FILEDROP_NAME = "{name:[A-Za-z0-9_-]+}"
NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
EXTENSION = re.compile(r"^[a-z0-9]{1,16}$")
MAX_FILESIZE_MB = 10 * 1024 * 1024
KEY_LIFETIME = timedelta(hours=1)

# What a new filedrop has unless the request says otherwise; name, title and owner have no default.
DEFAULTS: dict[str, Any] = {
    "name": None, "title": None, "owner": None, "description": "", "invalid_extensions": "",
    "accepted_filetypes": "", "expires_after": 14, "max_filesize": 250, "require_validation": False,
    "password": "", "cc": "", "authorization": 3,
}


def to_json(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "title": row["title"],
        "description": row["description"],
        "owner": row["owner"],
        "invalid_extensions": row["invalid_extensions"],
        "accepted_filetypes": row["accepted_filetypes"],
        "expires_after": int(row["expires_after"]),
        "max_filesize": int(row["max_filesize"]),
        "require_validation": bool(row["require_validation"]),
        "password": row["password"],
        "cc": row["cc"],
        "authorization": int(row["authorization"]),
    }


def _kept_or_required(fields: Mapping[str, Any], name: str, current: str | None) -> str:
    """A new non-blank value, else the current one; required when there is none yet."""
    if fields.get(name) is None and current is not None:
        return current
    return required_text(fields, name)


def _name(store: Store, fields: Mapping[str, Any], current: Mapping[str, Any]) -> str:
    name = _kept_or_required(fields, "name", current["name"])
    if not NAME.match(name):
        raise Rejected("name may only contain letters, digits, - and _ (at most 64 characters)")
    taken = store.one(
        "SELECT 1 FROM filedrops WHERE (name = ? OR id = ? COLLATE NOCASE) AND id != ?",
        (name, name, current.get("id") or ""),
    )
    if taken is not None:
        raise Rejected(f"name {name} has already been taken")
    return name


def _owner(store: Store, fields: Mapping[str, Any], current: str | None) -> str:
    """The owner's user id; an email address is accepted and turned into the id."""
    given = _kept_or_required(fields, "owner", current)
    user = users.find_by_email(store, given) if "@" in given else users.find_by_id(store, given)
    if user is None:
        raise Rejected(f"owner {given!r} is not a user of this server")
    return user.id


def _extensions(fields: Mapping[str, Any], name: str, current: str) -> str:
    extensions = [item.lstrip(".").lower() for item in comma_list(text(fields, name, default=current))]
    for extension in extensions:
        if not EXTENSION.match(extension):
            raise Rejected(f"{name}: {extension!r} is not a file extension")
    return ", ".join(extensions)


def _cc(fields: Mapping[str, Any], current: str) -> str:
    return ", ".join(email(address, "cc") for address in comma_list(text(fields, "cc", default=current)))


def _attributes(store: Store, fields: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """``current`` (the defaults, or the stored filedrop) with every given field validated over it."""
    return {
        "name": _name(store, fields, current),
        "title": _kept_or_required(fields, "title", current["title"]),
        "description": text(fields, "description", default=current["description"]),
        "owner": _owner(store, fields, current["owner"]),
        "invalid_extensions": _extensions(fields, "invalid_extensions", current["invalid_extensions"]),
        "accepted_filetypes": _extensions(fields, "accepted_filetypes", current["accepted_filetypes"]),
        "expires_after": integer(fields, "expires_after", current["expires_after"], 1, 3650),
        "max_filesize": integer(fields, "max_filesize", current["max_filesize"], 1, MAX_FILESIZE_MB),
        "require_validation": boolean(fields, "require_validation", bool(current["require_validation"])),
        "password": text(fields, "password", default=current["password"], max_len=255),
        "cc": _cc(fields, current["cc"]),
        "authorization": integer(fields, "authorization", current["authorization"], 2, 3),
    }


def _find(store: Store, filedrop_id: str) -> Row:
    row = store.one("SELECT * FROM filedrops WHERE id = ?", (filedrop_id,))
    if row is None:
        raise NotFound(f"Filedrop {filedrop_id} not found")
    return row


def _find_by_name(store: Store, name: str) -> Row:
    row = store.one("SELECT * FROM filedrops WHERE name = ?", (name,))
    if row is None:
        raise NotFound(f"Filedrop {name} not found")
    return row


@routes.api("GET", "/admin/filedrops")
async def list_filedrops(request: web.Request) -> web.StreamResponse:
    current_admin(request)
    rows = state(request).store.all("SELECT * FROM filedrops ORDER BY name")
    # The seed's shape: a top-level array of {"filedrop": ...}.
    return json_ok([{"filedrop": to_json(row)} for row in rows])


@routes.api("GET", f"/admin/filedrops/{FILEDROP_ID}")
async def show_filedrop(request: web.Request) -> web.StreamResponse:
    current_admin(request)
    return json_ok({"filedrop": to_json(_find(state(request).store, request.match_info["id"]))})


@routes.api("POST", "/admin/filedrops")
async def create_filedrop(request: web.Request) -> web.StreamResponse:
    current_admin(request)
    store = state(request).store
    values = _attributes(store, await read_json(request, root="filedrop"), DEFAULTS)
    store.insert("filedrops", {"id": values["name"], **values})
    return json_ok({"filedrop": to_json(_find(store, values["name"]))})


@routes.api("PUT", f"/admin/filedrops/{FILEDROP_ID}")
async def update_filedrop(request: web.Request) -> web.StreamResponse:
    current_admin(request)
    store = state(request).store
    row = _find(store, request.match_info["id"])
    values = _attributes(store, await read_json(request, root="filedrop"), dict(row))
    assignments = ", ".join(f"{column} = ?" for column in values)
    store.run(f"UPDATE filedrops SET {assignments} WHERE id = ?", (*values.values(), row["id"]))  # noqa: S608
    return json_ok({"filedrop": to_json(_find(store, str(row["id"])))})


@routes.api("DELETE", f"/admin/filedrops/{FILEDROP_ID}")
async def delete_filedrop(request: web.Request) -> web.StreamResponse:
    current_admin(request)
    store = state(request).store
    row = _find(store, request.match_info["id"])
    with store.transaction():
        store.run("DELETE FROM filedrop_keys WHERE filedrop_id = ?", (row["id"],))
        store.run("DELETE FROM filedrops WHERE id = ?", (row["id"],))
    return empty_ok()


def _check_password(filedrop: Row, given: str) -> None:
    expected = str(filedrop["password"])
    if expected and not hmac.compare_digest(given.encode(), expected.encode()):
        raise Forbidden(f"Filedrop {filedrop['name']} needs its password: add ?password=...")


def _issue_key(store: Store, filedrop_id: str) -> str:
    """A fresh upload key for this filedrop; expired keys of any filedrop are cleared on the way."""
    now = clock.now()
    store.run("DELETE FROM filedrop_keys WHERE expires_at < ?", (clock.iso(now),))
    key = new_id()
    expires_at = clock.iso(now + KEY_LIFETIME)
    store.insert("filedrop_keys", {"api_key": key, "filedrop_id": filedrop_id, "expires_at": expires_at})
    return key


@routes.api("GET", f"/filedrop/{FILEDROP_NAME}")
async def open_filedrop(request: web.Request) -> web.StreamResponse:
    store = state(request).store
    filedrop = _find_by_name(store, request.match_info["name"])
    _check_password(filedrop, request.query.get("password", ""))
    return json_ok(
        {
            "filedrop": {
                "api_key": _issue_key(store, str(filedrop["id"])),
                "name": filedrop["name"],
                "title": filedrop["title"],
                "description": filedrop["description"],
                "max_upload_size": int(filedrop["max_filesize"]),
                "require_validation": bool(filedrop["require_validation"]),
                "accepted_filetypes": filedrop["accepted_filetypes"],
                "invalid_extensions": filedrop["invalid_extensions"],
            }
        }
    )


@routes.api("POST", f"/filedrop/{FILEDROP_NAME}")
async def send_to_filedrop(request: web.Request) -> web.StreamResponse:
    """Send the files uploaded with this filedrop's key to its owner (cc: its cc list)."""
    caller = current_user(request, allow_filedrop=True)
    sandbox = state(request)
    filedrop = _find_by_name(sandbox.store, request.match_info["name"])
    if caller.filedrop_id != filedrop["id"]:
        raise Forbidden(f"Send with the key from GET /filedrop/{filedrop['name']}")
    fields = await read_json(request, root="message")
    sender = email(fields.get("from"), "from")
    subject = text(fields, "subject", default="", max_len=255)
    body = text(fields, "message", default="")
    attachment_ids = list(dict.fromkeys(id_list(fields, "attachments")))
    if not attachment_ids:
        raise Rejected("attachments: send at least one file")
    for attachment_id in attachment_ids:
        attachments.require_sendable(sandbox.store, caller.id, attachment_id)
    owner = users.find_by_id(sandbox.store, str(filedrop["owner"]))
    if owner is None:
        raise Rejected(f"Filedrop {filedrop['name']} has no owner to receive files")
    message_id = messages.create_message(
        sandbox, sender_id=caller.id, sender_email=sender, recipients=[owner.email],
        ccs=comma_list(str(filedrop["cc"])), bccs=[], subject=subject, message=body,
        attachment_ids=attachment_ids, expires_at=clock.days_from_today(int(filedrop["expires_after"])),
        expires_after=0, authorization=int(filedrop["authorization"]), private_message=False,
        send_email=True, bcc_myself=False,
    )
    return json_ok({"message": {"id": message_id}})
