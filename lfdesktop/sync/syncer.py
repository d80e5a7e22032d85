"""``Syncer``: sync passes every N minutes and on demand; while the server cannot be reached it says so
(offline) and tries again sooner, backing off, until a pass gets through (online again).

It knows nothing of Qt or terminals: a tray or the CLI gives it the pass to run and two callbacks, and runs
``run()`` as a task (cancel the task to stop it). ``sync_now()`` (a menu item, a network change) starts the
next pass at once, or right after the one under way.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from enum import Enum

from lfdesktop.api.errors import ApiError, NetworkError
from lfdesktop.transfer.errors import TransferError
from lfdesktop.transfer.retry import RetryPolicy

from .report import SyncReport

log = logging.getLogger(__name__)


class SyncStatus(Enum):
    IDLE = "idle"  # online, waiting for the next pass
    SYNCING = "syncing"
    OFFLINE = "offline"  # the server could not be reached; trying again with backoff
    FAILED = "failed"  # the last pass failed otherwise (a rejected key, a folder that cannot be made)


#: While offline: first retry after 5 s, doubling up to 5 minutes (never later than the usual interval).
OFFLINE_RETRY = RetryPolicy(attempts=0, base_delay=5.0, max_delay=300.0)

PassRunner = Callable[[], Awaitable[SyncReport]]
ReportSink = Callable[[SyncReport], None]
StatusSink = Callable[["SyncStatus", str | None], None]


def _ignore(*_: object) -> None:
    pass


class Syncer:
    def __init__(
        self, run_pass: PassRunner, *, every: float, on_report: ReportSink = _ignore, on_status: StatusSink = _ignore,
        offline_retry: RetryPolicy = OFFLINE_RETRY,
    ) -> None:
        self.every = every  # seconds between passes while online
        self.status = SyncStatus.IDLE
        self.detail: str | None = None  # why offline or failed, in plain words
        self.last_report: SyncReport | None = None
        self._run_pass = run_pass
        self._on_report = on_report
        self._on_status = on_status
        self._offline_retry = offline_retry
        self._wake = asyncio.Event()

    @property
    def online(self) -> bool:
        return self.status is not SyncStatus.OFFLINE

    def sync_now(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Pass after pass until cancelled."""
        offline_passes = 0
        while True:
            self._wake.clear()
            if self.status is not SyncStatus.OFFLINE:  # offline stays offline until a pass gets through
                self._set(SyncStatus.SYNCING, None)
            offline = await self._one_pass()
            offline_passes = offline_passes + 1 if offline is not None else 0
            wait = self.every
            if offline is not None:
                wait = min(self.every, self._offline_retry.delay(offline, offline_passes))
            with contextlib.suppress(TimeoutError):  # the interval passed: time for the next pass
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _one_pass(self) -> NetworkError | None:
        """Runs a pass and says how it went; the network error when the server could not be reached."""
        try:
            report = await self._run_pass()
        except NetworkError as error:
            if not error.retryable:
                self._set(SyncStatus.FAILED, str(error))
                return None
            self._set(SyncStatus.OFFLINE, str(error))
            return error
        except (ApiError, TransferError, OSError) as error:
            log.warning("sync pass failed: %s", error)
            self._set(SyncStatus.FAILED, _plain(error))
            return None
        self.last_report = report
        self._on_report(report)
        if report.stopped is not None:
            self._set(SyncStatus.OFFLINE, report.stopped)
            return NetworkError(report.stopped, kind="dropped")
        self._set(SyncStatus.IDLE, None)
        return None

    def _set(self, status: SyncStatus, detail: str | None) -> None:
        changed = (status, detail) != (self.status, self.detail)
        self.status, self.detail = status, detail
        if changed:
            self._on_status(status, detail)


def _plain(error: Exception) -> str:
    """``Could not write to the sync folder: Not a directory (/home/ann/...)`` rather than ``[Errno 20] ...``."""
    if isinstance(error, OSError) and error.strerror:
        where = f" ({error.filename})" if error.filename else ""
        return f"Could not write to the sync folder: {error.strerror}{where}"
    return str(error) or type(error).__name__
