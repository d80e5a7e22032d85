"""What one sync pass did, in a shape a tray turns into ONE notification and a CLI into a few lines."""

from dataclasses import dataclass, field
from pathlib import Path

from lfdesktop.api.errors import ApiError, AuthError, Forbidden, HttpStatusError, NetworkError, NotFound
from lfdesktop.transfer.errors import Cancelled, ChecksumMismatch, SaveError

# Causes, in plain words: errors are reported once per cause, never once per file.
UNREACHABLE = "The server could not be reached"
NOT_ALLOWED = "The server did not allow it"
GONE = "No longer on the server"
MISMATCH = "The downloaded bytes did not match the server's checksum"
NOT_SAVED = "Could not save into the sync folder"
REFUSED = "The server refused"
CANCELLED = "Cancelled in the transfer list (tried again at the next sync)"
OTHER = "Something else went wrong"


def cause_of(error: BaseException) -> str:
    if isinstance(error, NetworkError):
        return UNREACHABLE
    if isinstance(error, AuthError | Forbidden):
        return NOT_ALLOWED
    if isinstance(error, NotFound):  # Gone too: expired, used up, or deleted by the sender
        return GONE
    if isinstance(error, ChecksumMismatch):
        return MISMATCH
    if isinstance(error, SaveError):
        return NOT_SAVED
    if isinstance(error, Cancelled):
        return CANCELLED
    if isinstance(error, HttpStatusError | ApiError):
        return REFUSED
    return OTHER


@dataclass(frozen=True)
class SyncedFile:
    path: Path
    size: int
    sha256: str
    verified: bool  # False only when the server gave no checksum (the size matched)


@dataclass
class SyncedMessage:
    id: str
    sender: str
    subject: str
    url: str  # the message on the server: what a notification opens
    folder: Path
    files: list[SyncedFile] = field(default_factory=list)


@dataclass
class SyncReport:
    server_url: str
    account: str
    folder: Path  # the sync folder
    messages: list[SyncedMessage] = field(default_factory=list)  # with at least one file fetched this pass
    errors: dict[str, list[str]] = field(default_factory=dict)  # cause -> "file: reason" lines
    notes: list[str] = field(default_factory=list)  # expired messages skipped, each said once
    stopped: str | None = None  # why the pass ended early (the server went away), None when it ran through

    @property
    def files(self) -> list[SyncedFile]:
        return [file for message in self.messages for file in message.files]

    @property
    def bytes(self) -> int:
        return sum(file.size for file in self.files)

    @property
    def error_count(self) -> int:
        return sum(len(lines) for lines in self.errors.values())

    def add_error(self, what: str, error: BaseException) -> None:
        self.errors.setdefault(cause_of(error), []).append(f"{what}: {error}")

    def summary(self) -> str:
        """``2 new messages, 5 files from bob@partner.example and carol@contractor.example``."""
        if not self.messages:
            return "Nothing new"
        senders = list(dict.fromkeys(message.sender for message in self.messages))
        shown = senders if len(senders) <= 3 else [*senders[:2], f"{len(senders) - 2} others"]
        who = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
        return f"{_count(len(self.messages), 'new message')}, {_count(len(self.files), 'file')} from {who}"

    def error_summary(self) -> list[str]:
        """One line per cause: ``Could not save into the sync folder (3 files): report.pdf: ...``."""
        return [f"{cause} ({_count(len(lines), 'file')}): {lines[0]}" for cause, lines in self.errors.items()]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
