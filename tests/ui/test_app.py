"""The app as a whole: the window and its panes, demo mode, the single instance, quitting in order and resuming
an upload that a quit interrupted, ``--self-test``."""

import asyncio
import hashlib
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QSystemTrayIcon

from lfdesktop.accounts.paths import HOME_VARIABLE, AppPaths
from lfdesktop.accounts.settings import AccountSettings, Settings, save_settings
from lfdesktop.app import run as run_app
from lfdesktop.qt.errors import ErrorReporter
from lfdesktop.qt.single_instance import SingleInstance, instance_name
from lfdesktop.ui.filedrops import AdminPane
from lfdesktop.ui.mainwindow import PANES, MainWindow
from lfdesktop.ui.signin import SignInDialog
from tests.sandboxproc import ADMIN, ALICE
from tests.ui.drops import drop

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(context, shown):
    return shown(MainWindow(context), (1180, 780))


def visible_panes(window: MainWindow) -> list[str]:
    return [PANES[row].key for row in range(window.sidebar.count()) if not window.sidebar.item(row).isHidden()]


def test_the_window_shows_who_is_signed_in_and_admin_only_for_admins(window, sign_in, sandbox, qtbot, screenshot):
    assert window.account_label.text() == "Not signed in"
    sign_in(sandbox, ALICE)
    assert ALICE.email in window.account_label.text() and sandbox.url in window.account_label.text()
    assert window.connection_label.text() == f"Connected to {sandbox.url}"
    assert "admin" not in visible_panes(window)
    screenshot(window, "alice")
    sign_in(sandbox, ADMIN)
    assert "admin" in visible_panes(window)
    window.show_pane("admin")
    assert isinstance(window.panes.currentWidget(), AdminPane)
    screenshot(window, "admin")
    sign_in(sandbox, ALICE)
    assert "admin" not in visible_panes(window) and window.current_pane == "send"  # not left on a hidden pane


def test_panes_by_keyboard_and_every_control_has_a_name(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_pane == "inbox"
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_pane == "links"
    from PySide6.QtWidgets import QAbstractButton, QLineEdit

    unnamed = [
        widget for widget in window.findChildren(QAbstractButton) + window.findChildren(QLineEdit)
        if widget.isVisibleTo(window) and not (widget.accessibleName() or widget.text())
    ]
    assert unnamed == []


def test_geometry_and_the_last_pane_are_remembered(window, context, run, qtbot):
    window.resize(790, 560)  # within the offscreen screen (800x600): restoring keeps a window on screen
    window.show_pane("sent")
    run(window.remember_layout())
    again = MainWindow(context)
    qtbot.addWidget(again)
    again.restore_layout()
    assert again.current_pane == "sent"
    assert (again.width(), again.height()) == (790, 560)


def test_a_second_launch_hands_its_files_to_the_first(tmp_path, qtbot):
    name = instance_name(tmp_path)
    first = SingleInstance(name)
    assert first.listen()
    try:
        with qtbot.waitSignal(first.activated) as handed:
            assert SingleInstance(name).hand_over(["/tmp/a report.pdf"])
        assert handed.args == [["/tmp/a report.pdf"]]
    finally:
        first.close()
    assert not SingleInstance(name).hand_over([])  # nobody listens any more


def top_window() -> MainWindow | None:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)


def start_app(tmp_path: Path, paths: AppPaths, demo_root: Path | None = None, *, hidden: bool = False,
              ) -> "asyncio.Task[int]":
    instance = SingleInstance(instance_name(paths.config_dir))
    instance.listen()
    return asyncio.ensure_future(run_app(QApplication.instance(), paths, [], demo_root, instance, tmp_path / "app.log",
                                         hidden=hidden))


def test_hidden_starts_in_the_tray_and_a_second_launch_brings_the_window(tmp_path, app_paths, keyring_backend, qtbot,
                                                                         monkeypatch, sandbox):
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", lambda: True)  # offscreen has none of its own
    save_settings(app_paths.settings_file, Settings().with_account(AccountSettings(sandbox.url, ALICE.email)))
    keyring_backend.set_password("lfdesktop", f"{ALICE.email} on {sandbox.url}", ALICE.api_key)
    app = start_app(tmp_path, app_paths, hidden=True)

    def this_apps_window() -> MainWindow | None:  # not one an earlier test closed
        return next((w for w in QApplication.topLevelWidgets()
                     if isinstance(w, MainWindow) and w.context.paths == app_paths), None)

    qtbot.waitUntil(lambda: this_apps_window() is not None, timeout=20000)
    window = this_apps_window()
    qtbot.waitUntil(lambda: window.sessions.active is not None, timeout=20000)  # signed in, in the background
    assert not window.isVisible() and window.tray is not None

    assert SingleInstance(instance_name(app_paths.config_dir)).hand_over([])  # the user starts lfdesktop again
    qtbot.waitUntil(window.isVisible, timeout=10000)
    window.quit_action.trigger()
    qtbot.waitUntil(app.done, timeout=20000)


def test_hidden_without_a_tray_shows_the_window(tmp_path, app_paths, keyring_backend, qtbot):
    app = start_app(tmp_path, app_paths, hidden=True)  # the offscreen platform has no tray
    qtbot.waitUntil(lambda: top_window() is not None, timeout=20000)
    assert top_window().tray is None
    top_window().close()  # without a tray, closing the window quits
    qtbot.waitUntil(app.done, timeout=20000)


def test_demo_mode_signs_in_to_its_own_server_and_quits_in_order(tmp_path, app_paths, keyring_backend, qtbot,
                                                                  screenshot):
    demo_root = tmp_path / "demo"
    demo_paths = AppPaths.from_environment({HOME_VARIABLE: str(demo_root / "app")})
    app = start_app(tmp_path, demo_paths, demo_root)
    qtbot.waitUntil(lambda: top_window() is not None and "dana@example.com" in top_window().account_label.text(),
                    timeout=30000)
    window = top_window()
    assert "Demo server" in window.windowTitle()
    assert "demo server" in window.account_label.text()
    assert keyring_backend.entries == {}  # the real keyring is never touched in demo mode
    screenshot(window, "demo")
    window.close()  # a quit path: the app shuts down in order and returns
    qtbot.waitUntil(app.done, timeout=20000)
    assert app.result() == 0
    assert not window.isVisible()
    assert not app_paths.settings_file.exists()  # the user's own settings are untouched too


def test_a_quit_during_an_upload_resumes_on_the_next_start(tmp_path, app_paths, keyring_backend, fresh_sandbox,
                                                            qtbot, screenshot):
    server = fresh_sandbox("--latency-ms", "20")
    save_settings(app_paths.settings_file, Settings(piece_size_mib=1, pieces_in_flight=1, bandwidth_limit_kib=2048)
                  .with_account(AccountSettings(server.url, ALICE.email)))
    keyring_backend.set_password("lfdesktop", f"{ALICE.email} on {server.url}", ALICE.api_key)
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(8 * 1024 * 1024))

    app = start_app(tmp_path, app_paths)
    qtbot.waitUntil(lambda: top_window() is not None and ALICE.email in top_window().account_label.text(),
                    timeout=20000)
    window = top_window()
    window.receive_files([str(big)])
    window.send_pane.to.edit.setText("bob@partner.example, car")  # half typed
    window.send_pane.subject.setText("The big one")

    def pieces_stored() -> int:
        with server.db() as db:
            return db.execute("SELECT COUNT(*) FROM upload_log WHERE outcome = 'stored'").fetchone()[0]

    qtbot.waitUntil(lambda: pieces_stored() >= 2, timeout=20000)
    screenshot(window, "before-quit")
    window.quit_action.trigger()
    qtbot.waitUntil(app.done, timeout=20000)
    before = pieces_stored()
    assert before < 8

    app = start_app(tmp_path, app_paths)
    qtbot.waitUntil(lambda: top_window() is not None and top_window().transfer_model.rowCount() == 1, timeout=20000)
    window = top_window()
    qtbot.waitUntil(lambda: window.transfer_model.snapshots()[0].state == "done", timeout=60000)
    assert window.transfer_model.snapshots()[0].checksum == "verified"
    assert pieces_stored() == 8  # only the missing pieces were sent again
    send = window.send_pane  # the unsent message is back, following the resumed upload (not a second one)
    assert (send.to.edit.text(), send.subject.text()) == ("bob@partner.example, car", "The big one")
    qtbot.waitUntil(lambda: send.controller.ready, timeout=20000)
    assert [item.file.name for item in send.controller.staged.items] == ["big.bin"]
    assert window.transfer_model.rowCount() == 1
    screenshot(window, "resumed")
    window.quit_action.trigger()
    qtbot.waitUntil(app.done, timeout=20000)


def test_self_test_builds_everything_offscreen(tmp_path):
    env = {**os.environ, HOME_VARIABLE: str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "lfdesktop", "--self-test"], capture_output=True, text=True,
                          env=env, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "keyring:" in done.stdout and "main window: built" in done.stdout and "self-test passed" in done.stdout


def test_an_upload_through_a_faulty_network_completes_verified(window, context, sign_in, fresh_sandbox, run, qtbot,
                                                               tmp_path, screenshot):
    """A fifth of the upload requests fail for real (dropped, 500, stalled): the pieces are sent again."""
    server = fresh_sandbox("--fault-rate", "0.2", "--stall-seconds", "1", "--seed", "7")
    run(context.sessions.update_settings(replace(context.sessions.settings, piece_size_mib=1)))
    sign_in(server, ALICE)
    content = os.urandom(12 * 1024 * 1024 + 5)
    (tmp_path / "survey.bin").write_bytes(content)
    assert drop(window.send_pane, [tmp_path / "survey.bin"])
    qtbot.waitUntil(lambda: [s.state for s in window.transfer_model.snapshots()] == ["done"], timeout=90000)
    [snapshot] = window.transfer_model.snapshots()
    assert snapshot.checksum == "verified" and snapshot.sha256 == hashlib.sha256(content).hexdigest()
    assert any(piece.attempts > 1 for piece in snapshot.pieces)  # some pieces did need another try
    with server.db() as db:
        faults = db.execute("SELECT COUNT(*) FROM upload_log WHERE outcome LIKE 'fault-%'").fetchone()[0]
    assert faults > 0
    screenshot(window, "verified-through-faults")


@pytest.mark.qt_no_exception_capture
def test_an_unexpected_error_is_logged_and_shown_and_the_app_carries_on(window, qloop, qtbot, caplog, tmp_path):
    reporter = ErrorReporter(str(tmp_path / "app.log"))
    reporter.reported.connect(window.show_error)
    reporter.install(qloop)
    try:
        QTimer.singleShot(0, lambda: 1 / 0)  # a bug in a slot
        qloop.call_soon(lambda: {}["missing"])  # a bug in an asyncio callback
        qtbot.waitUntil(lambda: len(window.notices.shown()) == 2)
    finally:
        reporter.uninstall()
        qloop.set_exception_handler(None)
    texts = [notice.text for notice in window.notices.shown()]
    assert any(text.startswith("Something went wrong: division by zero.") for text in texts)
    assert any("'missing'" in text for text in texts)
    assert all(str(tmp_path / "app.log") in text for text in texts)
    assert "ZeroDivisionError" in caplog.text and "KeyError" in caplog.text  # the tracebacks are in the log
    assert window.isVisible()


def test_first_run_asks_to_sign_in_and_an_unreachable_server_offers_a_retry(tmp_path, app_paths, keyring_backend,
                                                                            qtbot, screenshot):
    app = start_app(tmp_path, app_paths)
    qtbot.waitUntil(lambda: top_window() is not None and top_window().findChild(SignInDialog) is not None)
    window = top_window()
    dialog = window.findChild(SignInDialog)
    qtbot.waitUntil(dialog.isVisible)
    screenshot(window, "first-run")
    dialog.reject()
    window.quit_action.trigger()
    qtbot.waitUntil(app.done, timeout=20000)

    closed_port = "http://127.0.0.1:9"  # discard: nothing listens there
    save_settings(app_paths.settings_file, Settings().with_account(AccountSettings(closed_port, ALICE.email)))
    keyring_backend.set_password("lfdesktop", f"{ALICE.email} on {closed_port}", ALICE.api_key)
    app = start_app(tmp_path, app_paths)
    qtbot.waitUntil(lambda: top_window() is not None and bool(top_window().notices.shown()), timeout=20000)
    window = top_window()
    [notice] = window.notices.shown()
    assert notice.text.startswith("Could not connect:") and "refused" in notice.text
    assert window.connection_label.text().startswith(f"Not connected to {closed_port}")
    assert window.findChild(SignInDialog) is None  # the key is fine: the server is not there
    retry = next(button for button in notice.findChildren(QPushButton) if button.text() == "Retry")
    screenshot(window, "unreachable")
    retry.click()  # tries again (and fails again, saying so again)
    qtbot.waitUntil(lambda: len(window.notices.shown()) == 1 and window.notices.shown()[0] is not notice)
    window.quit_action.trigger()
    qtbot.waitUntil(app.done, timeout=20000)
