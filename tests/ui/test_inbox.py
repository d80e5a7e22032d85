"""The Inbox pane against the real sandbox: what another user sent is listed, searched, sorted and filtered by
period; opening marks it read across restarts; downloads land verified, refuse tampered files, keep hostile
names inside the chosen folder, and renew used one-time URLs."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from lfdesktop.accounts.readstate import ReadState
from lfdesktop.api.models import Message
from lfdesktop.qt.message_model import Column, MessageRole
from lfdesktop.transfer.events import TransferState
from lfdesktop.ui.messages import InboxPane
from lfdesktop.ui.theme import apply_theme
from tests.sandboxproc import ALICE, BOB, CAROL
from tests.ui.messages_helpers import send

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

WAIT_MS = 20_000


@pytest.fixture
def make_pane(context, qtbot: QtBot) -> Callable[[], InboxPane]:
    apply_theme(QApplication.instance(), "light")

    def make() -> InboxPane:
        widget = InboxPane(context)
        qtbot.addWidget(widget)
        widget.resize(1300, 760)
        widget.show()
        qtbot.waitExposed(widget)
        return widget

    return make


def listed(pane: InboxPane, message_id: str) -> bool:
    return pane.model.row_of(message_id) is not None


def shown_subjects(pane: InboxPane) -> list[str]:
    proxy = pane.controller.proxy
    return [proxy.index(row, Column.SUBJECT).data() for row in range(proxy.rowCount())]


def open_message(pane: InboxPane, qtbot: QtBot, message_id: str) -> Message:
    qtbot.waitUntil(lambda: listed(pane, message_id), timeout=WAIT_MS)
    assert pane.select_message(message_id)
    message = pane.current_message()
    assert message is not None and message.id == message_id
    return message


def download_states(pane: InboxPane, message: Message) -> dict[str, TransferState]:
    states = pane.message_actions.file_states(message)
    return {file.filename: states[file.id].state for file in message.attachments if file.id in states}


def wait_downloads(pane: InboxPane, qtbot: QtBot, message: Message) -> None:
    def finished() -> bool:
        states = pane.message_actions.file_states(message)
        return len(states) == len(message.attachments) and all(s.state.finished for s in states.values())

    qtbot.waitUntil(finished, timeout=WAIT_MS)
    pane.view.update_states()


def choose_folder(pane: InboxPane, qtbot: QtBot, folder: Path) -> None:
    with qtbot.waitSignal(pane.context.sessions.settings_changed, timeout=WAIT_MS):  # remembered (saved)
        pane.message_actions.set_folder(folder)
    assert pane.message_actions.folder() == folder


def test_inbox_lists_searches_sorts_and_filters_what_bob_sent(
    make_pane, sign_in, sandbox, qtbot: QtBot, qtmodeltester, screenshot
) -> None:
    first = send(sandbox, BOB, {"alpha-report.pdf": b"a" * 2000}, subject="Alpha plans", text="budget numbers")
    second = send(sandbox, CAROL, {"zulu.csv": b"z" * 10}, subject="Zulu list")
    old = send(sandbox, BOB, {"old.txt": b"o"}, subject="Old news")
    with sandbox.db() as db:  # sent ten days ago
        moment = (datetime.now(UTC) - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        db.execute("UPDATE messages SET created_at = ? WHERE id = ?", (moment, old["id"]))
    sign_in(sandbox, ALICE)
    pane = make_pane()
    for message in (first, second, old):
        qtbot.waitUntil(lambda message=message: listed(pane, message["id"]), timeout=WAIT_MS)
    qtmodeltester.check(pane.model)
    qtmodeltester.check(pane.controller.proxy)

    row = pane.model.row_of(first["id"])
    assert pane.model.index(row, Column.PEOPLE).data() == BOB.email
    assert pane.model.index(row, Column.FILES).data() == "1"
    assert pane.model.index(row, Column.SIZE).data() == "2.0 KB"
    assert pane.model.index(row, Column.PERMISSION).data() == "Only Specified Recipients can access"
    assert pane.model.index(row, Column.PEOPLE).data(Qt.ItemDataRole.FontRole).bold()  # not opened yet

    qtbot.keyClicks(pane.search, "alpha-REPORT")  # file names, any case
    assert shown_subjects(pane) == [first["subject"]]
    pane.search.clear()
    qtbot.keyClicks(pane.search, "budget")  # the message text
    assert shown_subjects(pane) == [first["subject"]]
    pane.search.clear()
    qtbot.keyClicks(pane.search, CAROL.email)  # the sender
    assert second["subject"] in shown_subjects(pane) and first["subject"] not in shown_subjects(pane)
    pane.search.clear()
    screenshot(pane, "inbox")

    pane.table.sortByColumn(Column.SUBJECT, Qt.SortOrder.AscendingOrder)
    subjects = shown_subjects(pane)
    assert subjects == sorted(subjects, key=str.lower)
    pane.table.sortByColumn(Column.SIZE, Qt.SortOrder.DescendingOrder)
    sizes = [pane.controller.proxy.index(r, 0).data(MessageRole).size for r in range(pane.controller.proxy.rowCount())]
    assert sizes == sorted(sizes, reverse=True)

    pane.period.setCurrentIndex(pane.period.findText("Last 7 days"))  # asked of the server: sent_in_the_last
    qtbot.waitUntil(lambda: not pane.controller.loading and not listed(pane, old["id"]), timeout=WAIT_MS)
    assert listed(pane, first["id"]) and listed(pane, second["id"])
    pane.period.setCurrentIndex(pane.period.findText("Since a date..."))
    pane.since.setDate(pane.since.date().currentDate().addDays(-11))
    qtbot.waitUntil(lambda: not pane.controller.loading and listed(pane, old["id"]), timeout=WAIT_MS)


def test_a_refresh_adds_only_what_is_new_and_keeps_the_selection(make_pane, sign_in, sandbox, qtbot: QtBot) -> None:
    first = send(sandbox, BOB, {"one.txt": b"1"})
    sign_in(sandbox, ALICE)
    pane = make_pane()
    open_message(pane, qtbot, first["id"])
    asked: list[dict[str, object]] = []
    client = pane.context.sessions.active.client
    real_inbox = client.inbox

    async def inbox(**params: object) -> list[Message]:
        asked.append(params)
        return await real_inbox(**params)  # type: ignore[arg-type]

    client.inbox = inbox  # type: ignore[method-assign]
    second = send(sandbox, BOB, {"two.txt": b"2"})
    with qtbot.waitSignal(pane.controller.arrived, timeout=WAIT_MS) as arrived:
        qtbot.mouseClick(pane.refresh_button, Qt.MouseButton.LeftButton)
    assert [message.id for message in arrived.args[0]] == [second["id"]]
    assert asked and asked[0]["sent_after"] is not None  # only recent days were asked for
    assert pane.current_message() is not None and pane.current_message().id == first["id"]


def test_opening_marks_read_and_survives_a_restart(make_pane, sign_in, sandbox, qtbot: QtBot, context) -> None:
    message = send(sandbox, BOB, {"read-me.txt": b"read"})
    sign_in(sandbox, ALICE)
    pane = make_pane()
    qtbot.waitUntil(lambda: listed(pane, message["id"]), timeout=WAIT_MS)
    unread_before = pane.model.unread_count()
    with qtbot.waitSignal(pane.unread_changed, timeout=WAIT_MS) as changed:
        open_message(pane, qtbot, message["id"])
    assert changed.args == [unread_before - 1]
    row = pane.model.row_of(message["id"])
    assert not pane.model.index(row, Column.PEOPLE).data(Qt.ItemDataRole.FontRole)
    key = context.sessions.active.key
    qtbot.waitUntil(lambda: ReadState.load(context.paths.data_dir, key).is_opened(message["id"]), timeout=WAIT_MS)

    pane.close()
    again = make_pane()  # a new pane reads the state from disk, as after a restart
    qtbot.waitUntil(lambda: listed(again, message["id"]), timeout=WAIT_MS)
    assert again.model.unread_count() == unread_before - 1
    assert not again.model.index(again.model.row_of(message["id"]), 0).data(Qt.ItemDataRole.FontRole)


def test_opened_messages_gone_from_the_server_are_forgotten(make_pane, sign_in, sandbox, qtbot: QtBot, context) -> None:
    message = send(sandbox, BOB, {"kept.txt": b"kept"})
    key = sign_in(sandbox, ALICE).key
    state = ReadState.load(context.paths.data_dir, key)
    state.mark_opened(message["id"])
    state.mark_opened("a-message-deleted-since")
    state.save()

    pane = make_pane()
    qtbot.waitUntil(lambda: listed(pane, message["id"]), timeout=WAIT_MS)

    qtbot.waitUntil(lambda: ReadState.load(context.paths.data_dir, key).opened == {message["id"]}, timeout=WAIT_MS)
    assert pane.controller.is_opened(message["id"])


def test_download_all_lands_verified_files_in_the_chosen_folder(
    make_pane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path, screenshot
) -> None:
    files = {"report.pdf": b"r" * 50_000, "data.csv": b"1,2,3\n" * 100}
    message_json = send(sandbox, BOB, files)
    sign_in(sandbox, ALICE)
    pane = make_pane()
    message = open_message(pane, qtbot, message_json["id"])
    folder = tmp_path / "chosen"
    choose_folder(pane, qtbot, folder)
    assert pane.view.folder_label.text() == f"Saving to {folder}"

    qtbot.mouseClick(pane.view.download_all_button, Qt.MouseButton.LeftButton)
    wait_downloads(pane, qtbot, message)
    assert set(download_states(pane, message).values()) == {TransferState.DONE}
    saved = sorted(path.name for path in folder.iterdir())
    assert saved == sorted(file.filename for file in message.attachments)
    for file in message.attachments:
        assert (folder / file.filename).read_bytes() in files.values()
    state_texts = [pane.view.files.item(row, 3).text() for row in range(2)]
    assert all(text.startswith("Verified, SHA-256 ") for text in state_texts)
    checksums = {file.checksum for file in message.attachments}
    assert {text.removeprefix("Verified, SHA-256 ") for text in state_texts} == checksums
    assert pane.view.open_button.isEnabled()
    screenshot(pane, "downloaded")
    apply_theme(QApplication.instance(), "dark")
    screenshot(pane, "downloaded-dark")
    apply_theme(QApplication.instance(), "light")


def test_a_tampered_file_shows_both_checksums_and_leaves_nothing_under_its_name(
    make_pane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path, screenshot
) -> None:
    message_json = send(sandbox, BOB, {"contract.pdf": b"genuine" * 1000})
    attachment_id = message_json["attachments"][0]["id"]
    blob = sandbox.data_dir / "blobs" / attachment_id
    blob.write_bytes(b"forged!" * 1000)  # same size, other bytes
    sign_in(sandbox, ALICE)
    pane = make_pane()
    message = open_message(pane, qtbot, message_json["id"])
    folder = tmp_path / "in"
    choose_folder(pane, qtbot, folder)

    qtbot.mouseClick(pane.view.download_button, Qt.MouseButton.LeftButton)
    wait_downloads(pane, qtbot, message)
    text = pane.view.files.item(0, 3).text()
    assert pane.view.file_state.text() == text
    assert text.startswith("Failed: ") and message.attachments[0].checksum in text and "SHA-256" in text
    assert "CRC32" in text
    assert list(folder.iterdir()) == []  # neither the file nor its .part
    screenshot(pane, "mismatch")


def test_hostile_server_names_land_safely_inside_the_folder(
    make_pane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path
) -> None:
    hostile = ["../x.txt", "CON.txt", "bell\x07\nname.txt", "y" * 300 + ".txt"]
    message_json = send(sandbox, BOB, {f"f{number}.txt": bytes([number]) * 10 for number in range(4)})
    with sandbox.db() as db:
        for attachment, name in zip(message_json["attachments"], hostile, strict=True):
            db.execute("UPDATE attachments SET filename = ? WHERE id = ?", (name, attachment["id"]))
    sign_in(sandbox, ALICE)
    pane = make_pane()
    qtbot.waitUntil(lambda: listed(pane, message_json["id"]), timeout=WAIT_MS)
    pane.controller.set_period(pane.controller.period.__class__(hours=1))  # read again: the names changed
    qtbot.waitUntil(lambda: not pane.controller.loading, timeout=WAIT_MS)
    message = open_message(pane, qtbot, message_json["id"])
    assert [file.filename for file in message.attachments] == hostile
    folder = tmp_path / "safe" / "inside"
    choose_folder(pane, qtbot, folder)

    pane.view.download_all()
    wait_downloads(pane, qtbot, message)
    assert set(download_states(pane, message).values()) == {TransferState.DONE}
    saved = list(folder.iterdir())
    assert len(saved) == 4 and not (tmp_path / "safe" / "x.txt").exists()
    for path in saved:
        assert path.parent == folder and path.is_file()
        assert len(path.name.encode()) <= 255 and not any(ord(c) < 32 for c in path.name)
        assert path.stem.upper() != "CON"


def test_a_used_download_url_is_renewed(make_pane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path) -> None:
    message_json = send(sandbox, BOB, {"renew.bin": b"fresh" * 300})
    sign_in(sandbox, ALICE)
    pane = make_pane()
    message = open_message(pane, qtbot, message_json["id"])
    tokens = "SELECT count(*) FROM download_tokens WHERE message_id = ?"
    with sandbox.db() as db:  # every URL handed out so far is used up
        db.execute("UPDATE download_tokens SET used = 1 WHERE message_id = ?", (message.id,))
        handed_out = db.execute(tokens, (message.id,)).fetchone()[0]
    folder = tmp_path / "renewed"
    choose_folder(pane, qtbot, folder)

    pane.view.download_all()
    wait_downloads(pane, qtbot, message)
    [file] = message.attachments
    assert download_states(pane, message) == {file.filename: TransferState.DONE}
    assert (folder / file.filename).read_bytes() == b"fresh" * 300
    with sandbox.db() as db:  # the message was read again for a fresh URL
        assert db.execute(tokens, (message.id,)).fetchone()[0] > handed_out


def test_message_text_is_plain_with_clickable_links(make_pane, sign_in, sandbox, qtbot: QtBot) -> None:
    text = '<img src="x"><b>not bold</b> & see https://example.com/a?b=1&c=2.'
    message_json = send(sandbox, BOB, {"note.txt": b"n"}, text=text)
    sign_in(sandbox, ALICE)
    pane = make_pane()
    open_message(pane, qtbot, message_json["id"])
    document = pane.view.text.document()
    assert document.toPlainText() == text  # every character shown as sent, nothing interpreted
    assert 'href="https://example.com/a?b=1&amp;c=2"' in document.toHtml()
    assert "<img" not in document.toHtml() and pane.view.text.openExternalLinks()
    assert pane.view.permission.text() == "Only the recipients"
    assert pane.view.sender_label.textFormat() == Qt.TextFormat.PlainText
