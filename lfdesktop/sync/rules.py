"""Which inbox messages sync: all of them, or those from chosen senders and/or with matching subjects."""

from collections.abc import Sequence
from dataclasses import dataclass

from lfdesktop.accounts.settings import Settings
from lfdesktop.api.models import Message


@dataclass(frozen=True)
class SyncRules:
    """Empty lists let everything through. Given both, a message must match both: a sender listed here
    (whole address, any case) and a subject containing one of the texts (any case)."""

    senders: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()

    def matches(self, message: Message) -> bool:
        sender = message.sender.strip().casefold()
        subject = message.subject.casefold()
        from_sender = not self.senders or any(sender == wanted.strip().casefold() for wanted in self.senders)
        about = not self.subjects or any(text.casefold() in subject for text in self.subjects if text)
        return from_sender and about

    def describe(self) -> str:
        """The rules in words, for a status line."""
        parts = []
        if self.senders:
            parts.append("from " + ", ".join(self.senders))
        if self.subjects:
            parts.append("with a subject containing " + " or ".join(repr(text) for text in self.subjects))
        return "messages " + " and ".join(parts) if parts else "all messages"


def rules_from(settings: Settings, senders: Sequence[str] = (), subjects: Sequence[str] = ()) -> SyncRules:
    """The rules in the settings, each list replaced by the one given (on the command line), if any."""
    return SyncRules(tuple(senders) or settings.sync_senders, tuple(subjects) or settings.sync_subjects)
