"""The download log's work: load a log (the account's, one message's or one link's), keep the filter, and
export the filtered rows. The table model and the charts both follow ``shown``."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import ApiError
from lfdesktop.api.models import Download

from .context import AppContext
from .logexport import write_csv
from .logfilter import LogFilter

Fetch = Callable[[LiquidFilesClient], Awaitable[list[Download]]]


class DownloadLogController(QObject):
    loading_changed = Signal(bool)
    loaded = Signal()  # ``rows`` replaced
    shown_changed = Signal()  # ``shown`` replaced (a new log or a new filter)
    failed = Signal(str)
    exported = Signal(str)  # the CSV file's path

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.rows: list[Download] = []
        self.shown: list[Download] = []
        self.filter = LogFilter()

    # ---- which log ----

    def load(self, after: date | None = None) -> None:
        """The account's whole log (``after``: only downloads since that day)."""
        self._fetch(lambda client: client.downloads(after), "the download log")

    def load_message(self, message_id: str) -> None:
        self._fetch(lambda client: client.message_downloads(message_id), "the message's download log")

    def load_link(self, link_id: str) -> None:
        self._fetch(lambda client: client.link_downloads(link_id), "the link's download log")

    def set_rows(self, rows: Sequence[Download]) -> None:
        self.rows = list(rows)
        self.loaded.emit()
        self._apply()

    def _fetch(self, fetch: Fetch, what: str) -> None:
        self.context.tasks.spawn(self._load(fetch, what), name=f"load {what}")

    async def _load(self, fetch: Fetch, what: str) -> None:
        signed_in = self.context.sessions.active
        if signed_in is None:
            self.set_rows([])
            return
        self.loading_changed.emit(True)
        try:
            rows = await fetch(signed_in.client)
        except ApiError as error:
            self.failed.emit(f"Could not load {what}: {error}")
            return
        finally:
            self.loading_changed.emit(False)
        if self.context.sessions.active is signed_in:
            self.set_rows(rows)

    # ---- filter and export ----

    def set_filter(self, chosen: LogFilter) -> None:
        if chosen != self.filter:
            self.filter = chosen
            self._apply()

    def _apply(self) -> None:
        self.shown = self.filter.apply(self.rows)
        self.shown_changed.emit()

    def export_csv(self, path: Path) -> None:
        self.context.tasks.spawn(self._export(path, list(self.shown)), name="export the download log")

    async def _export(self, path: Path, rows: list[Download]) -> None:
        try:
            await asyncio.to_thread(write_csv, path, rows)
        except OSError as error:
            self.failed.emit(f"Could not save {path.name}: {error.strerror or error}")
            return
        self.exported.emit(str(path))
