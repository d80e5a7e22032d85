"""The link manager and the download log (table, charts, map) on the demo server's data: links downloaded
from several countries."""

from scenelib import Grab, show, until

from lfdesktop.demo_server import DemoServer
from lfdesktop.qt.context import AppContext
from lfdesktop.qt.link_model import Column
from lfdesktop.ui.downloadlog import DownloadLogPane
from lfdesktop.ui.links import LinksPane
from lfdesktop.ui.mainwindow import MainWindow


async def shoot(window: MainWindow, context: AppContext, server: DemoServer, scheme: str, grab: Grab) -> None:
    links = show(window, "links")
    assert isinstance(links, LinksPane)
    await until(lambda: links.model.rowCount() > 0)
    counts = [int(links.model.index(row, Column.DOWNLOADS).data()) for row in range(links.model.rowCount())]
    busiest = links.model.links[counts.index(max(counts))]
    links.select(busiest.id)
    await until(lambda: links.log.log_model.rowCount() > 0)
    await grab(window, "links-manager", scheme)

    log = show(window, "log")
    assert isinstance(log, DownloadLogPane)
    await until(lambda: len(log.controller.rows) > 0)
    log.tabs.setCurrentIndex(0)
    await grab(window, "download-log", scheme)
    log.tabs.setCurrentIndex(1)
    await grab(window, "download-log-charts", scheme)
    log.tabs.setCurrentIndex(2)
    await grab(window, "download-log-map", scheme)
