"""Downloads: a message's files by their one-time URLs, and the public FileLink page and its download.

A download counts (token used up, download logged) only once the file's last byte went out: a client that
hangs up part way, asks for an early range only, or is told "not modified" has used up nothing.
"""

import asyncio
import html
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from aiohttp import web
from aiohttp.abc import AbstractStreamWriter

from . import attachments, clock, downloadlog, faults, messages, users
from .errors import ApiFailure, Forbidden, Gone, NotFound, Unauthorized
from .links import LINK_ID
from .protocol import Handler, Routes, current_user, wants_json
from .sizes import size_human
from .state import state
from .store import Row
from .users import User

routes = Routes()

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")


class _SentFile(web.FileResponse):
    """A FileResponse the handler sends itself, to learn whether the whole file went out.

    aiohttp prepares the response a handler returns once more; FileResponse would send the file again.
    """

    async def prepare(self, request: web.BaseRequest) -> AbstractStreamWriter | None:
        if self.prepared:
            return None
        return await super().prepare(request)


@dataclass(frozen=True)
class Delivery:
    response: web.StreamResponse
    # The file's last byte went out: a whole download, or the range that finishes a resumed one.
    finished: bool
    bytes_sent: int
    seconds: float


def _plain_ascii(char: str) -> bool:
    return char.isascii() and char.isprintable() and char not in '"\\'


def content_disposition(filename: str) -> str:
    """An ASCII fallback name for old clients, and the exact name per RFC 5987 / RFC 6266."""
    fallback = "".join(char if _plain_ascii(char) else "_" for char in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _reached_end(response: web.StreamResponse) -> bool:
    if response.status == 200:
        return True
    found = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", ""))
    return response.status == 206 and found is not None and int(found[2]) == int(found[3]) - 1


async def deliver(request: web.Request, attachment: Row) -> Delivery:
    """Send the attachment's bytes (ranges and conditional requests as aiohttp's FileResponse does them)."""
    path = state(request).blob_path(str(attachment["id"]))
    if not await asyncio.to_thread(path.is_file):
        raise Gone(f"{attachment['filename']} is no longer available")
    headers = {
        "Content-Type": str(attachment["content_type"]),
        "Content-Disposition": content_disposition(str(attachment["filename"])),
        "Cache-Control": "private, no-store",
    }
    if faults.cut_download(state(request), request):
        return await _cut_short(request, path, headers)
    response = _SentFile(path, headers=headers)
    started = time.monotonic()
    try:
        await response.prepare(request)
        await response.write_eof()
    except ConnectionError:
        return Delivery(response, finished=False, bytes_sent=0, seconds=0.0)
    return Delivery(response, _reached_end(response), response.content_length or 0, time.monotonic() - started)


async def _cut_short(request: web.Request, path: Path, headers: dict[str, str]) -> Delivery:
    """Half the file under a full-length answer, then a dropped connection (``--download-fault-rate``)."""
    size = (await asyncio.to_thread(path.stat)).st_size
    response = web.StreamResponse(headers=headers)
    response.content_length = size
    await response.prepare(request)
    with await asyncio.to_thread(path.open, "rb") as source:
        remaining = size // 2
        while remaining > 0:
            block = await asyncio.to_thread(source.read, min(remaining, 1024 * 1024))
            await response.write(block)
            remaining -= len(block)
    return Delivery(faults.hang_up(request), finished=False, bytes_sent=size // 2, seconds=0.0)


# ---- A message's files ----


@routes.page("GET", "/message/{message_id:[A-Za-z0-9]+}/{attachment_id:[A-Za-z0-9]+}/{token:[A-Za-z0-9]+}/{name}")
async def download_message_file(request: web.Request) -> web.StreamResponse:
    """The ``url`` of a message's attachment; the file name at the end is for people and is not checked."""
    user = current_user(request)
    sandbox = state(request)
    store = sandbox.store
    message_id, attachment_id, token = (request.match_info[key] for key in ("message_id", "attachment_id", "token"))
    messages.check_download_token(store, token, user, message_id, attachment_id)
    message = messages.find(store, message_id)
    if message is None:
        raise Gone(messages.EXPIRED_URL)
    messages.check_downloadable(store, message, attachment_id)
    attachment = attachments.find(store, attachment_id)
    if attachment is None or not attachments.is_available(attachment):
        raise Gone("This file has been deleted")
    delivery = await deliver(request, attachment)
    if delivery.finished:
        messages.use_download_token(store, token)
        if user.id != message["sender_id"]:  # the sender fetching their own file is no download
            downloadlog.record(
                sandbox, request, attachment_row=attachment, recipient=user.email, message_id=message_id,
                filelink_id=None, seconds=delivery.seconds, bytes_sent=delivery.bytes_sent,
            )
    return delivery.response


# ---- The public FileLink page and download ----


def _html(title: str, body: str, status: int = 200) -> web.Response:
    """A minimal page; ``body`` is HTML the caller has already escaped."""
    heading = html.escape(title)
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">'
        f"<title>{heading}</title></head><body><main><h1>{heading}</h1>{body}</main></body></html>"
    )
    return web.Response(text=document, content_type="text/html", status=status)


def _browser_errors(handler: Handler) -> Handler:
    """Failures as a small HTML page for browsers; API clients still get ``{"errors": [...]}``."""

    async def page_or_json(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiFailure as failure:
            if wants_json(request):
                raise
            body = "".join(f"<p>{html.escape(message)}</p>" for message in failure.messages)
            response = _html("This file can't be downloaded", body, failure.status)
            if failure.status == 401:
                response.headers["WWW-Authenticate"] = 'Basic realm="LiquidFiles"'
            return response

    return page_or_json


def _signed_in(request: web.Request) -> User | None:
    """The sandbox user the caller authenticated as (API key or email:password), if any."""
    try:
        return current_user(request)
    except (Unauthorized, Forbidden):
        return None


@dataclass(frozen=True)
class OpenLink:
    link: Row
    attachment: Row
    caller: User | None


def _open_link(request: web.Request) -> OpenLink:
    """The live link and its file, if the caller may reach it: 404 unknown, 410 expired, 401 sign in first."""
    store = state(request).store
    link_id = request.match_info["id"]
    link = store.one("SELECT * FROM links WHERE id = ? AND deleted = 0", (link_id,))
    if link is None:
        raise NotFound(f"FileLink {link_id} not found")
    if str(link["expires_at"]) < clock.today().isoformat():
        raise Gone(f"This FileLink expired on {link['expires_at']}")
    caller = _signed_in(request)
    if link["require_authentication"] and caller is None:
        raise Unauthorized("This FileLink requires you to sign in: use your API key or email and password")
    attachment = attachments.find(store, str(link["attachment_id"]))
    if attachment is None or not attachments.is_available(attachment):
        raise Gone("The file of this FileLink is no longer available")
    return OpenLink(link, attachment, caller)


@routes.page("GET", f"/link/{LINK_ID}")
@_browser_errors
async def link_page(request: web.Request) -> web.StreamResponse:
    opened = _open_link(request)
    link_id = html.escape(str(opened.link["id"]))
    filename = html.escape(str(opened.attachment["filename"]))
    size = size_human(int(opened.attachment["size"]))
    if opened.link["password_hash"]:
        form = (
            f'<form method="post" action="/link/{link_id}/download">'
            '<label>Password <input type="password" name="password" required></label> '
            '<button type="submit">Download</button></form>'
        )
    else:
        form = f'<form method="get" action="/link/{link_id}/download"><button type="submit">Download</button></form>'
    details = f"<p><strong>{filename}</strong> ({size}), available until {opened.link['expires_at']}</p>"
    return _html(f"Download {opened.attachment['filename']}", details + form)


async def _given_password(request: web.Request) -> str:
    """The ``password`` query parameter, or the form field of a POST."""
    password = request.query.get("password")
    if password is None and request.method == "POST":
        value = (await request.post()).get("password")
        password = value if isinstance(value, str) else None
    return password or ""


async def link_download(request: web.Request) -> web.StreamResponse:
    opened = _open_link(request)
    password_hash = opened.link["password_hash"]
    if password_hash:
        password = await _given_password(request)
        if not password:
            raise Forbidden("This FileLink is protected by a password: send it as password")
        if not users.password_matches(password, str(password_hash)):
            raise Forbidden("Wrong password for this FileLink")
    delivery = await deliver(request, opened.attachment)
    caller = opened.caller
    if delivery.finished and (caller is None or caller.id != opened.link["user_id"]):
        downloadlog.record(
            state(request), request, attachment_row=opened.attachment,
            recipient=caller.email if caller else "anonymous", message_id=None,
            filelink_id=str(opened.link["id"]), seconds=delivery.seconds, bytes_sent=delivery.bytes_sent,
        )
    return delivery.response


routes.page("GET", f"/link/{LINK_ID}/download")(_browser_errors(link_download))
routes.page("POST", f"/link/{LINK_ID}/download")(_browser_errors(link_download))
