"""The Preferences dialog against real parts: the settings file it saves (read back from disk), and a real XDG
start-up entry in a private config folder (read back too, hand-edited, made unwritable)."""

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from lfdesktop.accounts.autostart import HIDDEN_OPTION, LaunchCommand, XdgAutostart, this_program
from lfdesktop.accounts.settings import Settings, load_settings
from lfdesktop.qt.context import AppContext
from lfdesktop.ui.preferences import CHECKING, NO_DEMO_START_UP, NO_TRAY, PreferencesDialog
from lfdesktop.ui.theme import apply_theme
from tests.ui.test_transfer_list import UrlCatcher

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # the offscreen platform's

Open = Callable[..., PreferencesDialog]


@pytest.fixture
def autostart(tmp_path: Path) -> XdgAutostart:
    return XdgAutostart(tmp_path / "config")


@pytest.fixture
def open_dialog(context: AppContext, autostart: XdgAutostart, qtbot: QtBot) -> Open:
    """``open_dialog(tray_available=...)``: opened as the app opens it, the start-up entry read."""

    def make(*, tray_available: bool = True) -> PreferencesDialog:
        dialog = PreferencesDialog(context, tray_available=tray_available, autostart=autostart)
        qtbot.addWidget(dialog)
        dialog.open()
        qtbot.waitExposed(dialog)
        if not context.demo:
            qtbot.waitUntil(lambda: dialog.controller.state is not None)
        return dialog

    return make


@pytest.fixture
def dark() -> Iterator[None]:
    apply_theme(QApplication.instance(), "dark")  # type: ignore[arg-type]
    yield
    apply_theme(QApplication.instance(), "light")  # type: ignore[arg-type]


def saved(context: AppContext) -> Settings:
    return load_settings(context.paths.settings_file).settings


def entry(autostart: XdgAutostart) -> Path:
    return Path(autostart.state().where)


def press_ok(dialog: PreferencesDialog, qtbot: QtBot) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def set_text(edit: QWidget, text: str) -> None:
    edit.setPlainText(text)  # type: ignore[attr-defined]


def test_the_dialog_shows_the_current_settings(
    context: AppContext, open_dialog: Open, run, tmp_path: Path, screenshot
) -> None:
    folder = tmp_path / "synced"
    run(context.sessions.update_settings(dataclasses.replace(
        context.sessions.settings, sync_enabled=True, sync_folder=folder, sync_every_minutes=30,
        sync_senders=("bob@example.com", "carol@example.com"), sync_subjects=("Invoice",), close_to_tray=False,
    )))
    dialog = open_dialog()
    assert dialog.sync_enabled.isChecked() and dialog.folder.text() == str(folder)
    assert dialog.every.value() == 30
    assert dialog.only_matching.isChecked()
    assert dialog.senders.toPlainText() == "bob@example.com\ncarol@example.com"
    assert dialog.subjects.toPlainText() == "Invoice"
    assert dialog.summary.text() == (
        f"Checks every 30 minutes and downloads the files of messages from bob@example.com, carol@example.com and "
        f"with a subject containing 'Invoice' into {folder}."
    )
    assert not dialog.close_to_tray.isChecked() and dialog.close_to_tray.isEnabled()
    assert dialog.tray_note.isHidden()
    assert not dialog.start_at_login.isChecked() and dialog.start_at_login.isEnabled()
    assert dialog.start_up_status.text() == f"Does not start at login. Entry: {entry(dialog.controller.autostart)}"
    screenshot(dialog, "sync")
    dialog.tabs.setCurrentIndex(1)
    screenshot(dialog, "start-up")


def test_defaults_show_the_default_folder_and_all_messages(context: AppContext, open_dialog: Open,
                                                           screenshot) -> None:
    dialog = open_dialog()
    assert dialog.folder.text() == str(Settings().sync_folder_path(context.paths))
    assert dialog.all_messages.isChecked() and not dialog.sync_enabled.isChecked()
    assert dialog.summary.text().startswith("Background sync is off")
    assert not dialog.every.isEnabled() and not dialog.senders.isEnabled()
    screenshot(dialog, "sync-off")


def test_ok_saves_folder_interval_rules_and_sync(
    context: AppContext, open_dialog: Open, qtbot: QtBot, tmp_path: Path, screenshot
) -> None:
    chosen = tmp_path / "My sync"
    chosen.mkdir()
    dialog = open_dialog()
    qtbot.mouseClick(dialog.sync_enabled, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.choose_folder, Qt.MouseButton.LeftButton)
    chooser = dialog.findChild(QFileDialog)
    assert chooser is not None and chooser.isVisible()
    chooser.selectFile(str(chosen))
    chooser.accept()
    assert dialog.folder.text() == str(chosen)
    dialog.every.setValue(5)
    dialog.only_matching.click()
    set_text(dialog.senders, "bob@example.com,\ncarol@example.com; dave@example.org")
    set_text(dialog.subjects, "Invoice\n\n  Contract  \n")
    assert "messages from bob@example.com, carol@example.com, dave@example.org and with a subject containing " \
           "'Invoice' or 'Contract'" in dialog.summary.text()
    screenshot(dialog, "changed")

    with qtbot.waitSignal(dialog.finished):
        press_ok(dialog, qtbot)
    settings = saved(context)
    assert settings.sync_enabled and settings.sync_folder == chosen and settings.sync_every_minutes == 5
    assert settings.sync_senders == ("bob@example.com", "carol@example.com", "dave@example.org")
    assert settings.sync_subjects == ("Invoice", "Contract")
    assert context.sessions.settings == settings
    assert not dialog.isVisible()


def test_open_shows_the_sync_folder_or_says_it_does_not_exist_yet(
    context: AppContext, open_dialog: Open, run, tmp_path: Path, qtbot: QtBot
) -> None:
    folder = tmp_path / "later"
    run(context.sessions.update_settings(dataclasses.replace(
        context.sessions.settings, sync_enabled=True, sync_folder=folder)))
    dialog = open_dialog()
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")  # type: ignore[arg-type]  # bytes are refused
    try:
        qtbot.mouseClick(dialog.open_folder, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(dialog.folder_problem.isVisible)
        assert "does not exist yet" in dialog.folder_problem.text()
        assert catcher.opened == []
        folder.mkdir()
        qtbot.mouseClick(dialog.open_folder, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(catcher.opened))
        assert [url.toLocalFile() for url in catcher.opened] == [str(folder)]
        assert not dialog.folder_problem.isVisible()
    finally:
        QDesktopServices.unsetUrlHandler("file")


def test_all_messages_saves_no_rules(context: AppContext, open_dialog: Open, run, qtbot: QtBot) -> None:
    run(context.sessions.update_settings(dataclasses.replace(
        context.sessions.settings, sync_enabled=True, sync_senders=("bob@example.com",))))
    dialog = open_dialog()
    dialog.all_messages.click()
    assert not dialog.senders.isEnabled()
    assert dialog.senders.toPlainText() == "bob@example.com"  # kept, in case the user changes their mind
    with qtbot.waitSignal(dialog.finished):
        press_ok(dialog, qtbot)
    assert saved(context).sync_senders == ()


def test_sync_off_disables_the_controls_under_it_but_keeps_their_values(context: AppContext, open_dialog: Open,
                                                                        run) -> None:
    run(context.sessions.update_settings(dataclasses.replace(
        context.sessions.settings, sync_enabled=True, sync_every_minutes=7, sync_subjects=("Scans",))))
    dialog = open_dialog()
    under = [dialog.folder, dialog.choose_folder, dialog.open_folder, dialog.every, dialog.all_messages,
             dialog.only_matching, dialog.senders, dialog.subjects]
    assert all(control.isEnabled() for control in under)
    dialog.sync_enabled.click()
    assert not any(control.isEnabled() for control in under)
    assert dialog.every.value() == 7 and dialog.subjects.toPlainText() == "Scans" and dialog.only_matching.isChecked()
    dialog.sync_enabled.click()
    assert all(control.isEnabled() for control in under)


def test_invalid_senders_keep_the_dialog_open_and_save_nothing(
    context: AppContext, open_dialog: Open, qtbot: QtBot, screenshot
) -> None:
    dialog = open_dialog()
    dialog.sync_enabled.click()
    dialog.only_matching.click()
    typed = "bob@example.com, bob at example dot com\nnobody@"
    set_text(dialog.senders, typed)
    dialog.tabs.setCurrentIndex(1)
    press_ok(dialog, qtbot)
    assert dialog.isVisible() and dialog.tabs.currentIndex() == 0
    assert dialog.senders_problem.isVisible()
    assert dialog.senders_problem.text() == (
        "\u201cbob at example dot com\u201d, \u201cnobody@\u201d are not email addresses")
    assert dialog.senders.toPlainText() == typed
    assert not context.paths.settings_file.exists() and context.sessions.settings == Settings()
    screenshot(dialog, "problem")

    set_text(dialog.senders, "bob@example.com")
    with qtbot.waitSignal(dialog.finished):
        press_ok(dialog, qtbot)
    assert not dialog.senders_problem.isVisibleTo(dialog) and saved(context).sync_senders == ("bob@example.com",)


def test_only_matching_needs_a_sender_or_a_subject(context: AppContext, open_dialog: Open, qtbot: QtBot) -> None:
    dialog = open_dialog()
    dialog.sync_enabled.click()
    dialog.only_matching.click()
    press_ok(dialog, qtbot)
    assert dialog.isVisible()
    assert dialog.senders_problem.text() == "Add a sender or a subject text, or choose All messages."
    assert not context.paths.settings_file.exists()


def test_cancel_saves_nothing(context: AppContext, open_dialog: Open, autostart: XdgAutostart, qtbot: QtBot) -> None:
    dialog = open_dialog()
    dialog.sync_enabled.click()
    dialog.every.setValue(60)
    dialog.close_to_tray.click()
    dialog.start_at_login.click()
    with qtbot.waitSignal(dialog.finished):
        dialog.buttons.button(dialog.buttons.StandardButton.Cancel).click()
    assert not context.paths.settings_file.exists() and context.sessions.settings == Settings()
    assert not entry(autostart).exists()


def test_start_at_login_hidden_writes_the_entry_and_unticking_removes_it(
    context: AppContext, open_dialog: Open, autostart: XdgAutostart, qtbot: QtBot
) -> None:
    dialog = open_dialog()
    assert not dialog.start_hidden.isEnabled()  # only with "Start at login"
    dialog.start_at_login.click()
    assert dialog.start_hidden.isEnabled()
    dialog.start_hidden.click()
    with qtbot.waitSignal(dialog.finished):
        press_ok(dialog, qtbot)
    written = entry(autostart).read_text(encoding="utf-8")
    exec_line = next(line for line in written.splitlines() if line.startswith("Exec="))
    assert exec_line.endswith(HIDDEN_OPTION) and this_program().program in exec_line
    assert autostart.state().enabled and autostart.state().hidden

    again = open_dialog()
    assert again.start_at_login.isChecked() and again.start_hidden.isChecked()
    assert again.start_up_status.text() == f"Starts at login, hidden in the tray. Entry: {entry(autostart)}"
    again.start_at_login.click()
    with qtbot.waitSignal(again.finished):
        press_ok(again, qtbot)
    assert not entry(autostart).exists() and not autostart.state().enabled


def test_a_hand_edited_hidden_entry_shows_its_problem(
    context: AppContext, open_dialog: Open, autostart: XdgAutostart, qtbot: QtBot, screenshot, request
) -> None:
    autostart.enable(this_program(), hidden=False)
    path = entry(autostart)
    path.write_text(path.read_text(encoding="utf-8") + "Hidden=true\n", encoding="utf-8")
    problem = autostart.state().problem
    assert problem
    dialog = open_dialog()
    dialog.tabs.setCurrentIndex(1)
    assert dialog.start_up_problem.isVisible() and dialog.start_up_problem.text() == problem
    assert dialog.start_at_login.isChecked() == autostart.state().enabled
    screenshot(dialog, "problem-light")
    request.getfixturevalue("dark")
    dialog.reload()
    qtbot.waitUntil(lambda: dialog.start_up_status.text() != CHECKING)
    screenshot(dialog, "problem-dark")

    # Saving other preferences leaves the entry as the user's desktop set it: it is only written when changed.
    before = path.read_text(encoding="utf-8")
    dialog.every.setValue(50)
    with qtbot.waitSignal(dialog.finished):
        press_ok(dialog, qtbot)
    assert path.read_text(encoding="utf-8") == before and saved(context).sync_every_minutes == 50


def test_ok_points_an_entry_that_starts_another_copy_at_this_one(
    open_dialog: Open, autostart: XdgAutostart, qtbot: QtBot
) -> None:
    autostart.enable(LaunchCommand("/bin/sh"), hidden=True)  # another program that exists: an older install
    dialog = open_dialog()
    assert dialog.start_at_login.isChecked() and "/bin/sh" in dialog.start_up_problem.text()

    with qtbot.waitSignal(dialog.finished):
        press_ok(dialog, qtbot)

    state = autostart.state()
    assert state.enabled and state.hidden and state.problem is None
    assert this_program().program in entry(autostart).read_text(encoding="utf-8")


def test_a_failed_entry_change_is_shown_and_nothing_typed_is_lost(
    context: AppContext, open_dialog: Open, autostart: XdgAutostart, qtbot: QtBot, screenshot
) -> None:
    folder = entry(autostart).parent
    folder.parent.mkdir(parents=True)
    folder.write_text("not a folder")  # the autostart folder cannot be made
    dialog = open_dialog()
    dialog.every.setValue(45)
    dialog.start_at_login.click()
    with qtbot.waitSignal(dialog.controller.failed):
        press_ok(dialog, qtbot)
    assert dialog.isVisible() and dialog.banner.text.startswith("Starting at login was not changed. Could not write")
    assert dialog.every.value() == 45 and dialog.start_at_login.isChecked() and dialog.ok_button.isEnabled()
    dialog.tabs.setCurrentIndex(1)
    screenshot(dialog, "failed")

    folder.unlink()
    with qtbot.waitSignal(dialog.finished):
        press_ok(dialog, qtbot)
    assert autostart.state().enabled and saved(context).sync_every_minutes == 45


def test_a_failed_save_is_shown_and_ok_again_saves(context: AppContext, open_dialog: Open, qtbot: QtBot) -> None:
    context.paths.settings_file.mkdir(parents=True)  # a folder where the file should go: saving fails
    dialog = open_dialog()
    dialog.every.setValue(20)
    with qtbot.waitSignal(dialog.controller.failed):
        press_ok(dialog, qtbot)
    assert dialog.isVisible() and dialog.banner.text.startswith("Could not save the settings")
    context.paths.settings_file.rmdir()
    with qtbot.waitSignal(dialog.finished):
        press_ok(dialog, qtbot)
    assert saved(context).sync_every_minutes == 20 and not dialog.banner.isVisible()


def test_without_a_tray_the_tray_options_are_disabled_and_the_note_shown(
    open_dialog: Open, qtbot: QtBot, screenshot, request
) -> None:
    dialog = open_dialog(tray_available=False)
    dialog.tabs.setCurrentIndex(1)
    assert not dialog.close_to_tray.isEnabled()
    assert dialog.tray_note.isVisible() and dialog.tray_note.text() == NO_TRAY
    dialog.start_at_login.click()
    assert dialog.start_at_login.isChecked() and not dialog.start_hidden.isEnabled()
    screenshot(dialog, "no-tray-light")
    request.getfixturevalue("dark")
    screenshot(dialog, "no-tray-dark")


def test_with_the_demo_server_start_up_is_not_offered(context: AppContext, open_dialog: Open,
                                                      autostart: XdgAutostart, qtbot: QtBot) -> None:
    context.demo_url = "http://127.0.0.1:9"
    dialog = open_dialog()
    assert not dialog.start_at_login.isEnabled() and not dialog.start_hidden.isEnabled()
    assert not dialog.demo_note.isHidden() and dialog.demo_note.text() == NO_DEMO_START_UP
    dialog.every.setValue(3)
    with qtbot.waitSignal(dialog.finished):
        press_ok(dialog, qtbot)
    assert dialog.controller.state is None and not entry(autostart).exists()


def test_the_sync_tab_in_dark(open_dialog: Open, dark, screenshot) -> None:
    dialog = open_dialog()
    dialog.sync_enabled.click()
    dialog.only_matching.click()
    set_text(dialog.senders, "bob@example.com")
    screenshot(dialog, "sync-dark")
    dialog.tabs.setCurrentIndex(1)
    screenshot(dialog, "start-up-dark")


def test_every_control_is_named_and_tab_follows_reading_order(open_dialog: Open) -> None:
    dialog = open_dialog()
    sync_order = [dialog.tabs.tabBar(), dialog.sync_enabled, dialog.folder, dialog.choose_folder, dialog.open_folder,
                  dialog.every, dialog.all_messages, dialog.senders, dialog.subjects, dialog.fetch_deleted]
    dialog.sync_enabled.click()
    chain = focus_chain(dialog.tabs.tabBar(), 40)
    assert [w for w in chain if w in sync_order] == sync_order
    for control in [*sync_order[1:], dialog.only_matching, dialog.close_to_tray, dialog.start_at_login,
                    dialog.start_hidden, dialog.ok_button]:
        assert control.accessibleName(), control


def focus_chain(start: QWidget, length: int) -> list[QWidget]:
    chain = [start]
    while len(chain) < length:
        chain.append(chain[-1].nextInFocusChain())
    return chain
