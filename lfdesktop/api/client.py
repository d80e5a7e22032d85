"""``LiquidFilesClient``: one async method per endpoint of the LiquidFiles API, returning typed records."""

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from datetime import date
from typing import TypeVar
from urllib.parse import quote

from .errors import NotFound
from .http import DownloadBody, HttpOptions, Session
from .models import Account, Attachment, Download, Filedrop, FileLink, FileRequest, Message, MessageFile, PieceReceipt
from .parse import Fields, Many, One, root

T = TypeVar("T")

# What each endpoint answers: its record, under the root keys real servers use (the first is the documented one).
ACCOUNT = One(Account.from_json, "user", "account")
ATTACHMENT = One(Attachment.from_json, "attachment")
ATTACHMENTS = Many(Attachment.from_json, "attachments", item="attachment")
MESSAGE = One(Message.from_json, "message", "messages")  # seeds/002 shows one message under "messages"
INBOX = Many(Message.from_json, "messages", item="message")
SENT = Many(Message.from_json, "sent", "messages", item="message")
LINK = One(FileLink.from_json, "link")
LINKS = Many(FileLink.from_json, "links", item="link")
DOWNLOADS = Many(Download.from_json, "downloads", item="download")
FILEDROP = One(Filedrop.from_json, "filedrop")
FILEDROPS = Many(Filedrop.from_json, "filedrops", item="filedrop")
FILE_REQUEST = One(FileRequest.from_json, "request")


def _path(template: str, *ids: str) -> str:
    """``template`` with each id as exactly one path segment, whatever the id holds."""
    for value in ids:
        if value in ("", ".", ".."):
            raise ValueError(f"{value!r} is not an id")
    return template.format(*(quote(value, safe="") for value in ids))


def _given(**fields: object) -> dict[str, object]:
    """The fields the caller gave (None leaves the choice to the server), dates as ``YYYY-MM-DD``."""
    return {name: f"{value:%Y-%m-%d}" if isinstance(value, date) else value
            for name, value in fields.items() if value is not None}


def _listed(values: Iterable[str]) -> list[str] | None:
    """Addresses or ids as a JSON list, None when there are none (a lone string would become its letters)."""
    if isinstance(values, str):
        raise TypeError("give a list of strings, not one string")
    return list(values) or None


async def _off_loop(reader: Many[T], body: object) -> list[T]:
    """A long list (100,000 log rows take seconds to check and build; 10,000 messages ~200 ms) is read in a
    worker thread: the loop, and the window on it, run on."""
    return await asyncio.to_thread(reader.read, body)


class LiquidFilesClient:
    """Talks to one server as one user. Create inside the running loop; ``aclose()`` when done."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @classmethod
    def connect(cls, server_url: str, api_key: str | None, options: HttpOptions | None = None) -> "LiquidFilesClient":
        return cls(Session(server_url, api_key, options))

    @property
    def server_url(self) -> str:
        return self.session.server_url

    async def aclose(self) -> None:
        await self.session.aclose()

    async def __aenter__(self) -> "LiquidFilesClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _get(self, path: str, **params: object) -> object:
        return await self.session.request_json("GET", path, params=_given(**params))

    async def _call(self, method: str, path: str, body: object = None) -> object:
        return await self.session.request_json(method, path, body=body)

    # ---- account -------------------------------------------------------------------------------------

    async def account(self) -> Account:
        """``GET /account``: also the way to check a server and key before saving them."""
        return ACCOUNT.read(await self._get("/account"))

    async def login(self, email: str, password: str) -> str:
        """``POST /login``: the user's API key (works on a client made without a key)."""
        body = await self._call("POST", "/login", {"user": {"email": email, "password": password}})
        return Fields(root(body, "user", what="the login answer"), "login answer").id("api_key")

    # ---- attachments ---------------------------------------------------------------------------------

    async def upload(
        self, filename: str, body: AsyncIterable[bytes], length: int, *, link: bool = False,
        chunk: int | None = None, chunks: int | None = None, content_type: str | None = None,
    ) -> Attachment | PieceReceipt:
        """Upload a whole file, or piece ``chunk`` (0-based) of ``chunks``; the attachment once complete."""
        path = "/link/attachments/upload" if link else "/message/attachments/upload"
        params: dict[str, str | int] = {"filename": filename}
        if chunks is not None and chunk is not None:
            params.update(chunks=chunks, chunk=chunk)
        answer = await self.session.upload(path, params, body, length, content_type)
        if isinstance(answer, dict) and "attachment" in answer:
            return ATTACHMENT.read(answer)
        upload = answer.get("upload") if isinstance(answer, dict) else None
        received = Fields(upload, "upload").strings("received") if isinstance(upload, dict) else None
        return PieceReceipt(tuple(int(index) for index in received) if received is not None else None)

    async def attachments(self) -> list[Attachment]:
        """``GET /attachments``: the user's files that have not expired or been deleted."""
        return await _off_loop(ATTACHMENTS, await self._get("/attachments"))

    async def attachment(self, attachment_id: str) -> Attachment:
        return ATTACHMENT.read(await self._get(_path("/attachments/{}", attachment_id)))

    async def delete_attachment(self, attachment_id: str) -> None:
        """Delete an uploaded file that was never sent or shared."""
        await self._call("DELETE", _path("/attachments/{}", attachment_id))

    async def delete_message_files(self, message_id: str) -> None:
        """The sender withdraws the files of a sent message."""
        await self._call("DELETE", _path("/message/{}/delete_attachments", message_id))

    # ---- messages ------------------------------------------------------------------------------------

    async def send_message(
        self, *, recipients: Iterable[str], cc: Iterable[str] = (), bcc: Iterable[str] = (), subject: str = "",
        message: str = "", attachments: Iterable[str] = (), expires_at: date | None = None,
        expires_after: int | None = None, authorization: int | None = None, private_message: bool | None = None,
        send_email: bool | None = None, bcc_myself: bool | None = None,
    ) -> Message:
        """``POST /message``: only the fields given are sent, so the server's and group's defaults apply."""
        fields = _given(
            recipients=_listed(recipients), cc=_listed(cc), bcc=_listed(bcc), subject=subject or None,
            message=message or None, attachments=_listed(attachments), expires_at=expires_at,
            expires_after=expires_after, authorization=authorization, private_message=private_message,
            send_email=send_email, bcc_myself=bcc_myself,
        )
        return MESSAGE.read(await self._call("POST", "/message", {"message": fields}))

    async def inbox(self, *, sent_after: date | None = None, sent_in_the_last: int | None = None) -> list[Message]:
        """``GET /messages/inbox``; ``sent_in_the_last`` is in hours."""
        body = await self._get("/messages/inbox", sent_after=sent_after, sent_in_the_last=sent_in_the_last)
        return await _off_loop(INBOX, body)

    async def sent(
        self, *, sent_after: date | None = None, sent_in_the_last: int | None = None, limit: int | None = None
    ) -> list[Message]:
        body = await self._get("/messages/sent", sent_after=sent_after, sent_in_the_last=sent_in_the_last, limit=limit)
        return await _off_loop(SENT, body)

    async def message(self, message_id: str) -> Message:
        """One message, with fresh one-time ``url``s for its files."""
        return MESSAGE.read(await self._get(_path("/message/{}", message_id)))

    async def message_file(self, message_id: str, file_id: str) -> MessageFile:
        """One file of a message with a fresh one-time ``url`` (the one given before was used or expired)."""
        message = await self.message(message_id)
        for file in message.attachments:
            if file.id == file_id:
                return file
        raise NotFound(f"The message no longer has the file {file_id}")

    # ---- FileLinks -----------------------------------------------------------------------------------

    async def create_link(
        self, attachment_id: str, *, expires_at: date | None = None, password: str | None = None,
        download_receipt: bool | None = None, require_authentication: bool | None = None,
    ) -> FileLink:
        fields = _given(
            attachment=attachment_id, expires_at=expires_at, password=password, download_receipt=download_receipt,
            require_authentication=require_authentication,
        )
        return LINK.read(await self._call("POST", "/link", {"link": fields}))

    async def links(self, limit: int | None = None) -> list[FileLink]:
        return await _off_loop(LINKS, await self._get("/link", limit=limit))

    async def delete_link(self, link_id: str) -> None:
        await self._call("DELETE", _path("/link/{}", link_id))

    async def set_link_authentication(self, link_id: str, required: bool) -> FileLink | None:
        return await self._update_link(link_id, "update_authentication", require_authentication=required)

    async def set_link_download_confirmation(self, link_id: str, send: bool) -> FileLink | None:
        return await self._update_link(link_id, "update_download_confirmation", send_download_confirmation=send)

    async def set_link_expiry(self, link_id: str, expires_at: date) -> FileLink | None:
        return await self._update_link(link_id, "update_expires_at", expires_at=expires_at)

    async def _update_link(self, link_id: str, action: str, **field: object) -> FileLink | None:
        """The updated FileLink when the server answers one; real servers may answer 200 with nothing."""
        body = await self._call("PUT", _path("/link/{}/", link_id) + action, _given(**field))
        return LINK.read(body) if isinstance(body, Mapping) and "link" in body else None

    # ---- download log --------------------------------------------------------------------------------

    async def downloads(self, after: date | None = None) -> list[Download]:
        """Every download of the user's files, on or after ``after``."""
        return await _off_loop(DOWNLOADS, await self._get("/downloads", after=after))

    async def message_downloads(self, message_id: str) -> list[Download]:
        return await _off_loop(DOWNLOADS, await self._get(_path("/message/{}/downloads", message_id)))

    async def link_downloads(self, link_id: str) -> list[Download]:
        return await _off_loop(DOWNLOADS, await self._get(_path("/link/{}/downloads", link_id)))

    # ---- filedrop admin (an admin's key) -------------------------------------------------------------

    async def filedrops(self) -> list[Filedrop]:
        return FILEDROPS.read(await self._get("/admin/filedrops"))

    async def filedrop(self, filedrop_id: str) -> Filedrop:
        return FILEDROP.read(await self._get(_path("/admin/filedrops/{}", filedrop_id)))

    async def create_filedrop(self, fields: Mapping[str, object]) -> Filedrop:
        """``name``, ``title`` and ``owner`` are required; the other attributes of seeds/004 are optional."""
        return FILEDROP.read(await self._call("POST", "/admin/filedrops", {"filedrop": dict(fields)}))

    async def update_filedrop(self, filedrop_id: str, fields: Mapping[str, object]) -> Filedrop:
        """Change only the attributes in ``fields``."""
        path = _path("/admin/filedrops/{}", filedrop_id)
        return FILEDROP.read(await self._call("PUT", path, {"filedrop": dict(fields)}))

    async def delete_filedrop(self, filedrop_id: str) -> None:
        await self._call("DELETE", _path("/admin/filedrops/{}", filedrop_id))

    # ---- file requests -------------------------------------------------------------------------------

    async def request_files(
        self, *, recipient: str, subject: str = "", message: str = "", send_email: bool | None = None,
        expires_at: date | None = None, multiuse: bool | None = None, bcc_myself: bool | None = None,
    ) -> FileRequest:
        """``POST /requests``: ask ``recipient`` to upload files to this user."""
        fields = _given(
            recipient=recipient, subject=subject or None, message=message or None, send_email=send_email,
            expires_at=expires_at, multiuse=multiuse, bcc_myself=bcc_myself,
        )
        return FILE_REQUEST.read(await self._call("POST", "/requests", {"request": fields}))

    # ---- downloads -----------------------------------------------------------------------------------

    @asynccontextmanager
    async def download(self, url: str, *, offset: int = 0) -> AsyncIterator[DownloadBody]:
        """Stream a file from a URL the server gave (a message attachment's ``url``)."""
        async with self.session.download(url, offset=offset) as body:
            yield body
