"""The "Request files" dialog, opened from the Send pane, against the real sandbox: the request is made with the
recipient, subject, message and expiry given, and its link shown with Copy; a wrong address never goes out."""

import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from lfdesktop.ui.requests import RequestFilesDialog
from lfdesktop.ui.send import SendPane
from tests.sandboxproc import ALICE, BOB

WAIT_MS = 20_000

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # the offscreen platform's


@pytest.fixture
def send(context, shown) -> SendPane:
    return shown(SendPane(context), (1000, 640))


def stored_request(sandbox, request_id: str) -> dict:
    with sandbox.db() as db:
        return dict(db.execute("SELECT * FROM file_requests WHERE id = ?", (request_id,)).fetchone())


def test_files_are_requested_and_the_link_is_shown_with_copy(
    send: SendPane, sign_in, sandbox, qtbot: QtBot, screenshot
) -> None:
    sign_in(sandbox, ALICE)
    qtbot.mouseClick(send.request_button, Qt.MouseButton.LeftButton)
    dialog = send.findChild(RequestFilesDialog)
    assert dialog is not None and dialog.isVisible() and dialog.isModal()
    subject = f"Your signed contract {uuid.uuid4().hex[:6]}"
    qtbot.keyClicks(dialog.recipient, BOB.email)
    qtbot.keyClicks(dialog.subject, subject)
    qtbot.keyClicks(dialog.message, "Please upload the signed copy.")
    dialog.expires.setDate(dialog.expires.date().addDays(2))
    chosen = dialog.expires.chosen()
    dialog.notify.setChecked(False)
    with qtbot.waitSignal(dialog.controller.made, timeout=WAIT_MS) as made:
        qtbot.mouseClick(dialog.request_button, Qt.MouseButton.LeftButton)
    request = made.args[0]
    assert dialog.link_row.isVisible() and dialog.result_url.text() == request.url
    assert request.expires_at == chosen and request.subject == subject
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == request.url
    stored = stored_request(sandbox, request.url.rsplit("/", 1)[1])
    assert stored["recipient"] == BOB.email and stored["message"] == "Please upload the signed copy."
    assert stored["send_email"] == 0 and stored["expires_at"] == chosen.isoformat()
    screenshot(dialog, "made")


def test_a_wrong_address_is_named_and_nothing_is_requested(
    send: SendPane, sign_in, sandbox, qtbot: QtBot, screenshot
) -> None:
    sign_in(sandbox, ALICE)
    dialog = send.open_request_dialog()
    with sandbox.db() as db:
        before = db.execute("SELECT COUNT(*) FROM file_requests").fetchone()[0]
    qtbot.mouseClick(dialog.request_button, Qt.MouseButton.LeftButton)
    assert dialog.problem.text() == "Enter the recipient's email address."
    qtbot.keyClicks(dialog.recipient, "bob at partner")
    qtbot.mouseClick(dialog.request_button, Qt.MouseButton.LeftButton)
    assert dialog.problem.text() == "bob at partner is not an email address."
    assert dialog.problem.isVisible() and not dialog.link_row.isVisible()
    screenshot(dialog, "wrong-address")
    qtbot.wait(200)
    with sandbox.db() as db:
        assert db.execute("SELECT COUNT(*) FROM file_requests").fetchone()[0] == before


def test_the_servers_refusal_is_shown(send: SendPane, sign_in, sandbox, qtbot: QtBot) -> None:
    signed_in = sign_in(sandbox, ALICE)
    dialog = send.open_request_dialog()
    qtbot.keyClicks(dialog.recipient, BOB.email)
    too_late = dialog.expires.maximumDate().addDays(1)  # past the account's longest expiry: the server says so
    dialog.expires.setMaximumDate(too_late)
    dialog.expires.setDate(too_late)
    with qtbot.waitSignal(dialog.controller.failed, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.request_button, Qt.MouseButton.LeftButton)
    longest = signed_in.account.max_expiry_days
    assert dialog.problem.text().startswith("The request was not made: expires_at")
    assert f"at most {longest} days ahead" in dialog.problem.text()
    assert dialog.request_button.isEnabled() and not dialog.link_row.isVisible()


def test_signed_out_the_dialog_says_to_sign_in(send: SendPane, qtbot: QtBot) -> None:
    dialog = send.open_request_dialog()
    qtbot.keyClicks(dialog.recipient, BOB.email)
    qtbot.mouseClick(dialog.request_button, Qt.MouseButton.LeftButton)
    assert dialog.problem.text() == "Sign in to request files."
