"""The screenshots in docs/screenshots/: every pane of a real window, light and dark, on the demo server.

    make screenshots        (runs: xvfb-run -a python docs/screenshots/take.py)

Needs a display (a real one, or Xvfb): the point is what a user sees, not the offscreen renderer. Starts the
demo server in a temporary folder, signs in as Dana Demo (and as Alex Admin for the Admin pane), drops files
on the Send and Links panes, and grabs the window mid-upload, with a link made, and on every other pane.
Each pane with more to show has a scene in ``scenes/<name>.py``: ``async def shoot(window, context, server,
scheme, grab)``, run in name order with Dana signed in.
"""

import asyncio
import importlib.util
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication, QWidget
from scenelib import Grab, sign_in, until

from lfdesktop.accounts.paths import HOME_VARIABLE, AppPaths
from lfdesktop.accounts.secrets import SecretStore
from lfdesktop.accounts.settings import Settings
from lfdesktop.demo_server import DemoServer
from lfdesktop.qt.context import AppContext, opened
from lfdesktop.ui.mainwindow import MainWindow
from lfdesktop.ui.theme import apply_theme

HERE = Path(__file__).resolve().parent
MIB = 1024 * 1024
SIZE = (1280, 800)
# Slow enough that the big file is caught mid-upload, pieces visibly filling.
SHOW_BANDWIDTH_KIB = 24 * 1024



async def grab(widget: QWidget, name: str, scheme: str) -> None:
    await asyncio.sleep(0.6)  # two refreshes of the transfer list; never processEvents() inside a task
    path = HERE / f"{name}-{scheme}.png"
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not save {path}")
    print(f"saved {path.relative_to(HERE.parents[1])}", flush=True)


def sample_files(folder: Path) -> list[Path]:
    photos = folder / "site photos"
    photos.mkdir(parents=True)
    for number in range(1, 4):
        (photos / f"IMG_{4410 + number}.jpg").write_bytes(os.urandom(3 * MIB))
    report = folder / "Q3 report.pdf"
    report.write_bytes(os.urandom(2 * MIB))
    video = folder / "site walkthrough.mp4"
    video.write_bytes(os.urandom(420 * MIB))
    return [report, photos, video]


Scene = Callable[[MainWindow, AppContext, DemoServer, str, Grab], Awaitable[None]]


def scenes() -> list[Scene]:
    found = []
    for path in sorted((HERE / "scenes").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"scenes.{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found.append(module.shoot)
    return found



async def shoot(scheme: str, work: Path, server: DemoServer) -> None:
    users = {user.email: user for user in server.demo_users}
    paths = AppPaths.from_environment({HOME_VARIABLE: str(work / f"home-{scheme}")})
    settings = Settings(bandwidth_limit_kib=SHOW_BANDWIDTH_KIB, piece_size_mib=40)
    async with opened(paths, settings, SecretStore.session_only(), demo_url=server.url) as context:
        window = MainWindow(context)
        window.resize(*SIZE)
        window.show()
        await sign_in(context, server.url, users["dana@example.com"].api_key)

        send = window.send_pane
        send.to.edit.setText("priya@partner.example, marco@supplier.example")
        send.subject.setText("Site survey: report, photos and walkthrough")
        send.message.setPlainText("Hi both,\n\nHere is everything from Tuesday's visit. The video is large; "
                                  "it is verified on arrival.\n\nDana")
        window.receive_files([str(path) for path in sample_files(work / f"files-{scheme}")])
        await until(lambda: any(s.done > 60 * MIB for s in context.queue.snapshot() if s.name.endswith(".mp4")))
        await grab(window, "send", scheme)
        context.queue.set_bandwidth(None)  # finished before a scene switches accounts (which drops the draft)
        await until(lambda: all(s.state.finished for s in context.queue.snapshot()))

        window.show_pane("links")
        handbook = work / f"files-{scheme}" / "Employee handbook 2026.pdf"
        handbook.write_bytes(os.urandom(5 * MIB))
        window.links_pane.add_files([handbook])
        new_links = window.links_pane.new_links
        await until(lambda: new_links.model.rowCount() > 0 and "Link copied" in new_links.status.text())
        await grab(window, "links", scheme)

        for scene in scenes():
            await scene(window, context, server, scheme, grab)

        dialog = window.open_sign_in()
        await grab(dialog, "sign-in", scheme)
        dialog.reject()

        context.quit_requested.set()
        window.close()


async def main() -> int:
    with tempfile.TemporaryDirectory(prefix="lfdesktop-shots-") as tmp:
        work = Path(tmp)
        async with DemoServer(work / "server") as server:
            for scheme in ("light", "dark"):
                apply_theme(QApplication.instance(), scheme)  # type: ignore[arg-type]
                await shoot(scheme, work, server)
    return 0


if __name__ == "__main__":
    if os.environ.get("QT_QPA_PLATFORM", "") == "offscreen" or not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform in ("darwin", "win32")
    ):
        sys.exit("take.py needs a display: run it as 'make screenshots' (under Xvfb)")
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)  # one window per theme, one after the other
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        sys.exit(loop.run_until_complete(main()))
