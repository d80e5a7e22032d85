"""Dragging files onto a widget as a file manager does, and files to drag."""

import hashlib
import random
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget


def mime_for(paths: list[Path] | None = None, urls: list[str] | None = None) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths or []] + [QUrl(url) for url in urls or []])
    return mime


def drag_enter(target: QWidget, mime: QMimeData) -> bool:
    """Whether ``target`` would take the drag."""
    event = QDragEnterEvent(target.rect().center(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    event.setAccepted(False)
    QApplication.sendEvent(target, event)
    return event.isAccepted()


def drag_leave(target: QWidget) -> None:
    QApplication.sendEvent(target, QDragLeaveEvent())


def drop(target: QWidget, paths: list[Path]) -> bool:
    """Drag ``paths`` over ``target`` and let go; whether the drop was taken."""
    mime = mime_for(paths)
    if not drag_enter(target, mime):
        return False
    event = QDropEvent(
        QPointF(target.rect().center()), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    event.setAccepted(False)
    QApplication.sendEvent(target, event)
    return event.isAccepted()


def write(path: Path, size: int, seed: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

