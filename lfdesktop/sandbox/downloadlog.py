"""The download log (seeds/000): recording completed downloads, and reading them three ways."""

from typing import Any

from aiohttp import web

from . import clock, geo, links, messages, useragent
from .protocol import Routes, current_user, json_ok
from .state import SandboxState, state
from .store import Row
from .validate import optional_date

routes = Routes()

# The seed's fields, in its order.
FIELDS = (
    "id", "attachment_id", "message_id", "filelink_id", "filename", "size", "content_type", "checksum", "crc32",
    "downloaded_at", "user_id", "recipient", "remote_ip", "remote_host", "download_time", "download_speed",
    "location", "user_agent", "browser", "os", "platform", "longitude", "latitude", "country_code",
    "country_name", "city", "region_code", "region_name",
)


def client_address(request: web.Request) -> str:
    """The peer; from loopback, the first ``X-Forwarded-For`` address, so tests and demos can pick a place."""
    peer = request.remote or ""
    address = geo.parse_address(peer)
    if address is not None and address.is_loopback:
        forwarded = geo.parse_address(request.headers.get("X-Forwarded-For", "").split(",")[0])
        address = forwarded or address
    return str(address) if address is not None else peer


def record(
    sandbox: SandboxState, request: web.Request, *, attachment_row: Row, recipient: str, message_id: str | None,
    filelink_id: str | None, seconds: float, bytes_sent: int,
) -> None:
    """Log one completed download of ``attachment_row`` (a file of its owner, ``user_id``)."""
    remote_ip = client_address(request)
    place = geo.locate(remote_ip)
    agent = useragent.parse(
        request.headers.get("User-Agent", ""), request.headers.get("Sec-CH-UA-Platform-Version")
    )
    sandbox.store.insert(
        "downloads",
        {
            "attachment_id": attachment_row["id"], "message_id": message_id, "filelink_id": filelink_id,
            "filename": attachment_row["filename"], "size": attachment_row["size"],
            "content_type": attachment_row["content_type"], "checksum": attachment_row["checksum"],
            "crc32": attachment_row["crc32"], "downloaded_at": clock.now_iso(),
            "user_id": attachment_row["user_id"], "recipient": recipient, "remote_ip": remote_ip,
            "remote_host": f"{place.host or remote_ip} ({remote_ip})", "download_time": f"{seconds:.2f}",
            "download_speed": int(bytes_sent / seconds) if seconds > 0 else bytes_sent,
            "location": place.location, "user_agent": agent.summary, "browser": agent.browser, "os": agent.os,
            "platform": agent.platform, "longitude": place.longitude, "latitude": place.latitude,
            "country_code": place.country_code, "country_name": place.country_name, "city": place.city,
            "region_code": place.region_code, "region_name": place.region_name,
        },
    )


def to_json(row: Row) -> dict[str, Any]:
    return {field: row[field] for field in FIELDS}


def _answer(rows: list[Row]) -> web.Response:
    return json_ok({"downloads": [to_json(row) for row in rows]})


@routes.api("GET", "/downloads")
async def list_downloads(request: web.Request) -> web.StreamResponse:
    """Downloads of the caller's files; ``after`` keeps those on or after that day (UTC)."""
    user = current_user(request)
    after = optional_date(request.query, "after")
    since = clock.day_start_iso(after) if after is not None else ""
    rows = state(request).store.all(
        "SELECT * FROM downloads WHERE user_id = ? AND downloaded_at >= ? ORDER BY downloaded_at DESC, id DESC",
        (user.id, since),
    )
    return _answer(rows)


@routes.api("GET", f"/message/{messages.MESSAGE_ID}/downloads")
async def message_downloads(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    store = state(request).store
    message = messages.find_sent(store, user, request.match_info["id"])
    rows = store.all(
        "SELECT * FROM downloads WHERE message_id = ? ORDER BY downloaded_at DESC, id DESC", (message["id"],)
    )
    return _answer(rows)


@routes.api("GET", f"/link/{links.LINK_ID}/downloads")
async def link_downloads(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    store = state(request).store
    link = links.find_own(store, user.id, request.match_info["id"])
    rows = store.all(
        "SELECT * FROM downloads WHERE filelink_id = ? ORDER BY downloaded_at DESC, id DESC", (link["id"],)
    )
    return _answer(rows)
