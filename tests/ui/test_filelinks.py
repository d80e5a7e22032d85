"""The FileLink pane against the real sandbox: drop files, get one FileLink each, find the URL on the clipboard,
and download the file through it."""

from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from lfdesktop.qt.staged_model import Column, RowAction
from lfdesktop.ui.filelinks import FileLinkPane
from lfdesktop.ui.staged import RowButtonsDelegate
from lfdesktop.ui.theme import apply_theme
from tests.sandboxproc import ALICE, CAROL
from tests.ui.drops import drop, write

UPLOAD_MS = 30_000

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # the offscreen platform's


@pytest.fixture
def pane(context, shown) -> FileLinkPane:
    return shown(FileLinkPane(context), (900, 620))


class UrlCatcher(QObject):
    """Stands in for the web browser: the URLs the app asked the desktop to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


def fetch(url: str, **kwargs: object) -> httpx.Response:
    """What someone given the link gets, downloading it."""
    with httpx.Client(timeout=30) as anyone:
        return anyone.request("GET", f"{url}/download", **kwargs)  # type: ignore[arg-type]


def test_a_dropped_file_gets_a_link_that_lands_on_the_clipboard_and_serves_the_file(
    pane: FileLinkPane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path, screenshot
) -> None:
    sign_in(sandbox, ALICE)
    assert not pane.require_authentication.isChecked() and pane.require_authentication.isEnabled()
    plan = write(tmp_path / "floor plan.pdf", 40_000, 1)
    QGuiApplication.clipboard().setText("something else")
    with qtbot.waitSignal(pane.controller.link_ready, timeout=UPLOAD_MS) as ready:
        assert drop(pane.drop_zone, [plan])
    name, url = ready.args
    assert name == "floor plan.pdf" and url.startswith(sandbox.url + "/link/")
    assert QGuiApplication.clipboard().text() == url
    assert pane.status.text() == "Link copied to the clipboard"
    assert pane.model.index(0, Column.LINK).data() == url
    assert pane.model.index(0, Column.STATUS).data() == "Link ready"
    served = fetch(url)
    assert served.status_code == 200 and served.content == plan.read_bytes()
    screenshot(pane, "link-ready")

    # The row's buttons: Copy puts it back on the clipboard, Open hands it to the browser.
    QGuiApplication.clipboard().clear()
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("http", catcher, "open")
    try:
        table = pane.links.table
        cell = table.visualRect(pane.model.index(0, Column.ACTIONS))
        buttons = dict(RowButtonsDelegate.button_rects(cell, [RowAction.COPY, RowAction.OPEN, RowAction.REMOVE]))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=buttons[RowAction.COPY].center())
        assert QGuiApplication.clipboard().text() == url
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=buttons[RowAction.OPEN].center())
        assert catcher.opened == [url]
    finally:
        QDesktopServices.unsetUrlHandler("http")


def test_several_files_make_one_link_each_and_the_clipboard_holds_them_all(
    pane: FileLinkPane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path, screenshot
) -> None:
    sign_in(sandbox, ALICE)
    folder = tmp_path / "handover"
    files = [write(folder / "a.txt", 100, 2), write(folder / "b.txt", 200, 3), write(folder / "c.txt", 300, 4)]
    assert drop(pane.drop_zone, [folder])
    qtbot.waitUntil(lambda: pane.status.text() == "3 links copied to the clipboard", timeout=UPLOAD_MS)
    links = {item.file.path.name: item.link.url for item in pane.controller.staged.items if item.link}
    assert sorted(QGuiApplication.clipboard().text().split("\n")) == sorted(links.values())
    for path in files:
        assert fetch(links[path.name]).content == path.read_bytes()
    pane.links.table.selectRow(1)
    screenshot(pane, "three-links")
    app = QApplication.instance()
    apply_theme(app, "dark")
    try:
        screenshot(pane, "three-links-dark")
    finally:
        apply_theme(app, "light")


def test_the_options_go_with_the_link_and_the_accounts_defaults_apply(
    pane: FileLinkPane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path, screenshot
) -> None:
    sign_in(sandbox, CAROL)  # "Restricted": links always need sign-in, 7 days by default, at most 30
    assert pane.require_authentication.isChecked() and not pane.require_authentication.isEnabled()
    assert pane.expires.chosen() == date.today() + timedelta(days=7)
    assert pane.expires.maximumDate().toPython() == date.today() + timedelta(days=30)
    pane.expires.setDate(pane.expires.date().addDays(2))
    qtbot.keyClicks(pane.password, "open sesame")
    pane.download_receipt.setChecked(True)
    terms = write(tmp_path / "terms.txt", 700, 5)
    assert drop(pane.drop_zone, [terms])
    qtbot.waitUntil(lambda: bool(pane.controller.staged.items) and pane.controller.staged.items[0].link is not None,
                    timeout=UPLOAD_MS)
    link = pane.controller.staged.items[0].link
    assert link is not None
    assert link.require_authentication and link.send_download_confirmation
    assert link.expires_at == date.today() + timedelta(days=9)
    assert fetch(link.url).status_code == 401  # sign-in first, as the account's group demands
    carol = (CAROL.api_key, "x")
    assert fetch(link.url, auth=carol).status_code == 403  # and the password
    assert fetch(link.url, auth=carol, params={"password": "open sesame"}).content == terms.read_bytes()
    screenshot(pane, "restricted")


def test_a_refused_file_is_said_and_no_link_is_made(
    pane: FileLinkPane, sign_in, sandbox, qtbot: QtBot, tmp_path: Path
) -> None:
    sign_in(sandbox, CAROL)
    assert drop(pane.drop_zone, [write(tmp_path / "tool.bat", 10, 6)])
    qtbot.waitUntil(lambda: bool(pane.notices.shown()))
    assert "tool.bat: files of type .bat may not be sent from this account." in pane.notices.shown()[0].text
    assert pane.controller.staged.items == [] and pane.context.queue.snapshot() == []


def test_signed_out_the_pane_says_so(pane: FileLinkPane) -> None:
    assert not pane.body.isEnabled()
    assert pane.account_hint.text() == "Sign in to an account to share files by link."
