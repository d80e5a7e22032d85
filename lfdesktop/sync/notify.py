"""What a sync pass tells the user: at most ONE notification per pass, never one per file; and each cause of
trouble (a full disk, a refused key) at most once an hour, however many files or passes it spoils."""

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lfdesktop.accounts.settings import account_key

from .report import SyncReport

QUIET_FOR = 3600.0  # seconds before the same cause of trouble is told again


@dataclass(frozen=True)
class Notification:
    title: str
    body: str
    problem: bool = False  # a warning rather than news
    account: str | None = None  # the account's key (``account_key``) whose message ``message_id`` is
    message_id: str | None = None  # what clicking the notification opens


class Telling:
    """Decides what is worth a notification. ``clock`` in seconds (monotonic)."""

    def __init__(self, quiet_for: float = QUIET_FOR, clock: Callable[[], float] = time.monotonic) -> None:
        self._quiet_for = quiet_for
        self._clock = clock
        self._told: dict[str, float] = {}  # cause -> when it was last told

    def about_pass(self, report: SyncReport) -> Notification | None:
        """New files (opening the first message), plus causes of trouble not told lately; None for nothing."""
        lines = zip(report.errors, report.error_summary(), strict=True)
        trouble = [line for cause, line in lines if self._fresh(cause)]
        notes = report.notes
        if notes:
            trouble.append(notes[0] if len(notes) == 1 else f"{len(notes)} expired messages skipped")
        if report.messages:
            first = report.messages[0]
            where = f"Saved in {_shown(first.folder if len(report.messages) == 1 else report.folder)}"
            return Notification(report.summary(), "\n".join([where, *trouble]), problem=False,
                                 account=account_key(report.server_url, report.account), message_id=first.id)
        if not trouble:
            return None
        return Notification("Some files could not be synced", "\n".join(trouble), problem=True)

    def about_failure(self, detail: str) -> Notification | None:
        """A pass that failed as a whole (a refused key, a folder that cannot be made)."""
        if not self._fresh(detail):
            return None
        return Notification("Sync stopped", detail, problem=True)

    def _fresh(self, cause: str) -> bool:
        now = self._clock()
        last = self._told.get(cause)
        if last is not None and now - last < self._quiet_for:
            return False
        self._told[cause] = now
        return True


def _shown(folder: Path) -> str:
    """``~/Downloads/LiquidFiles`` on Linux and macOS, where ``~`` is how people write their home folder."""
    home = Path.home()
    if os.name == "posix" and folder.is_relative_to(home):
        return str(Path("~") / folder.relative_to(home))
    return str(folder)
