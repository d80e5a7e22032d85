"""The list of staged files shared by the Send and FileLink panes: each file's name, size and own compact
status (a small progress bar while it uploads, then "Verified" or "Link ready"), buttons on each row, the count
and total size, and keys (Delete removes; in the FileLink pane Ctrl+C copies a link and Enter opens it)."""

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lfdesktop.api.models import Account
from lfdesktop.qt import formatting
from lfdesktop.qt.staged_model import ActionsRole, Column, ItemRole, ProgressRole, RowAction, StagedFilesModel
from lfdesktop.qt.tablemodel import AnyIndex
from lfdesktop.transfer.events import TransferState

from .icons import icon
from .tables import read_only_table
from .theme import colors
from .transfers import PieceProgressDelegate

BAR_WIDTH = 90
BAR_HEIGHT = 8
BUTTON = 26  # a row button's square
ICON = 16
PADDING = 6
MAX_PROBLEMS_SHOWN = 6


def problems_text(problems: list[str], heading: str) -> str:
    """A heading and the first few problems as a list."""
    shown = problems[:MAX_PROBLEMS_SHOWN]
    more = len(problems) - len(shown)
    lines = [heading, *(f"• {problem}" for problem in shown)]
    if more:
        lines.append(f"…and {more} more.")
    return "\n".join(lines)


def limits_text(account: Account) -> str:
    """What the account may send, for the hint under the title."""
    parts = []
    if account.max_file_size_mb:
        parts.append(f"files up to {formatting.human_size(account.max_file_size_mb * 1024 * 1024)}")
    if account.blocked_extensions:
        parts.append("no " + ", ".join(f".{name.lstrip('.')}" for name in account.blocked_extensions) + " files")
    if account.permitted_extensions:
        parts.append("only " + ", ".join(f".{name.lstrip('.')}" for name in account.permitted_extensions) + " files")
    if account.max_expiry_days:
        parts.append(f"kept for up to {account.max_expiry_days} days")
    return f"{account.email}: " + (", ".join(parts) if parts else "no limits") + "."


def status_icon(name: str) -> QIcon:
    """Outcomes in the theme's colours: a green check, a red error."""
    shade = {"check": colors().success, "error": colors().error}.get(name)
    return icon(name, QColor(shade) if shade else None)


def count_text(count: int, size: int) -> str:
    """"3 files, 12.4 MB"."""
    return f"{count} file{'' if count == 1 else 's'}, {formatting.human_size(size)}"


class StatusDelegate(QStyledItemDelegate):
    """While a file uploads: a small bar and its text ("Uploading 45%"); otherwise the status and its icon."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        progress = index.data(ProgressRole)
        item = index.data(ItemRole)
        if progress is None or item is None:
            super().paint(painter, option, index)
            return
        view = QStyleOptionViewItem(option)
        self.initStyleOption(view, index)
        # The bar says "uploading": the text beside it only needs the figure (or paused, verifying...).
        text = formatting.percent_text(item.snapshot) if item.state is TransferState.RUNNING else view.text
        view.text = ""
        style = view.widget.style() if view.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, view, painter, view.widget)
        cell = QRectF(view.rect).adjusted(PADDING, 0, -PADDING, 0)
        bar = QRectF(cell.left(), cell.center().y() - BAR_HEIGHT / 2, min(BAR_WIDTH, cell.width() / 2), BAR_HEIGHT)
        track, fill = PieceProgressDelegate.bar_colours(view.palette, item.state)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(bar, 3, 3)
        if progress > 0:
            painter.setBrush(fill)
            painter.drawRoundedRect(QRectF(bar.left(), bar.top(), bar.width() * progress, bar.height()), 3, 3)
        painter.setPen(view.palette.color(view.palette.currentColorGroup(), QPalette.ColorRole.Text))
        label = QRectF(bar.right() + PADDING, cell.top(), cell.right() - bar.right() - PADDING, cell.height())
        elided = view.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, int(label.width()))
        painter.drawText(label, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), elided)
        painter.restore()


class RowButtonsDelegate(QStyledItemDelegate):
    """Paints a row's action buttons (icons) and reports a click on one."""

    clicked = Signal(RowAction, int)  # the action, the row

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        view = QStyleOptionViewItem(option)
        self.initStyleOption(view, index)
        view.text = ""
        style = view.widget.style() if view.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, view, painter, view.widget)
        selected = bool(view.state & QStyle.StateFlag.State_Selected)
        mode = QIcon.Mode.Selected if selected else QIcon.Mode.Normal
        for action, rect in self.button_rects(view.rect, index.data(ActionsRole) or []):
            inner = QRect(0, 0, ICON, ICON)
            inner.moveCenter(rect.center())
            icon(action.icon_name).paint(painter, inner, Qt.AlignmentFlag.AlignCenter, mode)

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return QSize(len(index.data(ActionsRole) or []) * BUTTON + 2 * PADDING, BUTTON + 4)

    def editorEvent(self, event: QEvent, model: object, option: QStyleOptionViewItem, index: AnyIndex) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            point = event.position().toPoint()
            for action, rect in self.button_rects(option.rect, index.data(ActionsRole) or []):
                if rect.contains(point):
                    self.clicked.emit(action, index.row())
                    return True
        return False

    @staticmethod
    def button_rects(cell: QRect, actions: Iterable[RowAction]) -> list[tuple[RowAction, QRect]]:
        """Right-aligned squares, one per action, in order."""
        chosen = list(actions)
        left = cell.right() - PADDING - len(chosen) * BUTTON + 1
        top = cell.center().y() - BUTTON // 2
        return [(action, QRect(left + number * BUTTON, top, BUTTON, BUTTON)) for number, action in enumerate(chosen)]


class StagedList(QWidget):
    """``action_requested(action, transfer_id)`` for a row's button, its key or the buttons below the list."""

    action_requested = Signal(RowAction, int)

    def __init__(self, model: StagedFilesModel, *, links: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        model.set_icons(status_icon)
        self.links = links
        self.table = self._table()
        self.count_label = QLabel()
        self.count_label.setProperty("role", "hint")
        self.count_label.setAccessibleName("Staged files")

        self.buttons: dict[RowAction, QToolButton] = {}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.count_label, 1)
        for action in (RowAction.COPY, RowAction.OPEN, RowAction.REMOVE) if links else (RowAction.REMOVE,):
            button = QToolButton()
            button.setText(action.label)
            button.setIcon(icon(action.icon_name))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setAutoRaise(True)
            button.setAccessibleName(f"{action.label} (selected file)")
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.clicked.connect(lambda _=False, chosen=action: self.request(chosen))
            self.buttons[action] = button
            row.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        for signal in (model.modelReset, model.dataChanged):
            signal.connect(self._update)
        self.table.selectionModel().currentRowChanged.connect(self._update)
        self._update()

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        item = self.model.item(index.row()) if index.isValid() else None
        return item.transfer_id if item is not None else None

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        items = [self.model.item(row) for row in rows]
        chosen = [item.transfer_id for item in items if item is not None]
        current = self.current_id()
        return chosen or ([current] if current is not None else [])

    def request(self, action: RowAction) -> None:
        """The action on the selected rows (remove) or the current one (copy, open)."""
        if action is RowAction.REMOVE:
            for transfer_id in self.selected_ids():
                self.action_requested.emit(action, transfer_id)
            return
        current = self.current_id()
        if current is not None:
            self.action_requested.emit(action, current)

    # ---- building ----

    def _table(self) -> QTableView:
        table = read_only_table(QTableView(), "Links" if self.links else "Files to send", sortable=False)
        table.setModel(self.model)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setMouseTracking(True)
        table.verticalHeader().setDefaultSectionSize(BUTTON + 6)
        table.setItemDelegateForColumn(Column.STATUS, StatusDelegate(table))
        buttons = RowButtonsDelegate(table)
        buttons.clicked.connect(self._row_clicked)
        table.setItemDelegateForColumn(Column.ACTIONS, buttons)
        header = table.horizontalHeader()
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.SIZE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.STATUS, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(Column.STATUS, 200 if self.links else 190)
        header.setSectionResizeMode(Column.ACTIONS, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(Column.ACTIONS, (3 if self.links else 1) * BUTTON + 2 * PADDING)
        if self.links:
            header.setSectionResizeMode(Column.LINK, QHeaderView.ResizeMode.Stretch)
        else:
            table.setColumnHidden(Column.LINK, True)
        keys: list[tuple[QKeySequence.StandardKey | Qt.Key, RowAction]] = [
            (QKeySequence.StandardKey.Delete, RowAction.REMOVE), (Qt.Key.Key_Backspace, RowAction.REMOVE)
        ]
        if self.links:
            keys += [(QKeySequence.StandardKey.Copy, RowAction.COPY), (Qt.Key.Key_Return, RowAction.OPEN),
                     (Qt.Key.Key_Enter, RowAction.OPEN)]
        for key, action in keys:
            shortcut = QAction(table)
            shortcut.setShortcut(QKeySequence(key))
            shortcut.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.triggered.connect(lambda _=False, chosen=action: self.request(chosen))
            table.addAction(shortcut)
        return table

    # ---- keeping up ----

    def _row_clicked(self, action: RowAction, row: int) -> None:
        item = self.model.item(row)
        if item is not None:
            self.action_requested.emit(action, item.transfer_id)

    def _update(self) -> None:
        items = self.model.staged.items
        self.count_label.setText(count_text(len(items), self.model.staged.total_size) if items else "")
        current = self.model.item(self.table.currentIndex().row()) if self.table.currentIndex().isValid() else None
        for action, button in self.buttons.items():
            linked = current is not None and current.link is not None
            button.setEnabled(current is not None and (action is RowAction.REMOVE or linked))

