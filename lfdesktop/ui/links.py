"""The Links pane, a link manager: make links (drop files, or link a file already on the server) and manage
every FileLink of the account: copy, open, change the expiry, switch sign-in and the download receipt, delete,
and see who downloaded it."""

from pathlib import Path

from PySide6.QtCore import QDate, QSortFilterProxyModel, Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lfdesktop.api.models import Attachment, FileLink
from lfdesktop.qt.context import AppContext
from lfdesktop.qt.link_model import Column, LinkRole, SortRole
from lfdesktop.qt.links import LinksController
from lfdesktop.qt.session import SignedIn

from .downloadlog import DownloadLogTable
from .filelinks import FileLinkPane
from .formfields import ExpiryEdit
from .icons import icon
from .labels import hint_label, title_label
from .notices import Notices
from .tables import read_only_table
from .theme import colors, notifier


class LinksPane(QWidget):
    title = "Links"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.controller = LinksController(context, self)
        self.model = self.controller.model
        self.confirm: QMessageBox | None = None  # the open delete confirmation, if any

        self.new_links = FileLinkPane(context)  # the drop area: a new link per dropped file
        self.new_links.controller.link_ready.connect(lambda _name, _url: self.controller.refresh())
        self.notices = Notices()
        self.status = hint_label(name="Links status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # it names files: server text

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.new_links)
        splitter.addWidget(self._manager())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notices)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

        self.controller.failed.connect(lambda text: self.notices.show_notice(text, "error"))
        self.controller.refused.connect(lambda text: self.notices.show_notice(text, "error"))
        self.controller.changed.connect(self.status.setText)
        self.controller.loading_changed.connect(lambda loading: self.refresh_button.setEnabled(not loading))
        self.controller.log_loaded.connect(self._show_log)
        self.controller.attachments_loaded.connect(self._fill_attachments)
        self.model.modelReset.connect(self._selection_changed)
        notifier().changed.connect(self._use_theme)
        self._use_theme()
        context.sessions.active_changed.connect(self._on_active_changed)
        self._on_active_changed(context.sessions.active)

    # ---- the pane API ----

    def add_files(self, paths: list[Path]) -> None:
        """New links from files (a drop, a second launch): the drop area's flow."""
        self.new_links.add_files(paths)

    def selected(self) -> FileLink | None:
        index = self.table.currentIndex()
        link = index.data(LinkRole) if index.isValid() else None
        return link if isinstance(link, FileLink) else None

    def select(self, link_id: str) -> bool:
        row = self.model.row_of(link_id)
        if row is None:
            return False
        self.table.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, Column.FILE)))
        return True

    def copy_url(self) -> None:
        link = self.selected()
        if link is not None:
            QGuiApplication.clipboard().setText(link.url)
            self.status.setText("Link copied to the clipboard")

    def open_url(self) -> None:
        link = self.selected()
        if link is not None:
            QDesktopServices.openUrl(QUrl(link.url))

    def change_expiry(self) -> None:
        link = self.selected()
        if link is not None:
            self.controller.set_expiry(link.id, self.expiry.chosen())

    def ask_delete(self) -> None:
        """A confirmation first (non-modal for the loop: ``open``, never ``exec``)."""
        link = self.selected()
        if link is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Delete link",
                          f"Delete the link to {link.filename}? Whoever has it can no longer download the file.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText("Delete")
        box.finished.connect(lambda result: self._confirmed(box, link.id, result))
        self.confirm = box
        box.open()

    def link_attachment(self) -> None:
        attachment = self.attachment_choice.currentData()
        if isinstance(attachment, Attachment):
            self.controller.link_attachment(attachment.id, attachment.filename)

    # ---- building ----

    def _manager(self) -> QWidget:
        page = QWidget()
        self.refresh_button = QPushButton(icon("retry"), "Refresh")
        self.refresh_button.setAccessibleName("Refresh the links")
        self.refresh_button.clicked.connect(self.controller.refresh)
        self.attachment_choice = QComboBox()
        self.attachment_choice.setAccessibleName("A file on the server to link")
        self.attachment_choice.setMinimumContentsLength(24)
        self.attachment_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.link_button = QPushButton(icon("link"), "Make link")
        self.link_button.setAccessibleName("Make a link to the chosen file")
        self.link_button.clicked.connect(self.link_attachment)
        top = QHBoxLayout()
        top.addWidget(title_label("Your links"))
        top.addStretch(1)
        label = QLabel("Link a file &already sent:")
        label.setBuddy(self.attachment_choice)
        for tool in (label, self.attachment_choice, self.link_button, self.refresh_button):
            top.addWidget(tool)

        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.table = self._table()

        self.copy_button = _button("copy", "Copy link", "Copy the selected link")
        self.copy_button.clicked.connect(self.copy_url)
        self.open_button = _button("open-external", "Open", "Open the selected link in the browser")
        self.open_button.clicked.connect(self.open_url)
        self.expiry = ExpiryEdit("New expiry date of the selected link")
        self.expiry_button = _button("clock", "Change expiry", "Change the selected link's expiry date")
        self.expiry_button.clicked.connect(self.change_expiry)
        self.delete_button = _button("remove", "Delete…", "Delete the selected link")
        self.delete_button.clicked.connect(self.ask_delete)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, self.ask_delete)
        QShortcut(QKeySequence.StandardKey.Copy, self.table, self.copy_url)
        actions = QHBoxLayout()
        for widget in (self.copy_button, self.open_button, self.expiry, self.expiry_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.delete_button)

        self.log_title = QLabel("Downloads of the selected link")
        self.log_title.setTextFormat(Qt.TextFormat.PlainText)
        self.log_title.setProperty("role", "hint")
        self.log = DownloadLogTable("Downloads of the selected link")
        self.log.set_columns(("downloaded_at", "recipient", "remote_host", "location", "browser", "download_speed"))

        column = QVBoxLayout(page)
        column.setContentsMargins(0, 6, 0, 0)
        column.addLayout(top)
        column.addWidget(self.table, 3)
        column.addLayout(actions)
        column.addWidget(self.log_title)
        column.addWidget(self.log, 2)
        return page

    def _table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.proxy)
        read_only_table(table, "Your links")
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.sortByColumn(Column.CREATED, Qt.SortOrder.DescendingOrder)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.FILE, QHeaderView.ResizeMode.Stretch)
        table.selectionModel().currentRowChanged.connect(self._selection_changed)
        return table

    # ---- keeping up ----

    def _on_active_changed(self, signed_in: SignedIn | None) -> None:
        self.controller.refresh()
        if signed_in is not None:
            account = signed_in.account
            self.expiry.set_bounds(account.default_expiry_days, account.max_expiry_days)
            self.controller.load_attachments()
        else:
            self.attachment_choice.clear()

    def _selection_changed(self, *_: object) -> None:
        link = self.selected()
        for button in (self.copy_button, self.open_button, self.expiry_button, self.delete_button):
            button.setEnabled(link is not None)
        self.expiry.setEnabled(link is not None)
        self.log.set_rows([])
        if link is None:
            self.log_title.setText("Select a link to see who downloaded it")
            return
        if link.expires_at is not None:
            self.expiry.setDate(QDate(link.expires_at.year, link.expires_at.month, link.expires_at.day))
        self.log_title.setText(f"Downloads of {link.filename}")
        self.controller.load_log(link.id)

    def _show_log(self, link_id: str, rows: list[object]) -> None:
        link = self.selected()
        if link is not None and link.id == link_id:
            self.log.set_rows(rows)  # type: ignore[arg-type]
            noun = "download" if len(rows) == 1 else "downloads"
            self.log_title.setText(f"{len(rows)} {noun} of {link.filename}")

    def _fill_attachments(self, attachments: list[Attachment]) -> None:
        self.attachment_choice.clear()
        for attachment in sorted(attachments, key=lambda item: item.filename.casefold()):
            self.attachment_choice.addItem(attachment.filename, attachment)
        self.link_button.setEnabled(bool(attachments))

    def _confirmed(self, box: QMessageBox, link_id: str, result: int) -> None:
        self.confirm = None
        box.deleteLater()
        if result == QMessageBox.StandardButton.Yes:
            self.controller.delete(link_id)

    def _use_theme(self, *_: object) -> None:
        theme = colors()
        self.model.set_colors(QColor(theme.warning), QColor(theme.error))


def _button(icon_name: str, text: str, name: str) -> QPushButton:
    button = QPushButton(icon(icon_name), text)
    button.setAccessibleName(name)
    button.setEnabled(False)
    return button

