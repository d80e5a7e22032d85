"""What one sync pass fetches: pure, from the inbox, the journal and the rules."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from lfdesktop.api.models import Message, MessageFile

from .journal import EXPIRED, FAILED, JournalView
from .rules import SyncRules


@dataclass(frozen=True)
class MessagePlan:
    message: Message
    files: tuple[MessageFile, ...]  # not fetched yet (or failed last time), in the message's order


@dataclass(frozen=True)
class Plan:
    fetch: tuple[MessagePlan, ...]  # oldest message first: the order they arrived in
    expired: tuple[Message, ...]  # expired with files never fetched, not noted before


def _sent(message: Message) -> float:
    return message.created_at.timestamp() if message.created_at else 0.0


def plan(inbox: Iterable[Message], journal: JournalView, rules: SyncRules, today: date) -> Plan:
    """``today`` is the server's day (UTC): a message whose ``expires_at`` is before it can no longer be fetched."""
    fetch: list[MessagePlan] = []
    expired: list[Message] = []
    for message in sorted(inbox, key=_sent):
        if not rules.matches(message):
            continue
        wanted = tuple(file for file in message.attachments if _wanted(journal, message.id, file))
        if not wanted:
            continue
        if message.expires_at is not None and message.expires_at < today:
            known = journal.messages.get(message.id)
            if known is None or known.state != EXPIRED:
                expired.append(message)
            continue
        fetch.append(MessagePlan(message, wanted))
    return Plan(tuple(fetch), tuple(expired))


def _wanted(journal: JournalView, message_id: str, file: MessageFile) -> bool:
    """Never fetched, or failed last time; a file fetched once (even if deleted since) or gone from the server is
    not fetched again."""
    record = journal.files.get((message_id, file.id))
    return record is None or record.state == FAILED
