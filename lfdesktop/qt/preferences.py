"""The Preferences dialog's work: the choices it holds turned into settings (checked by ``Settings`` itself) and
the OS start-up entry, read and changed off the event loop. Nothing is half-applied silently: ``failed`` says
what went wrong and the dialog keeps what was typed, so OK can simply be pressed again."""

import asyncio
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from lfdesktop.accounts.autostart import Autostart, AutostartError, AutostartState, this_program
from lfdesktop.accounts.settings import Settings

from .context import AppContext


@dataclass(frozen=True)
class StartUp:
    at_login: bool
    hidden: bool  # started with the window hidden, in the tray


@dataclass(frozen=True)
class Choices:
    """What the dialog holds."""

    sync_enabled: bool
    sync_folder: Path | None  # None: the default folder
    sync_every_minutes: int
    sync_senders: tuple[str, ...]  # empty: from anyone
    sync_subjects: tuple[str, ...]  # empty: any subject
    close_to_tray: bool
    start_up: StartUp | None  # None: leave the OS entry alone (not read yet, or not available)

    def applied_to(self, settings: Settings) -> Settings:
        """Raises ValueError (in plain words) for what ``Settings`` refuses."""
        return replace(
            settings, sync_enabled=self.sync_enabled, sync_folder=self.sync_folder,
            sync_every_minutes=self.sync_every_minutes, sync_senders=self.sync_senders,
            sync_subjects=self.sync_subjects, close_to_tray=self.close_to_tray,
        )


def start_up_changed(wanted: StartUp, state: AutostartState) -> bool:
    """Whether the entry must be written or removed; "hidden" only matters for an entry that starts the app.
    An entry with a problem the dialog showed (it starts another copy) is rewritten when OK keeps it ticked."""
    if not wanted.at_login:
        return state.enabled
    return not state.enabled or wanted.hidden != state.hidden or state.problem is not None


class PreferencesController(QObject):
    state_read = Signal(object)  # AutostartState: what the OS will really do at the next login
    applied = Signal()  # everything saved and changed
    failed = Signal(str)  # what could not be applied, in plain words

    def __init__(self, context: AppContext, autostart: Autostart, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.autostart = autostart
        self.state: AutostartState | None = None  # None until read
        self.applying = False

    def read_state(self) -> None:
        self.context.tasks.spawn(self._read_state(), name="read the start-up entry")

    def apply(self, choices: Choices) -> None:
        if self.applying:
            return
        self.applying = True
        self.context.tasks.spawn(self._apply(choices), name="apply preferences")

    async def _read_state(self) -> None:
        self.state = await asyncio.to_thread(self.autostart.state)  # never fails: a problem is in the state
        self.state_read.emit(self.state)

    async def _apply(self, choices: Choices) -> None:
        try:
            problem = await self._apply_all(choices)
        finally:
            self.applying = False
        if problem:
            self.failed.emit(problem)
        else:
            self.applied.emit()

    async def _apply_all(self, choices: Choices) -> str | None:
        sessions = self.context.sessions
        try:
            settings = choices.applied_to(sessions.settings)
        except ValueError as error:
            return f"These preferences cannot be saved: {error}."
        if choices.start_up is not None and self.state is not None and start_up_changed(choices.start_up, self.state):
            try:
                await self._change_start_up(choices.start_up)
            except (AutostartError, OSError) as error:
                return f"Starting at login was not changed. {error}."
            finally:
                await self._read_state()  # the status line says what the OS holds now, whatever happened
        if settings != sessions.settings:
            try:
                await sessions.update_settings(settings)
            except OSError as error:
                return f"Could not save the settings ({error.strerror or error}). Nothing was lost: try again."
        return None

    async def _change_start_up(self, wanted: StartUp) -> None:
        if wanted.at_login:
            await asyncio.to_thread(self.autostart.enable, this_program(), hidden=wanted.hidden)
        else:
            await asyncio.to_thread(self.autostart.disable)
