"""The Inbox with a message open and its files downloaded (verified), the message view alone, and Sent with a
message's download log, on the demo server's messages to and from Dana."""

import asyncio
from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import QWidget

from lfdesktop.demo_server import DemoServer
from lfdesktop.qt.context import AppContext
from lfdesktop.ui.mainwindow import MainWindow
from lfdesktop.ui.messages import InboxPane, MessagesPane, SentPane

Grab = Callable[[QWidget, str, str], Awaitable[None]]
SIZE = (1280, 800)


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(60):
        while not condition():  # noqa: ASYNC110 (widgets have no awaitable for "loaded")
            await asyncio.sleep(0.05)


def shown(window: MainWindow, key: str, kind: type[MessagesPane], context: AppContext) -> tuple[QWidget, MessagesPane]:
    """The window's pane once the lead wired it (what is grabbed: the window); until then a pane of its own."""
    pane = window.pane(key)
    if isinstance(pane, kind):
        window.show_pane(key)
        return window, pane
    own = kind(context)
    own.resize(*SIZE)
    own.show()
    return own, own


def with_files(pane: MessagesPane) -> str:
    """The newest message that has files (the list comes newest first): the one to open."""
    return next(message.id for message in pane.model.messages() if message.attachments)


async def shoot(window: MainWindow, context: AppContext, server: DemoServer, scheme: str, grab: Grab) -> None:
    target, inbox = shown(window, "inbox", InboxPane, context)
    await until(lambda: inbox.model.rowCount() > 0 and not inbox.controller.loading)
    message_id = with_files(inbox)
    inbox.select_message(message_id)
    inbox.view.download_all()
    message = inbox.current_message()
    assert message is not None
    await until(lambda: all(s.state.finished for s in inbox.message_actions.file_states(message).values())
                and len(inbox.message_actions.file_states(message)) == len(message.attachments))
    await grab(target, "inbox", scheme)
    await grab(inbox.view, "message-view", scheme)

    target, sent = shown(window, "sent", SentPane, context)
    await until(lambda: sent.model.rowCount() > 0 and not sent.controller.loading)
    sent.select_message(with_files(sent))
    await until(lambda: sent.view.log_model.rowCount() > 0 or "Nobody" in sent.view.log_hint.text())
    await grab(target, "sent", scheme)
