"""The link manager and the download log (table, charts, map) on the demo server's data: links downloaded
from several countries."""

import asyncio
from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import QWidget

from lfdesktop.demo_server import DemoServer
from lfdesktop.qt.context import AppContext
from lfdesktop.qt.link_model import Column
from lfdesktop.ui.downloadlog import DownloadLogPane
from lfdesktop.ui.links import LinksPane
from lfdesktop.ui.mainwindow import MainWindow

Grab = Callable[[QWidget, str, str], Awaitable[None]]
SIZE = (1280, 800)


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(60):
        while not condition():  # noqa: ASYNC110 (widgets have no awaitable for "loaded")
            await asyncio.sleep(0.05)


def shown(window: MainWindow, key: str, kind: type[QWidget], context: AppContext) -> tuple[QWidget, QWidget]:
    """The window's pane once the lead wired it (what is grabbed: the window); until then a pane of its own."""
    pane = window.pane(key)
    if isinstance(pane, kind):
        window.show_pane(key)
        return window, pane
    own = kind(context)  # type: ignore[call-arg]
    own.resize(*SIZE)
    own.show()
    return own, own


async def shoot(window: MainWindow, context: AppContext, server: DemoServer, scheme: str, grab: Grab) -> None:
    target, links = shown(window, "links", LinksPane, context)
    assert isinstance(links, LinksPane)
    await until(lambda: links.model.rowCount() > 0)
    counts = [int(links.model.index(row, Column.DOWNLOADS).data()) for row in range(links.model.rowCount())]
    busiest = links.model.links[counts.index(max(counts))]
    links.select(busiest.id)
    await until(lambda: links.log.log_model.rowCount() > 0)
    await grab(target, "links-manager", scheme)

    target, log = shown(window, "log", DownloadLogPane, context)
    assert isinstance(log, DownloadLogPane)
    await until(lambda: len(log.controller.rows) > 0)
    log.tabs.setCurrentIndex(0)
    await grab(target, "download-log", scheme)
    log.tabs.setCurrentIndex(1)
    await grab(target, "download-log-charts", scheme)
    log.tabs.setCurrentIndex(2)
    await grab(target, "download-log-map", scheme)
