"""A large, inviting drop target that is also a button: drop files or folders on it from the file manager, or
click it (Enter or Space with the keyboard) to choose files; its "Add folder" button chooses a folder."""

from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from .icons import icon
from .theme import set_style_property

MIN_HEIGHT = 150


def local_paths(mime: QMimeData) -> list[Path]:
    """The local files and folders a drag carries (web links and other URLs are not files to send)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


class _Picture(QWidget):
    """An icon painted at its size on every paint: crisp at any scaling, re-tinted with the theme."""

    def __init__(self, picture: QIcon, size: int) -> None:
        super().__init__()
        self._icon = picture
        self._size = size
        self.setFixedHeight(size)

    def sizeHint(self) -> QSize:
        return QSize(self._size, self._size)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        side = self._size
        mode = QIcon.Mode.Normal if self.isEnabled() else QIcon.Mode.Disabled
        self._icon.paint(painter, (self.width() - side) // 2, 0, side, side, Qt.AlignmentFlag.AlignCenter, mode)
        painter.end()


class DropZone(QFrame):
    paths_dropped = Signal(list)  # list[Path]: dropped or chosen

    def __init__(
        self, text: str = "Drop files or folders here, or click to choose", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dropZone")
        self.setProperty("dragActive", False)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumHeight(MIN_HEIGHT)
        self.setAccessibleName(text)
        self.setAccessibleDescription("Press Enter or Space to choose files to add")
        self._dialogs: dict[QFileDialog.FileMode, QFileDialog] = {}

        picture = _Picture(icon("upload"), 40)
        self.label = QLabel(text)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        font = self.label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.label.setFont(font)
        self.hint = QLabel("Folders are added with everything inside them.")
        self.hint.setProperty("role", "hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.add_files_button = QPushButton(icon("add-file"), "Add files...")
        self.add_files_button.setAccessibleName("Add files")
        self.add_files_button.clicked.connect(self.choose)
        self.add_folder_button = QPushButton(icon("add-folder"), "Add folder...")
        self.add_folder_button.setAccessibleName("Add a folder")
        self.add_folder_button.clicked.connect(self.choose_folder)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_files_button)
        buttons.addWidget(self.add_folder_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addStretch(1)
        layout.addWidget(picture)
        layout.addWidget(self.label)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        layout.addStretch(1)

    @property
    def drag_active(self) -> bool:
        return bool(self.property("dragActive"))

    def take_drops_on(self, area: QWidget) -> None:
        """Files dropped anywhere on ``area`` (a whole pane: its list, its labels) count as dropped here; fields
        that take drops of their own keep them. The zone lights up while files are dragged over the area."""
        area.setAcceptDrops(True)
        area.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        handlers = {
            QEvent.Type.DragEnter: self.dragEnterEvent, QEvent.Type.DragMove: self.dragMoveEvent,
            QEvent.Type.DragLeave: self.dragLeaveEvent, QEvent.Type.Drop: self.dropEvent,
        }
        handler = handlers.get(event.type()) if watched is not self else None
        if handler is None:
            return super().eventFilter(watched, event)
        handler(event)  # type: ignore[operator]
        return True

    # ---- choosing ----

    def choose(self) -> None:
        """Open a file picker (not modal to the app: window-modal, via ``open()``)."""
        self._open_dialog("Choose files", QFileDialog.FileMode.ExistingFiles)

    def choose_folder(self) -> None:
        self._open_dialog("Choose a folder", QFileDialog.FileMode.Directory)

    def _open_dialog(self, title: str, mode: QFileDialog.FileMode) -> None:
        # One picker per mode, kept for next time: it opens where the user last was.
        for other in self._dialogs.values():
            other.close()
        dialog = self._dialogs.get(mode)
        if dialog is None:
            dialog = QFileDialog(self, title)
            dialog.setFileMode(mode)
            if mode is QFileDialog.FileMode.Directory:
                dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
            dialog.filesSelected.connect(self._chosen)
            self._dialogs[mode] = dialog
        dialog.open()

    def _chosen(self, files: list[str]) -> None:
        self.paths_dropped.emit([Path(file) for file in files])

    @property
    def dialog(self) -> QFileDialog | None:
        """The picker while one is open."""
        return next((dialog for dialog in self._dialogs.values() if dialog.isVisible()), None)

    # ---- mouse and keyboard ----

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.choose()
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            self.choose()
            event.accept()
        else:
            super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.hasFocus():  # the dashed border alone does not show keyboard focus
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(5, 5, -5, -5), 9, 9)
            painter.end()

    # ---- drag and drop ----

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_paths(event.mimeData()):
            event.acceptProposedAction()
            set_style_property(self, "dragActive", True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if local_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        set_style_property(self, "dragActive", False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        set_style_property(self, "dragActive", False)
        paths = local_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.paths_dropped.emit(paths)
