"""The Inbox with a message open and its files downloaded (verified), the message view alone, and Sent with a
message's download log, on the demo server's messages to and from Dana."""

from scenelib import Grab, show, until

from lfdesktop.demo_server import DemoServer
from lfdesktop.qt.context import AppContext
from lfdesktop.ui.mainwindow import MainWindow
from lfdesktop.ui.messages import InboxPane, MessagesPane, SentPane


def with_files(pane: MessagesPane) -> str:
    """The newest message that has files (the list comes newest first): the one to open."""
    return next(message.id for message in pane.model.messages() if message.attachments)


async def shoot(window: MainWindow, context: AppContext, server: DemoServer, scheme: str, grab: Grab) -> None:
    inbox = show(window, "inbox")
    assert isinstance(inbox, InboxPane)
    await until(lambda: inbox.model.rowCount() > 0 and not inbox.controller.loading)
    message_id = with_files(inbox)
    inbox.select_message(message_id)
    inbox.view.download_all()
    message = inbox.current_message()
    assert message is not None
    await until(lambda: all(s.state.finished for s in inbox.message_actions.file_states(message).values())
                and len(inbox.message_actions.file_states(message)) == len(message.attachments))
    await grab(window, "inbox", scheme)
    await grab(inbox.view, "message-view", scheme)

    sent = show(window, "sent")
    assert isinstance(sent, SentPane)
    await until(lambda: sent.model.rowCount() > 0 and not sent.controller.loading)
    sent.select_message(with_files(sent))
    await until(lambda: sent.view.log_model.rowCount() > 0 or "Nobody" in sent.view.log_hint.text())
    await grab(window, "sent", scheme)
