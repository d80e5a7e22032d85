"""The live transfer list: a table model over the ``TransferQueue``, the actions a transfer offers, and a
controller that performs them and keeps the status bar's summary.

The model polls ``queue.snapshot()`` on a timer (never per block): rows are keyed by transfer id, so a row
stays where it is while its transfer lives, and only rows whose snapshot changed are announced. Which actions
a transfer offers is a pure function of its snapshot (``context_actions``), so the menu can be tested without
a widget.
"""

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from enum import Enum, IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices, QIcon

from lfdesktop.transfer.events import ChecksumState, Direction, TransferSnapshot, TransferState
from lfdesktop.transfer.queue import TransferQueue

from . import formatting
from .tablemodel import AnyIndex, ColumnsTableModel

REFRESH_MS = 300

IconProvider = Callable[[str], QIcon]


class Column(IntEnum):
    NAME = 0
    PROGRESS = 1
    SIZE = 2
    SPEED = 3
    ETA = 4
    CHECKSUM = 5
    STATE = 6

    @property
    def title(self) -> str:
        return "ETA" if self is Column.ETA else self.name.capitalize()


SnapshotRole = Qt.ItemDataRole.UserRole + 1  # the row's TransferSnapshot
TransferIdRole = Qt.ItemDataRole.UserRole + 2  # the row's transfer id


class TransferAction(Enum):
    PAUSE = ("Pause", "pause")
    RESUME = ("Resume", "resume")
    CANCEL = ("Cancel", "cancel")
    RETRY = ("Retry", "retry")
    SHOW_IN_FOLDER = ("Show in Folder", "folder")
    REMOVE = ("Remove from List", "remove")

    @property
    def label(self) -> str:
        return self.value[0]

    @property
    def icon_name(self) -> str:
        return self.value[1]


def containing_folder(snapshot: TransferSnapshot) -> Path | None:
    """Where the transfer's file is on this computer: an upload's source folder; a download's folder (its
    final file's once saved). None when unknown."""
    if snapshot.direction is Direction.DOWNLOAD and snapshot.result:
        return Path(snapshot.result).parent
    if snapshot.source is None:
        return None
    source = Path(snapshot.source)
    return source.parent if snapshot.direction is Direction.UPLOAD else source


def context_actions(snapshot: TransferSnapshot) -> list[TransferAction]:
    """The actions that make sense for a transfer in its present state, in menu order."""
    state = snapshot.state
    wanted = [
        (TransferAction.PAUSE, state in (TransferState.QUEUED, TransferState.RUNNING)),
        (TransferAction.RESUME, state is TransferState.PAUSED),
        (TransferAction.CANCEL, not state.finished),
        (TransferAction.RETRY, state in (TransferState.FAILED, TransferState.CANCELLED)),
        (TransferAction.SHOW_IN_FOLDER, containing_folder(snapshot) is not None),
        (TransferAction.REMOVE, state.finished),
    ]
    return [action for action, offered in wanted if offered]


def _runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted rows as (first, last) runs of neighbours: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for row in sorted(rows):
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


class TransferTableModel(ColumnsTableModel):
    """One row per transfer of the queue, in the order they were added."""

    refreshed = Signal()  # after every refresh, changed or not (the controller's summary follows it)

    def __init__(
        self, queue: TransferQueue, *, interval_ms: int = REFRESH_MS, parent: QObject | None = None
    ) -> None:
        super().__init__(Column, parent)
        self.queue = queue
        self._icons: IconProvider | None = None  # the widgets give theirs (``set_icons``)
        self._ids: list[int] = []
        self._snapshots: dict[int, TransferSnapshot] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def set_icons(self, icons: IconProvider | None) -> None:
        """Icons by name (the widgets own them): the direction beside the name, the outcome beside the state."""
        self._icons = icons
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(Column) - 1),
                                  [Qt.ItemDataRole.DecorationRole])

    def stop(self) -> None:
        """No more polling (the app's shutdown)."""
        self._timer.stop()

    # ---- keeping up with the queue ----

    def refresh(self) -> None:
        """Take the queue's snapshots and announce what changed: rows gone, rows new, rows that moved on."""
        fresh = {snapshot.id: snapshot for snapshot in self.queue.snapshot()}
        gone = [row for row, transfer_id in enumerate(self._ids) if transfer_id not in fresh]
        for first, last in reversed(_runs(gone)):
            self.beginRemoveRows(QModelIndex(), first, last)
            for transfer_id in self._ids[first:last + 1]:
                del self._snapshots[transfer_id]
            del self._ids[first:last + 1]
            self.endRemoveRows()
        new = [transfer_id for transfer_id in fresh if transfer_id not in self._snapshots]
        if new:
            self.beginInsertRows(QModelIndex(), len(self._ids), len(self._ids) + len(new) - 1)
            self._ids.extend(new)
            self._snapshots.update((transfer_id, fresh[transfer_id]) for transfer_id in new)
            self.endInsertRows()
        changed = [row for row, key in enumerate(self._ids) if fresh[key] != self._snapshots[key]]
        self._snapshots.update(fresh)
        for first, last in _runs(changed):
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(Column) - 1))
        self.refreshed.emit()

    # ---- reading ----

    def snapshots(self) -> list[TransferSnapshot]:
        """What the rows show, in row order."""
        return [self._snapshots[transfer_id] for transfer_id in self._ids]

    def snapshot(self, transfer_id: int) -> TransferSnapshot | None:
        return self._snapshots.get(transfer_id)

    def row_of(self, transfer_id: int) -> int | None:
        return self._ids.index(transfer_id) if transfer_id in self._snapshots else None

    # ---- Qt ----

    def row_count(self) -> int:
        return len(self._ids)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._ids):
            return None
        snapshot = self._snapshots[self._ids[index.row()]]
        column = Column(index.column())
        if role == SnapshotRole:
            return snapshot
        if role == TransferIdRole:
            return snapshot.id
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(snapshot, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(snapshot, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return formatting.progress_text(snapshot) if column is Column.PROGRESS else _text(snapshot, column)
        if role == Qt.ItemDataRole.DecorationRole:
            name = _icon_name(snapshot, column)
            return self._icons(name) if name and self._icons else None
        return None


def _text(snapshot: TransferSnapshot, column: Column) -> str:
    match column:
        case Column.NAME:
            return snapshot.name
        case Column.PROGRESS:
            return formatting.percent_text(snapshot)
        case Column.SIZE:
            return formatting.size_text(snapshot)
        case Column.SPEED:
            return formatting.speed_text(snapshot)
        case Column.ETA:
            return formatting.eta_text(snapshot)
        case Column.CHECKSUM:
            return formatting.checksum_text(snapshot)
        case Column.STATE:
            return formatting.state_text(snapshot)


def _tooltip(snapshot: TransferSnapshot, column: Column) -> str | None:
    match column:
        case Column.NAME:
            return snapshot.source or snapshot.name
        case Column.PROGRESS:
            return formatting.progress_text(snapshot)
        case Column.CHECKSUM:
            return f"SHA-256: {snapshot.sha256}" if snapshot.sha256 else None
        case Column.STATE:
            return formatting.state_text(snapshot)  # a long failure reason does not fit the column
    return None


def _icon_name(snapshot: TransferSnapshot, column: Column) -> str | None:
    if column is Column.NAME:
        return "upload" if snapshot.direction is Direction.UPLOAD else "download"
    if column is Column.CHECKSUM:
        return {ChecksumState.VERIFIED: "check", ChecksumState.MISMATCH: "warning"}.get(snapshot.checksum)
    if column is Column.STATE:
        return {TransferState.DONE: "check", TransferState.FAILED: "error"}.get(snapshot.state)
    return None


class TransferController(QObject):
    """What the transfer list's buttons and menu do, and the one-line summary for the status bar."""

    summary_changed = Signal(str)

    def __init__(self, model: TransferTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.queue = model.queue
        self._summary = formatting.summary_text(model.snapshots())
        self.paused_until: datetime | None = None  # "pause for an hour": when all resume
        self._resume_timer = QTimer(self)
        self._resume_timer.setSingleShot(True)
        self._resume_timer.timeout.connect(self.resume_all)
        model.refreshed.connect(self._update_summary)

    def perform(self, action: TransferAction, transfer_id: int) -> bool:
        """Do ``action`` to a transfer if it still makes sense (the menu may have been open while the transfer
        moved on); whether it was done."""
        snapshot = next((s for s in self.queue.snapshot() if s.id == transfer_id), None)
        if snapshot is None or action not in context_actions(snapshot):
            return False
        match action:
            case TransferAction.PAUSE:
                self.queue.pause(transfer_id)
            case TransferAction.RESUME:
                self.queue.resume(transfer_id)
            case TransferAction.CANCEL:
                self.queue.cancel(transfer_id)
            case TransferAction.RETRY:
                self.queue.retry(transfer_id)
            case TransferAction.SHOW_IN_FOLDER:
                folder = containing_folder(snapshot)
                assert folder is not None  # context_actions offers it only then
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
            case TransferAction.REMOVE:
                self.queue.remove(transfer_id)
        self.model.refresh()
        return True

    def pause_all(self) -> None:
        """Pause each transfer on its own (not the queue's valve), so that each can be resumed on its own and
        files added later still start."""
        for transfer_id in self._offering(TransferAction.PAUSE):
            self.queue.pause(transfer_id)
        self.model.refresh()

    def resume_all(self) -> None:
        self._resume_timer.stop()
        self.paused_until = None
        self.queue.resume()  # the queue as a whole too, after "pause for an hour"
        for transfer_id in self._offering(TransferAction.RESUME):
            self.queue.resume(transfer_id)
        self.model.refresh()

    def pause_all_for(self, seconds: int) -> None:
        """Hold the whole queue, transfers added meanwhile too (sync's downloads), then resume all."""
        self.queue.pause()
        self.paused_until = datetime.now().astimezone() + timedelta(seconds=seconds)
        self._resume_timer.start(seconds * 1000)
        self.model.refresh()

    @property
    def can_pause(self) -> bool:
        return self.paused_until is None and bool(self._offering(TransferAction.PAUSE))

    @property
    def can_resume(self) -> bool:
        return self.paused_until is not None or bool(self._offering(TransferAction.RESUME))

    def clear_finished(self) -> None:
        self.queue.clear_finished()
        self.model.refresh()

    def summary(self) -> str:
        return self._summary

    def _offering(self, action: TransferAction) -> list[int]:
        return [snapshot.id for snapshot in self.queue.snapshot() if action in context_actions(snapshot)]

    def _update_summary(self) -> None:
        text = formatting.summary_text(self.model.snapshots())
        if text != self._summary:
            self._summary = text
            self.summary_changed.emit(text)

