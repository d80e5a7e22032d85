"""The Sent pane against the real sandbox: Alice's messages with their recipients, who downloaded which file
(after Bob did), sending the same files to more people, and withdrawing the files."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from lfdesktop.qt.downloadlog import column_of
from lfdesktop.qt.message_model import Column
from lfdesktop.ui.messages import SentPane
from lfdesktop.ui.theme import apply_theme
from tests.sandboxproc import ALICE, BOB, CAROL
from tests.ui.messages_helpers import send

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

WAIT_MS = 20_000


@pytest.fixture
def pane(context, shown) -> SentPane:
    return shown(SentPane(context), (1300, 800))


def open_sent(pane: SentPane, qtbot: QtBot, message_id: str) -> None:
    qtbot.waitUntil(lambda: pane.model.row_of(message_id) is not None, timeout=WAIT_MS)
    assert pane.select_message(message_id)


def bob_downloads(sandbox, message_id: str) -> None:
    with sandbox.client(BOB) as bob:
        message = bob.get(f"/message/{message_id}").json()["message"]
        for file in message["attachments"]:
            assert bob.get(file["url"]).status_code == 200


def test_sent_shows_recipients_and_who_downloaded(
    pane: SentPane, sign_in, sandbox, qtbot: QtBot, qtmodeltester, screenshot
) -> None:
    message = send(sandbox, ALICE, {"plan.pdf": b"p" * 3000}, to=BOB)
    bob_downloads(sandbox, message["id"])
    sign_in(sandbox, ALICE)
    open_sent(pane, qtbot, message["id"])
    qtmodeltester.check(pane.model)
    row = pane.model.row_of(message["id"])
    assert pane.model.headerData(Column.PEOPLE, Qt.Orientation.Horizontal) == "To"
    assert pane.model.index(row, Column.PEOPLE).data() == BOB.email
    assert not pane.model.index(row, Column.PEOPLE).data(Qt.ItemDataRole.FontRole)  # no "new" state for Sent
    assert pane.model.unread_count() == 0

    log = pane.view.log_model
    qtbot.waitUntil(lambda: log.rowCount() == 1, timeout=WAIT_MS)
    qtmodeltester.check(log)
    assert log.index(0, column_of("recipient")).data() == BOB.email
    assert log.index(0, column_of("filename")).data() == message["attachments"][0]["filename"]
    assert pane.view.log_hint.text() == "1 download:"
    screenshot(pane, "sent")
    apply_theme(QApplication.instance(), "dark")
    screenshot(pane, "sent-dark")
    apply_theme(QApplication.instance(), "light")


def test_resend_makes_a_new_message_with_the_same_files(pane: SentPane, sign_in, sandbox, qtbot: QtBot) -> None:
    message = send(sandbox, ALICE, {"again.txt": b"again"}, to=BOB)
    sign_in(sandbox, ALICE)
    open_sent(pane, qtbot, message["id"])
    qtbot.keyClicks(pane.view.resend_to, CAROL.email)
    with qtbot.waitSignal(pane.message_actions.resent, timeout=WAIT_MS) as resent:
        qtbot.mouseClick(pane.view.resend_button, Qt.MouseButton.LeftButton)
    new = resent.args[0]
    assert new.recipients == (CAROL.email,) and new.subject == message["subject"]
    assert [file.id for file in new.attachments] == [message["attachments"][0]["id"]]
    with sandbox.client(CAROL) as carol:
        assert new.id in [m["id"] for m in carol.get("/messages/inbox").json()["messages"]]
    qtbot.waitUntil(lambda: pane.model.row_of(new.id) is not None, timeout=WAIT_MS)  # listed after a refresh


def test_delete_files_withdraws_them(pane: SentPane, sign_in, sandbox, qtbot: QtBot) -> None:
    message = send(sandbox, ALICE, {"secret.txt": b"withdraw me"}, to=BOB)
    sign_in(sandbox, ALICE)
    open_sent(pane, qtbot, message["id"])
    assert pane.view.delete_button.isEnabled()

    qtbot.mouseClick(pane.view.delete_button, Qt.MouseButton.LeftButton)
    box = pane.view._confirm
    assert isinstance(box, QMessageBox) and box.isVisible()
    delete = next(button for button in box.buttons() if button.text() == "Delete Files")
    with qtbot.waitSignal(pane.message_actions.message_updated, timeout=WAIT_MS):
        delete.click()
    current = pane.current_message()
    assert current is not None and current.id == message["id"]
    assert not pane.view.delete_button.isEnabled() and not pane.view.resend_button.isEnabled()
    assert pane.view.deleted_hint.isVisible()
    with sandbox.client(BOB) as bob:  # the server still lists the file; downloading it is refused
        [file] = bob.get(f"/message/{message['id']}").json()["message"]["attachments"]
        assert bob.get(file["url"]).status_code == 410
