"""A plain-text label under a form field that says what is wrong with it, in the theme's error colour."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from .theme import colors


def problem_label(name: str) -> QLabel:
    """Hidden until ``show_problem``; ``name`` is the field it speaks of."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # it may quote the server
    label.setWordWrap(True)
    label.setAccessibleName(f"{name} problem")
    label.hide()
    return label


def show_problem(label: QLabel, text: str) -> None:
    """An empty ``text`` hides the label."""
    label.setText(text)
    if text:
        label.setStyleSheet(f"color: {colors().error}")  # read again each time: follows the theme
    label.setVisible(bool(text))
