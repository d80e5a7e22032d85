"""One notification per sync pass, and each cause of trouble told at most once an hour."""

from pathlib import Path

import pytest

from lfdesktop.accounts.settings import account_key
from lfdesktop.api.errors import NetworkError, NotFound
from lfdesktop.sync.notify import Notification, Telling
from lfdesktop.sync.report import GONE, SyncedFile, SyncedMessage, SyncReport
from lfdesktop.transfer.errors import SaveError

ROOT = Path("/home/ann/Downloads/LiquidFiles")
SERVER = "https://files.example.com"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def message(number: int, sender: str, files: int) -> SyncedMessage:
    folder = ROOT / sender / f"2026-11-22 Report {number}"
    synced = SyncedMessage(f"m{number}", sender, f"Report {number}", f"{SERVER}/message/m{number}", folder)
    synced.files.extend(SyncedFile(folder / f"f{n}.pdf", 10, "0" * 64, True) for n in range(files))
    return synced


def report(*messages: SyncedMessage) -> SyncReport:
    return SyncReport(SERVER, "ann@example.com", ROOT, messages=list(messages))


def test_new_files_make_one_notification_that_opens_the_first_message() -> None:
    telling = Telling()
    many = report(message(1, "bob@partner.example", 2), message(2, "carol@contractor.example", 3))

    told = telling.about_pass(many)

    assert told == Notification(
        "2 new messages, 5 files from bob@partner.example and carol@contractor.example", f"Saved in {ROOT}",
        account=account_key(SERVER, "ann@example.com"), message_id="m1")
    one = telling.about_pass(report(message(3, "bob@partner.example", 1)))
    assert one is not None and one.body == f"Saved in {ROOT / 'bob@partner.example' / '2026-11-22 Report 3'}"


def test_a_folder_in_the_home_folder_is_shown_from_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    synced = SyncReport(SERVER, "ann@example.com", tmp_path / "Downloads" / "LiquidFiles")
    synced.messages.extend([message(1, "bob@partner.example", 1), message(2, "bob@partner.example", 1)])
    told = Telling().about_pass(synced)
    assert told is not None and told.body == "Saved in ~/Downloads/LiquidFiles"


def test_a_pass_with_nothing_new_tells_nothing() -> None:
    assert Telling().about_pass(report()) is None


def test_each_cause_of_trouble_is_told_once_an_hour_however_many_files_and_passes() -> None:
    clock = Clock()
    telling = Telling(clock=clock)

    def failing_pass() -> SyncReport:
        failed = report()
        for n in range(5):
            failed.add_error(f"f{n}.pdf", SaveError("No space left on device"))
        failed.add_error("old.pdf", NotFound("Gone"))
        return failed

    first = telling.about_pass(failing_pass())
    assert first is not None and first.problem
    assert first.body.splitlines() == [
        "Could not save into the sync folder (5 files): f0.pdf: No space left on device",
        f"{GONE} (1 file): old.pdf: Gone"]
    clock.now += 600
    assert telling.about_pass(failing_pass()) is None
    with_news = failing_pass()
    with_news.messages.append(message(4, "bob@partner.example", 1))
    news = telling.about_pass(with_news)
    assert news is not None and not news.problem and len(news.body.splitlines()) == 1  # the news, not the trouble
    clock.now += 3600
    again = telling.about_pass(failing_pass())
    assert again is not None and len(again.body.splitlines()) == 2


def test_a_failed_pass_is_told_once_per_reason_an_hour() -> None:
    clock = Clock()
    telling = Telling(clock=clock)
    refused = "The server refused the key"
    assert telling.about_failure(refused) == Notification("Sync stopped", refused, problem=True)
    assert telling.about_failure(refused) is None
    assert telling.about_failure(str(NetworkError("down", kind="refused"))) is not None
    clock.now += 3601
    assert telling.about_failure(refused) is not None


def test_expired_messages_are_mentioned_in_the_same_notification() -> None:
    expired = report(message(5, "bob@partner.example", 1))
    expired.notes.extend(["Skipped 'A' from x@y.z: it expired", "Skipped 'B' from x@y.z: it expired"])
    told = Telling().about_pass(expired)
    assert told is not None and told.body.splitlines()[-1] == "2 expired messages skipped"
