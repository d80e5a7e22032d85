"""A pane that a later version fills: it says so honestly instead of showing an empty list."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from .labels import hint_label, title_label


class PlaceholderPane(QWidget):
    def __init__(self, title: str, promise: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(title))
        text = hint_label(f"{promise}\n\nThis pane is not built yet; it arrives in a coming version of lfdesktop.")
        text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        text.setAccessibleName(f"{title}: not built yet")
        layout.addWidget(text)
        layout.addStretch(1)
