"""Background sync in the app, against a sandbox of the test's own: another user's message lands in the sync
folder through the transfer list with one notification; a second pass fetches nothing; a server that goes
away shows as offline (in the status bar's connection text too) and sync carries on once it is back."""

import asyncio
import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtNetwork import QNetworkInformation
from pytestqt.qtbot import QtBot

from lfdesktop.accounts.autostart import XdgAutostart
from lfdesktop.qt.context import AppContext
from lfdesktop.qt.network import NetworkWatch
from lfdesktop.qt.session import SignedIn
from lfdesktop.sync.notify import Notification
from lfdesktop.sync.syncer import SyncStatus
from lfdesktop.transfer.events import TransferState
from lfdesktop.ui.preferences import PreferencesDialog
from tests.sandboxproc import ALICE, BOB, SandboxProcess
from tests.sync.helpers import downloads_of, folder_of, payload, send, tree
from tests.sync.test_syncer import free_port

WAIT_MS = 30_000  # a bound for a broken build, not a measurement
Reachability = QNetworkInformation.Reachability


class Heard:
    """What the tray would hear: notifications, and the status bar's connection texts."""

    def __init__(self, context: AppContext) -> None:
        self.told: list[Notification] = []
        self.connection: list[tuple[str, bool]] = []
        self.statuses: list[SyncStatus] = []
        context.sync.notify.connect(self.told.append)
        context.sync.status_changed.connect(lambda: self.statuses.append(context.sync.status[0]))
        context.sessions.connection_changed.connect(lambda text, problem: self.connection.append((text, problem)))


def turn_on_sync(context: AppContext, run: Callable[..., object], folder: Path) -> None:
    settings = context.sessions.settings
    run(context.sessions.update_settings(dataclasses.replace(settings, sync_enabled=True, sync_folder=folder)))


def one_more_pass(context: AppContext, qtbot: QtBot) -> None:
    before = context.sync.last_synced
    context.sync.sync_now()
    qtbot.waitUntil(lambda: context.sync.last_synced != before, timeout=WAIT_MS)


def test_a_message_from_another_user_lands_through_the_transfer_list_with_one_notification(
    context: AppContext, sign_in: Callable[..., SignedIn], fresh_sandbox: Callable[..., SandboxProcess],
    run: Callable[..., object], qtbot: QtBot, tmp_path: Path,
) -> None:
    server = fresh_sandbox()
    signed_in = sign_in(server, ALICE)
    files = {"contract.pdf": payload(40), "annex.xlsx": payload(41, 90_000)}
    sent = send(server, BOB, "Contract", files)
    heard = Heard(context)
    folder = tmp_path / "Synced"

    with qtbot.waitSignal(context.sync.synced, timeout=WAIT_MS) as synced:
        turn_on_sync(context, run, folder)

    assert tree(folder) == {f"{folder_of(sent)}/{name}": data for name, data in files.items()}
    assert [file.path.name for file in synced.args[0].files] == list(files)
    assert heard.told == [Notification(
        "1 new message, 2 files from bob@partner.example", f"Saved in {folder / folder_of(sent)}",
        account=signed_in.key, message_id=sent["id"])]
    assert sorted((s.name, s.state) for s in context.queue.snapshot()) == [
        ("annex.xlsx", TransferState.DONE), ("contract.pdf", TransferState.DONE)]  # shown in the transfer list
    assert context.sync.status == (SyncStatus.IDLE, None)

    one_more_pass(context, qtbot)

    assert len(heard.told) == 1 and downloads_of(server, sent["id"]) == 2
    assert context.tasks.running == 1  # Alice's syncer

    run(context.sessions.update_settings(dataclasses.replace(context.sessions.settings, sync_enabled=False)))
    qtbot.waitUntil(lambda: context.tasks.running == 0)  # it stopped


def test_offline_while_the_server_is_away_and_syncing_again_when_it_is_back(
    context: AppContext, sign_in: Callable[..., SignedIn], fresh_sandbox: Callable[..., SandboxProcess],
    run: Callable[..., object], qtbot: QtBot, tmp_path: Path,
) -> None:
    server = fresh_sandbox("--port", str(free_port()))  # the same port after a restart
    sign_in(server, ALICE)
    heard = Heard(context)
    turn_on_sync(context, run, tmp_path / "Synced")
    qtbot.waitUntil(lambda: context.sync.last_synced is not None, timeout=WAIT_MS)

    server.kill()
    context.sync.sync_now()
    qtbot.waitUntil(lambda: context.sync.status[0] is SyncStatus.OFFLINE, timeout=WAIT_MS)

    assert "Server not reachable" in (context.sync.status[1] or "")
    assert heard.connection[-1][1] and heard.connection[-1][0].startswith("Offline: Server not reachable")
    run(asyncio.to_thread(server.start))
    sent = send(server, BOB, "After the outage", {"back.bin": payload(42)})
    with qtbot.waitSignal(context.sync.synced, timeout=WAIT_MS):
        context.sync.network.reachability_changed(Reachability.Online)  # what the OS says on reconnecting

    assert context.sync.status == (SyncStatus.IDLE, None)
    assert heard.connection[-1] == (f"Connected to {server.url}", False)
    assert tree(tmp_path / "Synced") == {f"{folder_of(sent)}/back.bin": payload(42)}


def test_a_sync_folder_that_cannot_be_made_is_told_once(
    context: AppContext, sign_in: Callable[..., SignedIn], fresh_sandbox: Callable[..., SandboxProcess],
    run: Callable[..., object], qtbot: QtBot, tmp_path: Path,
) -> None:
    server = fresh_sandbox()
    sign_in(server, ALICE)
    send(server, BOB, "Blocked", {"blocked.bin": payload(43)})
    in_the_way = tmp_path / "a file"
    in_the_way.write_text("not a folder")
    heard = Heard(context)

    turn_on_sync(context, run, in_the_way / "Synced")
    qtbot.waitUntil(lambda: context.sync.status[0] is SyncStatus.FAILED, timeout=WAIT_MS)
    context.sync.sync_now()
    qtbot.waitUntil(lambda: heard.statuses.count(SyncStatus.FAILED) == 2, timeout=WAIT_MS)

    [told] = heard.told
    assert told.problem and told.title == "Sync stopped"
    assert told.body.startswith("Could not write to the sync folder: Not a directory") and str(in_the_way) in told.body


@pytest.mark.parametrize("before", [Reachability.Disconnected, Reachability.Local, Reachability.Unknown])
def test_the_network_coming_back_is_said_once(before: QNetworkInformation.Reachability, qtbot: QtBot) -> None:
    watch = NetworkWatch()
    watch.reachability_changed(before)
    with qtbot.waitSignal(watch.online_again, timeout=1000):
        watch.reachability_changed(Reachability.Online)
    with qtbot.assertNotEmitted(watch.online_again):
        watch.reachability_changed(Reachability.Online)


def test_files_deleted_from_the_sync_folder_come_back_only_when_asked_in_preferences(
    context: AppContext, sign_in: Callable[..., SignedIn], fresh_sandbox: Callable[..., SandboxProcess],
    run: Callable[..., object], qtbot: QtBot, tmp_path: Path,
) -> None:
    server = fresh_sandbox()
    sign_in(server, ALICE)
    sent = send(server, BOB, "Minutes", {"minutes.pdf": payload(44)})
    folder = tmp_path / "Synced"
    with qtbot.waitSignal(context.sync.synced, timeout=WAIT_MS):
        turn_on_sync(context, run, folder)
    (folder / folder_of(sent) / "minutes.pdf").unlink()
    one_more_pass(context, qtbot)
    assert tree(folder) == {} and downloads_of(server, sent["id"]) == 1  # deleted stays deleted

    dialog = PreferencesDialog(context, tray_available=True, autostart=XdgAutostart(tmp_path / "config"))
    qtbot.addWidget(dialog)
    dialog.open()
    with qtbot.waitSignal(context.sync.synced, timeout=WAIT_MS):
        dialog.fetch_deleted.click()

    assert dialog.deleted_hint.text() == "1 deleted file will be downloaded again now."
    assert tree(folder) == {f"{folder_of(sent)}/minutes.pdf": payload(44)}
