"""The tray icon: the app's state at a glance (idle, transferring with its progress, something new or wrong,
offline), a tooltip with the transfers and sync, a menu rebuilt each time it opens, and the notifications of
background sync (one per pass; clicking it opens the message).

It follows the transfer list's refresh timer and sync's status changes: never a repaint per block.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from lfdesktop.api.models import Message
from lfdesktop.qt import formatting
from lfdesktop.qt.folders import NOT_YET, open_folder
from lfdesktop.sync.notify import Notification
from lfdesktop.sync.report import SyncReport
from lfdesktop.sync.syncer import SyncStatus
from lfdesktop.transfer.events import TransferSnapshot

from .trayicons import TrayState, progress_step, tray_icon

if TYPE_CHECKING:
    from .mainwindow import MainWindow

PAUSE_FOR = 3600  # "Pause for 1 hour", in seconds
LATEST = 5  # received messages listed in the menu
NOTIFICATION_MS = 8000
HINT = ("lfdesktop keeps running in the tray, so transfers and sync carry on. To quit, choose Quit from its menu; "
        "Preferences can make closing the window quit instead.")


def tray_state(
    snapshots: Sequence[TransferSnapshot], sync: SyncStatus, *, signed_in: bool, unseen: int
) -> tuple[TrayState, float | None]:
    """What the icon shows, most pressing first: cut off from the server, files moving, something for the
    user (new synced messages, a failed sync), nothing."""
    if not signed_in or sync is SyncStatus.OFFLINE:
        return TrayState.OFFLINE, None
    if formatting.moving(snapshots):
        return TrayState.TRANSFERRING, formatting.overall_progress(snapshots)
    if unseen or sync is SyncStatus.FAILED:
        return TrayState.ATTENTION, None
    return TrayState.IDLE, None


def sync_text(enabled: bool, status: SyncStatus, detail: str | None, last: datetime | None) -> str:
    """The tooltip's and the status bar's line on sync."""
    if not enabled:
        return "Sync is off"
    match status:
        case SyncStatus.SYNCING:
            return "Syncing..."
        case SyncStatus.OFFLINE:
            return f"Offline: {detail}" if detail else "Offline"
        case SyncStatus.FAILED:
            return f"Sync failed: {detail}" if detail else "Sync failed"
    return f"Synced at {last:%H:%M}" if last else "Sync is on"


def transfer_text(snapshots: Sequence[TransferSnapshot]) -> str:
    """The transfer list's summary with how far along the transfers are: "2 downloading · 45% · 3.1 MB/s"."""
    summary = formatting.summary_text(snapshots)
    progress = formatting.overall_progress(snapshots)
    if progress is None or not formatting.moving(snapshots):
        return summary
    first, _, rest = summary.partition(" · ")
    return " · ".join(part for part in (first, f"{progress:.0%}", rest) if part)


def message_label(message: Message) -> str:
    subject = message.subject or "(no subject)"
    text = f"{message.sender}: {subject}"
    return text if len(text) <= 60 else text[:59] + "…"


class Tray(QObject):
    """Owned by the main window, only where the desktop has a tray."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window = window
        context = window.context
        self.sync = context.sync
        self.transfers = window.transfers
        self.unseen = 0  # synced messages the user has not looked at yet
        self._shown_icon: tuple[TrayState, int | None] | None = None
        self._clicked: Notification | None = None  # what clicking the last notification opens

        self.icon = QSystemTrayIcon(self)
        self.menu = QMenu()
        self.menu.setAccessibleName("lfdesktop tray menu")
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)
        self.icon.messageClicked.connect(self._on_message_clicked)
        window.transfer_model.refreshed.connect(self.refresh)
        self.sync.status_changed.connect(self.refresh)
        self.sync.synced.connect(self._on_synced)
        context.sessions.active_changed.connect(lambda _: self.refresh())
        self.rebuild_menu()  # some trays (StatusNotifierItem) read the menu before it is first opened
        self.refresh()
        self.icon.show()

    # ---- look ----

    def refresh(self) -> None:
        snapshots = self.window.transfer_model.snapshots()
        state, progress = tray_state(snapshots, self.sync.status[0], signed_in=self.window.sessions.active is not None,
                                     unseen=self.unseen)
        shown = (state, progress_step(progress))
        if shown != self._shown_icon:  # a new icon only when it looks different: trays re-read it each time
            self._shown_icon = shown
            self.icon.setIcon(tray_icon(state, progress))
        tooltip = self.tooltip(snapshots)
        if tooltip != self.icon.toolTip():
            self.icon.setToolTip(tooltip)

    @property
    def state(self) -> TrayState | None:
        return self._shown_icon[0] if self._shown_icon else None

    def tooltip(self, snapshots: Sequence[TransferSnapshot]) -> str:
        active = self.window.sessions.active
        lines = ["lfdesktop" + (f": {active.account.email}" if active else ": not signed in"),
                 transfer_text(snapshots)]
        if self.transfers.paused_until is not None:
            lines.append(f"Paused until {self.transfers.paused_until:%H:%M}")
        status, detail = self.sync.status
        lines.append(sync_text(self.sync.enabled, status, detail, self.sync.last_synced))
        if self.unseen:
            lines.append(f"{self.unseen} new synced message{'s' if self.unseen != 1 else ''}")
        return "\n".join(lines)

    # ---- menu ----

    def rebuild_menu(self) -> None:
        menu = self.menu
        menu.clear()
        opening = self._item("Open lfdesktop", self.window.bring_forward)
        bold = QFont(opening.font())
        bold.setBold(True)
        opening.setFont(bold)
        self._item("Send Files...", lambda: self._forward_then(lambda: self.window.choose_files("send")))
        menu.addSeparator()
        transfers = self.transfers
        if transfers.can_resume:
            until = transfers.paused_until
            self._item(f"Resume All Transfers (paused until {until:%H:%M})" if until else "Resume All Transfers",
                       transfers.resume_all)
        else:
            self._item("Pause All Transfers", transfers.pause_all, enabled=transfers.can_pause)
        self._item("Pause All for 1 Hour", lambda: transfers.pause_all_for(PAUSE_FOR),
                   enabled=transfers.paused_until is None)
        menu.addSeparator()
        if self.sync.enabled:
            self._item("Sync Now", self.sync.sync_now, enabled=self.sync.status[0] is not SyncStatus.SYNCING)
            self._item("Open Sync Folder", self._open_sync_folder)
        else:
            self._item("Turn On Background Sync...", self.window.open_preferences)
        self._latest_messages()
        menu.addSeparator()
        self._item("Preferences...", lambda: self._forward_then(self.window.open_preferences))
        self._item("Quit lfdesktop", self.window.request_quit)

    def _latest_messages(self) -> None:
        inbox = self.window.inbox_pane
        latest = inbox.model.latest(LATEST)
        if not latest:
            return
        self.menu.addSeparator()
        self.menu.addSection("Latest messages")
        for message in latest:
            self._item(message_label(message), partial(self.open_message, None, message.id))

    def _item(self, text: str, slot: Callable[[], object], *, enabled: bool = True) -> QAction:
        action = self.menu.addAction(text)
        action.setEnabled(enabled)
        action.triggered.connect(lambda *_: slot())
        return action

    def _open_sync_folder(self) -> None:
        folder = self.window.sessions.settings.sync_folder_path(self.window.context.paths)

        async def opening() -> None:
            if not await open_folder(folder):
                self.window.bring_forward()
                self.window.notices.show_notice(f"{folder}: {NOT_YET}", "info")

        self.window.context.tasks.spawn(opening(), name="open the sync folder")

    def _forward_then(self, then: Callable[[], object]) -> None:
        self.window.bring_forward()
        then()

    # ---- notifications ----

    def tell(self, notification: Notification) -> None:
        self._clicked = notification if notification.message_id else None
        kind = QSystemTrayIcon.MessageIcon.Warning if notification.problem else QSystemTrayIcon.MessageIcon.Information
        self.icon.showMessage(notification.title, notification.body, kind, NOTIFICATION_MS)

    def hint_once(self) -> None:
        self.icon.showMessage("lfdesktop is still running", HINT, QSystemTrayIcon.MessageIcon.Information,
                              NOTIFICATION_MS)

    def seen(self) -> None:
        """The user looked at the window: what sync brought is no longer news."""
        if self.unseen:
            self.unseen = 0
            self.refresh()

    def open_message(self, account: str | None, message_id: str) -> None:
        self.seen()
        self.window.open_message(account, message_id)

    def _on_synced(self, report: SyncReport) -> None:
        if not self.window.isActiveWindow():
            self.unseen += len(report.messages)
        self.refresh()

    def _on_message_clicked(self) -> None:
        clicked = self._clicked
        if clicked is not None and clicked.message_id is not None:
            self.open_message(clicked.account, clicked.message_id)
        else:
            self.window.bring_forward()

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.window.bring_forward()

    def close(self) -> None:
        self.icon.hide()
        self.menu.deleteLater()

