"""The transfer list as the user sees it: a toolbar row (pause all, resume all, clear finished) above a table
whose Progress column shows each piece filling, with a context menu, keyboard control and an empty state.

Everything it shows comes from ``TransferTableModel`` and everything it does goes through
``TransferController``; colours come from the palette (a failure's from the theme), so light and dark themes
both read well.
"""

from collections.abc import Callable, Sequence

from PySide6.QtCore import QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QAction, QColor, QFontMetrics, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lfdesktop.qt import formatting
from lfdesktop.qt.tablemodel import AnyIndex
from lfdesktop.qt.transfers import (
    Column,
    SnapshotRole,
    TransferAction,
    TransferController,
    TransferIdRole,
    context_actions,
)
from lfdesktop.transfer.events import PieceState, TransferSnapshot, TransferState

from .icons import icon
from .tables import read_only_table
from .theme import colors

EMPTY_TEXT = "No transfers yet: files you drop are uploaded here"
COLUMN_WIDTHS = {Column.PROGRESS: 250, Column.SIZE: 150, Column.SPEED: 90, Column.ETA: 80, Column.CHECKSUM: 110,
                 Column.STATE: 160}
LABEL_SAMPLE = "piece 00 of 00"  # the room kept for the label beside every bar, so that bars line up
BAR_HEIGHT = 10
PADDING = 6
SEGMENT_GAP = 2.0
MUTED = (TransferState.QUEUED, TransferState.PAUSED)  # not moving: a paler fill


def _mix(first: QColor, second: QColor, amount: float) -> QColor:
    """``first`` moved ``amount`` (0-1) of the way to ``second``."""
    return QColor.fromRgbF(
        first.redF() + (second.redF() - first.redF()) * amount,
        first.greenF() + (second.greenF() - first.greenF()) * amount,
        first.blueF() + (second.blueF() - first.blueF()) * amount,
    )


def segment_rects(bar: QRectF, sizes: Sequence[int], gap: float = SEGMENT_GAP) -> list[QRectF]:
    """The bar cut into one segment per piece, each as wide as its share of the bytes (thousands of pieces make
    slivers narrower than a pixel: they still add up to the bar)."""
    total = sum(sizes)
    if len(sizes) < 2 or total <= 0:
        return [QRectF(bar)]
    gap = gap if bar.width() / len(sizes) > 3 * gap else 0.0  # too many pieces for gaps: touching segments
    room = bar.width() - gap * (len(sizes) - 1)
    rects, x = [], bar.left()
    for size in sizes:
        width = room * size / total
        rects.append(QRectF(x, bar.top(), width, bar.height()))
        x += width + gap
    return rects


def bar_layout(cell: QRectF, metrics: QFontMetrics, label: str) -> tuple[QRectF, QRectF]:
    """Where a Progress cell's bar and its label go: the bar takes what the label leaves."""
    inner = cell.adjusted(PADDING, 0, -PADDING, 0)
    label_width = max(metrics.horizontalAdvance(LABEL_SAMPLE), metrics.horizontalAdvance(label))
    bar_width = max(0.0, inner.width() - label_width - PADDING)
    height = min(BAR_HEIGHT, max(4.0, inner.height() - 8))
    bar = QRectF(inner.left(), inner.center().y() - height / 2, bar_width, height)
    return bar, QRectF(bar.right() + PADDING, cell.top(), inner.right() - bar.right() - PADDING, cell.height())


class PieceProgressDelegate(QStyledItemDelegate):
    """Paints the Progress column: a bar of segments, one per piece, each filling with its own progress
    (one plain bar for downloads and single pieces), and "piece 3 of 11" or the percentage beside it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        snapshot = index.data(SnapshotRole)
        if not isinstance(snapshot, TransferSnapshot):
            super().paint(painter, option, index)
            return
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.text = ""  # the label is painted beside the bar below
        style = item.widget.style() if item.widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, item, painter, item.widget)

        palette = item.palette
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        label = formatting.piece_text(snapshot) or formatting.percent_text(snapshot)
        bar, label_rect = bar_layout(QRectF(item.rect), item.fontMetrics, label)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        track, fill = self.bar_colours(palette, snapshot.state)
        for rect, done in zip(segment_rects(bar, self._sizes(snapshot)), self._fractions(snapshot), strict=True):
            painter.setBrush(track)
            painter.drawRoundedRect(rect, 2, 2)
            if done > 0:
                painter.setBrush(fill)
                painter.drawRoundedRect(QRectF(rect.left(), rect.top(), rect.width() * done, rect.height()), 2, 2)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(text_role))
        painter.drawText(label_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), label)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(max(hint.width(), COLUMN_WIDTHS[Column.PROGRESS]), hint.height())

    @staticmethod
    def bar_colours(palette: QPalette, state: TransferState) -> tuple[QColor, QColor]:
        base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
        track = _mix(base, text, 0.14)
        fill = palette.color(QPalette.ColorRole.Highlight)
        if state in MUTED:
            fill = _mix(fill, track, 0.45)
        elif state is TransferState.CANCELLED:
            fill = _mix(text, track, 0.55)  # grey: given up on purpose
        elif state is TransferState.FAILED:
            fill = QColor(colors().error)  # the theme's error colour, readable on its base
        return track, fill

    @staticmethod
    def _sizes(snapshot: TransferSnapshot) -> list[int]:
        return [piece.size for piece in snapshot.pieces] if len(snapshot.pieces) > 1 else [1]

    @staticmethod
    def _fractions(snapshot: TransferSnapshot) -> list[float]:
        if len(snapshot.pieces) < 2:
            return [formatting.fraction(snapshot)]
        return [min(1.0, piece.done / piece.size) if piece.size else float(piece.state is PieceState.DONE)
                for piece in snapshot.pieces]


class TransferView(QWidget):
    """The transfer list pane: toolbar row, table (or the empty state), context menu and keys."""

    def __init__(self, controller: TransferController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.model = controller.model
        self.model.set_icons(icon)

        self.pause_all_button = self._button("Pause all", "pause", "Pause every transfer", controller.pause_all)
        self.resume_all_button = self._button("Resume all", "resume", "Resume every paused transfer",
                                              controller.resume_all)
        self.clear_button = self._button("Clear finished", "remove", "Remove finished, failed and cancelled "
                                         "transfers from the list", controller.clear_finished)
        toolbar = QHBoxLayout()
        toolbar.setContentsMargins(0, 0, 0, 0)
        for button in (self.pause_all_button, self.resume_all_button, self.clear_button):
            toolbar.addWidget(button)
        toolbar.addStretch(1)

        self.table = self._table()
        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setAccessibleName("No transfers")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty_label.setProperty("role", "hint")  # the theme's muted text
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(self.table)

        layout = QVBoxLayout(self)
        layout.addLayout(toolbar)
        layout.addWidget(self.stack, 1)
        self.setAccessibleName("Transfers")

        self.model.rowsInserted.connect(self._show_rows_or_empty)
        self.model.rowsRemoved.connect(self._show_rows_or_empty)
        self.model.modelReset.connect(self._show_rows_or_empty)
        self.model.refreshed.connect(self._enable_buttons)
        self._show_rows_or_empty()
        self._enable_buttons()

    # ---- what the user does ----

    def selected_ids(self) -> list[int]:
        """The selected transfers in row order (the current one when nothing is selected)."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        return [self.model.index(row, 0).data(TransferIdRole) for row in rows]

    def menu_for(self, transfer_id: int) -> QMenu | None:
        """The context menu of one transfer (None once it left the list); its actions perform on it."""
        snapshot = self.model.snapshot(transfer_id)
        if snapshot is None:
            return None
        menu = QMenu(self)
        menu.setAccessibleName(f"Actions for {snapshot.name}")
        for action in context_actions(snapshot):
            item = menu.addAction(icon(action.icon_name), action.label)
            item.triggered.connect(lambda _=False, chosen=action: self.controller.perform(chosen, transfer_id))
        return menu

    def cancel_or_remove_selected(self) -> None:
        """The Delete key: a running transfer is cancelled, a finished one leaves the list."""
        for transfer_id in self.selected_ids():
            self._first_offered(transfer_id, (TransferAction.CANCEL, TransferAction.REMOVE))

    def toggle_pause_selected(self) -> None:
        """The Space key: pause what moves, resume what is paused."""
        for transfer_id in self.selected_ids():
            self._first_offered(transfer_id, (TransferAction.PAUSE, TransferAction.RESUME))

    # ---- building ----

    def _button(self, text: str, icon_name: str, tip: str, slot: Callable[[], None]) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setIcon(icon(icon_name))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setAutoRaise(True)
        button.setAccessibleName(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        button.clicked.connect(slot)
        return button

    def _follow_new_rows(self, table: QTableView) -> None:
        """New transfers come in at the bottom: keep them in sight, unless the user scrolled up to look."""
        bar = table.verticalScrollBar()
        self._following = True

        def moved(value: int) -> None:
            self._following = value >= bar.maximum()

        def grew() -> None:
            if self._following:
                table.scrollToBottom()

        bar.valueChanged.connect(moved)
        bar.rangeChanged.connect(lambda *_: grew())

    def _table(self) -> QTableView:
        table = read_only_table(QTableView(), "Transfer list", sortable=False)
        table.setModel(self.model)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setDefaultSectionSize(28)
        self._follow_new_rows(table)
        table.setItemDelegateForColumn(Column.PROGRESS, PieceProgressDelegate(table))
        header = table.horizontalHeader()
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        for column, width in COLUMN_WIDTHS.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._open_menu)
        for keys, slot in (((QKeySequence.StandardKey.Delete, Qt.Key.Key_Backspace), self.cancel_or_remove_selected),
                           ((Qt.Key.Key_Space,), self.toggle_pause_selected)):
            shortcut = QAction(table)
            shortcut.setShortcuts([QKeySequence(key) for key in keys])
            shortcut.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.triggered.connect(slot)
            table.addAction(shortcut)
        return table

    # ---- keeping up ----

    def _open_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():  # the keyboard's menu key: the current row
            index = self.table.currentIndex()
            position = self.table.visualRect(index).center()
        if not index.isValid():
            return
        menu = self.menu_for(index.data(TransferIdRole))
        if menu is not None:
            menu.aboutToHide.connect(menu.deleteLater)
            menu.popup(self.table.viewport().mapToGlobal(position))

    def _first_offered(self, transfer_id: int, choices: Sequence[TransferAction]) -> None:
        snapshot = self.model.snapshot(transfer_id)
        offered = context_actions(snapshot) if snapshot is not None else []
        chosen = next((action for action in choices if action in offered), None)
        if chosen is not None:
            self.controller.perform(chosen, transfer_id)

    def _show_rows_or_empty(self) -> None:
        self.stack.setCurrentWidget(self.table if self.model.rowCount() else self.empty_label)

    def _enable_buttons(self) -> None:
        offered = {action for snapshot in self.model.snapshots() for action in context_actions(snapshot)}
        self.pause_all_button.setEnabled(TransferAction.PAUSE in offered)
        self.resume_all_button.setEnabled(TransferAction.RESUME in offered)
        self.clear_button.setEnabled(TransferAction.REMOVE in offered)

