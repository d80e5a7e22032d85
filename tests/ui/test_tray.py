"""The tray icon on a real window and a sandbox of the test's own: its state follows the server and sync
(offline while the sandbox is down, back when it returns), its menu is rebuilt when opened, "Pause for 1 hour"
holds every transfer, closing the window leaves the app in the tray with a one-time hint, a sync notification
opens its message; and without a tray the app quits on close and tells sync's news in the window."""

import asyncio
import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from lfdesktop.accounts.settings import load_settings
from lfdesktop.qt.context import AppContext
from lfdesktop.qt.session import SignedIn
from lfdesktop.sync.notify import Notification
from lfdesktop.sync.syncer import SyncStatus
from lfdesktop.transfer.events import Direction, TransferProgress, TransferSnapshot, TransferState
from lfdesktop.ui.mainwindow import MainWindow
from lfdesktop.ui.tray import Tray, sync_text, transfer_text, tray_state
from lfdesktop.ui.trayicons import TrayState
from tests.sandboxproc import ALICE, BOB, SandboxProcess
from tests.sync.helpers import payload, send
from tests.sync.test_syncer import free_port
from tests.ui.test_transfer_list import UrlCatcher

WAIT_MS = 30_000  # a bound for a broken build, not a measurement


@pytest.fixture
def window(context: AppContext, shown: Callable[..., MainWindow]) -> MainWindow:
    return shown(MainWindow(context, tray_available=True), (1100, 720))


def tray_of(window: MainWindow) -> Tray:
    assert window.tray is not None
    return window.tray


def menu_texts(tray: Tray) -> list[str]:
    tray.menu.aboutToShow.emit()  # what opening the menu does
    return [action.text() for action in tray.menu.actions() if action.text()]


def action(tray: Tray, text: str) -> QAction:
    return next(item for item in tray.menu.actions() if item.text().startswith(text))


def snapshot(state: TransferState, done: int, size: int = 100) -> TransferSnapshot:
    progress = TransferProgress(Direction.DOWNLOAD, "f.bin", size=size)
    progress.set_state(state)
    progress.done = done
    return progress.snapshot()


def turn_on_sync(context: AppContext, run: Callable[..., object], folder: Path) -> None:
    settings = context.sessions.settings
    run(context.sessions.update_settings(dataclasses.replace(settings, sync_enabled=True, sync_folder=folder)))


def test_the_state_is_the_most_pressing_of_server_transfers_and_news() -> None:
    moving = [snapshot(TransferState.RUNNING, 25), snapshot(TransferState.QUEUED, 0)]
    assert tray_state([], SyncStatus.IDLE, signed_in=False, unseen=0) == (TrayState.OFFLINE, None)
    assert tray_state(moving, SyncStatus.OFFLINE, signed_in=True, unseen=2) == (TrayState.OFFLINE, None)
    assert tray_state(moving, SyncStatus.IDLE, signed_in=True, unseen=2) == (TrayState.TRANSFERRING, 0.125)
    paused = [snapshot(TransferState.PAUSED, 50)]
    assert tray_state(paused, SyncStatus.IDLE, signed_in=True, unseen=1) == (TrayState.ATTENTION, None)
    assert tray_state([], SyncStatus.FAILED, signed_in=True, unseen=0) == (TrayState.ATTENTION, None)
    assert tray_state(paused, SyncStatus.SYNCING, signed_in=True, unseen=0) == (TrayState.IDLE, None)


def test_the_tooltip_says_files_percent_and_speed_and_how_sync_is() -> None:
    assert transfer_text([snapshot(TransferState.RUNNING, 45)]) == "1 downloading · 45%"
    assert transfer_text([snapshot(TransferState.DONE, 100)]) == "1 done"
    assert sync_text(False, SyncStatus.IDLE, None, None) == "Sync is off"
    assert sync_text(True, SyncStatus.OFFLINE, "Server not reachable", None) == "Offline: Server not reachable"
    assert sync_text(True, SyncStatus.FAILED, "key refused", None) == "Sync failed: key refused"


def test_the_tray_shows_offline_while_the_sandbox_is_down_and_recovers_when_it_is_back(
    window: MainWindow, context: AppContext, sign_in: Callable[..., SignedIn],
    fresh_sandbox: Callable[..., SandboxProcess], run: Callable[..., object], qtbot: QtBot, tmp_path: Path,
) -> None:
    tray = tray_of(window)
    assert tray.state is TrayState.OFFLINE  # not signed in yet
    server = fresh_sandbox("--port", str(free_port()))
    sign_in(server, ALICE)
    turn_on_sync(context, run, tmp_path / "Synced")
    qtbot.waitUntil(lambda: context.sync.last_synced is not None, timeout=WAIT_MS)
    assert tray.state is TrayState.IDLE
    assert tray.icon.toolTip().startswith(f"lfdesktop: {ALICE.email}\nNo transfers\nSynced at ")

    server.kill()
    context.sync.sync_now()
    qtbot.waitUntil(lambda: tray.state is TrayState.OFFLINE, timeout=WAIT_MS)

    assert "Offline: Server not reachable" in tray.icon.toolTip()
    assert window.sync_status.text().startswith("Offline: Server not reachable")
    run(asyncio.to_thread(server.start))
    sent = send(server, BOB, "While you were away", {"away.bin": payload(50)})
    with qtbot.waitSignal(context.sync.synced, timeout=WAIT_MS):
        context.sync.sync_now()
    qtbot.waitUntil(lambda: tray.state is not TrayState.OFFLINE, timeout=WAIT_MS)
    window.inbox_pane.controller.refresh()
    qtbot.waitUntil(lambda: window.inbox_pane.model.message(sent["id"]) is not None, timeout=WAIT_MS)
    texts = menu_texts(tray)
    assert f"{BOB.email}: While you were away" in texts and "Sync Now" in texts
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")  # type: ignore[arg-type]  # the file manager's place
    try:
        action(tray, "Open Sync Folder").trigger()
        qtbot.waitUntil(lambda: bool(catcher.opened))
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert catcher.opened == [QUrl.fromLocalFile(str(tmp_path / "Synced"))]


def test_the_menu_is_rebuilt_when_opened_and_pause_for_an_hour_holds_every_transfer(
    window: MainWindow, context: AppContext, sign_in: Callable[..., SignedIn], sandbox: SandboxProcess,
    qtbot: QtBot, tmp_path: Path,
) -> None:
    tray = tray_of(window)
    assert menu_texts(tray) == ["Open lfdesktop", "Send Files...", "Pause All Transfers", "Pause All for 1 Hour",
                                "Turn On Background Sync...", "Preferences...", "Quit lfdesktop"]
    assert not action(tray, "Pause All Transfers").isEnabled()
    sign_in(sandbox, ALICE)

    action(tray, "Pause All for 1 Hour").trigger()
    path = tmp_path / "held.bin"
    path.write_bytes(payload(51))
    context.queue.upload(context.sessions.active.uploader, path)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: [s.state for s in context.queue.snapshot()] == [TransferState.PAUSED])

    until = window.transfers.paused_until
    assert until is not None
    texts = menu_texts(tray)
    assert f"Resume All Transfers (paused until {until:%H:%M})" in texts
    assert not action(tray, "Pause All for 1 Hour").isEnabled()
    assert f"Paused until {until:%H:%M}" in tray.icon.toolTip()
    action(tray, "Resume All Transfers").trigger()
    qtbot.waitUntil(lambda: context.queue.snapshot()[0].state is TransferState.DONE, timeout=WAIT_MS)
    assert window.transfers.paused_until is None and "Pause All Transfers" in menu_texts(tray)


def test_closing_the_window_leaves_the_app_in_the_tray_with_a_hint_said_once(
    window: MainWindow, context: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    tray = tray_of(window)
    hints: list[str] = []
    monkeypatch.setattr(tray.icon, "showMessage", lambda title, *_: hints.append(title))

    window.close()
    qtbot.waitUntil(lambda: load_settings(context.paths.settings_file).settings.tray_hint_shown)

    assert not window.isVisible() and not context.quit_requested.is_set()
    assert hints == ["lfdesktop is still running"]
    window.bring_forward()
    window.close()
    assert hints == ["lfdesktop is still running"] and not context.quit_requested.is_set()
    assert "Quit lfdesktop" in menu_texts(tray)
    action(tray, "Quit lfdesktop").trigger()
    assert context.quit_requested.is_set()


def test_with_close_to_tray_off_closing_the_window_quits(
    window: MainWindow, context: AppContext, run: Callable[..., object]
) -> None:
    run(context.sessions.update_settings(dataclasses.replace(context.sessions.settings, close_to_tray=False)))
    window.close()
    assert context.quit_requested.is_set()


def test_a_sync_notification_opens_its_message_in_the_inbox(
    window: MainWindow, context: AppContext, sign_in: Callable[..., SignedIn],
    fresh_sandbox: Callable[..., SandboxProcess], run: Callable[..., object], qtbot: QtBot, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, screenshot: Callable[..., Path],
) -> None:
    tray = tray_of(window)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(tray.icon, "showMessage", lambda title, body, *_: shown.append((title, body)))
    server = fresh_sandbox()
    signed_in = sign_in(server, ALICE)
    sent = send(server, BOB, "Signed contract", {"contract.pdf": payload(52)})
    window.show_pane("send")
    window.hide()  # in the tray

    with qtbot.waitSignal(context.sync.synced, timeout=WAIT_MS):
        turn_on_sync(context, run, tmp_path / "Synced")

    assert [title for title, _ in shown] == ["1 new message, 1 file from bob@partner.example"]
    assert tray.state is TrayState.ATTENTION and "1 new synced message" in tray.icon.toolTip()
    tray.icon.messageClicked.emit()  # the user clicks the notification
    qtbot.waitUntil(lambda: window.inbox_pane.current_message() is not None, timeout=WAIT_MS)

    assert window.current_pane == "inbox" and window.inbox_pane.current_message().id == sent["id"]  # type: ignore[union-attr]
    assert tray.state is TrayState.IDLE and tray.unseen == 0
    assert signed_in.key == context.sessions.active.key  # type: ignore[union-attr]
    screenshot(window, "opened-from-notification")


def test_without_a_tray_closing_quits_and_sync_news_is_a_notice_that_opens_the_message(
    context: AppContext, shown: Callable[..., MainWindow], sign_in: Callable[..., SignedIn],
    fresh_sandbox: Callable[..., SandboxProcess], qtbot: QtBot,
) -> None:
    window = shown(MainWindow(context), (1100, 720))
    assert window.tray is None
    server = fresh_sandbox()
    signed_in = sign_in(server, ALICE)
    sent = send(server, BOB, "Without a tray", {"plain.txt": payload(53, 100)})

    context.sync.notify.emit(Notification("1 new message, 1 file from bob@partner.example", "Saved in /x",
                                          account=signed_in.key, message_id=sent["id"]))

    [notice] = window.notices.shown()
    assert "1 new message, 1 file from bob@partner.example. Saved in /x" in notice.text
    [open_button] = [button for button in notice.findChildren(QPushButton) if button.text() == "Open"]
    open_button.click()
    qtbot.waitUntil(lambda: window.inbox_pane.current_message() is not None, timeout=WAIT_MS)
    assert window.inbox_pane.current_message().id == sent["id"]  # type: ignore[union-attr]
    window.close()
    assert context.quit_requested.is_set()
