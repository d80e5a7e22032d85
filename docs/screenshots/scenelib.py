"""What take.py and its scenes share: waiting for widgets, signing in, and the grab callback's type."""

import asyncio
from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import QWidget

from lfdesktop.qt.context import AppContext
from lfdesktop.qt.signin import sign_in_with_key
from lfdesktop.ui.mainwindow import MainWindow

Grab = Callable[[QWidget, str, str], Awaitable[None]]


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(60):
        while not condition():  # noqa: ASYNC110 (widgets have no awaitable for "loaded" or "painted")
            await asyncio.sleep(0.05)


async def sign_in(context: AppContext, url: str, api_key: str) -> None:
    await sign_in_with_key(context.sessions, url, api_key)


def show(window: MainWindow, key: str) -> QWidget:
    window.show_pane(key)
    return window.pane(key)
