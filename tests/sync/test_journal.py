"""The sync journal survives a reopen (a restart), and a damaged file costs only what it remembered."""

from datetime import UTC, datetime
from pathlib import Path

from lfdesktop.api.models import Message, MessageFile
from lfdesktop.sync.journal import FETCHED, FILENAME, OPEN, Scope, SyncJournal
from tests.sync.helpers import listing

SCOPE = Scope("https://files.example.com", "alice@example.com")
FILE = MessageFile("f1", "a.bin", 3, "application/octet-stream", "abc", "1", None, "https://x/f1")


def message(message_id: str) -> Message:
    return Message(
        id=message_id, sender="bob@partner.example", recipients=(), ccs=(), bccs=(), subject="S", message=None,
        created_at=datetime(2026, 11, 22, tzinfo=UTC), expires_at=None, expires_after=0, authorization=3,
        authorization_description="", private_message=False, size=3, url="https://x/m", attachments=(FILE,),
    )


async def test_what_was_fetched_and_the_folders_chosen_survive_a_restart(tmp_path: Path) -> None:
    journal = await SyncJournal.open(tmp_path)
    folders = [tmp_path / "S", tmp_path / "S (1)"]
    first = await journal.take_on(SCOPE, message("m1"), iter(folders))
    second = await journal.take_on(SCOPE, message("m2"), iter(folders))  # the first folder is taken
    await journal.fetched(SCOPE, "m1", FILE, first.folder / "a.bin", "abc")
    await journal.aclose()

    reopened = await SyncJournal.open(tmp_path)
    view = await reopened.view(SCOPE)
    assert (await reopened.take_on(SCOPE, message("m1"), iter([tmp_path / "elsewhere"]))) == first
    await reopened.aclose()

    assert (first.folder, second.folder, first.state) == (folders[0], folders[1], OPEN)
    [record] = view.files.values()
    assert (record.key, record.state, record.local_path) == (("m1", "f1"), FETCHED, folders[0] / "a.bin")
    assert set(view.messages) == {"m1", "m2"}


async def test_a_damaged_journal_is_moved_aside_and_a_fresh_one_starts(tmp_path: Path) -> None:
    (tmp_path / FILENAME).write_bytes(b"this is not a database" * 100)

    journal = await SyncJournal.open(tmp_path)
    view = await journal.view(SCOPE)
    await journal.aclose()

    assert view.messages == {} and view.files == {}
    assert [name.startswith(f"{FILENAME}.damaged-") for name in listing(tmp_path)].count(True) == 1
