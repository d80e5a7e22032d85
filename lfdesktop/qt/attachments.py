"""The Files pane's work: the account's attachments, read again on demand; the ones still being processed
(assembled, scanned) polled one by one until they are done; a FileLink made from one; an unsent one deleted;
and what an attachment belongs to (its messages and FileLinks) looked up when it is shown."""

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import ApiError, NotFound
from lfdesktop.api.models import Attachment, FileLink

from .context import AppContext
from .session import SignedIn

log = logging.getLogger(__name__)

POLL_MS = 1000  # how often attachments still being processed are asked about
POLL_ONE_BY_ONE = 10  # up to this many are asked about one by one; more, and the whole list is read once


@dataclass(frozen=True)
class Reference:
    """A message or FileLink an attachment belongs to, as the user knows it."""

    kind: str  # "message" or "link"
    id: str
    text: str  # "Message to bob@… : Quarterly figures", "FileLink, expires 2026-12-01"
    url: str  # its page on the server ("" when the server did not say)


class AttachmentsController(QObject):
    listed = Signal()  # ``items`` was read again (rows may have come and gone)
    updated = Signal(list)  # rows (list[int]) whose attachment changed while it was being processed
    loading_changed = Signal(bool)
    failed = Signal(str)  # what did not work, in plain words
    link_made = Signal(object)  # the FileLink made from an attachment
    deleted = Signal(str)  # the file name of a deleted attachment
    references_ready = Signal(str, list)  # attachment id, list[Reference]

    def __init__(self, context: AppContext, *, poll_ms: int = POLL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.items: list[Attachment] = []
        self.loading = False
        self._polling = False
        self._links: dict[str, FileLink] | None = None  # the account's FileLinks by id, read once per listing
        self._messages: dict[str, Reference] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._poll)
        context.sessions.active_changed.connect(self._on_active_changed)

    @property
    def signed_in(self) -> SignedIn | None:
        return self.context.sessions.active

    @property
    def following(self) -> bool:
        """Some files are still being processed and are asked about on a timer."""
        return self._timer.isActive()

    def find(self, attachment_id: str) -> Attachment | None:
        return next((item for item in self.items if item.id == attachment_id), None)

    # ---- reading ----

    def refresh(self) -> None:
        if self.signed_in is not None and not self.loading:
            self.context.tasks.spawn(self._refresh(self.signed_in), name="list attachments")

    async def _refresh(self, signed_in: SignedIn) -> None:
        self._set_loading(True)
        try:
            items = await signed_in.client.attachments()
        except ApiError as error:
            self.failed.emit(f"Your files could not be listed: {error}")
            return
        finally:
            self._set_loading(False)
        if self.signed_in is not signed_in:
            return  # another account by now: its own listing follows
        self.items = items
        self._links = None
        self._messages.clear()
        self.listed.emit()
        self._follow_processing()

    def _follow_processing(self) -> None:
        if any(not item.processed for item in self.items):
            self._timer.start()
        else:
            self._timer.stop()

    def _poll(self) -> None:
        signed_in = self.signed_in
        if signed_in is not None and not self._polling:  # a slow server: one round at a time
            self._polling = True
            self.context.tasks.spawn(self._poll_processing(signed_in), name="poll processing attachments")

    async def _poll_processing(self, signed_in: SignedIn) -> None:
        waiting = [item for item in self.items if not item.processed]
        try:
            if len(waiting) > POLL_ONE_BY_ONE:
                await self._poll_by_listing(signed_in, waiting)
                return
            for attachment in waiting:
                try:
                    fresh = await signed_in.client.attachment(attachment.id)
                except NotFound:
                    fresh = None
                except ApiError as error:  # passing trouble: the next round asks again
                    log.info("Could not poll %s: %s", attachment.filename, error)
                    continue
                if self.signed_in is not signed_in:
                    return
                self._replace(attachment, fresh)
        finally:
            self._polling = False
            self._follow_processing()

    async def _poll_by_listing(self, signed_in: SignedIn, waiting: list[Attachment]) -> None:
        """Many files at once: one listing costs less than a request each. Rows change in place (a selection
        stays); files uploaded meanwhile wait for the next listing."""
        try:
            listed = {item.id: item for item in await signed_in.client.attachments()}
        except ApiError as error:
            log.info("Could not poll the files being processed: %s", error)
            return
        if self.signed_in is signed_in:
            for attachment in waiting:
                self._replace(attachment, listed.get(attachment.id))

    def _replace(self, old: Attachment, new: Attachment | None) -> None:
        if old not in self.items or old == new:
            return
        if new is None:  # deleted elsewhere meanwhile
            self.items.remove(old)
            self.listed.emit()
            return
        row = self.items.index(old)
        self.items[row] = new
        self.updated.emit([row])

    # ---- acting ----

    def make_link(self, attachment_id: str) -> None:
        if self.signed_in is not None:
            self.context.tasks.spawn(self._make_link(self.signed_in, attachment_id), name="make a FileLink")

    async def _make_link(self, signed_in: SignedIn, attachment_id: str) -> None:
        try:
            link = await signed_in.client.create_link(attachment_id)
        except ApiError as error:
            self.failed.emit(f"No FileLink was made: {error}")
            return
        self.link_made.emit(link)
        await self._refresh(signed_in)  # it now belongs to a FileLink (and may have a new expiry)

    def delete(self, attachment_id: str) -> None:
        if self.signed_in is not None:
            self.context.tasks.spawn(self._delete(self.signed_in, attachment_id), name="delete an attachment")

    async def _delete(self, signed_in: SignedIn, attachment_id: str) -> None:
        attachment = self.find(attachment_id)
        name = attachment.filename if attachment else attachment_id
        try:
            await signed_in.client.delete_attachment(attachment_id)
        except ApiError as error:
            self.failed.emit(f"{name} was not deleted: {error}")
            return
        if attachment is not None and self.signed_in is signed_in:
            self._replace(attachment, None)
        self.deleted.emit(name)

    # ---- what an attachment belongs to ----

    def describe(self, attachment_id: str) -> None:
        """Look up the attachment's messages and FileLinks; ``references_ready`` brings them."""
        attachment = self.find(attachment_id)
        if attachment is not None and self.signed_in is not None and (attachment.messages or attachment.filelinks):
            self.context.tasks.spawn(self._describe(self.signed_in, attachment), name="describe an attachment")

    async def _describe(self, signed_in: SignedIn, attachment: Attachment) -> None:
        client = signed_in.client
        found = [await self._message(client, message_id) for message_id in attachment.messages]
        if attachment.filelinks and self._links is None:
            try:
                self._links = {link.id: link for link in await client.links()}
            except ApiError as error:
                log.info("Could not list FileLinks: %s", error)
        for link_id in attachment.filelinks:
            link = (self._links or {}).get(link_id)
            expiry = f", expires {link.expires_at:%Y-%m-%d}" if link and link.expires_at else ""
            found.append(Reference("link", link_id, f"FileLink {link_id}{expiry}", link.url if link else ""))
        if self.signed_in is signed_in:
            self.references_ready.emit(attachment.id, found)

    async def _message(self, client: LiquidFilesClient, message_id: str) -> Reference:
        known = self._messages.get(message_id)
        if known is not None:
            return known
        try:
            message = await client.message(message_id)
        except ApiError as error:  # still worth listing: the id is what the server gave
            log.info("Could not read message %s: %s", message_id, error)
            return Reference("message", message_id, f"Message {message_id}", "")
        everyone = (*message.recipients, *message.ccs, *message.bccs)
        to = everyone[0] if len(everyone) == 1 else f"{len(everyone)} recipients"
        subject = f": {message.subject}" if message.subject else ""
        reference = Reference("message", message_id, f"Message to {to}{subject}", message.url)
        self._messages[message_id] = reference
        return reference

    # ---- inside ----

    def _set_loading(self, loading: bool) -> None:
        self.loading = loading
        self.loading_changed.emit(loading)

    def _on_active_changed(self, signed_in: SignedIn | None) -> None:
        self.items = []
        self._links = None
        self._messages.clear()
        self._timer.stop()
        self.listed.emit()
        if signed_in is not None:
            self.context.tasks.spawn(self._refresh(signed_in), name="list attachments")
