"""File requests: ask someone to upload files to you (``POST /requests``); the answer carries the link the
recipient uses, which the user may copy and send themselves."""

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QObject, Signal

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import ApiError

from .context import AppContext


@dataclass(frozen=True)
class RequestForm:
    recipient: str
    subject: str = ""
    message: str = ""
    expires_at: date | None = None
    send_email: bool | None = None


class FileRequestController(QObject):
    made = Signal(object)  # the FileRequest, with its ``url``
    failed = Signal(str)  # why not, in the server's words where it gave some
    busy_changed = Signal(bool)

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.busy = False

    def request(self, form: RequestForm) -> None:
        signed_in = self.context.sessions.active
        if signed_in is None:
            self.failed.emit("Sign in to request files.")
        elif not self.busy:
            self.context.tasks.spawn(self._request(signed_in.client, form), name="request files")

    async def _request(self, client: LiquidFilesClient, form: RequestForm) -> None:
        self._set_busy(True)
        try:
            made = await client.request_files(
                recipient=form.recipient, subject=form.subject, message=form.message, expires_at=form.expires_at,
                send_email=form.send_email,
            )
        except ApiError as error:
            self.failed.emit(f"The request was not made: {error}")
            return
        finally:
            self._set_busy(False)
        self.made.emit(made)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_changed.emit(busy)

