"""The desktop app: ``lfdesktop`` with no command opens the window.

One ``QApplication`` and one qasync loop run everything. Every quit path (the menu, Ctrl+Q, closing the
window, SIGINT/SIGTERM) only sets ``context.quit_requested``; ``run`` then shuts down in order (stop new work,
cancel transfers so the journal keeps their pieces, close the clients and the journal, stop the demo server)
and returns, and only then does Qt's loop end. Calling ``app.quit()`` directly would stop the loop before the
async cleanup ran.
"""

import argparse
import asyncio
import contextlib
import gc
import importlib
import logging
import os
import pkgutil
import signal
import sys
import tempfile
from collections.abc import Callable, Coroutine
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

import qasync
from PySide6 import QtCore
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from lfdesktop import __version__
from lfdesktop.accounts.autostart import HIDDEN_OPTION
from lfdesktop.accounts.paths import HOME_VARIABLE, AppPaths
from lfdesktop.accounts.secrets import SecretStore
from lfdesktop.accounts.settings import LoadedSettings, Settings, aload_settings
from lfdesktop.api.errors import ApiError, AuthError
from lfdesktop.demo_server import DemoServer
from lfdesktop.qt.context import AppContext, opened
from lfdesktop.qt.errors import ErrorReporter
from lfdesktop.qt.session import NotSignedIn
from lfdesktop.qt.signin import explain, sign_in_with_key
from lfdesktop.qt.single_instance import SingleInstance, instance_name
from lfdesktop.ui.mainwindow import MainWindow
from lfdesktop.ui.theme import apply_theme

log = logging.getLogger("lfdesktop")

DEMO_API_KEY = "DemoDanaKey00000000000"  # Dana Demo's, printed by the demo server for anyone to use
SIGNAL_POLL_MS = 300  # Python runs signal handlers only between bytecodes: a timer lets it while Qt waits


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="lfdesktop",
        description="The lfdesktop desktop app. For the command line, see 'lfdesktop --help'.",
    )
    p.add_argument("--sandbox", action="store_true",
                   help="try the app on a built-in demo server with sample data (your real accounts are untouched)")
    p.add_argument("--sandbox-data", type=Path, metavar="DIR",
                   help="where the demo server keeps its data (default: the app's data folder)")
    p.add_argument(HIDDEN_OPTION, action="store_true",
                   help="start in the tray without showing the window (how 'Start hidden in the tray' starts it)")
    p.add_argument("--self-test", action="store_true",
                   help="check the installation (modules, keyring, window) offscreen, print what was found, exit")
    p.add_argument("--version", action="version", version=f"lfdesktop {__version__}")
    p.add_argument("files", nargs="*", type=Path, help="files to stage in the Send pane")
    return p


def main(argv: list[str]) -> int:
    options = parser().parse_args(argv)
    if options.self_test:
        return self_test()
    real_paths = AppPaths.from_environment()
    if options.sandbox:
        demo_root = (options.sandbox_data or real_paths.data_dir / "demo").absolute()
        paths = AppPaths.from_environment({HOME_VARIABLE: str(demo_root / "app")})
    else:
        demo_root, paths = None, real_paths
    log_file = _log_to_file(paths)

    app = _application(argv)
    instance = SingleInstance(instance_name(paths.config_dir))
    files = [str(path.absolute()) for path in options.files]
    if instance.hand_over(files):
        print("lfdesktop is already running: its window was brought forward.", file=sys.stderr)
        return 0
    instance.listen()
    try:
        return int(_run_loop(app, run(app, paths, files, demo_root, instance, log_file, hidden=options.hidden)))
    finally:
        instance.close()


def _application(argv: list[str]) -> QApplication:
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(QtCore.Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(["lfdesktop", *argv])
    app.setApplicationName("lfdesktop")
    app.setApplicationDisplayName("lfdesktop")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("lfdesktop")
    app.setDesktopFileName("lfdesktop")
    app.setQuitOnLastWindowClosed(False)  # quitting is ours: ordered, after the async shutdown
    apply_theme(app)
    return app


def _run_loop(app: QApplication, work: Coroutine[Any, Any, Any]) -> Any:
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return loop.run_until_complete(work)


async def run(
    app: QApplication, paths: AppPaths, files: list[str], demo_root: Path | None, instance: SingleInstance,
    log_file: Path, *, hidden: bool = False,
) -> int:
    reporter = ErrorReporter(str(log_file))
    reporter.install(asyncio.get_running_loop())
    async with contextlib.AsyncExitStack() as stack:
        demo = await stack.enter_async_context(DemoServer(demo_root / "server")) if demo_root else None
        loaded = await aload_settings(paths.settings_file)
        secrets = SecretStore.session_only() if demo else SecretStore()
        context = await stack.enter_async_context(
            opened(paths, loaded.settings, secrets, demo_url=demo.url if demo else None)
        )
        tray = QSystemTrayIcon.isSystemTrayAvailable()
        if not tray:
            log.info("No system tray on this desktop: closing the window quits")
        window = MainWindow(context, tray_available=tray)
        reporter.reported.connect(window.show_error)
        instance.activated.connect(window.receive_files)
        quit_on_signals = _quit_on_signals(context.quit_requested)
        poll = QTimer()
        poll.start(SIGNAL_POLL_MS)
        poll.timeout.connect(lambda: None)
        window.restore_layout()
        if not (hidden and tray):  # hidden only where the tray can bring it back
            window.show()
        freeze_start_up_objects()
        _tell_loaded(window, loaded)
        context.tasks.spawn(_sign_in(window, context), name="sign in")
        context.sync.start()
        if files:
            window.receive_files(files)
        try:
            await context.quit_requested.wait()
        finally:
            poll.stop()
            quit_on_signals()
            with contextlib.suppress(Exception):  # a full disk must not keep the app from quitting
                await window.remember_layout()
            await context.aclose()
            window.close()
            reporter.uninstall()
    app.processEvents()
    return 0


async def _sign_in(window: MainWindow, context: AppContext) -> None:
    sessions = context.sessions
    if context.demo_url is not None:
        # The demo user, every time: its key is printed by the demo server and never stored anywhere.
        await sign_in_with_key(sessions, context.demo_url, DEMO_API_KEY)
        return
    try:
        await sessions.resume_active()
    except NotSignedIn:
        chosen = sessions.settings.active
        window.open_sign_in(chosen.server_url if chosen else "", chosen.email if chosen else "")
    except AuthError as error:
        chosen = sessions.settings.active
        assert chosen is not None
        window.open_sign_in(chosen.server_url, chosen.email, f"The server refused the stored key ({error}).")
    except ApiError as error:
        chosen = sessions.settings.active
        problem = explain(error, chosen.server_url if chosen else "")
        notice = window.notices.show_notice(f"Could not connect: {problem.text}", "error")
        notice.add_action("Retry").clicked.connect(
            lambda: context.tasks.spawn(_sign_in(window, context), name="sign in")
        )


def freeze_start_up_objects() -> None:
    """Modules, widgets and their wrappers live as long as the app. Out of the collector's way, a full
    collection no longer scans them: with them it took 28-34 ms here, a stall the user feels mid-transfer."""
    gc.freeze()


def _tell_loaded(window: MainWindow, loaded: LoadedSettings) -> None:
    for warning in loaded.warnings:
        window.notices.show_notice(warning, "warning")


def _quit_on_signals(quit_requested: asyncio.Event) -> Callable[[], None]:
    """SIGINT (Ctrl+C in a terminal) and SIGTERM quit in order, like the menu. Returns the undo."""
    previous: dict[int, Any] = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        previous[number] = signal.signal(number, lambda *_: quit_requested.set())

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    return restore


def _log_to_file(paths: AppPaths) -> Path:
    folder = paths.cache_dir / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    log_file = folder / "lfdesktop.log"
    handler = RotatingFileHandler(log_file, maxBytes=2 * 1024 * 1024, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for chatty in ("httpx", "httpcore"):  # a line per request, with one-time download URLs in it
        logging.getLogger(chatty).setLevel(logging.WARNING)
    return log_file


# ---- --self-test: used by packaging to check a frozen build ----


def self_test() -> int:
    """Imports every module, checks the keyring backend, builds the loop and the main window offscreen."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import lfdesktop

    modules = [info.name for info in pkgutil.walk_packages(lfdesktop.__path__, "lfdesktop.")
               if not info.name.endswith(".__main__")]  # those run a program when imported
    for name in modules:
        importlib.import_module(name)
    print(f"lfdesktop {__version__}: imported {len(modules)} modules")
    status = asyncio.run(SecretStore(timeout=10).backend_status())
    print(f"keyring: {status.backend or 'none (keys would be kept for the session only)'}")
    app = _application([])
    with tempfile.TemporaryDirectory(prefix="lfdesktop-self-test-") as home:
        paths = AppPaths.from_environment({HOME_VARIABLE: home})
        print(f"Qt: {_qt_version()} on the '{app.platformName()}' platform")
        size = str(_run_loop(app, _build_window(paths)))
    print(f"main window: built ({size})")
    print("self-test passed")
    return 0


async def _build_window(paths: AppPaths) -> str:
    async with opened(paths, Settings(), SecretStore.session_only()) as context:
        window = MainWindow(context)
        window.show()
        await asyncio.sleep(0.05)
        size = f"{window.width()}x{window.height()}, {window.sidebar.count()} panes"
        context.quit_requested.set()
        window.close()
    return size


def _qt_version() -> str:
    return f"Qt {QtCore.qVersion()}, PySide6 {pyside_version}"
