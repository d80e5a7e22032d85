"""The link manager's work: the account's FileLinks with their download counts, and every change to them.

Changes are optimistic: the table shows the new expiry, switch or deletion at once, and if the server refuses
(a group that may not change it answers 422) the row goes back to what it was and ``refused`` says why in the
server's words."""

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date
from typing import TypeVar

from PySide6.QtCore import QObject, Signal, SignalInstance

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import ApiError
from lfdesktop.api.models import FileLink

from .context import AppContext
from .link_model import LinkTableModel
from .session import SignedIn

T = TypeVar("T")

_WHAT = {"require_authentication": "sign-in required", "send_download_confirmation": "the download receipt",
         "expires_at": "the expiry date"}


class LinksController(QObject):
    loading_changed = Signal(bool)
    failed = Signal(str)  # the list could not be loaded
    refused = Signal(str)  # a change the server refused, rolled back
    changed = Signal(str)  # a change the server accepted, in words for the status line
    log_loaded = Signal(str, list)  # link id, its downloads (list[Download])
    attachments_loaded = Signal(list)  # list[Attachment] a new link can be made from

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = LinkTableModel(self)
        self.model.toggle_requested.connect(self.set_flag)

    @property
    def signed_in(self) -> SignedIn | None:
        return self.context.sessions.active

    def link(self, link_id: str) -> FileLink | None:
        row = self.model.row_of(link_id)
        return None if row is None else self.model.links[row]

    # ---- loading ----

    def refresh(self) -> None:
        self.context.tasks.spawn(self._refresh(), name="list FileLinks")

    async def _refresh(self) -> None:
        signed_in = self.signed_in
        if signed_in is None:
            self.model.set_links([], {})
            return
        self.loading_changed.emit(True)
        try:
            links = await signed_in.client.links()
            # One request for every link's count: the global log names the link of each download.
            downloads = Counter(row.filelink_id for row in await signed_in.client.downloads() if row.filelink_id)
        except ApiError as error:
            self.failed.emit(f"Could not load your links: {error}")
            return
        finally:
            self.loading_changed.emit(False)
        if self.signed_in is signed_in:
            newest_first = sorted(links, key=lambda link: link.created_at.timestamp() if link.created_at else 0,
                                  reverse=True)
            self.model.set_links(newest_first, dict(downloads))

    def load_log(self, link_id: str) -> None:
        self.context.tasks.spawn(self._load_log(link_id), name="a FileLink's download log")

    async def _load_log(self, link_id: str) -> None:
        rows = await self._ask(lambda client: client.link_downloads(link_id),
                               "Could not load the link's download log", self.failed)
        if rows is not None:
            self.log_loaded.emit(link_id, rows)

    def load_attachments(self) -> None:
        self.context.tasks.spawn(self._load_attachments(), name="attachments to link")

    async def _load_attachments(self) -> None:
        attachments = await self._ask(lambda client: client.attachments(), "Could not list your files", self.failed)
        if attachments is not None:
            self.attachments_loaded.emit(attachments)

    async def _ask(self, call: Callable[[LiquidFilesClient], Awaitable[T]], failure: str,
                   report: SignalInstance) -> T | None:
        """The answer of the signed-in account's server; None (and ``failure`` reported) when there is none."""
        signed_in = self.signed_in
        if signed_in is None:
            return None
        try:
            return await call(signed_in.client)
        except ApiError as error:
            report.emit(f"{failure}: {error}")
            return None

    # ---- changes ----

    def set_flag(self, link_id: str, name: str, value: bool) -> None:
        """``name``: "require_authentication" or "send_download_confirmation"."""
        self._change(link_id, name, value)

    def set_expiry(self, link_id: str, expires_at: date) -> None:
        self._change(link_id, "expires_at", expires_at)

    def _change(self, link_id: str, name: str, value: object) -> None:
        before = self.link(link_id)
        signed_in = self.signed_in
        if before is None or signed_in is None or getattr(before, name) == value:
            return
        self.model.replace(replace(before, **{name: value}))  # type: ignore[arg-type]
        self.context.tasks.spawn(self._send_change(signed_in, before, name, value), name=f"change {name}")

    async def _send_change(self, signed_in: SignedIn, before: FileLink, name: str, value: object) -> None:
        client = signed_in.client
        try:
            if name == "expires_at":
                assert isinstance(value, date)
                updated = await client.set_link_expiry(before.id, value)
            elif name == "require_authentication":
                updated = await client.set_link_authentication(before.id, bool(value))
            else:
                updated = await client.set_link_download_confirmation(before.id, bool(value))
        except ApiError as error:
            self.model.replace(before)
            self.refused.emit(f"Could not change {_WHAT[name]} of {before.filename}: {error}")
            return
        if updated is not None:
            self.model.replace(updated)  # the server's word, e.g. an expiry it shortened
        self.changed.emit(f"Changed {_WHAT[name]} of {before.filename}")

    def delete(self, link_id: str) -> None:
        row, before, signed_in = self.model.row_of(link_id), self.link(link_id), self.signed_in
        if row is None or before is None or signed_in is None:
            return
        self.model.remove(link_id)
        self.context.tasks.spawn(self._delete(signed_in, row, before), name="delete a FileLink")

    async def _delete(self, signed_in: SignedIn, row: int, before: FileLink) -> None:
        try:
            await signed_in.client.delete_link(before.id)
        except ApiError as error:
            self.model.insert(row, before)
            self.refused.emit(f"Could not delete the link to {before.filename}: {error}")
            return
        self.changed.emit(f"Deleted the link to {before.filename}")

    def link_attachment(self, attachment_id: str, name: str) -> None:
        """A new FileLink for a file already on the server (a message's attachment), with the group's defaults."""
        self.context.tasks.spawn(self._link_attachment(attachment_id, name), name="link an attachment")

    async def _link_attachment(self, attachment_id: str, name: str) -> None:
        link = await self._ask(lambda client: client.create_link(attachment_id), f"Could not make a link to {name}",
                               self.refused)
        if link is not None:
            self.model.insert(0, link)
            self.changed.emit(f"Made a link to {link.filename}")
