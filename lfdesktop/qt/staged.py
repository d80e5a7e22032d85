"""Files staged in the Send or FileLink pane: expanded, checked against the account's limits, uploaded at once
through the app's queue, and followed on a timer (never per block) until each is uploaded and verified.

Both panes stage files the same way; what happens once a file is up differs (a message sends them all, a
FileLink is made for each), so that is left to their controllers, which listen to ``uploaded``.
"""

import asyncio
import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from lfdesktop.accounts.drafts import DraftFile
from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import ApiError, NotFound
from lfdesktop.api.models import Attachment, FileLink
from lfdesktop.transfer.events import Direction, TransferSnapshot, TransferState
from lfdesktop.transfer.staging import StagedFile, expand, refusal

from .context import AppContext
from .session import SignedIn

log = logging.getLogger(__name__)

REFRESH_MS = 300
# A file already on the server has no transfer: negative ids keep its row apart from the queue's (positive) ones.
_reused_ids = itertools.count(-1, -1)


@dataclass
class StagedUpload:
    """One staged file and how its upload (and, in the FileLink pane, its link) is doing."""

    file: StagedFile
    transfer_id: int
    snapshot: TransferSnapshot | None = None  # the latest the queue gave
    link: FileLink | None = None  # made for it (FileLink pane)
    link_error: str | None = None  # why no FileLink could be made
    batch: int = 0  # files added together share a batch
    announced: bool = False  # ``uploaded`` was emitted for the present attempt
    reused: str | None = None  # the id of a file already on the server, staged without uploading it again

    @property
    def state(self) -> TransferState:
        if self.reused:
            return TransferState.DONE
        return TransferState.QUEUED if self.snapshot is None else self.snapshot.state

    @property
    def attachment_id(self) -> str | None:
        """Once uploaded and verified: the server's id of the file."""
        if self.reused:
            return self.reused
        if self.snapshot is not None and self.snapshot.state is TransferState.DONE:
            return self.snapshot.result
        return None


class StagedUploads(QObject):
    changed = Signal()  # files were added or removed
    progressed = Signal(list)  # rows (list[int]) whose upload moved on
    refused = Signal(list)  # list[str]: what an add left out and why (the account's limits, unreadable files)
    uploaded = Signal(object)  # a StagedUpload whose upload is done and verified

    def __init__(
        self, context: AppContext, *, link: bool = False, unique: bool = True, interval_ms: int = REFRESH_MS,
        parent: QObject | None = None,
    ) -> None:
        """``link``: upload for FileLinks; ``unique``: a file already staged is not staged again."""
        super().__init__(parent)
        self.context = context
        self.link = link
        self.unique = unique
        self.items: list[StagedUpload] = []
        self.signed_in: SignedIn | None = context.sessions.active
        self._batches = 0
        self._set_aside: dict[str, list[StagedUpload]] = {}  # other accounts' staged files, by account key
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.refresh)
        context.sessions.active_changed.connect(self._on_active_changed)

    # ---- staging ----

    async def add(self, paths: list[Path]) -> list[StagedUpload]:
        """Stage ``paths`` (files and folders) and start uploading what the account may send."""
        signed_in = self.signed_in
        if signed_in is None:
            self.refused.emit(["Sign in to an account first."])
            return []
        staged = await expand(paths)
        if self.signed_in is None or self.signed_in.key != signed_in.key:
            return []  # the account changed while the folders were read: these files were meant for the other
        signed_in = self.signed_in
        problems = list(staged.problems)
        known = {item.file.path for item in self.items} if self.unique else set()
        self._batches += 1
        added = []
        for file in staged.files:
            reason = refusal(file, signed_in.account)
            if reason is not None:
                problems.append(reason)
            elif file.path not in known:
                transfer_id = self.context.queue.upload(signed_in.uploader, file.path, link=self.link)
                added.append(StagedUpload(file, transfer_id, batch=self._batches))
                known.add(file.path)
        if problems:
            self.refused.emit(problems)
        if added:
            self.items.extend(added)
            self.changed.emit()
            self._timer.start()
            self.refresh()
        return added

    def add_existing(self, attachments: list[Attachment]) -> list[StagedUpload]:
        """Stage files already on the server (from the Files pane): nothing is uploaded."""
        known = {item.attachment_id for item in self.items}
        self._batches += 1
        added = [
            StagedUpload(StagedFile(Path(attachment.filename), attachment.size, attachment.filename),
                         next(_reused_ids), batch=self._batches, reused=attachment.id)
            for attachment in attachments if attachment.id not in known
        ]
        if added:
            self.items.extend(added)
            self.changed.emit()
        return added

    async def restore(self, files: Sequence[DraftFile]) -> None:
        """Stage a saved draft's files again. An upload the start-up queued again (it was cut short) is followed,
        not started twice; an uploaded file is staged as it is on the server while it is still there; the others
        are uploaded (the journal sends only the pieces still missing); a file no longer on disk is said."""
        signed_in = self.signed_in
        if signed_in is None:
            return
        running = {snapshot.source: snapshot.id for snapshot in self.context.queue.snapshot()
                   if snapshot.direction is Direction.UPLOAD and not snapshot.state.finished}
        self._batches += 1
        restored, again, missing = [], [], []
        for draft in files:
            file = StagedFile(Path(draft.path), draft.size, draft.name)
            if draft.path in running:
                restored.append(StagedUpload(file, running[draft.path], batch=self._batches))
            elif draft.attachment_id and await _still_there(signed_in.client, draft.attachment_id):
                restored.append(StagedUpload(file, next(_reused_ids), batch=self._batches, reused=draft.attachment_id))
            elif file.path.is_absolute() and await asyncio.to_thread(file.path.is_file):
                again.append(file.path)
            else:
                missing.append(f"{draft.name}: it is no longer on this computer")
        if self.signed_in is not signed_in:
            return  # the account changed meanwhile: these files were meant for the other
        if restored:
            self.items.extend(restored)
            self.changed.emit()
            self._timer.start()
            self.refresh()
        if missing:
            self.refused.emit(missing)
        if again:
            await self.add(again)

    def remove(self, transfer_id: int) -> None:
        """Unstage a file: its upload is cancelled, or the uploaded file deleted from the server when nothing
        uses it yet (no message was sent with it, no FileLink made for it). A file staged from the Files pane
        stays on the server: it was there before."""
        item = self.item(transfer_id)
        if item is None:
            return
        self.items.remove(item)
        if not item.state.finished:
            self.context.queue.cancel(transfer_id)
        elif item.attachment_id and item.link is None and not item.reused and self.signed_in is not None:
            self.context.tasks.spawn(_delete_unused(self.signed_in.client, item.attachment_id, item.file.name))
        self.changed.emit()

    def forget(self, done: list[StagedUpload]) -> None:
        """Unstage files a message was sent with: nothing is cancelled or deleted. Files added meanwhile stay."""
        kept = [item for item in self.items if item not in done]
        if len(kept) != len(self.items):
            self.items = kept
            self.changed.emit()

    def clear(self) -> None:
        """Forget every staged file: nothing is cancelled or deleted."""
        self.forget(list(self.items))

    def item(self, transfer_id: int) -> StagedUpload | None:
        return next((item for item in self.items if item.transfer_id == transfer_id), None)

    @property
    def total_size(self) -> int:
        return sum(item.file.size for item in self.items)

    # ---- following the uploads ----

    def refresh(self) -> None:
        """Take the queue's snapshots of the staged uploads; say which rows moved on and which files are up."""
        snapshots = {snapshot.id: snapshot for snapshot in self.context.queue.snapshot()}
        changed, done = [], []
        for row, item in enumerate(self.items):
            fresh = snapshots.get(item.transfer_id)  # gone when the transfer list forgot it: keep the last one
            if fresh is None or fresh == item.snapshot:
                continue
            item.snapshot = fresh
            changed.append(row)
            if fresh.state is TransferState.DONE and not item.announced:
                item.announced = True
                done.append(item)
            elif fresh.state is not TransferState.DONE:
                item.announced = False  # retried from the transfer list: announce the new attempt's end
        if changed:
            self.progressed.emit(changed)
        for item in done:
            self.uploaded.emit(item)
        if all(item.state is TransferState.DONE for item in self.items):
            # Every file is up. A failed or cancelled one keeps the polling on: the transfer list may retry it.
            self._timer.stop()

    # ---- the account ----

    def _on_active_changed(self, signed_in: SignedIn | None) -> None:
        previous, self.signed_in = self.signed_in, signed_in
        if previous is None or (signed_in is not None and signed_in.key == previous.key):
            return
        if signed_in is None:  # signed out: that account's uploads have nowhere to go
            for item in self.items:
                if not item.state.finished:
                    self.context.queue.cancel(item.transfer_id)
            self.clear()
            return
        # Files uploaded to one account cannot be sent or linked from another: each account keeps its own,
        # uploading on meanwhile (its client stays open), and has them back when it is the active one again.
        if self.items:
            self._set_aside[previous.key] = self.items
        self.items = self._set_aside.pop(signed_in.key, [])
        self.changed.emit()
        if self.items:
            self._timer.start()
            self.refresh()  # what finished while set aside


async def _still_there(client: LiquidFilesClient, attachment_id: str) -> bool:
    try:
        await client.attachment(attachment_id)
    except NotFound:  # expired or deleted: uploaded again, if the file is still here
        return False
    except ApiError as error:  # cannot tell now: kept, and sending says so if it is gone
        log.info("Could not check the uploaded file %s: %s", attachment_id, error)
    return True


async def _delete_unused(client: LiquidFilesClient, attachment_id: str, name: str) -> None:
    try:
        await client.delete_attachment(attachment_id)
    except ApiError as error:  # unsent files expire on the server anyway
        log.info("Could not delete the unstaged file %s from the server: %s", name, error)
