"""The tray icon's menu and a sync notification, from a real window on a real tray host.

    make screenshots                                   (runs it under Xvfb after take.py)
    xvfb-run -a python docs/screenshots/tray.py [--out DIR]

On a display without a tray of its own it starts ``trayer`` (Debian's ``trayer``), a panel that docks tray icons
(XEmbed), and waits until Qt sees it. Then, on the demo server as Dana with background sync on, it waits for the
first pass's notification, opens the icon's menu and grabs the screen around them. It checks what it shows (the
icon docked, the menu open), so the test suite runs it too (tests/ui/test_tray_host.py).
"""

import argparse
import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import qasync
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget
from scenelib import sign_in, until

from lfdesktop.accounts.paths import HOME_VARIABLE, AppPaths
from lfdesktop.accounts.secrets import SecretStore
from lfdesktop.accounts.settings import Settings
from lfdesktop.demo_server import DemoServer
from lfdesktop.qt.context import opened
from lfdesktop.ui.mainwindow import MainWindow
from lfdesktop.ui.theme import apply_theme

HERE = Path(__file__).resolve().parent
# A full-width top bar, icons on the right, as GNOME's or KDE's panel shows them.
TRAYER = ["trayer", "--edge", "top", "--align", "right", "--widthtype", "percent", "--width", "100",
          "--height", "28", "--SetDockType", "true", "--transparent", "true", "--alpha", "0", "--tint", "0x30343a"]
PANEL_HEIGHT = 28
MARGIN = 24


@contextlib.contextmanager
def tray_host(app: QApplication) -> Iterator[None]:
    """A tray to dock into, for as long as the block runs; none is started where the display has one."""
    if QSystemTrayIcon.isSystemTrayAvailable():
        yield
        return
    if shutil.which("trayer") is None:
        sys.exit("No system tray on this display and no 'trayer' to provide one: sudo apt-get install trayer")
    host = subprocess.Popen(TRAYER)  # noqa: S603 (a fixed command)
    try:
        deadline = time.monotonic() + 20
        while not QSystemTrayIcon.isSystemTrayAvailable():  # before the event loop: nothing else to run
            if time.monotonic() > deadline or host.poll() is not None:
                sys.exit("trayer did not provide a system tray")
            app.processEvents()
            time.sleep(0.05)
        yield
    finally:
        host.terminate()
        host.wait(timeout=10)


def save_around(widgets: list[QRect], name: str, out: Path) -> Path:
    """The screen from the panel down to below ``widgets``, across them: what a user sees at the corner."""
    screen = QGuiApplication.primaryScreen()
    area = QRect(widgets[0])
    for rect in widgets[1:]:
        area = area.united(rect)
    area = area.adjusted(-MARGIN, 0, MARGIN, MARGIN)
    area.setTop(0)
    area = area.intersected(screen.geometry())
    path = out / f"{name}.png"
    if not screen.grabWindow(0, area.x(), area.y(), area.width(), area.height()).save(str(path)):
        raise SystemExit(f"could not save {path}")
    print(f"saved {path}", flush=True)
    return path


def balloon() -> QWidget | None:
    """Qt's own notification bubble, shown where the desktop has no notification service (XEmbed trays)."""
    return next((widget for widget in QApplication.topLevelWidgets()
                 if widget.metaObject().className() == "QBalloonTip" and widget.isVisible()), None)


async def shoot(scheme: str, work: Path, server: DemoServer, out: Path) -> None:
    dana = next(user for user in server.demo_users if user.email == "dana@example.com")
    paths = AppPaths.from_environment({HOME_VARIABLE: str(work / f"home-{scheme}")})
    home = work / scheme
    os.environ["HOME"] = str(home)  # a throwaway home: the notification shows the sync folder as "~/..."
    settings = Settings(sync_enabled=True, sync_folder=home / "Downloads" / "LiquidFiles", tray_hint_shown=True)
    async with opened(paths, settings, SecretStore.session_only(), demo_url=server.url) as context:
        window = MainWindow(context, tray_available=True)
        tray = window.tray
        assert tray is not None
        await until(lambda: not tray.icon.geometry().isEmpty())  # docked in the panel
        await sign_in(context, server.url, dana.api_key)
        context.sync.start()
        await until(lambda: balloon() is not None)  # the first pass's notification
        await asyncio.sleep(0.5)
        bubble = balloon()
        assert bubble is not None
        save_around([tray.icon.geometry(), bubble.frameGeometry()], f"tray-notification-{scheme}", out)
        bubble.hide()

        await until(lambda: bool(window.inbox_pane.model.latest(1)))  # the menu lists the latest messages
        tray.menu.popup(tray.icon.geometry().bottomLeft())
        await until(tray.menu.isVisible)
        await asyncio.sleep(0.4)
        save_around([tray.icon.geometry(), tray.menu.frameGeometry()], f"tray-menu-{scheme}", out)
        tray.menu.hide()
        context.quit_requested.set()
        window.close()


async def main(out: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="lfdesktop-tray-") as tmp:
        work = Path(tmp)
        async with DemoServer(work / "server") as server:
            for scheme in ("light", "dark"):
                apply_theme(QApplication.instance(), scheme)  # type: ignore[arg-type]
                await shoot(scheme, work, server, out)
    return 0


if __name__ == "__main__":
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--out", type=Path, default=HERE, help="where the PNGs go (default: docs/screenshots)")
    out = options.parse_args().out
    application = QApplication(sys.argv[:1])
    application.setQuitOnLastWindowClosed(False)
    with tray_host(application):
        loop = qasync.QEventLoop(application)
        asyncio.set_event_loop(loop)
        with loop:
            sys.exit(loop.run_until_complete(main(out)))
