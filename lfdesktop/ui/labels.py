"""The two kinds of text the theme styles by role: pane titles and muted hints."""

from PySide6.QtWidgets import QLabel


def title_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "title")
    return label


def hint_label(text: str = "", *, name: str = "") -> QLabel:
    """Muted, wrapping text; ``name`` is its accessible name where the text alone would not say what it is."""
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    if name:
        label.setAccessibleName(name)
    return label
