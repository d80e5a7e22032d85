"""Keeps the Send pane's unsent message on disk (``accounts/drafts.py``): saved a moment after it changes, at
most twice a second however fast files progress, and at quit; offered back when its account signs in on the
next start (once its cut-short uploads were queued again, so that they are followed rather than redone)."""

import asyncio
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from lfdesktop.accounts.drafts import Draft, load_draft, save_draft

from .context import AppContext
from .session import SignedIn

log = logging.getLogger(__name__)

SAVE_AFTER_MS = 500


class DraftKeeper(QObject):
    restored = Signal(object)  # Draft: the active account's unsent message, for an empty pane to show again

    def __init__(self, context: AppContext, current: Callable[[], Draft], parent: QObject | None = None) -> None:
        """``current`` gives the draft as the pane holds it now."""
        super().__init__(parent)
        self.context = context
        self._current = current
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_AFTER_MS)
        self._timer.timeout.connect(lambda: self.context.tasks.spawn(self.save_now(), name="save the draft"))
        context.sessions.uploads_resumed.connect(self._on_uploads_resumed)

    def changed(self, *_: object) -> None:
        if not self._timer.isActive():  # not restarted: steady progress must not put the save off for ever
            self._timer.start()

    async def save_now(self) -> None:
        self._timer.stop()
        active = self.context.sessions.active
        if active is None:
            return
        try:
            await asyncio.to_thread(save_draft, self.context.paths.data_dir, active.key, self._current())
        except OSError as error:  # the pane still holds it all; the next change tries again
            log.warning("Could not save the draft: %s", error)

    def _on_uploads_resumed(self, signed_in: SignedIn) -> None:
        if self._current().empty:
            self.context.tasks.spawn(self._restore(signed_in), name="restore the draft")

    async def _restore(self, signed_in: SignedIn) -> None:
        draft = await asyncio.to_thread(load_draft, self.context.paths.data_dir, signed_in.key)
        # Nothing typed or staged meanwhile, and still the same account: the draft is the pane's again.
        if not draft.empty and self._current().empty and self.context.sessions.active is signed_in:
            self.restored.emit(draft)
