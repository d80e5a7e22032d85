"""The Inbox and Sent panes: one message list (search, period, refresh) beside the message view. They differ in
one column (sender or recipients), the Inbox's bold "new" messages, and the sender's actions in Sent."""

from datetime import date

from PySide6.QtCore import QDate, QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lfdesktop.api.models import Message
from lfdesktop.qt.context import AppContext
from lfdesktop.qt.message_actions import MessageActions
from lfdesktop.qt.message_model import Column, MessageRole
from lfdesktop.qt.messages import MessageListController, Period
from lfdesktop.qt.session import SignedIn

from .icons import icon
from .labels import hint_label, title_label
from .layouts import split
from .message_view import MessageView
from .notices import Notices
from .tables import read_only_table
from .theme import colors, notifier

# The period filter's choices: (label, hours) for the API's sent_in_the_last; None hours is "any time".
PERIODS = (("Any time", None), ("Last 24 hours", 24), ("Last 7 days", 24 * 7), ("Last 30 days", 24 * 30),
           ("Last 365 days", 24 * 365))
SINCE_DATE = "Since a date..."


class MessageList(QTableView):
    """The sortable message table: keyboard-first, rows selected whole, the widths people expect."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        read_only_table(self, name)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)  # fixed: no per-row measuring
        self.horizontalHeader().setHighlightSections(False)

    def set_column_widths(self) -> None:
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in ((Column.PEOPLE, 180), (Column.SUBJECT, 210), (Column.DATE, 135), (Column.EXPIRES, 90),
                              (Column.SIZE, 75), (Column.FILES, 45), (Column.PERMISSION, 160)):
            self.setColumnWidth(column, width)
        header.setStretchLastSection(True)


class MessagesPane(QWidget):
    """The shared pane; ``InboxPane`` and ``SentPane`` choose the kind."""

    title = ""
    sent = False
    unread_changed = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.controller = MessageListController(context, sent=self.sent, parent=self)
        self.message_actions = MessageActions(context, self)
        self.model = self.controller.model

        heading = title_label(self.title)
        self.notices = Notices()
        self.table = MessageList(f"{self.title} messages")
        self.table.setModel(self.controller.proxy)
        self.table.set_column_widths()
        self.table.sortByColumn(Column.DATE, Qt.SortOrder.DescendingOrder)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.view = MessageView(self.message_actions, sent=self.sent)
        self.status = hint_label(name=f"{self.title} status")

        splitter = split(Qt.Orientation.Horizontal, (self.table, 1), (self.view, 1))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addLayout(self._build_filters())
        layout.addWidget(self.notices)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

        self.controller.failed.connect(lambda text: self.notices.show_notice(text, "error"))
        self.message_actions.failed.connect(lambda text: self.notices.show_notice(text, "error"))
        self.message_actions.message_updated.connect(self._on_message_updated)
        self.message_actions.resent.connect(self._on_resent)
        # The status line follows the list through one queued update: a search over 10,000 messages removes
        # thousands of row ranges, and counting per range would take seconds.
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(0)
        self._status_timer.timeout.connect(self._show_status)
        proxy = self.controller.proxy
        for signal in (self.controller.loading_changed, self.controller.unread_changed, proxy.rowsInserted,
                       proxy.rowsRemoved, proxy.modelReset, proxy.layoutChanged):
            signal.connect(lambda *_: self._status_timer.start())
        self.controller.unread_changed.connect(self.unread_changed)
        self._opening: str | None = None  # a message to open once the list has it
        self.controller.refreshed.connect(self._open_fetched)
        notifier().changed.connect(self._use_colors)
        context.sessions.active_changed.connect(self._on_active_changed)
        self._use_colors()
        self._show_status()

    # ---- building ----

    def _build_filters(self) -> QHBoxLayout:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search sender, recipients, subject, text and file names")
        self.search.setAccessibleName("Search messages")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.controller.set_search)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.search.setFocus)
        self.period = QComboBox()
        self.period.setAccessibleName("Period")
        for label, hours in PERIODS:
            self.period.addItem(label, hours)
        self.period.addItem(SINCE_DATE, None)
        self.since = QDateEdit(QDate.currentDate().addDays(-30))
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        self.since.setAccessibleName("Sent on or after")
        self.since.setVisible(False)
        self.period.currentIndexChanged.connect(lambda _index: self._on_period_changed())
        self.since.dateChanged.connect(lambda _date: self._on_period_changed())
        self.refresh_button = QPushButton(icon("retry"), "&Refresh")
        self.refresh_button.setAccessibleName("Refresh")
        self.refresh_button.setToolTip("Fetch new messages now (F5); they are also fetched every few minutes")
        self.refresh_button.clicked.connect(self.controller.refresh)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.controller.refresh)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        period_label = QLabel("&Period:")
        period_label.setBuddy(self.period)
        row.addWidget(period_label)
        row.addWidget(self.period)
        row.addWidget(self.since)
        row.addWidget(self.refresh_button)
        return row

    # ---- the pane's API ----

    def select_message(self, message_id: str) -> bool:
        """Select (and open) a message that the filters let through."""
        row = self.model.row_of(message_id)
        if row is None:
            return False
        index = self.controller.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    def open_message(self, message_id: str) -> None:
        """Select a message now, or once the list has it (one that just arrived: the list is fetched again)."""
        self.search.clear()  # a search typed earlier must not hide it
        self._opening = None if self.select_message(message_id) else message_id
        if self._opening is not None:
            self.controller.refresh()

    def _open_fetched(self) -> None:
        if self._opening is not None and self.select_message(self._opening):
            self._opening = None

    def current_message(self) -> Message | None:
        return self.view.message

    # ---- keeping up ----

    def _on_period_changed(self) -> None:
        by_date = self.period.currentText() == SINCE_DATE
        self.since.setVisible(by_date)
        if by_date:
            chosen = self.since.date()
            self.controller.set_period(Period(after=date(chosen.year(), chosen.month(), chosen.day())))
        else:
            self.controller.set_period(Period(hours=self.period.currentData()))

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        message = rows[0].data(MessageRole) if rows else None
        self.view.show_message(message if isinstance(message, Message) else None)
        if isinstance(message, Message):
            self.controller.mark_opened(message.id)

    def _on_message_updated(self, message: Message) -> None:
        self.model.replace(message)
        if self.view.message is not None and self.view.message.id == message.id:
            self.view.show_message(message)

    def _on_resent(self, message: Message) -> None:
        self.notices.show_notice(f"Sent the files again to {', '.join(message.recipients)}.", "info")
        self.view.resend_to.clear()
        self.controller.refresh()

    def _on_active_changed(self, _signed_in: SignedIn | None) -> None:
        self.search.clear()
        self.view.show_message(None)

    def _show_status(self) -> None:
        if self.context.sessions.active is None:
            self.status.setText("Sign in to see your messages.")
            return
        shown, total = self.controller.proxy.rowCount(), self.model.rowCount()
        text = f"{total} message{'s' if total != 1 else ''}" if shown == total else f"{shown} of {total} messages"
        unread = self.model.unread_count()
        if unread:
            text += f", {unread} new"
        if self.controller.loading:
            text += " · Fetching..."
        self.status.setText(text)

    def _use_colors(self) -> None:
        palette = colors()
        self.model.set_expiry_colors(QColor(palette.warning), QColor(palette.error))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.controller.set_visible(True)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.controller.set_visible(False)


class InboxPane(MessagesPane):
    title = "Inbox"


class SentPane(MessagesPane):
    title = "Sent"
    sent = True



