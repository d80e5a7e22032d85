"""The main window: a sidebar of panes, the transfer list below them, a toolbar with the account switcher, and
a status bar saying who is signed in where, whether the server answers, and how the transfers are doing."""

import base64
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lfdesktop import __version__
from lfdesktop.accounts.autostart import for_this_os
from lfdesktop.api.models import Attachment
from lfdesktop.qt.context import AppContext
from lfdesktop.qt.session import NotSignedIn, SignedIn
from lfdesktop.qt.transfers import TransferController, TransferTableModel
from lfdesktop.sync.notify import Notification
from lfdesktop.sync.report import SyncReport

from .downloadlog import DownloadLogPane
from .filedrops import AdminPane
from .files import FilesPane
from .icons import app_icon, icon
from .layouts import split
from .links import LinksPane
from .messages import InboxPane, SentPane
from .notices import Notices
from .preferences import PreferencesDialog
from .send import SendPane
from .signin import SignInDialog
from .theme import set_style_property
from .transfers import TransferView
from .tray import Tray, sync_text

APP_TITLE = "lfdesktop"


PaneFactory = Callable[[AppContext], QWidget]


@dataclass(frozen=True)
class PaneSpec:
    key: str
    title: str
    icon: str
    build: PaneFactory
    admin_only: bool = False


PANES = (
    PaneSpec("send", "Send", "send", SendPane),
    PaneSpec("links", "Links", "link", LinksPane),
    PaneSpec("inbox", "Inbox", "inbox", InboxPane),
    PaneSpec("sent", "Sent", "sent", SentPane),
    PaneSpec("log", "Download log", "download-log", DownloadLogPane),
    PaneSpec("files", "Files", "files", FilesPane),
    PaneSpec("admin", "Admin", "admin", AdminPane, admin_only=True),
)


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, parent: QWidget | None = None, *, tray_available: bool = False) -> None:
        """``tray_available``: the desktop has a system tray (``QSystemTrayIcon.isSystemTrayAvailable()``); the
        window then has a tray icon, and closing it can leave the app running there."""
        super().__init__(parent)
        self.context = context
        self.sessions = context.sessions
        self.tray_available = tray_available
        self.setWindowTitle(APP_TITLE + (" — Demo server" if context.demo else ""))
        self.setWindowIcon(app_icon())
        self.setMinimumSize(QSize(760, 520))
        self.resize(1180, 780)
        self._sign_in_dialog: SignInDialog | None = None
        self._preferences: PreferencesDialog | None = None

        self.notices = Notices()
        self.sidebar = self._build_sidebar()
        self.panes = QStackedWidget()
        self._pane_widgets: dict[str, QWidget] = {}
        for spec in PANES:
            widget = spec.build(context)
            self._pane_widgets[spec.key] = widget
            self.panes.addWidget(widget)
        send = self._pane_widgets["send"]
        assert isinstance(send, SendPane)
        self.send_pane = send
        links = self._pane_widgets["links"]
        assert isinstance(links, LinksPane)
        self.links_pane = links
        inbox = self._pane_widgets["inbox"]
        assert isinstance(inbox, InboxPane)
        self.inbox_pane = inbox
        self._connect_panes()

        self.transfer_model = TransferTableModel(context.queue, parent=self)
        self.transfers = TransferController(self.transfer_model, self)
        self.transfer_view = TransferView(self.transfers)

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(12, 8, 12, 0)
        column.addWidget(self.notices)
        column.addWidget(self.panes, 1)
        self.splitter = split(Qt.Orientation.Vertical, (content, 3), (self.transfer_view, 1))
        self.splitter.setSizes([560, 220])  # the transfer list shows a few rows from the start
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.splitter, 1)
        self.setCentralWidget(body)

        self._build_actions()
        self._build_status_bar()
        self.sessions.active_changed.connect(self._on_active_changed)
        self.sessions.connection_changed.connect(self._on_connection_changed)
        self.sessions.settings_changed.connect(lambda _: self._rebuild_account_menu())
        self.transfers.summary_changed.connect(self.transfer_summary.setText)
        context.sync.status_changed.connect(self._show_sync_status)
        context.sync.notify.connect(self.tell)
        context.sync.synced.connect(self._on_synced)
        self._on_active_changed(self.sessions.active)
        self.show_pane("send")
        self.tray = Tray(self) if tray_available else None

    # ---- building ----

    def _build_sidebar(self) -> QListWidget:
        sidebar = QListWidget()
        sidebar.setObjectName("sidebar")
        sidebar.ensurePolished()  # the stylesheet's row height must be known before rows are laid out
        sidebar.setAccessibleName("Panes")
        sidebar.setIconSize(QSize(20, 20))
        sidebar.setFixedWidth(190)
        for spec in PANES:
            item = QListWidgetItem(icon(spec.icon), spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, spec.title)
            sidebar.addItem(item)
        sidebar.currentRowChanged.connect(lambda row: self.panes.setCurrentIndex(max(row, 0)))
        return sidebar

    def _action(self, text: str, icon_name: str | None, shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
                slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut:
            keys = QKeySequence(shortcut)
            action.setShortcut(keys)
            action.setToolTip(f"{text.rstrip('.')} ({keys.toString(QKeySequence.SequenceFormat.NativeText)})")
        action.triggered.connect(lambda: slot())
        return action

    def _build_actions(self) -> None:
        self.send_files_action = self._action("Send Files...", "add-file", QKeySequence.StandardKey.Open,
                                              lambda: self.choose_files("send"))
        self.new_link_action = self._action("New FileLink...", "link", "Ctrl+L", lambda: self.choose_files("links"))
        self.preferences_action = self._action("Preferences...", "settings", QKeySequence.StandardKey.Preferences,
                                               self.open_preferences)
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.pause_all_action = self._action("Pause All Transfers", "pause", None, self.transfers.pause_all)
        self.resume_all_action = self._action("Resume All Transfers", "resume", None, self.transfers.resume_all)
        self.sign_in_action = self._action("Sign In to Another Account...", "account", None, self.open_sign_in)
        self.sign_out_action = self._action("Sign Out and Forget This Account", None, None, self._sign_out)
        self.quit_action = self._action("Quit", "quit", QKeySequence.StandardKey.Quit, self.request_quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.addActions([self.send_files_action, self.new_link_action])
        file_menu.addSeparator()
        file_menu.addActions([self.pause_all_action, self.resume_all_action])
        file_menu.addSeparator()
        file_menu.addAction(self.preferences_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.account_menu = menus.addMenu("&Account")
        self.account_menu.aboutToShow.connect(self._rebuild_account_menu)
        view_menu = menus.addMenu("&View")
        for number, spec in enumerate(PANES, start=1):
            go = self._action(spec.title, spec.icon, f"Ctrl+{number}", partial(self.show_pane, spec.key))
            view_menu.addAction(go)
            self.addAction(go)  # the shortcut works even while the menu bar is hidden
        help_menu = menus.addMenu("&Help")
        help_menu.addAction(self._action("About lfdesktop", None, None, self._about))

        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setIconSize(QSize(18, 18))
        self.account_button = QToolButton()
        self.account_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.account_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.account_button.setIcon(icon("account"))
        self.account_button.setAccessibleName("Account")
        self.account_button.setMenu(self.account_menu)
        toolbar.addWidget(self.account_button)
        toolbar.addSeparator()
        toolbar.addActions([self.send_files_action, self.new_link_action])
        toolbar.addSeparator()
        toolbar.addActions([self.pause_all_action, self.resume_all_action])
        self.addToolBar(toolbar)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.account_label = QLabel()
        self.account_label.setAccessibleName("Signed in as")
        self.connection_label = QLabel()
        self.connection_label.setAccessibleName("Connection")
        self.transfer_summary = QLabel(self.transfers.summary())
        self.transfer_summary.setAccessibleName("Transfers")
        self.sync_status = QLabel()
        self.sync_status.setAccessibleName("Background sync")
        bar.addWidget(self.account_label)
        bar.addWidget(self.connection_label, 1)
        bar.addPermanentWidget(self.sync_status)
        bar.addPermanentWidget(self.transfer_summary)
        self._show_sync_status()

    def _rebuild_account_menu(self) -> None:
        menu = self.account_menu
        menu.clear()
        active = self.sessions.active
        for account in self.sessions.settings.accounts:
            choose = menu.addAction(f"{account.email} on {account.server_url}")
            choose.setCheckable(True)
            choose.setChecked(active is not None and active.key == account.key)
            choose.triggered.connect(lambda _=False, key=account.key: self.switch_account(key))
        if self.sessions.settings.accounts:
            menu.addSeparator()
        menu.addAction(self.sign_in_action)
        self.sign_out_action.setEnabled(active is not None)
        menu.addAction(self.sign_out_action)

    # ---- panes ----

    def _connect_panes(self) -> None:
        files = self.pane("files")
        if isinstance(files, FilesPane):
            files.attach_requested.connect(self._attach_to_new_message)
        inbox = self.pane("inbox")
        if isinstance(inbox, InboxPane):
            row = next(index for index, spec in enumerate(PANES) if spec.key == "inbox")
            inbox.unread_changed.connect(
                lambda unread: self.sidebar.item(row).setText(f"Inbox ({unread})" if unread else "Inbox")
            )

    def show_pane(self, key: str) -> None:
        spec = next((spec for spec in PANES if spec.key == key), PANES[0])
        if spec.admin_only and self.sidebar.item(PANES.index(spec)).isHidden():
            spec = PANES[0]
        self.sidebar.setCurrentRow(PANES.index(spec))

    @property
    def current_pane(self) -> str:
        return PANES[max(self.sidebar.currentRow(), 0)].key

    def pane(self, key: str) -> QWidget:
        return self._pane_widgets[key]

    def receive_files(self, files: list[str]) -> None:
        """Files handed over by a second launch (or given on the command line): staged in the Send pane."""
        self.bring_forward()
        paths = [Path(file) for file in files]
        if paths:
            self.show_pane("send")
            self.send_pane.add_files(paths)

    def _attach_to_new_message(self, attachments: list[Attachment]) -> None:
        """From the Files pane: staged in the Send pane as they are on the server, not uploaded again."""
        self.show_pane("send")
        self.send_pane.add_attachments(attachments)

    def bring_forward(self) -> None:
        self.setWindowState((self.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
        self.show()
        self.raise_()
        self.activateWindow()

    def open_message(self, account: str | None, message_id: str) -> None:
        """A message of the inbox (of ``account``, switched to first when another one is active), opened."""
        self.bring_forward()
        active = self.sessions.active
        if account is not None and (active is None or active.key != account):
            self.switch_account(account)
        self.show_pane("inbox")
        self.inbox_pane.open_message(message_id)

    def choose_files(self, key: str) -> None:
        self.show_pane(key)
        zone = self.send_pane.drop_zone if key == "send" else self.links_pane.new_links.drop_zone
        zone.choose()

    # ---- accounts ----

    def _on_active_changed(self, signed_in: SignedIn | None) -> None:
        admin = signed_in is not None and signed_in.account.admin
        admin_row = next(index for index, spec in enumerate(PANES) if spec.admin_only)
        self.sidebar.item(admin_row).setHidden(not admin)
        if not admin and self.current_pane == "admin":
            self.show_pane("send")
        if signed_in is None:
            self.account_button.setText("Not signed in")
            self.account_label.setText("Not signed in")
        else:
            self.account_button.setText(signed_in.account.email)
            demo = " (demo server)" if self.context.demo else ""
            self.account_label.setText(f"Signed in as {signed_in.who}{demo}")
        self._rebuild_account_menu()

    def _on_connection_changed(self, text: str, problem: bool) -> None:
        self.connection_label.setText(text)
        set_style_property(self.connection_label, "problem", problem)  # the notice comes from whoever can retry

    def open_sign_in(self, server: str = "", email: str = "", reason: str = "") -> SignInDialog:
        if self._sign_in_dialog is not None and self._sign_in_dialog.isVisible():
            self._sign_in_dialog.raise_()
            return self._sign_in_dialog
        if not self.isVisible():  # started hidden in the tray: signing in needs the user
            self.bring_forward()
        dialog = SignInDialog(self.context, self, server=server, email=email)
        if reason:
            dialog.show_problem_text(reason)
        dialog.finished.connect(lambda _: setattr(self, "_sign_in_dialog", None))
        self._sign_in_dialog = dialog
        dialog.open()
        return dialog

    def switch_account(self, key: str) -> None:
        self.context.tasks.spawn(self._switch(key), name="switch account")

    async def _switch(self, key: str) -> None:
        try:
            await self.sessions.switch(key)
        except NotSignedIn as problem:
            account = next(a for a in self.sessions.settings.accounts if a.key == key)
            self.open_sign_in(account.server_url, account.email, str(problem))
        except Exception as error:  # the status bar and a notice already say why for server problems
            self.notices.show_notice(f"Could not switch accounts: {error}", "error")

    def _sign_out(self) -> None:
        active = self.sessions.active
        if active is not None:
            self.context.tasks.spawn(self.sessions.forget(active.key), name="sign out")

    # ---- sync, the tray and preferences ----

    def _show_sync_status(self) -> None:
        sync = self.context.sync
        status, detail = sync.status
        self.sync_status.setText(sync_text(sync.enabled, status, detail, sync.last_synced))

    def _on_synced(self, _report: SyncReport) -> None:
        self.inbox_pane.controller.refresh()  # the messages sync found show in the inbox and the tray's menu

    def tell(self, notification: Notification) -> None:
        """Sync's news: the tray's notification, or a notice in the window where there is no tray."""
        if self.tray is not None:
            self.tray.tell(notification)
            return
        text = f"{notification.title}. {notification.body}".replace("\n", " ")
        notice = self.notices.show_notice(text, "warning" if notification.problem else "info")
        if notification.message_id is not None:
            message_id, account = notification.message_id, notification.account
            notice.add_action("Open").clicked.connect(lambda: self.open_message(account, message_id))

    def open_preferences(self) -> PreferencesDialog:
        if self._preferences is not None and self._preferences.isVisible():
            self._preferences.raise_()
            return self._preferences
        dialog = PreferencesDialog(self.context, tray_available=self.tray_available, autostart=for_this_os(),
                                   parent=self)
        dialog.finished.connect(lambda _: setattr(self, "_preferences", None))
        self._preferences = dialog
        dialog.open()
        return dialog

    def _about(self) -> None:
        self.notices.show_notice(
            f"lfdesktop {__version__}: a desktop client for LiquidFiles servers. API keys are kept in the OS "
            "keyring only.", "info",
        )

    # ---- layout memory and quitting ----

    def restore_layout(self) -> None:
        settings = self.sessions.settings
        if settings.window_geometry:
            self.restoreGeometry(QByteArray(base64.b64decode(settings.window_geometry)))
        self.show_pane(settings.last_pane)

    async def remember_layout(self) -> None:
        """At quit: the window's place and pane, and the unsent message as it is this moment."""
        await self.send_pane.drafts.save_now()
        geometry = base64.b64encode(self.saveGeometry().data()).decode("ascii")
        await self.sessions.update_settings(
            replace(self.sessions.settings, window_geometry=geometry, last_pane=self.current_pane)
        )

    def show_error(self, text: str) -> None:
        self.notices.show_notice(text, "error")

    def request_quit(self) -> None:
        self.context.quit_requested.set()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing the window leaves the app in the tray when there is one and the user wants it, or quits: the
        # app's shutdown saves the layout and closes the window once transfers are stopped and the journal flushed.
        if self.context.quit_requested.is_set() or self.context.closed:
            if self.tray is not None:
                self.tray.close()
            super().closeEvent(event)
            return
        event.ignore()
        if self.tray is None or not self.sessions.settings.close_to_tray:
            self.request_quit()
            return
        self.hide()
        if not self.sessions.settings.tray_hint_shown:
            self.tray.hint_once()
            hinted = replace(self.sessions.settings, tray_hint_shown=True)
            self.context.tasks.spawn(self.sessions.update_settings(hinted), name="remember the tray hint")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow() and self.tray is not None:
            self.tray.seen()
        super().changeEvent(event)
