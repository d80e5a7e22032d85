"""The FileLink pane's work: each dropped file uploaded as a FileLink attachment, then a FileLink made for it
with the options chosen when it was dropped."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from lfdesktop.api.errors import ApiError
from lfdesktop.transfer.events import TransferState

from .context import AppContext
from .staged import StagedUpload, StagedUploads


@dataclass(frozen=True)
class LinkOptions:
    """None leaves a choice to the server and the user's group."""

    expires_at: date | None = None
    password: str | None = None
    require_authentication: bool | None = None
    download_receipt: bool | None = None


class FileLinkController(QObject):
    link_ready = Signal(str, str)  # name, url
    failed = Signal(str, str)  # name, reason (the upload or the link)

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        # A file may be linked again (another expiry or password): not unique.
        self.staged = StagedUploads(context, link=True, unique=False, parent=self)
        self._options: dict[int, LinkOptions] = {}  # by batch: the options as they were when it was dropped
        self.staged.uploaded.connect(self._make_link)
        self.staged.progressed.connect(self._report_failures)

    def add_files(self, paths: list[Path], options: LinkOptions | None = None) -> None:
        """One FileLink per file (folders expand), made with ``options`` once the file is up."""
        self.context.tasks.spawn(self._add(paths, options or LinkOptions()), name="stage files to link")

    async def _add(self, paths: list[Path], options: LinkOptions) -> None:
        added = await self.staged.add(paths)
        if added:
            self._options[added[0].batch] = options

    def remove(self, transfer_id: int) -> None:
        self.staged.remove(transfer_id)

    def batch_links(self, batch: int) -> list[str]:
        """The URLs made so far for the files dropped together with ``batch``'s."""
        return [item.link.url for item in self.staged.items if item.batch == batch and item.link is not None]

    # ---- inside ----

    def _make_link(self, item: StagedUpload) -> None:
        self.context.tasks.spawn(self._link(item), name=f"make a FileLink for {item.file.name}")

    async def _link(self, item: StagedUpload) -> None:
        signed_in, attachment_id = self.staged.signed_in, item.attachment_id
        if signed_in is None or attachment_id is None:
            return
        options = self._options.get(item.batch, LinkOptions())
        item.link_error = None
        try:
            link = await signed_in.client.create_link(
                attachment_id, expires_at=options.expires_at, password=options.password,
                require_authentication=options.require_authentication, download_receipt=options.download_receipt,
            )
        except ApiError as error:
            item.link_error = str(error)
            self._changed(item)
            self.failed.emit(item.file.name, item.link_error)
            return
        item.link = link
        self._changed(item)
        self.link_ready.emit(item.file.name, link.url)

    def _report_failures(self, rows: list[int]) -> None:
        for row in rows:
            item = self.staged.items[row]
            snapshot = item.snapshot
            if snapshot is not None and snapshot.state is TransferState.FAILED:
                self.failed.emit(item.file.name, snapshot.error or "the upload failed")

    def _changed(self, item: StagedUpload) -> None:
        if item in self.staged.items:
            self.staged.progressed.emit([self.staged.items.index(item)])
