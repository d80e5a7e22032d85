"""What the message view does: verified downloads into the chosen folder (through the transfer queue, so they
show in the transfer list), each file's state, and the sender's actions: the download log, withdrawing the
files, sending the same files to more people."""

from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from lfdesktop.api.errors import ApiError
from lfdesktop.api.models import Message, MessageFile
from lfdesktop.transfer.events import ChecksumState, TransferSnapshot, TransferState

from . import formatting
from .context import AppContext


class MessageActions(QObject):
    failed = Signal(str)  # what went wrong, in plain words
    downloads_started = Signal(str)  # message id
    download_log_loaded = Signal(str, list)  # message id, list[Download]
    message_updated = Signal(object)  # Message, read again after a change
    resent = Signal(object)  # the new Message

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._transfers: dict[tuple[str, str], int] = {}  # (message id, file id) -> the latest transfer's id
        # Messages whose files the user deleted in this run: servers keep listing such files (downloads get 410).
        self.files_deleted: set[str] = set()

    # ---- the download folder ----

    def folder(self) -> Path:
        return self.context.sessions.settings.download_folder(self.context.paths)

    def set_folder(self, folder: Path) -> None:
        """Remembered for the next downloads and the next start."""
        settings = self.context.sessions.settings
        if settings.download_dir != folder:
            self.context.tasks.spawn(self.context.sessions.update_settings(replace(settings, download_dir=folder)),
                                     name="remember the download folder")

    # ---- downloads ----

    def download(self, message: Message, files: Iterable[MessageFile]) -> list[int]:
        """Queue verified downloads of ``files`` into the folder; their transfer ids."""
        signed_in = self.context.sessions.active
        if signed_in is None:
            self.failed.emit("Sign in to download files.")
            return []
        folder = self.folder()
        ids = []
        for file in files:
            renew = partial(signed_in.client.message_file, message.id, file.id)  # a fresh one-time URL
            transfer_id = self.context.queue.download(signed_in.client, file, folder, renew=renew)
            self._transfers[(message.id, file.id)] = transfer_id
            ids.append(transfer_id)
        self.downloads_started.emit(message.id)
        return ids

    def file_states(self, message: Message) -> dict[str, TransferSnapshot]:
        """The latest download of each of the message's files that was downloaded in this run, by file id."""
        snapshots = {snapshot.id: snapshot for snapshot in self.context.queue.snapshot()}
        found = {}
        for file in message.attachments:
            transfer_id = self._transfers.get((message.id, file.id))
            if transfer_id is not None and transfer_id in snapshots:
                found[file.id] = snapshots[transfer_id]
        return found

    # ---- the sender's actions ----

    def load_download_log(self, message_id: str) -> None:
        self.context.tasks.spawn(self._download_log(message_id), name="read a message's download log")

    async def _download_log(self, message_id: str) -> None:
        signed_in = self.context.sessions.active
        if signed_in is None:
            return
        try:
            downloads = await signed_in.client.message_downloads(message_id)
        except ApiError as error:
            self.failed.emit(f"Could not read who downloaded the files: {error}")
            return
        self.download_log_loaded.emit(message_id, downloads)

    def delete_files(self, message_id: str) -> None:
        self.context.tasks.spawn(self._delete_files(message_id), name="delete a message's files")

    async def _delete_files(self, message_id: str) -> None:
        signed_in = self.context.sessions.active
        if signed_in is None:
            return
        try:
            await signed_in.client.delete_message_files(message_id)
            self.files_deleted.add(message_id)
            message = await signed_in.client.message(message_id)
        except ApiError as error:
            self.failed.emit(f"Could not delete the files: {error}")
            return
        self.message_updated.emit(message)

    def resend(self, message: Message, recipients: list[str]) -> None:
        """A new message with the same files (by attachment id), subject, text and permission."""
        self.context.tasks.spawn(self._resend(message, recipients), name="resend a message")

    async def _resend(self, message: Message, recipients: list[str]) -> None:
        signed_in = self.context.sessions.active
        if signed_in is None:
            return
        try:
            new = await signed_in.client.send_message(
                recipients=recipients, subject=message.subject, message=message.message or "",
                attachments=[file.id for file in message.attachments], authorization=message.authorization,
            )
        except ApiError as error:
            self.failed.emit(f"Could not send the files again: {error}")
            return
        self.resent.emit(new)


def file_state_text(snapshot: TransferSnapshot | None) -> str:
    """A file's download as the message view says it: progress, the verified checksum, or why it failed (a
    mismatch names both checksums)."""
    if snapshot is None:
        return ""
    state = snapshot.state
    if state is TransferState.DONE:
        if snapshot.checksum is ChecksumState.VERIFIED:
            return f"Verified, SHA-256 {snapshot.sha256}"
        return "Saved (the server gave no checksum; the size matched)"
    if state is TransferState.FAILED:
        return f"Failed: {snapshot.error}" if snapshot.error else "Failed"
    if state is TransferState.RUNNING:
        return f"Downloading, {formatting.percent_text(snapshot)}"
    return state.value.capitalize()
