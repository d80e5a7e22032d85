"""Non-modal notices above the panes: errors, warnings and news stay until dismissed (or replaced), and never
block the window."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

MAX_SHOWN = 3


class Notice(QFrame):
    def __init__(self, text: str, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setProperty("kind", kind)
        self.setAccessibleName(f"{kind.capitalize()} notice")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        self.label = QLabel(text)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # notices quote the server's words: never as HTML
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAccessibleName(text)
        layout.addWidget(self.label, 1)
        self._buttons = QHBoxLayout()
        layout.addLayout(self._buttons)
        close = QPushButton("Dismiss")
        close.setAccessibleName("Dismiss notice")
        close.clicked.connect(self.deleteLater)
        layout.addWidget(close)

    def add_action(self, text: str) -> QPushButton:
        """A button beside the text (e.g. "Retry"); clicking it also dismisses the notice."""
        button = QPushButton(text)
        button.setAccessibleName(text)
        button.clicked.connect(self.deleteLater)
        self._buttons.addWidget(button)
        return button

    @property
    def text(self) -> str:
        return self.label.text()


class Notices(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)

    def show_notice(self, text: str, kind: str = "info") -> Notice:
        """The same text shown twice is shown once; only the newest few stay."""
        for notice in self.shown():
            if notice.text == text:
                notice.deleteLater()
        notice = Notice(text, kind, self)
        self._layout.insertWidget(0, notice)
        for old in self.shown()[MAX_SHOWN:]:
            old.deleteLater()
        return notice

    def shown(self) -> list[Notice]:
        items = (self._layout.itemAt(index) for index in range(self._layout.count()))
        return [widget for item in items if item is not None and isinstance(widget := item.widget(), Notice)]
