"""Background sync in the desktop app: a ``Syncer`` per account while the settings say so, downloading through
the transfer queue (the files show in the transfer list), one notification per pass, the active account's
connection state in the status bar, and a pass at once when the network comes back.

The settings are read at every pass, so a new folder or new rules apply from the next one; changing them
starts that pass at once.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from PySide6.QtCore import QObject, Signal

from lfdesktop.accounts.settings import Settings
from lfdesktop.api.errors import ApiError, AuthError
from lfdesktop.sync.engine import SyncTarget, fetch_deleted_again, queued, sync_pass
from lfdesktop.sync.journal import SyncJournal
from lfdesktop.sync.notify import Notification, Telling
from lfdesktop.sync.report import SyncReport
from lfdesktop.sync.rules import rules_from
from lfdesktop.sync.syncer import Syncer, SyncStatus

from .network import NetworkWatch
from .session import NotSignedIn, Sessions, account_server
from .tasks import Tasks

log = logging.getLogger(__name__)

# The overall status is the most pressing of the accounts' (offline first).
_URGENCY = (SyncStatus.OFFLINE, SyncStatus.FAILED, SyncStatus.SYNCING, SyncStatus.IDLE)


@dataclass
class _Running:
    syncer: Syncer
    task: "asyncio.Task[None]"


class SyncController(QObject):
    status_changed = Signal()  # the overall status or its detail changed (read ``status``)
    notify = Signal(object)  # Notification: the tray shows it, or the window when there is no tray
    synced = Signal(object)  # SyncReport of a pass that fetched files

    def __init__(self, sessions: Sessions, tasks: Tasks, *, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sessions = sessions
        self.tasks = tasks
        self.telling = Telling()
        self.last_synced: datetime | None = None  # when a pass last ran through
        self._running: dict[str, _Running] = {}  # by account key
        self._journal: SyncJournal | None = None
        self._journal_opening = asyncio.Lock()
        self._offline: set[str] = set()  # accounts whose server sync could not reach
        self._wanted = _wanted(sessions.settings)
        sessions.settings_changed.connect(self._on_settings_changed)
        self.network = NetworkWatch(self)
        self.network.online_again.connect(self.sync_now)

    # ---- the app's API ----

    @property
    def enabled(self) -> bool:
        return self.sessions.settings.sync_enabled

    def start(self) -> None:
        """Sync as the settings say (the app calls it once the window is up; settings changes follow)."""
        self._follow(self.sessions.settings)

    def sync_now(self) -> None:
        for running in self._running.values():
            running.syncer.sync_now()

    @property
    def status(self) -> tuple[SyncStatus, str | None]:
        """The most pressing account's status and its detail (IDLE, None while sync is off)."""
        syncers = [running.syncer for running in self._running.values()]
        if not syncers:
            return SyncStatus.IDLE, None
        worst = min(syncers, key=lambda syncer: _URGENCY.index(syncer.status))
        return worst.status, worst.detail

    async def aclose(self) -> None:
        """After the app's tasks were cancelled (the syncers with them): the journal."""
        self._stop(set(self._running))
        if self._journal is not None:
            await self._journal.aclose()
            self._journal = None

    # ---- following the settings ----

    def _on_settings_changed(self, settings: Settings) -> None:
        wanted = _wanted(settings)
        changed, self._wanted = wanted != self._wanted, wanted
        self._follow(settings)
        if changed:
            for running in self._running.values():
                running.syncer.every = settings.sync_every_minutes * 60.0
            self.sync_now()

    def _follow(self, settings: Settings) -> None:
        keys = {account.key for account in settings.accounts} if settings.sync_enabled else set()
        self._stop(set(self._running) - keys)
        for key in keys - set(self._running):
            self._start(key, settings)

    def _start(self, key: str, settings: Settings) -> None:
        syncer = Syncer(lambda: self._pass(key), every=settings.sync_every_minutes * 60.0, on_report=self._on_report,
                        on_status=partial(self._on_status, key))
        self._running[key] = _Running(syncer, self.tasks.spawn(syncer.run(), name=f"sync {key}"))
        self.status_changed.emit()

    def _stop(self, keys: set[str]) -> None:
        for key in keys:
            self._running.pop(key).task.cancel()
        if keys:
            self.status_changed.emit()

    # ---- one pass ----

    async def fetch_deleted_again(self) -> int:
        """Files deleted from the sync folder are fetched again, by a pass started now (while sync is on);
        how many. Accounts that cannot be reached now are left as they are."""
        count = 0
        for account in self.sessions.settings.accounts:
            try:
                count += await fetch_deleted_again(await self._target(account.key))
            except ApiError as error:
                log.info("Deleted files of %s not asked for again: %s", account.email, error)
        self.sync_now()
        return count

    async def _pass(self, key: str) -> SyncReport:
        return await sync_pass(await self._target(key))

    async def _target(self, key: str) -> SyncTarget:
        try:
            signed_in = await self.sessions.connected(key)
        except NotSignedIn as problem:  # no key stored: the same for sync as a key the server refused
            raise AuthError(f"Sign in to sync this account ({problem})") from None
        settings = self.sessions.settings
        return SyncTarget(
            signed_in.client, signed_in.account.email, await self._opened_journal(),
            settings.sync_folder_path(self.sessions.paths), rules_from(settings), queued(self.sessions.queue),
        )

    async def _opened_journal(self) -> SyncJournal:
        async with self._journal_opening:
            if self._journal is None:
                self._journal = await SyncJournal.open(self.sessions.paths.data_dir)
            return self._journal

    def _on_report(self, report: SyncReport) -> None:
        if report.stopped is None:
            self.last_synced = datetime.now().astimezone()
        told = self.telling.about_pass(report)
        if told is not None:
            self.notify.emit(told)
        if report.messages:
            self.synced.emit(report)

    def _on_status(self, key: str, status: SyncStatus, detail: str | None) -> None:
        if status is SyncStatus.FAILED and detail:
            told: Notification | None = self.telling.about_failure(detail)
            if told is not None:
                self.notify.emit(told)
        went_offline = status is SyncStatus.OFFLINE and key not in self._offline
        back = status is SyncStatus.IDLE and key in self._offline
        if went_offline:
            self._offline.add(key)
        elif back:
            self._offline.discard(key)
        active = self.sessions.active
        if active is not None and active.key == key and (went_offline or back):
            # What the status bar says of the server follows what sync learns of it.
            where = "the demo server" if self.sessions.demo else account_server(key, self.sessions.settings)
            text = f"Offline: {detail}. Trying again..." if went_offline else f"Connected to {where}"
            self.sessions.connection_changed.emit(text, went_offline)
        self.status_changed.emit()


def _wanted(settings: Settings) -> tuple[object, ...]:
    """The settings whose change starts a pass at once."""
    return (settings.sync_folder, settings.download_dir, settings.sync_every_minutes, settings.sync_senders,
            settings.sync_subjects)
