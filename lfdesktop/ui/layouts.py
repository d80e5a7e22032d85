"""Panes in parts the user can resize: a splitter whose parts never collapse to nothing."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QWidget


def split(orientation: Qt.Orientation, *parts: tuple[QWidget, int]) -> QSplitter:
    """``parts``: each widget with its share of the space (its stretch factor)."""
    splitter = QSplitter(orientation)
    for index, (widget, stretch) in enumerate(parts):
        splitter.addWidget(widget)
        splitter.setStretchFactor(index, stretch)
    splitter.setChildrenCollapsible(False)
    return splitter
