"""Where a message's files go: ``SyncFolder/<sender>/<date> <subject>/``, every part a safe file name.

The sender and subject come from the server and may hold anything (``../``, control characters, device
names): each becomes one plain name through ``safe_filename``, so nothing lands outside the sync folder.
"""

from collections.abc import Iterator
from datetime import date
from itertools import count
from pathlib import Path

from lfdesktop.api.models import Message
from lfdesktop.transfer.safenames import safe_filename, with_suffix

NO_SENDER = "unknown sender"
NO_SUBJECT = "no subject"


def message_day(message: Message) -> date | None:
    """The day the message was sent, in the user's time zone."""
    return message.created_at.astimezone().date() if message.created_at else None


def folder_name(message: Message) -> str:
    day = message_day(message)
    subject = " ".join(message.subject.split()) or NO_SUBJECT
    return _one_name(f"{day.isoformat()} {subject}" if day else subject)


def sender_name(message: Message) -> str:
    return _one_name(message.sender.strip() or NO_SENDER)


def _one_name(text: str) -> str:
    """A subject is not a path: "Q3/Q4 plan" keeps both halves (``Q3_Q4 plan``), and never leaves the folder."""
    return safe_filename(text.replace("/", "_").replace("\\", "_"))


def message_folders(root: Path, message: Message) -> Iterator[Path]:
    """The message's folder, then ``... (1)``, ``... (2)``: two messages with the same day and subject from the
    same sender must not share one."""
    parent, name = root / sender_name(message), folder_name(message)
    yield parent / name
    for number in count(1):  # no file extension to keep: "Q3. final (1)", not "Q3 (1). final"
        yield parent / with_suffix(name, f" ({number})")
