"""The Send pane's work: files staged and uploaded as soon as they are dropped, then one secure message that
carries them all, sent once every file is uploaded and verified."""

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from lfdesktop.api.errors import ApiError
from lfdesktop.api.models import Attachment

from .context import AppContext
from .staged import StagedUploads

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Compose:
    """What the form holds; None leaves a choice to the server and the user's group."""

    recipients: tuple[str, ...]
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    subject: str = ""
    message: str = ""
    expires_at: date | None = None
    authorization: int | None = None  # 0-4, see AUTHORIZATION_LEVELS in lfdesktop.ui.send
    private_message: bool | None = None
    send_email: bool | None = None
    bcc_myself: bool | None = None

    @property
    def everyone(self) -> tuple[str, ...]:
        return (*self.recipients, *self.cc, *self.bcc)


class SendController(QObject):
    staged_changed = Signal()  # files added or removed
    ready_changed = Signal(bool)  # every staged file uploaded and verified (and at least one staged)
    sending_changed = Signal(bool)
    sent = Signal(object)  # the Message, with its link (``url``)
    failed = Signal(str)  # why the message was not sent; the form and the files stay as they were

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.staged = StagedUploads(context, parent=self)
        self._ready = False
        self._sending = False
        self.staged.changed.connect(self.staged_changed)
        self.staged.changed.connect(self._update_ready)
        self.staged.progressed.connect(self._update_ready)

    # ---- files ----

    def add_files(self, paths: list[Path]) -> None:
        """Stage files and folders (a drop, the file picker, a second launch): their uploads start at once."""
        self.context.tasks.spawn(self.staged.add(paths), name="stage files to send")

    def add_attachments(self, attachments: list[Attachment]) -> None:
        """Stage files already uploaded (from the Files pane): nothing is uploaded again."""
        self.staged.add_existing(attachments)

    def remove(self, transfer_id: int) -> None:
        self.staged.remove(transfer_id)

    @property
    def ready(self) -> bool:
        return self._ready

    @property
    def waiting_for(self) -> int:
        """Staged files not uploaded and verified yet."""
        return sum(1 for item in self.staged.items if item.attachment_id is None)

    # ---- sending ----

    @property
    def sending(self) -> bool:
        return self._sending

    def send(self, compose: Compose) -> None:
        """Send the message with every staged file; ``sent`` or ``failed`` tells how it went."""
        if not self._ready or self._sending:
            raise RuntimeError("not ready to send: files are still uploading, or a message is being sent")
        self.context.tasks.spawn(self._send(compose), name="send message")

    async def _send(self, compose: Compose) -> None:
        signed_in = self.staged.signed_in
        assert signed_in is not None  # ready needs uploaded files, which need an account
        going = list(self.staged.items)
        attachments = [item.attachment_id for item in going if item.attachment_id]
        self._set_sending(True)
        try:
            message = await signed_in.client.send_message(
                recipients=compose.recipients, cc=compose.cc, bcc=compose.bcc, subject=compose.subject,
                message=compose.message, attachments=attachments, expires_at=compose.expires_at,
                authorization=compose.authorization, private_message=compose.private_message,
                send_email=compose.send_email, bcc_myself=compose.bcc_myself,
            )
        except ApiError as error:
            self.failed.emit(str(error))  # a 422 says the server's own words
            return
        finally:
            self._set_sending(False)
        self.staged.forget(going)
        self.sent.emit(message)
        sessions = self.context.sessions
        try:
            await sessions.update_settings(sessions.settings.with_recipients(compose.everyone))
        except OSError as error:  # completion is a nicety: the message went
            log.warning("Could not remember the recipients: %s", error)

    # ---- inside ----

    def _update_ready(self) -> None:
        items = self.staged.items
        ready = bool(items) and all(item.attachment_id for item in items)
        if ready != self._ready:
            self._ready = ready
            self.ready_changed.emit(ready)

    def _set_sending(self, sending: bool) -> None:
        self._sending = sending
        self.sending_changed.emit(sending)
