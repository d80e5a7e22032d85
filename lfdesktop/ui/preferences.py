"""The Preferences dialog: background sync (folder, how often, which messages) and the tray and start-up
choices, with what the OS will really do at the next login read back. Opened with ``open()``; the applying is
``PreferencesController``'s, this only shows it."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lfdesktop.accounts.autostart import Autostart, AutostartState
from lfdesktop.accounts.settings import LIMITS
from lfdesktop.qt.context import AppContext
from lfdesktop.qt.folders import NOT_YET, open_folder
from lfdesktop.qt.preferences import Choices, PreferencesController, StartUp
from lfdesktop.sync.rules import SyncRules

from .fieldproblem import problem_label, show_problem
from .labels import hint_label
from .recipients import is_address, not_addresses, split_addresses
from .signin import Banner
from .theme import colors

TITLE = "Preferences"
NO_TRAY = "No system tray was found on this desktop: closing the window quits lfdesktop."
NO_DEMO_START_UP = "Not available with the demo server."
CHECKING = "Checking..."
MIN_WIDTH = 580  # the longest checkbox and the folder row side by side, without squeezing
INDENT = 24  # "Start hidden" sits under "Start at login", as the choice it depends on


def parse_senders(text: str) -> tuple[list[str], list[str]]:
    """``(addresses, not_addresses)`` from text separated by commas, semicolons or new lines."""
    parts = split_addresses(text.replace("\n", ","))
    return [p for p in parts if is_address(p)], [p for p in parts if not is_address(p)]


def parse_subjects(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def describe_state(state: AutostartState) -> str:
    if state.enabled:
        now = "Starts at login, hidden in the tray" if state.hidden else "Starts at login"
    else:
        now = "Does not start at login"
    return f"{now}. Entry: {state.where}" if state.where else f"{now}."


class PreferencesDialog(QDialog):
    def __init__(
        self, context: AppContext, *, tray_available: bool, autostart: Autostart, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.context = context
        self.tray_available = tray_available
        self.controller = PreferencesController(context, autostart, parent=self)
        self._folder: Path | None = None  # None: the default folder
        self._state_shown = False  # the start-up boxes were set from the entry read since ``reload``

        self.banner = Banner("error", "Preferences problem")
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Preferences sections")
        self.tabs.addTab(self._sync_tab(), "Sync")
        self.tabs.addTab(self._start_up_tab(), "Tray and start-up")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setAccessibleName("Save preferences")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.setMinimumWidth(MIN_WIDTH)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs)
        layout.addWidget(self.buttons)

        self.buttons.accepted.connect(self._apply)
        self.buttons.rejected.connect(self.reject)
        self.controller.state_read.connect(self._show_state)
        self.controller.applied.connect(self._applied)
        self.controller.failed.connect(self._show_failure)
        self.reload()

    # ---- the Sync tab ----

    def _sync_tab(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        form = QFormLayout()
        column.addLayout(form)
        self.sync_enabled = QCheckBox("Download new messages' files in the background")
        self.sync_enabled.setAccessibleName("Download new messages' files in the background")
        form.addRow(self.sync_enabled)

        self.folder = QLineEdit()
        self.folder.setReadOnly(True)
        self.folder.setAccessibleName("Sync folder")
        self.choose_folder = QPushButton("Choose...")
        self.choose_folder.setAccessibleName("Choose the sync folder")
        self.open_folder = QPushButton("Open")
        self.open_folder.setAccessibleName("Open the sync folder")
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose_folder)
        folder_row.addWidget(self.open_folder)
        self.folder_problem = problem_label("Sync folder")
        form.addRow("Folder:", folder_row)
        form.addRow("", self.folder_problem)

        self.every = QSpinBox()
        self.every.setRange(*LIMITS["sync_every_minutes"])
        self.every.setSuffix(" minutes")
        self.every.setAccessibleName("Check for new messages every, in minutes")
        form.addRow("Check every:", self.every)

        self.all_messages = QRadioButton("All messages")
        self.all_messages.setAccessibleName("Sync all messages")
        self.only_matching = QRadioButton("Only messages that match:")
        self.only_matching.setAccessibleName("Sync only messages that match the senders or subjects below")
        self._which = QButtonGroup(page)
        self._which.addButton(self.all_messages)
        self._which.addButton(self.only_matching)
        which = QVBoxLayout()
        which.addWidget(self.all_messages)
        which.addWidget(self.only_matching)
        form.addRow("Which messages:", which)

        self.senders = QPlainTextEdit()
        self.senders.setPlaceholderText("name@example.com, one per line or separated by commas")
        self.senders.setAccessibleName("From these senders")
        self.senders.setTabChangesFocus(True)
        self.senders.setFixedHeight(self.senders.fontMetrics().lineSpacing() * 3 + 12)
        self.senders_problem = problem_label("From these senders")
        form.addRow("From these senders:", self.senders)
        form.addRow("", self.senders_problem)
        self.subjects = QPlainTextEdit()
        self.subjects.setPlaceholderText("One text per line")
        self.subjects.setAccessibleName("Whose subject contains")
        self.subjects.setTabChangesFocus(True)
        self.subjects.setFixedHeight(self.senders.height())
        form.addRow("Whose subject contains:", self.subjects)
        self.rules_hint = hint_label(
            "Given both, a message must match both: one of the senders and one of the subject texts.")
        form.addRow("", self.rules_hint)

        self.summary = hint_label(name="Sync summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # it quotes what was typed
        column.addSpacing(8)
        column.addWidget(self.summary)
        self.deleted_hint = hint_label("Files you delete from the sync folder are not downloaded again.",
                                       name="Deleted files")
        self.fetch_deleted = QPushButton("Download Them Again")
        self.fetch_deleted.setAccessibleName("Download files deleted from the sync folder again")
        deleted_row = QHBoxLayout()
        deleted_row.addWidget(self.deleted_hint, 1)
        deleted_row.addWidget(self.fetch_deleted)
        column.addLayout(deleted_row)
        column.addStretch(1)  # extra height below the form, not between its rows

        self.sync_enabled.toggled.connect(self._update_sync)
        self.only_matching.toggled.connect(self._update_sync)
        self.every.valueChanged.connect(self._update_sync)
        self.senders.textChanged.connect(self._update_sync)
        self.subjects.textChanged.connect(self._update_sync)
        self.choose_folder.clicked.connect(self._choose_folder)
        self.open_folder.clicked.connect(
            lambda: self.context.tasks.spawn(self._open_folder(), name="open the sync folder"))
        self.fetch_deleted.clicked.connect(
            lambda: self.context.tasks.spawn(self._fetch_deleted_again(), name="fetch deleted files again"))
        return page

    async def _fetch_deleted_again(self) -> None:
        self.fetch_deleted.setEnabled(False)
        try:
            count = await self.context.sync.fetch_deleted_again()
        finally:
            self.fetch_deleted.setEnabled(True)
        when = "now" if self.context.sync.enabled else "when background sync is on"
        self.deleted_hint.setText(f"{count} deleted file{'s' if count != 1 else ''} will be downloaded again {when}."
                                  if count else "No file was deleted from the sync folder.")

    def _update_sync(self) -> None:
        """Controls under the checkbox follow it (keeping their values); the summary follows every edit."""
        on = self.sync_enabled.isChecked()
        controls: tuple[QWidget, ...] = (self.folder, self.choose_folder, self.open_folder, self.every,
                                         self.all_messages, self.only_matching)
        for control in controls:
            control.setEnabled(on)
        for rule in (self.senders, self.subjects, self.rules_hint):
            rule.setEnabled(on and self.only_matching.isChecked())
        if not on:
            self.summary.setText("Background sync is off: new messages' files are downloaded only when you ask.")
            return
        senders, _ = parse_senders(self.senders.toPlainText())
        rules = self._rules(senders)
        minutes = self.every.value()
        often = "every minute" if minutes == 1 else f"every {minutes} minutes"
        self.summary.setText(f"Checks {often} and downloads the files of {rules.describe()} into {self.folder.text()}.")

    def _rules(self, senders: list[str]) -> SyncRules:
        if not self.only_matching.isChecked():
            return SyncRules()
        return SyncRules(tuple(senders), tuple(parse_subjects(self.subjects.toPlainText())))

    def _choose_folder(self) -> None:
        chooser = QFileDialog(self, "Choose the sync folder", self.folder.text())
        chooser.setFileMode(QFileDialog.FileMode.Directory)
        chooser.setOption(QFileDialog.Option.ShowDirsOnly, True)
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.fileSelected.connect(lambda chosen: self._set_folder(Path(chosen)))
        chooser.open()

    def _set_folder(self, folder: Path | None) -> None:
        self._folder = folder
        settings = self.context.sessions.settings
        self.folder.setText(str(folder or settings.sync_folder_path(self.context.paths)))
        self.folder.setToolTip(self.folder.text())  # a long path does not fit the field
        show_problem(self.folder_problem, "")
        self._update_sync()

    async def _open_folder(self) -> None:
        opened = await open_folder(Path(self.folder.text()))
        show_problem(self.folder_problem, "" if opened else NOT_YET)

    # ---- the Tray and start-up tab ----

    def _start_up_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.close_to_tray = QCheckBox("Keep lfdesktop running in the tray when its window is closed")
        self.close_to_tray.setAccessibleName("Keep lfdesktop running in the tray when its window is closed")
        self.tray_note = hint_label(NO_TRAY, name="No system tray")
        layout.addWidget(self.close_to_tray)
        layout.addWidget(self.tray_note)
        layout.addSpacing(12)

        self.start_at_login = QCheckBox("Start lfdesktop when I log in")
        self.start_at_login.setAccessibleName("Start lfdesktop when I log in")
        self.start_hidden = QCheckBox("Start hidden in the tray")
        self.start_hidden.setAccessibleName("Start hidden in the tray")
        hidden_row = QHBoxLayout()
        hidden_row.setContentsMargins(INDENT, 0, 0, 0)
        hidden_row.addWidget(self.start_hidden)
        self.start_up_status = hint_label(CHECKING, name="Start-up status")
        self.start_up_status.setTextFormat(Qt.TextFormat.PlainText)
        self.start_up_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.start_up_problem = QLabel()
        self.start_up_problem.setTextFormat(Qt.TextFormat.PlainText)  # the OS's words
        self.start_up_problem.setWordWrap(True)
        self.start_up_problem.setAccessibleName("Start-up problem")
        self.start_up_problem.hide()
        self.demo_note = hint_label(NO_DEMO_START_UP, name="Start-up not available")
        layout.addWidget(self.start_at_login)
        layout.addLayout(hidden_row)
        layout.addWidget(self.start_up_status)
        layout.addWidget(self.start_up_problem)
        layout.addWidget(self.demo_note)
        layout.addStretch(1)

        self.start_at_login.toggled.connect(self._update_start_up)
        return page

    def _update_start_up(self) -> None:
        ready = self.controller.state is not None and not self.context.demo
        self.start_at_login.setEnabled(ready)
        self.start_hidden.setEnabled(ready and self.tray_available and self.start_at_login.isChecked())

    def _show_state(self, state: AutostartState) -> None:
        """The first read after ``reload`` sets the boxes; later ones (after applying) only the status lines:
        when changing the entry failed, the boxes keep what the user chose."""
        if not self._state_shown:
            self._state_shown = True
            self.start_at_login.setChecked(state.enabled)
            self.start_hidden.setChecked(state.hidden)
        self.start_up_status.setText(describe_state(state))
        self.start_up_problem.setText(state.problem or "")
        self.start_up_problem.setStyleSheet(f"color: {colors().warning}")
        self.start_up_problem.setVisible(bool(state.problem))
        self._update_start_up()

    # ---- loading and applying ----

    def reload(self) -> None:
        """Shows the settings in use and reads the OS start-up entry again (off the loop)."""
        settings = self.context.sessions.settings
        self.sync_enabled.setChecked(settings.sync_enabled)
        self.every.setValue(settings.sync_every_minutes)
        self.senders.setPlainText("\n".join(settings.sync_senders))
        self.subjects.setPlainText("\n".join(settings.sync_subjects))
        matching = bool(settings.sync_senders or settings.sync_subjects)
        (self.only_matching if matching else self.all_messages).setChecked(True)
        self._set_folder(settings.sync_folder)
        self.close_to_tray.setChecked(settings.close_to_tray)
        self.close_to_tray.setEnabled(self.tray_available)
        self.tray_note.setVisible(not self.tray_available)
        self.demo_note.setVisible(self.context.demo)
        self.banner.hide()
        self._update_start_up()
        self._state_shown = False
        if self.context.demo:
            self.start_up_status.hide()
        else:
            self.start_up_status.setText(CHECKING)
            self.controller.read_state()

    def choices(self) -> Choices | None:
        """What the dialog holds, or None with each field's problem shown."""
        senders, wrong = parse_senders(self.senders.toPlainText())
        subjects = parse_subjects(self.subjects.toPlainText())
        matching = self.only_matching.isChecked()
        problem = ""
        if matching and wrong:
            problem = not_addresses(wrong)
        elif matching and not senders and not subjects:
            problem = "Add a sender or a subject text, or choose All messages."
        show_problem(self.senders_problem, problem)
        if problem:
            self.tabs.setCurrentIndex(0)
            self.senders.setFocus()
            return None
        start_up = None
        if self.controller.state is not None and not self.context.demo:
            start_up = StartUp(self.start_at_login.isChecked(), self.start_hidden.isChecked())
        return Choices(
            sync_enabled=self.sync_enabled.isChecked(), sync_folder=self._folder,
            sync_every_minutes=self.every.value(), sync_senders=tuple(senders) if matching else (),
            sync_subjects=tuple(subjects) if matching else (), close_to_tray=self.close_to_tray.isChecked(),
            start_up=start_up,
        )

    def _apply(self) -> None:
        choices = self.choices()
        if choices is None:
            return
        self.banner.hide()
        self.ok_button.setEnabled(False)  # until applied or failed: one apply at a time
        self.controller.apply(choices)

    def reject(self) -> None:
        """Not while applying: the dialog (and its controller) must outlive the work it started."""
        if not self.controller.applying:
            super().reject()

    def _applied(self) -> None:
        self.ok_button.setEnabled(True)
        self.accept()

    def _show_failure(self, text: str) -> None:
        self.ok_button.setEnabled(True)
        self.banner.say(text)
