"""The Admin pane against the real sandbox: filedrops listed, created, changed and deleted with every attribute;
forms checked as the server checks them; the server's refusals shown beside the field they name; and a
non-admin never sees the pane (the server refuses their key anyway)."""

import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from lfdesktop.api.errors import Forbidden
from lfdesktop.qt.filedrop_model import Column, FiledropTableModel
from lfdesktop.qt.filedrops import FiledropForm, by_field, problems
from lfdesktop.ui.filedrops import AdminPane
from lfdesktop.ui.mainwindow import MainWindow
from lfdesktop.ui.theme import apply_theme
from tests.sandboxproc import ADMIN, ALICE, BOB

WAIT_MS = 20_000

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # the offscreen platform's


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def server_filedrop(sandbox, filedrop_id: str) -> dict | None:
    with sandbox.client(ADMIN) as admin:
        response = admin.get(f"/admin/filedrops/{filedrop_id}")
    return response.json()["filedrop"] if response.status_code == 200 else None


def filedrop_count(sandbox) -> int:
    with sandbox.db() as db:
        return int(db.execute("SELECT COUNT(*) FROM filedrops").fetchone()[0])


@pytest.fixture
def pane(context, shown) -> AdminPane:
    return shown(AdminPane(context), (1100, 760))


def signed_in_admin(pane: AdminPane, sign_in, sandbox, qtbot: QtBot) -> None:
    done = pane.controller.loading_changed
    with qtbot.waitSignal(done, check_params_cb=lambda loading: not loading, timeout=WAIT_MS):
        sign_in(sandbox, ADMIN)


def test_a_filedrop_is_created_with_every_attribute(
    pane: AdminPane, sign_in, sandbox, qtbot: QtBot, qtmodeltester, screenshot
) -> None:
    signed_in_admin(pane, sign_in, sandbox, qtbot)
    editor = pane.editor
    name = unique("partners")
    qtbot.mouseClick(pane.new_button, Qt.MouseButton.LeftButton)
    assert editor.save_button.text() == "Create filedrop" and not editor.delete_button.isVisible()
    assert editor.password.echoMode() is QLineEdit.EchoMode.Password  # hidden by default
    qtbot.keyClicks(editor.name, name)
    qtbot.keyClicks(editor.title_edit, "Partner uploads")
    qtbot.keyClicks(editor.description, "Send us your files.")
    assert ADMIN.user_id in [editor.owner.itemText(i) for i in range(editor.owner.count())]  # known users offered
    editor.owner.setCurrentText(ALICE.email)  # typed as an address: the server makes it the user id
    editor.authorization.setCurrentIndex(editor.authorization.findData(2))
    qtbot.keyClicks(editor.accepted.entry, ".PDF, docx")
    qtbot.keyClick(editor.accepted.entry, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.blocked.entry, "exe")
    qtbot.keyClick(editor.blocked.entry, Qt.Key.Key_Return)
    editor.max_filesize.setValue(500)
    editor.expires_after.setValue(30)
    editor.require_validation.setChecked(True)
    qtbot.keyClicks(editor.password, "open sesame")
    qtbot.mouseClick(editor.show_password, Qt.MouseButton.LeftButton)
    assert editor.password.echoMode() is QLineEdit.EchoMode.Normal
    qtbot.keyClicks(editor.cc, f"{BOB.email}, ops@example.com")
    screenshot(pane, "new-filedrop")

    with qtbot.waitSignal(pane.controller.saved, timeout=WAIT_MS):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    stored = server_filedrop(sandbox, name)
    assert stored == {
        "id": name, "name": name, "title": "Partner uploads", "description": "Send us your files.",
        "owner": ALICE.user_id, "invalid_extensions": "exe", "accepted_filetypes": "pdf, docx", "expires_after": 30,
        "max_filesize": 500, "require_validation": True, "password": "open sesame",
        "cc": f"{BOB.email}, ops@example.com", "authorization": 2,
    }
    qtbot.waitUntil(lambda: pane.model.row_of(name) is not None, timeout=WAIT_MS)
    qtmodeltester.check(pane.model)
    row = pane.model.row_of(name)
    assert pane.model.index(row, Column.DOWNLOAD).data() == "Recipients and users"
    assert editor.filedrop_id == name and editor.save_button.text() == "Save changes"
    assert editor.password.echoMode() is QLineEdit.EchoMode.Password  # hidden again once shown anew
    screenshot(pane, "created")
    app = QApplication.instance()
    apply_theme(app, "dark")
    try:
        screenshot(pane, "created-dark")
    finally:
        apply_theme(app, "light")


def test_a_filedrop_is_changed_and_deleted(pane: AdminPane, sign_in, sandbox, qtbot: QtBot) -> None:
    name = unique("support")
    with sandbox.client(ADMIN) as admin:
        body = {"filedrop": {"name": name, "title": "Support", "owner": ALICE.user_id,
                             "accepted_filetypes": "pdf, zip"}}
        assert admin.post("/admin/filedrops", json=body).status_code == 200
    signed_in_admin(pane, sign_in, sandbox, qtbot)
    pane.select(name)
    editor = pane.editor
    assert editor.filedrop_id == name and editor.title_edit.text() == "Support"
    assert editor.accepted.values() == ("pdf", "zip") and editor.owner.currentText() == ALICE.user_id

    editor.title_edit.setText("Support files")
    editor.accepted.list.setCurrentRow(1)
    editor.accepted.list.item(1).setSelected(True)
    editor.accepted.remove_selected()
    editor.accepted.list.item(0).setText("PDF")  # edited in place
    editor.authorization.setCurrentIndex(editor.authorization.findData(3))
    with qtbot.waitSignal(pane.controller.saved, timeout=WAIT_MS):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    stored = server_filedrop(sandbox, name)
    assert stored is not None
    assert stored["title"] == "Support files" and stored["accepted_filetypes"] == "pdf"

    with qtbot.waitSignal(pane.controller.deleted, timeout=WAIT_MS):
        qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert server_filedrop(sandbox, name) is None
    qtbot.waitUntil(lambda: pane.model.row_of(name) is None, timeout=WAIT_MS)
    assert editor.filedrop_id is None


def test_an_invalid_form_is_named_field_by_field_and_not_sent(
    pane: AdminPane, sign_in, sandbox, qtbot: QtBot, screenshot
) -> None:
    signed_in_admin(pane, sign_in, sandbox, qtbot)
    before = filedrop_count(sandbox)
    editor = pane.editor
    editor.load(None)
    qtbot.keyClicks(editor.name, "has spaces")
    qtbot.keyClicks(editor.blocked.entry, "tar.gz")
    qtbot.keyClick(editor.blocked.entry, Qt.Key.Key_Return)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    shown = {key: label.text() for key, label in editor.problems.items() if label.isVisibleTo(editor)}
    assert shown == {
        "name": "Only letters, digits, - and _ (at most 64 characters).",
        "title": "The title is required.", "owner": "The owner is required.",
        "invalid_extensions": "Not file extensions: tar.gz (letters and digits, at most 16).",
    }
    screenshot(pane, "invalid")

    editor.load(None)
    for edit, text in ((editor.name, unique("ok")), (editor.title_edit, "Fine")):
        qtbot.keyClicks(edit, text)
    editor.owner.setCurrentText(ALICE.user_id)
    qtbot.keyClicks(editor.cc, "not-an-address")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.problems["cc"].text() == "Not email addresses: not-an-address."
    qtbot.wait(200)
    assert filedrop_count(sandbox) == before  # nothing went out


def test_the_servers_refusals_are_shown_beside_their_fields(
    pane: AdminPane, sign_in, sandbox, qtbot: QtBot, screenshot
) -> None:
    signed_in_admin(pane, sign_in, sandbox, qtbot)
    editor = pane.editor
    editor.load(None)
    qtbot.keyClicks(editor.name, unique("orphan"))
    qtbot.keyClicks(editor.title_edit, "Orphan")
    editor.owner.setCurrentText("nobody-example-com")
    with qtbot.waitSignal(pane.controller.save_failed, timeout=WAIT_MS):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.problems["owner"].text() == "owner 'nobody-example-com' is not a user of this server"
    assert editor.problems["owner"].isVisibleTo(editor) and not editor.general.isVisibleTo(editor)
    screenshot(pane, "refused-owner")

    taken = unique("taken")
    with sandbox.client(ADMIN) as admin:
        body = {"filedrop": {"name": taken, "title": "Taken", "owner": ALICE.user_id}}
        assert admin.post("/admin/filedrops", json=body).status_code == 200
    editor.name.setText(taken)
    editor.owner.setCurrentText(ALICE.user_id)
    with qtbot.waitSignal(pane.controller.save_failed, timeout=WAIT_MS):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.problems["name"].text() == f"name {taken} has already been taken"
    assert not editor.problems["owner"].isVisibleTo(editor)


def test_a_non_admin_never_sees_the_pane_and_the_server_refuses_their_key(
    context, pane: AdminPane, sign_in, sandbox, qtbot: QtBot, run
) -> None:
    signed_in = sign_in(sandbox, ALICE)
    assert not pane.body.isVisibleTo(pane) and not pane.new_button.isVisibleTo(pane)
    assert pane.hint.text() == "Only administrators manage filedrops; this account is not one."
    assert pane.controller.signed_in is None and not pane.controller.loading
    with qtbot.waitSignal(pane.controller.save_failed, timeout=WAIT_MS) as refused:
        pane.controller.save(FiledropForm(name="x", title="x", owner=ALICE.user_id))
    assert refused.args[0].other == "Only an administrator's account can change filedrops."
    with pytest.raises(Forbidden):
        run(signed_in.client.filedrops())
    with pytest.raises(Forbidden):
        run(signed_in.client.create_filedrop({"name": unique("sneaky"), "title": "x", "owner": ALICE.user_id}))

    window = MainWindow(context)
    qtbot.addWidget(window)
    admin_row = [window.sidebar.item(row).data(Qt.ItemDataRole.UserRole) for row in range(window.sidebar.count())]
    assert window.sidebar.item(admin_row.index("admin")).isHidden()


def test_the_form_rules_match_the_servers() -> None:
    good = FiledropForm(name="a_b-1", title="t", owner="o", accepted_filetypes=(".PDF", "docx"))
    assert problems(good) == {}
    assert set(problems(FiledropForm(name="x" * 65, title="t", owner="o", expires_after=0, max_filesize=0,
                                     authorization=1, password="p" * 256))) == {
        "name", "expires_after", "max_filesize", "authorization", "password"}
    placed, rest = by_field(["owner 'x' is not a user of this server", "cc: 'y' is not a valid email address",
                             "Something else went wrong"])
    assert placed == {"owner": "owner 'x' is not a user of this server",
                      "cc": "cc: 'y' is not a valid email address"}
    assert rest == ["Something else went wrong"]


def test_the_model_passes_the_model_tester(context, qtmodeltester, sign_in, sandbox, qtbot: QtBot) -> None:
    pane = AdminPane(context)
    qtbot.addWidget(pane)
    signed_in_admin(pane, sign_in, sandbox, qtbot)
    qtmodeltester.check(FiledropTableModel(pane.controller))
