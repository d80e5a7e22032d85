"""The Files pane on Dana's demo files (the EICAR test file shown blocked with the scanner's message), and the
Filedrop editor as Alex Admin sees it; Dana is signed in again afterwards for the scenes that follow."""

from scenelib import Grab, show, sign_in, until

from lfdesktop.demo_server import DemoServer
from lfdesktop.qt.context import AppContext
from lfdesktop.ui.filedrops import AdminPane
from lfdesktop.ui.files import FilesPane
from lfdesktop.ui.mainwindow import MainWindow


async def shoot(window: MainWindow, context: AppContext, server: DemoServer, scheme: str, grab: Grab) -> None:
    files = show(window, "files")
    assert isinstance(files, FilesPane)
    await until(lambda: files.model.rowCount() > 0)
    blocked = next(item for item in files.controller.items if item.content_blocked)
    files.select(blocked.id)
    await grab(window, "files", scheme)
    sent = next(item for item in files.controller.items if item.messages or item.filelinks)
    files.select(sent.id)
    await until(lambda: "href" in files.details.references.text())
    await grab(window, "files-sent", scheme)

    dana = context.sessions.active
    assert dana is not None
    alex = next(user for user in server.demo_users if user.email == "alex@example.com")
    await sign_in(context, server.url, alex.api_key)
    admin = show(window, "admin")
    assert isinstance(admin, AdminPane)
    await until(lambda: admin.model.rowCount() > 0)
    admin.select("Partner-Drop")
    await grab(window, "admin", scheme)
    await context.sessions.switch(dana.key)
