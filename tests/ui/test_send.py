"""The Send pane against the real sandbox: drop files and folders, write the message, send it once every file
is uploaded and verified, and find it in the recipient's inbox."""

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from lfdesktop.accounts.drafts import DraftFile, load_draft, save_draft
from lfdesktop.accounts.secrets import SecretStore
from lfdesktop.accounts.settings import load_settings
from lfdesktop.qt.context import opened
from lfdesktop.qt.staged_model import Column, RowAction
from lfdesktop.transfer.events import TransferState
from lfdesktop.ui.dropzone import DropZone
from lfdesktop.ui.send import SendPane
from lfdesktop.ui.staged import RowButtonsDelegate
from lfdesktop.ui.theme import apply_theme
from tests.sandboxproc import ALICE, BOB, CAROL
from tests.ui.drops import drag_enter, drag_leave, drop, mime_for, sha256, write

UPLOAD_MS = 30_000

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # the offscreen platform's


@pytest.fixture
def pane(context, shown) -> SendPane:
    return shown(SendPane(context), (1100, 720))


def staged_names(pane: SendPane) -> list[str]:
    return [item.file.name for item in pane.controller.staged.items]


def inbox_message(sandbox, message_id: str) -> dict:
    with sandbox.client(BOB) as bob:
        messages = bob.get("/messages/inbox").json()["messages"]
    return next(message for message in messages if message["id"] == message_id)


def test_dropped_files_and_a_folder_are_sent_to_bobs_inbox(
    pane: SendPane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path, screenshot
) -> None:
    sign_in(sandbox, ALICE)
    files = [write(tmp_path / "report.pdf", 30_000, 1), write(tmp_path / "figures.csv", 900, 2)]
    folder = tmp_path / "photos"
    inside = [write(folder / "beach.jpg", 12_000, 3), write(folder / "2024" / "snow.jpg", 8_000, 4)]
    write(folder / ".DS_Store", 10)

    assert drop(pane.drop_zone, [*files, folder])
    qtbot.waitUntil(lambda: pane.controller.ready, timeout=UPLOAD_MS)
    assert staged_names(pane) == ["report.pdf", "figures.csv", "photos/2024/snow.jpg", "photos/beach.jpg"]
    assert pane.files.count_label.text() == "4 files, 49.7 KB"
    statuses = [pane.model.index(row, Column.STATUS).data() for row in range(4)]
    assert statuses == ["Verified"] * 4
    assert not pane.send_button.isEnabled() and pane.send_hint.text() == "Add a recipient."

    qtbot.keyClicks(pane.to.edit, BOB.email)
    qtbot.keyClicks(pane.subject, "Quarterly figures")
    qtbot.keyClicks(pane.message, "Here they are.")
    pane.permission.setCurrentIndex(pane.permission.findData(4))
    pane.expires.setDate(pane.expires.date().addDays(3))
    chosen_expiry = pane.expires.chosen()
    assert pane.send_button.isEnabled()
    screenshot(pane, "ready")

    with qtbot.waitSignal(pane.controller.sent, timeout=UPLOAD_MS) as sent:
        qtbot.mouseClick(pane.send_button, Qt.MouseButton.LeftButton)
    message = sent.args[0]
    received = inbox_message(sandbox, message.id)
    assert received["subject"] == "Quarterly figures" and received["message"] == "Here they are."
    assert received["authorization"] == 4 and received["expires_at"] == chosen_expiry.isoformat()
    assert {file["filename"]: file["checksum"] for file in received["attachments"]} == {
        path.name: sha256(path) for path in [*files, *inside]
    }

    # The result with its link; the form is ready for the next message.
    assert pane.result.isVisible() and pane.result.url == message.url
    assert message.url in pane.result.label.text()
    pane.result.buttons["Copy link"].click()
    assert QGuiApplication.clipboard().text() == message.url
    assert pane.to.edit.text() == pane.subject.text() == pane.message.toPlainText() == ""
    assert pane.permission.currentData() == 3 and pane.expires.chosen() == date.today() + timedelta(days=14)
    assert pane.controller.staged.items == [] and not pane.send_button.isEnabled()
    # Remembered, and offered next time.
    qtbot.waitUntil(lambda: pane.to.completer.model().stringList() == [BOB.email])
    assert pane.context.sessions.settings.recent_recipients == (BOB.email,)
    screenshot(pane, "sent")


def test_removing_a_staged_file_cancels_its_upload_and_it_is_not_sent(
    pane: SendPane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path, screenshot
) -> None:
    sign_in(sandbox, ALICE)
    queue = pane.context.queue
    keep, slow = write(tmp_path / "keep.txt", 2_000, 5), write(tmp_path / "slow.bin", 2 * 1024 * 1024, 6)
    assert drop(pane.drop_zone, [keep])
    qtbot.waitUntil(lambda: pane.controller.ready, timeout=UPLOAD_MS)
    queue.set_bandwidth(64 * 1024)  # 1 MiB blocks: the big file's second one waits 16 s, time to remove it
    assert drop(pane.drop_zone, [slow])
    qtbot.waitUntil(lambda: len(pane.controller.staged.items) == 2)
    slow_item = pane.controller.staged.items[1]
    qtbot.waitUntil(lambda: slow_item.snapshot is not None and slow_item.snapshot.done > 0, timeout=UPLOAD_MS)
    assert not pane.controller.ready
    screenshot(pane, "uploading")

    # The row's own remove button, as a mouse user clicks it.
    table = pane.files.table
    cell = table.visualRect(pane.model.index(1, Column.ACTIONS))
    (action, button), = RowButtonsDelegate.button_rects(cell, [RowAction.REMOVE])
    assert action is RowAction.REMOVE
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=button.center())
    assert staged_names(pane) == ["keep.txt"]
    qtbot.waitUntil(lambda: _state(queue, slow_item.transfer_id) is TransferState.CANCELLED)
    queue.set_bandwidth(None)
    assert pane.controller.ready

    qtbot.keyClicks(pane.to.edit, BOB.email)
    with qtbot.waitSignal(pane.controller.sent, timeout=UPLOAD_MS) as sent:
        qtbot.keyClick(pane.subject, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    received = inbox_message(sandbox, sent.args[0].id)
    assert [file["filename"] for file in received["attachments"]] == ["keep.txt"]


def _state(queue, transfer_id: int) -> TransferState | None:
    return next((snapshot.state for snapshot in queue.snapshot() if snapshot.id == transfer_id), None)


def test_send_waits_until_every_file_is_uploaded_and_verified(
    pane: SendPane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path, screenshot
) -> None:
    sign_in(sandbox, ALICE)
    queue = pane.context.queue
    queue.set_bandwidth(128 * 1024)  # blocks of 1 MiB: each after the first waits 8 s
    qtbot.keyClicks(pane.to.edit, BOB.email)
    assert drop(pane.drop_zone, [write(tmp_path / "draft.docx", 3 * 1024 * 1024, 7)])
    qtbot.waitUntil(lambda: bool(pane.controller.staged.items))
    item = pane.controller.staged.items[0]
    qtbot.waitUntil(lambda: item.state is TransferState.RUNNING, timeout=UPLOAD_MS)
    assert not pane.send_button.isEnabled()
    assert pane.send_hint.text() == "Waiting for 1 file to upload and be verified."
    qtbot.keyClick(pane.subject, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Return: nothing
    assert not pane.controller.sending
    screenshot(pane, "waiting")
    queue.set_bandwidth(None)
    qtbot.waitUntil(pane.send_button.isEnabled, timeout=UPLOAD_MS)
    assert item.attachment_id is not None and item.snapshot is not None and item.snapshot.checksum == "verified"
    assert pane.send_hint.text() == "Ready to send."


def test_files_over_the_accounts_limits_are_refused_before_any_upload(
    pane: SendPane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path, screenshot
) -> None:
    sign_in(sandbox, CAROL)  # the "Restricted" group: 100 MB files, no .exe or .bat
    assert "files up to 100 MB" in pane.account_hint.text() and ".exe" in pane.account_hint.text()
    big = tmp_path / "backup.iso"
    with big.open("wb") as sparse:
        sparse.truncate(101 * 1024 * 1024)
    blocked = write(tmp_path / "setup.EXE", 100, 8)
    fine = write(tmp_path / "notes.txt", 100, 9)
    assert drop(pane.drop_zone, [big, blocked, fine])
    qtbot.waitUntil(lambda: bool(pane.notices.shown()))
    text = pane.notices.shown()[0].text
    assert "backup.iso is 101.0 MB, more than the 100 MB this account may send in one file." in text
    assert "setup.EXE: files of type .exe may not be sent from this account." in text
    assert staged_names(pane) == ["notes.txt"]
    assert [snapshot.name for snapshot in pane.context.queue.snapshot()] == ["notes.txt"]  # nothing else went
    qtbot.waitUntil(lambda: pane.controller.ready, timeout=UPLOAD_MS)
    screenshot(pane, "refused")


def test_a_server_refusal_shows_its_words_and_keeps_the_form_and_files(
    context, sign_in, fresh_sandbox, qtbot: QtBot, tmp_path: Path, screenshot
) -> None:
    slow_scanner = fresh_sandbox("--scan-delay", "600")  # files stay "being processed": sending them is a 422
    sign_in(slow_scanner, ALICE)
    apply_theme(QApplication.instance(), "light")
    pane = SendPane(context)
    qtbot.addWidget(pane)
    pane.resize(1100, 720)
    pane.show()
    assert drop(pane.drop_zone, [write(tmp_path / "contract.pdf", 5_000, 10)])
    qtbot.waitUntil(lambda: pane.controller.ready, timeout=UPLOAD_MS)
    qtbot.keyClicks(pane.to.edit, BOB.email)
    qtbot.keyClicks(pane.subject, "Contract")
    with qtbot.waitSignal(pane.controller.failed, timeout=UPLOAD_MS) as failed:
        pane.send_button.click()
    assert failed.args == ["contract.pdf is still being processed (virus scan); try again shortly"]
    notice = pane.notices.shown()[0]
    assert notice.text == f"The message was not sent: {failed.args[0]}"
    assert notice.property("kind") == "error"
    assert pane.to.edit.text() == BOB.email and pane.subject.text() == "Contract"
    assert staged_names(pane) == ["contract.pdf"] and pane.send_button.isEnabled()
    screenshot(pane, "refused-by-server")


def test_signed_out_the_pane_says_so_and_follows_the_account_signed_in(
    pane: SendPane, sign_in, sandbox, qtbot: QtBot, screenshot
) -> None:
    assert not pane.body.isEnabled() and not pane.send_button.isEnabled()
    assert pane.account_hint.text() == "Sign in to an account to send files."
    assert pane.expires.chosen() == date.today() + timedelta(days=14)
    screenshot(pane, "signed-out")
    sign_in(sandbox, ALICE)  # the "Default" group: 14 days by default, at most 90
    today = date.today()
    assert pane.body.isEnabled()
    assert pane.expires.chosen() == today + timedelta(days=14)
    assert pane.expires.maximumDate().toPython() == today + timedelta(days=90)
    assert pane.expires.minimumDate().toPython() == today + timedelta(days=1)
    sign_in(sandbox, CAROL)  # "Restricted": 7 and 30
    assert pane.expires.chosen() == today + timedelta(days=7)
    assert pane.expires.maximumDate().toPython() == today + timedelta(days=30)


def test_addresses_are_checked_and_earlier_recipients_offered(pane: SendPane, sign_in, sandbox, qtbot: QtBot) -> None:
    sign_in(sandbox, ALICE)
    field = pane.to
    field.edit.setFocus()
    qtbot.keyClicks(field.edit, "bob@partner.example; not-an-address, dana@")
    assert field.problem.isVisible() and field.problem.text() == "\u201cnot-an-address\u201d is not an email address"
    field.edit.editingFinished.emit()  # leaving the field: the last one counts too
    assert "\u201cdana@\u201d" in field.problem.text()
    assert field.addresses() == ["bob@partner.example"]
    assert field.invalid() == ["not-an-address", "dana@"]

    field.clear()
    field.set_known(["bob@partner.example", "carol@contractor.example", "robert@bobs.example"])
    qtbot.keyClicks(field.edit, "alice@example.com, bob")
    completer = field.completer
    found = [completer.completionModel().index(row, 0).data() for row in range(completer.completionCount())]
    assert found == ["bob@partner.example", "robert@bobs.example"]
    completer.setCurrentRow(0)
    assert completer.pathFromIndex(completer.currentIndex()) == "alice@example.com, bob@partner.example, "


def test_the_drop_zone_takes_local_files_only_and_shows_the_drag(qtbot: QtBot, tmp_path: Path, screenshot) -> None:
    zone = DropZone()
    qtbot.addWidget(zone)
    zone.resize(500, 200)
    zone.show()
    assert not drag_enter(zone, mime_for(urls=["https://example.com/page.html"]))
    assert not zone.drag_active
    assert drag_enter(zone, mime_for([write(tmp_path / "a.txt", 10)]))
    assert zone.drag_active
    screenshot(zone, "dragging")
    drag_leave(zone)
    assert not zone.drag_active

    with qtbot.waitSignal(zone.paths_dropped) as dropped:
        assert drop(zone, [tmp_path / "a.txt"])
    assert dropped.args == [[tmp_path / "a.txt"]]

    zone.setFocus()
    qtbot.keyClick(zone, Qt.Key.Key_Space)
    dialog = zone.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowModality() is not Qt.WindowModality.ApplicationModal  # open(): the app goes on
    assert dialog.fileMode() is QFileDialog.FileMode.ExistingFiles
    with qtbot.waitSignal(zone.paths_dropped) as chosen:
        dialog.filesSelected.emit([str(tmp_path / "a.txt")])
    assert chosen.args == [[tmp_path / "a.txt"]]
    zone.add_folder_button.click()  # a new picker replaces the open one
    folders = zone.dialog
    assert folders is not None and folders is not dialog and folders.fileMode() is QFileDialog.FileMode.Directory
    assert not dialog.isVisible()
    folders.close()
    assert zone.dialog is None


def test_dark_theme(pane: SendPane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path, screenshot) -> None:
    app = QApplication.instance()
    apply_theme(app, "dark")
    try:
        sign_in(sandbox, ALICE)
        assert drop(pane.drop_zone, [write(tmp_path / "dark.txt", 500, 11)])
        qtbot.waitUntil(lambda: pane.controller.ready, timeout=UPLOAD_MS)
        qtbot.keyClicks(pane.to.edit, "bob@partner.example, wrong")
        screenshot(pane, "dark")
    finally:
        apply_theme(app, "light")


def test_files_dropped_anywhere_on_the_pane_or_handed_over_are_staged_and_a_failed_one_blocks_sending(
    pane: SendPane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path, screenshot
) -> None:
    sign_in(sandbox, ALICE)
    queue = pane.context.queue
    queue.set_bandwidth(256 * 1024)  # 1 MiB blocks: the second one of the big file waits 4 s
    changing = write(tmp_path / "changing.log", 2 * 1024 * 1024, 12)
    pane.add_files([changing])  # as "Send Files..." or a second launch hands them over
    qtbot.waitUntil(lambda: bool(pane.controller.staged.items) and pane.controller.staged.items[0].state
                    is TransferState.RUNNING, timeout=UPLOAD_MS)
    changing.write_bytes(b"cut short while it was being uploaded")
    qtbot.waitUntil(lambda: pane.controller.staged.items[0].state is TransferState.FAILED, timeout=UPLOAD_MS)
    queue.set_bandwidth(None)
    status = pane.model.index(0, Column.STATUS).data()
    assert status.startswith("Failed: changing.log ") and "while it was being uploaded" in status

    # Dropped on the list, not the zone: the pane takes it all the same.
    assert drop(pane.files.table.viewport(), [write(tmp_path / "later.txt", 300, 13)])
    qtbot.waitUntil(lambda: len(pane.controller.staged.items) == 2 and pane.controller.staged.items[1].attachment_id
                    is not None, timeout=UPLOAD_MS)
    qtbot.keyClicks(pane.to.edit, BOB.email)
    assert not pane.send_button.isEnabled()
    assert pane.send_hint.text() == "1 file did not upload: remove or retry (in the transfer list) before sending."
    screenshot(pane, "failed")

    # The Delete key removes the selected row.
    pane.files.table.selectRow(0)
    pane.files.table.setFocus()
    qtbot.keyClick(pane.files.table, Qt.Key.Key_Delete)
    assert staged_names(pane) == ["later.txt"] and pane.send_button.isEnabled()


def slow_upload(pane: SendPane, qtbot: QtBot, path: Path) -> int:
    """``path`` staged and uploading slowly enough to be caught under way: its transfer id."""
    pane.context.queue.set_bandwidth(256 * 1024)
    pane.add_files([path])
    qtbot.waitUntil(lambda: bool(pane.controller.staged.items))
    return pane.controller.staged.items[0].transfer_id


def test_switching_accounts_sets_the_files_aside_and_switching_back_brings_them(
    pane: SendPane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path
) -> None:
    alice = sign_in(sandbox, ALICE)
    queue = pane.context.queue
    transfer_id = slow_upload(pane, qtbot, write(tmp_path / "alices.bin", 2 * 1024 * 1024, 14))

    sign_in(sandbox, CAROL)  # Alice's uploads cannot go out with Carol's message

    assert pane.controller.staged.items == [] and not pane.files.isVisible()
    assert pane.account_hint.text().startswith(CAROL.email)
    assert _state(queue, transfer_id) not in (TransferState.CANCELLED, TransferState.FAILED)  # uploading on
    queue.set_bandwidth(None)
    pane.context.tasks.spawn(pane.context.sessions.switch(alice.key))
    qtbot.waitUntil(lambda: staged_names(pane) == ["alices.bin"], timeout=UPLOAD_MS)
    qtbot.waitUntil(lambda: pane.controller.ready, timeout=UPLOAD_MS)
    assert _state(queue, transfer_id) is TransferState.DONE and pane.files.isVisible()


def test_signing_out_cancels_the_staged_uploads(pane: SendPane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path,
                                                 run) -> None:
    alice = sign_in(sandbox, ALICE)
    queue = pane.context.queue
    transfer_id = slow_upload(pane, qtbot, write(tmp_path / "unsent.bin", 2 * 1024 * 1024, 17))
    run(pane.context.sessions.forget(alice.key))
    assert pane.controller.staged.items == []
    qtbot.waitUntil(lambda: _state(queue, transfer_id) is TransferState.CANCELLED)


def test_an_uploaded_file_removed_before_sending_is_deleted_from_the_server(
    pane: SendPane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path, qtmodeltester
) -> None:
    sign_in(sandbox, ALICE)
    pane.add_files([write(tmp_path / "second thoughts.txt", 400, 15), write(tmp_path / "fine.txt", 400, 16)])
    qtbot.waitUntil(lambda: pane.controller.ready, timeout=UPLOAD_MS)
    qtmodeltester.check(pane.model)
    unwanted = pane.controller.staged.items[0].attachment_id
    assert unwanted in alices_attachments(sandbox)
    pane.files.table.selectRow(0)
    pane.files.buttons[RowAction.REMOVE].click()
    assert staged_names(pane) == ["fine.txt"]
    qtbot.waitUntil(lambda: unwanted not in alices_attachments(sandbox), timeout=UPLOAD_MS)
    qtmodeltester.check(pane.model)


def alices_attachments(sandbox) -> set[str]:
    with sandbox.client(ALICE) as alice:
        return {attachment["id"] for attachment in alice.get("/attachments").json()["attachments"]}


def test_the_unsent_message_comes_back_on_the_next_start_and_is_gone_once_sent(
    pane: SendPane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path, run, app_paths, keyring_backend
) -> None:
    alice = sign_in(sandbox, ALICE)
    pane.add_files([write(tmp_path / "minutes.txt", 500, 18)])
    qtbot.waitUntil(lambda: pane.controller.ready, timeout=UPLOAD_MS)
    pane.to.edit.setText(BOB.email)
    pane.subject.setText("Minutes of Tuesday")
    pane.message.setPlainText("As discussed.")
    run(pane.drafts.save_now())
    saved = load_draft(app_paths.data_dir, alice.key)
    vanished = DraftFile(str(tmp_path / "moved away.pdf"), "moved away.pdf", 100)  # neither uploaded nor on disk
    save_draft(app_paths.data_dir, alice.key, dataclasses.replace(saved, files=(*saved.files, vanished)))

    parts = opened(app_paths, load_settings(app_paths.settings_file).settings, SecretStore())  # the next start
    later = run(parts.__aenter__())
    try:
        again = SendPane(later)
        qtbot.addWidget(again)
        run(later.sessions.resume_active())
        qtbot.waitUntil(lambda: again.controller.ready, timeout=UPLOAD_MS)

        assert (again.to.edit.text(), again.subject.text(), again.message.toPlainText()) == (
            BOB.email, "Minutes of Tuesday", "As discussed.")
        assert [item.file.name for item in again.controller.staged.items] == ["minutes.txt"]
        assert later.queue.snapshot() == []  # staged as uploaded: nothing sent again
        assert any("moved away.pdf: it is no longer on this computer" in n.text for n in again.notices.shown())
        with qtbot.waitSignal(again.controller.sent, timeout=UPLOAD_MS):
            again.send()
        qtbot.waitUntil(lambda: load_draft(app_paths.data_dir, alice.key).empty, timeout=UPLOAD_MS)
    finally:
        run(parts.__aexit__(None, None, None))
