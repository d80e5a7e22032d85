"""The pure parts: which messages the rules let through, and what a pass plans from the inbox and journal."""

from datetime import UTC, date, datetime
from pathlib import Path

from lfdesktop.accounts.settings import Settings
from lfdesktop.api.models import Message, MessageFile
from lfdesktop.sync.journal import EXPIRED, FAILED, FETCHED, FileRecord, JournalView, MessageRecord
from lfdesktop.sync.planner import plan
from lfdesktop.sync.rules import SyncRules, rules_from

TODAY = date(2026, 11, 22)


def file(file_id: str) -> MessageFile:
    return MessageFile(file_id, f"{file_id}.bin", 10, "application/octet-stream", "", "", None, "https://x/f")


def message(message_id: str, sender: str = "bob@partner.example", subject: str = "Report", *, day: int = 20,
            expires: date | None = date(2026, 12, 31), files: tuple[str, ...] = ("f1",)) -> Message:
    return Message(
        id=message_id, sender=sender, recipients=("alice@example.com",), ccs=(), bccs=(), subject=subject,
        message=None, created_at=datetime(2026, 11, day, 9, tzinfo=UTC), expires_at=expires, expires_after=0,
        authorization=3, authorization_description="", private_message=False, size=10, url="https://x/m",
        attachments=tuple(file(file_id) for file_id in files),
    )


def record(message_id: str, file_id: str, state: str) -> FileRecord:
    return FileRecord(message_id, file_id, f"{file_id}.bin", state, None, "", None)


def test_rules_let_everything_through_when_empty_and_need_both_lists_when_both_are_given() -> None:
    bob, carol = message("1"), message("2", sender="Carol@Contractor.example", subject="Q3 INVOICE")
    assert SyncRules().matches(bob) and SyncRules().describe() == "all messages"
    assert not SyncRules(senders=("carol@contractor.example",)).matches(bob)
    assert SyncRules(senders=("carol@contractor.example",)).matches(carol)
    assert SyncRules(subjects=("invoice",)).matches(carol)
    both = SyncRules(("bob@partner.example",), ("invoice",))
    assert not both.matches(bob) and not both.matches(carol)
    assert both.describe() == "messages from bob@partner.example and with a subject containing 'invoice'"


def test_rules_from_settings_unless_given() -> None:
    settings = Settings(sync_senders=("bob@partner.example",), sync_subjects=("invoice",))
    assert rules_from(settings) == SyncRules(("bob@partner.example",), ("invoice",))
    assert rules_from(settings, subjects=["plan"]) == SyncRules(("bob@partner.example",), ("plan",))


def test_the_plan_fetches_new_and_failed_files_oldest_first_and_notes_expired_messages_once() -> None:
    inbox = [
        message("new", day=21, files=("a", "b")),
        message("old", day=19, files=("c", "d")),
        message("done", day=18, files=("e",)),
        message("expired", expires=date(2026, 11, 21)),
        message("expired-noted", expires=date(2026, 11, 1)),
        message("expired-but-fetched", expires=date(2026, 11, 1), files=("g",)),
    ]
    journal = JournalView(
        messages={"expired-noted": MessageRecord("expired-noted", Path("/s/x"), EXPIRED, "noted")},
        files={("old", "c"): record("old", "c", FETCHED), ("old", "d"): record("old", "d", FAILED),
               ("done", "e"): record("done", "e", FETCHED),
               ("expired-but-fetched", "g"): record("expired-but-fetched", "g", FETCHED)},
    )

    planned = plan(inbox, journal, SyncRules(), TODAY)

    assert [(step.message.id, [f.id for f in step.files]) for step in planned.fetch] == [
        ("old", ["d"]), ("new", ["a", "b"])]
    assert [expired.id for expired in planned.expired] == ["expired"]
