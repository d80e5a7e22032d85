"""Showing a folder in the file manager. Whether it exists is asked off the event loop: a sync folder on a
network share that went away can take seconds to answer, and the window must not freeze meanwhile."""

import asyncio
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

NOT_YET = "This folder does not exist yet: the first sync makes it."


async def open_folder(folder: Path) -> bool:
    """Opens ``folder``; False (nothing opened) when it does not exist."""
    if not await asyncio.to_thread(folder.is_dir):
        return False
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
