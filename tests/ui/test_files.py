"""The Files pane against the real sandbox: every attachment with its attributes in words, an EICAR file shown
blocked with the scanner's message, files still being processed polled until done, a FileLink made from a file,
an unsent file deleted (a sent one refused), and a file attached to a new message without a second upload."""

import os
import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from lfdesktop.qt.attachment_model import AttachmentTableModel, Column
from lfdesktop.qt.attachments import POLL_ONE_BY_ONE
from lfdesktop.ui.files import FilesPane
from lfdesktop.ui.send import SendPane
from lfdesktop.ui.theme import apply_theme
from tests.sandbox.helpers import upload_attachment
from tests.sandboxproc import ALICE, BOB, SandboxProcess

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
WAIT_MS = 20_000

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # the offscreen platform's


def unique(name: str) -> str:
    stem, dot, extension = name.partition(".")
    return f"{stem}-{uuid.uuid4().hex[:8]}{dot}{extension}"


def upload(sandbox: SandboxProcess, name: str, data: bytes) -> dict:
    with sandbox.client(ALICE) as alice:
        return upload_attachment(alice, name, data)


def uploads_of(sandbox: SandboxProcess, filename: str) -> int:
    with sandbox.db() as db:
        return int(db.execute("SELECT COUNT(*) FROM upload_log WHERE filename = ?", (filename,)).fetchone()[0])


@pytest.fixture
def pane(context, shown) -> FilesPane:
    return shown(FilesPane(context), (1100, 640))


def shown(pane: FilesPane, attachment_id: str, qtbot: QtBot) -> int:
    """The row of the attachment once the pane lists it (asking the server again until it does)."""
    def listed() -> bool:
        if pane.model.row_of(attachment_id) is None and not pane.controller.loading:
            pane.controller.refresh()
        return pane.model.row_of(attachment_id) is not None

    qtbot.waitUntil(listed, timeout=WAIT_MS)
    row = pane.model.row_of(attachment_id)
    assert row is not None
    return row


def state(pane: FilesPane, attachment_id: str) -> str:
    row = pane.model.row_of(attachment_id)
    return "" if row is None else str(pane.model.index(row, Column.STATE).data())


def test_every_attribute_is_shown_and_an_eicar_file_is_blocked_with_its_message(
    pane: FilesPane, sign_in, sandbox, qtbot: QtBot, qtmodeltester, screenshot
) -> None:
    report = upload(sandbox, unique("report.pdf"), os.urandom(40_000))
    virus = upload(sandbox, unique("invoice.txt"), b"hello " + EICAR + b" bye")
    sign_in(sandbox, ALICE)
    row = shown(pane, report["id"], qtbot)
    shown(pane, virus["id"], qtbot)
    qtmodeltester.check(pane.model)

    texts = [pane.model.index(row, column).data() for column in Column]
    assert texts[Column.NAME] == report["filename"] and texts[Column.SIZE] == "39.1 KB"
    assert texts[Column.TYPE] == "application/pdf" and texts[Column.EXPIRES] == "Not sent yet"
    assert texts[Column.STATE] == "Ready"
    assert state(pane, virus["id"]) == "Blocked: Virus found: Eicar-Test-Signature"

    pane.select(virus["id"])
    values = {name: label.text() for name, label in pane.details.values.items()}
    assert values["Name"] == virus["filename"]
    assert values["Blocked"] == "Virus found: Eicar-Test-Signature"
    assert values["Downloadable"] == "No" and values["Assembled"] == "Yes"
    assert values["Virus scan"].startswith("Required; scanned ")
    assert values["Processed"].startswith("Yes, ")
    assert values["SHA-256"] == virus["checksum"] and values["CRC32"] == virus["crc32"]
    assert pane.details.references.text() == "Not sent or shared yet."
    # A blocked file can be deleted, not sent or linked.
    assert not pane.link_button.isEnabled() and not pane.attach_button.isEnabled()
    assert pane.delete_button.isEnabled()
    screenshot(pane, "blocked")
    app = QApplication.instance()
    apply_theme(app, "dark")
    try:
        screenshot(pane, "blocked-dark")
    finally:
        apply_theme(app, "light")


@pytest.mark.parametrize("count", [1, POLL_ONE_BY_ONE + 2], ids=["one-by-one", "by-listing"])
def test_files_still_being_scanned_are_polled_until_processed(
    context, fresh_sandbox, sign_in, qtbot: QtBot, screenshot, count: int
) -> None:
    server = fresh_sandbox("--scan-delay", "3")
    pane = FilesPane(context)
    qtbot.addWidget(pane)
    pane.resize(1000, 500)
    pane.show()
    scanned = [upload(server, f"scan me {number}.bin", os.urandom(5_000)) for number in range(count)]
    sign_in(server, ALICE)
    for attachment in scanned:
        shown(pane, attachment["id"], qtbot)
    assert {state(pane, attachment["id"]) for attachment in scanned} == {"Scanning for viruses"}
    assert pane.controller.following and pane.status.text().endswith(f"; {count} being processed")
    pane.select(scanned[0]["id"])
    assert pane.details.values["Processed"].text() == "Not yet"
    assert not pane.attach_button.isEnabled() and not pane.link_button.isEnabled()
    screenshot(pane, "scanning")

    listings = []
    pane.controller.listed.connect(lambda: listings.append(1))
    qtbot.waitUntil(lambda: {state(pane, a["id"]) for a in scanned} == {"Ready"}, timeout=WAIT_MS)
    assert not listings  # polled: the rows changed in place
    assert pane.selected()[0].id == scanned[0]["id"] and pane.details.values["Processed"].text().startswith("Yes")
    assert pane.attach_button.isEnabled()
    qtbot.waitUntil(lambda: not pane.controller.following, timeout=WAIT_MS)  # polling ends


def test_a_filelink_is_made_from_a_file_and_a_shared_file_cannot_be_deleted(
    pane: FilesPane, sign_in, sandbox, qtbot: QtBot
) -> None:
    handbook = upload(sandbox, unique("handbook.pdf"), os.urandom(3_000))
    sign_in(sandbox, ALICE)
    shown(pane, handbook["id"], qtbot)
    pane.select(handbook["id"])
    assert pane.link_button.isEnabled() and pane.delete_button.isEnabled()
    with qtbot.waitSignal(pane.controller.link_made, timeout=WAIT_MS) as made:
        qtbot.mouseClick(pane.link_button, Qt.MouseButton.LeftButton)
    link = made.args[0]
    assert QGuiApplication.clipboard().text() == link.url
    assert any(link.url in notice.text for notice in pane.notices.shown())
    qtbot.waitUntil(lambda: link.id in pane.details.references.text(), timeout=WAIT_MS)  # listed again, looked up
    assert link.url in pane.details.references.text()
    assert not pane.delete_button.isEnabled()  # shared now

    # The server refuses anyway, and says so.
    with qtbot.waitSignal(pane.controller.failed, timeout=WAIT_MS) as failed:
        pane.controller.delete(handbook["id"])
    assert "has been sent or shared and can't be deleted" in failed.args[0]
    assert pane.model.row_of(handbook["id"]) is not None


def test_an_unsent_file_is_deleted(pane: FilesPane, sign_in, sandbox, qtbot: QtBot) -> None:
    draft = upload(sandbox, unique("draft.docx"), os.urandom(2_000))
    sign_in(sandbox, ALICE)
    shown(pane, draft["id"], qtbot)
    pane.select(draft["id"])
    with qtbot.waitSignal(pane.controller.deleted, timeout=WAIT_MS):
        pane.table.setFocus()
        qtbot.keyClick(pane.table, Qt.Key.Key_Delete)
    assert pane.model.row_of(draft["id"]) is None
    with sandbox.client(ALICE) as alice:
        assert alice.get(f"/attachments/{draft['id']}").status_code == 404


def test_a_file_is_attached_to_a_new_message_without_uploading_it_again(
    pane: FilesPane, context, sign_in, sandbox, qtbot: QtBot, screenshot
) -> None:
    name = unique("site plan.pdf")
    plan = upload(sandbox, name, os.urandom(25_000))
    assert uploads_of(sandbox, name) == 1
    send = SendPane(context)
    qtbot.addWidget(send)
    send.resize(1100, 640)
    send.show()
    pane.attach_requested.connect(send.add_attachments)  # as the main window wires it
    sign_in(sandbox, ALICE)
    shown(pane, plan["id"], qtbot)

    pane.select(plan["id"])
    with qtbot.waitSignal(pane.attach_requested) as requested:
        qtbot.mouseClick(pane.attach_button, Qt.MouseButton.LeftButton)
    assert [attachment.id for attachment in requested.args[0]] == [plan["id"]]
    assert [item.file.name for item in send.controller.staged.items] == [name]
    assert send.model.index(0, 2).data() == "Already on the server"
    pane.attach()  # twice: staged once
    assert len(send.controller.staged.items) == 1
    assert send.controller.ready

    qtbot.keyClicks(send.to.edit, BOB.email)
    qtbot.keyClicks(send.subject, "The plan")
    screenshot(send, "staged-from-files")
    with qtbot.waitSignal(send.controller.sent, timeout=WAIT_MS) as sent:
        qtbot.mouseClick(send.send_button, Qt.MouseButton.LeftButton)
    with sandbox.client(BOB) as bob:
        received = next(m for m in bob.get("/messages/inbox").json()["messages"] if m["id"] == sent.args[0].id)
    assert [file["id"] for file in received["attachments"]] == [plan["id"]]
    assert uploads_of(sandbox, name) == 1  # the same file, not a second upload

    pane.controller.refresh()  # the file now belongs to the message, which is named with a link to it
    message = sent.args[0]
    qtbot.waitUntil(lambda: f"Message to {BOB.email}: The plan" in pane.details.references.text(), timeout=WAIT_MS)
    assert f'href="{message.url}"' in pane.details.references.text()
    assert pane.details.values["Expires"].text() == f"{message.expires_at:%Y-%m-%d}"


def test_unstaging_a_file_from_the_files_pane_leaves_it_on_the_server(
    pane: FilesPane, context, sign_in, sandbox, qtbot: QtBot
) -> None:
    kept = upload(sandbox, unique("keep.txt"), b"keep me")
    send = SendPane(context)
    qtbot.addWidget(send)
    sign_in(sandbox, ALICE)
    shown(pane, kept["id"], qtbot)
    send.add_attachments([pane.controller.find(kept["id"])])
    (item,) = send.controller.staged.items
    send.controller.remove(item.transfer_id)
    assert not send.controller.staged.items
    qtbot.wait(300)  # a delete, were one sent, would be on its way by now
    with sandbox.client(ALICE) as alice:
        assert alice.get(f"/attachments/{kept['id']}").status_code == 200


def test_the_model_follows_the_controller(context, qtmodeltester, sign_in, sandbox, qtbot: QtBot) -> None:
    upload(sandbox, unique("model.txt"), b"x" * 10)
    pane = FilesPane(context)
    qtbot.addWidget(pane)
    sign_in(sandbox, ALICE)
    qtbot.waitUntil(lambda: pane.model.rowCount() > 0, timeout=WAIT_MS)
    model = AttachmentTableModel(pane.controller)
    qtmodeltester.check(model)
    pane.controller.refresh()
    qtbot.waitUntil(lambda: not pane.controller.loading, timeout=WAIT_MS)
    qtmodeltester.check(model)


def test_signed_out_the_pane_says_so(pane: FilesPane) -> None:
    assert not pane.isEnabled() or "Sign in" in pane.hint.text()
    assert pane.hint.text() == "Sign in to see your files."
