"""The Links pane against the real sandbox: every link action (copy, open, expiry, the two switches, delete,
its download log), the refusals of a group that may not change a switch (rolled back with the server's
words), a link from a file already on the server and one from a dropped file."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from lfdesktop.api.models import FileLink
from lfdesktop.qt.link_model import Column, Expiry, LinkTableModel, expiry_state
from lfdesktop.ui.links import LinksPane
from tests.sandbox.helpers import unique_name, upload_attachment
from tests.sandboxproc import ALICE, CAROL
from tests.ui.drops import drop, write
from tests.ui.links_helpers import BERLIN, NEW_YORK, download_from, make_link
from tests.ui.test_filelinks import UrlCatcher

WAIT_MS = 15_000

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def pane(context, shown) -> LinksPane:
    return shown(LinksPane(context), (1100, 820))


def server_link(sandbox, who, link_id: str) -> dict[str, Any] | None:
    with sandbox.client(who) as client:
        links = client.get("/link").json()["links"]
    return next((link for link in links if link["id"] == link_id), None)


def shown(pane: LinksPane, link_id: str) -> FileLink | None:
    return pane.controller.link(link_id)


def check_state(pane: LinksPane, link_id: str, column: Column) -> Qt.CheckState:
    row = pane.model.row_of(link_id)
    assert row is not None
    return Qt.CheckState(pane.model.index(row, column).data(Qt.ItemDataRole.CheckStateRole))


def toggle(pane: LinksPane, link_id: str, column: Column) -> None:
    """As a click on the row's check box does."""
    row = pane.model.row_of(link_id)
    assert row is not None
    index = pane.proxy.mapFromSource(pane.model.index(row, column))
    current = Qt.CheckState(index.data(Qt.ItemDataRole.CheckStateRole))
    wanted = Qt.CheckState.Unchecked if current == Qt.CheckState.Checked else Qt.CheckState.Checked
    assert pane.proxy.setData(index, wanted.value, Qt.ItemDataRole.CheckStateRole)


def test_the_model_passes_the_model_tester_and_flags_expiry(qtmodeltester) -> None:
    today = date(2026, 11, 22)
    def link(number: int, expires: date | None) -> FileLink:
        return FileLink(str(number), f"f{number}.pdf", 1000, "1 KB", expires, True, False, f"https://x/link/{number}",
                        datetime(2026, 11, 1, tzinfo=UTC), None)
    model = LinkTableModel()
    model.set_links([link(1, today - timedelta(days=1)), link(2, today + timedelta(days=2)), link(3, None)],
                    {"1": 4})
    qtmodeltester.check(model)
    assert [expiry_state(item, today) for item in model.links] == [Expiry.EXPIRED, Expiry.SOON, Expiry.FINE]
    assert model.index(0, Column.DOWNLOADS).data() == "4" and model.index(1, Column.DOWNLOADS).data() == "0"
    assert model.index(0, Column.RECEIPT).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked


def test_every_link_action_against_the_server(pane: LinksPane, sign_in, sandbox, qtbot: QtBot, screenshot) -> None:
    link = make_link(sandbox, ALICE, "contract.pdf")
    download_from(link["url"], BERLIN)
    download_from(link["url"], NEW_YORK)
    link_id = link["id"]
    sign_in(sandbox, ALICE)
    qtbot.waitUntil(lambda: shown(pane, link_id) is not None, timeout=WAIT_MS)
    row = pane.model.row_of(link_id)
    assert row is not None and pane.model.index(row, Column.DOWNLOADS).data() == "2"

    # Selecting it shows its download log, with the places.
    assert pane.select(link_id)
    qtbot.waitUntil(lambda: pane.log.log_model.rowCount() == 2, timeout=WAIT_MS)
    assert sorted(row.city for row in pane.log.log_model.rows) == ["Berlin", "New York"]
    screenshot(pane, "links")

    # Copy and open.
    QGuiApplication.clipboard().clear()
    pane.copy_button.click()
    assert QGuiApplication.clipboard().text() == link["url"]
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("http", catcher, "open")
    try:
        pane.open_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("http")
    assert catcher.opened == [link["url"]]

    # The two switches: shown at once, and the server has them.
    assert check_state(pane, link_id, Column.AUTHENTICATION) == Qt.CheckState.Unchecked
    with qtbot.waitSignal(pane.controller.changed, timeout=WAIT_MS):
        toggle(pane, link_id, Column.AUTHENTICATION)
        assert check_state(pane, link_id, Column.AUTHENTICATION) == Qt.CheckState.Checked  # optimistic
    assert server_link(sandbox, ALICE, link_id)["require_authentication"] is True  # type: ignore[index]
    with qtbot.waitSignal(pane.controller.changed, timeout=WAIT_MS):
        toggle(pane, link_id, Column.RECEIPT)
    assert server_link(sandbox, ALICE, link_id)["send_download_confirmation"] is False  # type: ignore[index]

    # The expiry.
    wanted = date.today() + timedelta(days=9)
    pane.expiry.setDate(QDate(wanted.year, wanted.month, wanted.day))
    with qtbot.waitSignal(pane.controller.changed, timeout=WAIT_MS):
        pane.expiry_button.click()
    assert server_link(sandbox, ALICE, link_id)["expires_at"].startswith(wanted.isoformat())  # type: ignore[index]
    assert shown(pane, link_id).expires_at == wanted  # type: ignore[union-attr]

    # Delete: Cancel keeps it, Delete removes it.
    pane.ask_delete()
    assert pane.confirm is not None
    pane.confirm.button(QMessageBox.StandardButton.Cancel).click()
    assert shown(pane, link_id) is not None
    pane.ask_delete()
    assert pane.confirm is not None
    with qtbot.waitSignal(pane.controller.changed, timeout=WAIT_MS) as said:
        pane.confirm.button(QMessageBox.StandardButton.Yes).click()
        assert shown(pane, link_id) is None  # optimistic
    assert said.args == [f"Deleted the link to {link['filename']}"]
    assert server_link(sandbox, ALICE, link_id) is None


def test_refusals_roll_back_with_the_servers_words(pane: LinksPane, sign_in, sandbox, qtbot: QtBot,
                                                    screenshot) -> None:
    link = make_link(sandbox, CAROL, "handover.zip")
    link_id = link["id"]
    sign_in(sandbox, CAROL)
    qtbot.waitUntil(lambda: shown(pane, link_id) is not None, timeout=WAIT_MS)
    assert check_state(pane, link_id, Column.AUTHENTICATION) == Qt.CheckState.Checked
    with qtbot.waitSignal(pane.controller.refused, timeout=WAIT_MS) as refused:
        toggle(pane, link_id, Column.AUTHENTICATION)
        assert check_state(pane, link_id, Column.AUTHENTICATION) == Qt.CheckState.Unchecked
    assert check_state(pane, link_id, Column.AUTHENTICATION) == Qt.CheckState.Checked  # rolled back
    assert "Your group (Restricted) may not change" in refused.args[0]
    assert any("Your group (Restricted) may not change" in notice.text for notice in pane.notices.shown())
    with qtbot.waitSignal(pane.controller.refused, timeout=WAIT_MS):
        toggle(pane, link_id, Column.RECEIPT)
    assert check_state(pane, link_id, Column.RECEIPT) == Qt.CheckState.Checked
    screenshot(pane, "refused")

    # A link deleted elsewhere: the delete fails, the row comes back, and says why.
    with sandbox.client(CAROL) as carol:
        assert carol.delete(f"/link/{link_id}").status_code == 200
    assert pane.select(link_id)
    pane.ask_delete()
    with qtbot.waitSignal(pane.controller.refused, timeout=WAIT_MS) as refused:
        pane.confirm.button(QMessageBox.StandardButton.Yes).click()  # type: ignore[union-attr]
    assert shown(pane, link_id) is not None
    assert refused.args[0].startswith("Could not delete the link to")


def test_a_link_from_a_file_already_on_the_server_and_from_a_dropped_file(
    pane: LinksPane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path
) -> None:
    with sandbox.client(ALICE) as alice:
        attachment = upload_attachment(alice, unique_name("minutes.txt"), b"minutes\n")
    sign_in(sandbox, ALICE)
    qtbot.waitUntil(lambda: pane.attachment_choice.findText(attachment["filename"]) >= 0, timeout=WAIT_MS)
    pane.attachment_choice.setCurrentIndex(pane.attachment_choice.findText(attachment["filename"]))
    with qtbot.waitSignal(pane.controller.changed, timeout=WAIT_MS):
        pane.link_button.click()
    made = [link for link in pane.model.links if link.filename == attachment["filename"]]
    assert len(made) == 1 and download_from(made[0].url, BERLIN) == b"minutes\n"

    dropped = write(tmp_path / unique_name("drawing.dwg"), 5000, 7)
    assert drop(pane.new_links.drop_zone, [dropped])
    qtbot.waitUntil(lambda: any(link.filename == dropped.name for link in pane.model.links), timeout=30_000)
