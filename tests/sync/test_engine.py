"""One sync pass against the real sandbox: what another user sends lands verified in its folder, once; rules,
expiry, local deletions, hostile names and a pass killed mid-way."""

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.models import MessageFile
from lfdesktop.sync.engine import SyncTarget, fetch_deleted_again, queued, sync_pass
from lfdesktop.sync.journal import FAILED, FETCHED, Scope, SyncJournal
from lfdesktop.sync.report import CANCELLED, MISMATCH
from lfdesktop.sync.rules import SyncRules
from lfdesktop.transfer.download import DownloadResult, Renew, download
from lfdesktop.transfer.events import ChecksumState, Direction, TransferProgress, TransferSnapshot, TransferState
from lfdesktop.transfer.queue import TransferQueue
from tests.sandboxproc import ADMIN, ALICE, BOB, SandboxProcess
from tests.sync.helpers import downloads_of, folder_of, listing, payload, send, tree


@pytest.fixture
def server(fresh_sandbox: Callable[..., SandboxProcess]) -> SandboxProcess:
    """A sandbox of the test's own: Alice's inbox holds only what the test sends."""
    return fresh_sandbox()


@pytest.fixture
async def journal(tmp_path: Path) -> AsyncIterator[SyncJournal]:
    opened = await SyncJournal.open(tmp_path / "data")
    yield opened
    await opened.aclose()


@pytest.fixture
async def alice(server: SandboxProcess) -> AsyncIterator[LiquidFilesClient]:
    async with LiquidFilesClient.connect(server.url, ALICE.api_key) as client:
        yield client


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "Synced"


def target(alice: LiquidFilesClient, journal: SyncJournal, folder: Path, rules: SyncRules | None = None) -> SyncTarget:
    return SyncTarget(alice, ALICE.email, journal, folder, rules or SyncRules())


async def test_a_message_from_another_user_lands_verified_in_its_folder_and_a_second_pass_fetches_nothing(
    server: SandboxProcess, alice: LiquidFilesClient, journal: SyncJournal, folder: Path
) -> None:
    files = {"report.pdf": payload(1), "figures.xlsx": payload(2, 70_000)}
    sent = send(server, BOB, "Q3 report", files)

    watched: list[TransferProgress] = []

    async def watching(client: LiquidFilesClient, file: MessageFile, where: Path, renew: Renew) -> DownloadResult:
        watched.append(TransferProgress(Direction.DOWNLOAD, file.filename, size=file.size))
        return await download(client, file, where, renew=renew, progress=watched[-1])

    report = await sync_pass(replace(target(alice, journal, folder), fetch=watching))

    where = folder_of(sent)
    assert tree(folder) == {f"{where}/{name}": data for name, data in files.items()}
    assert [(p.name, p.state, p.checksum, p.done) for p in watched] == [
        (name, TransferState.DONE, ChecksumState.VERIFIED, len(data)) for name, data in files.items()]
    assert report.summary() == "1 new message, 2 files from bob@partner.example"
    assert report.bytes == sum(map(len, files.values()))
    assert report.errors == {} and report.notes == [] and report.stopped is None
    [message] = report.messages
    assert (message.id, message.url, message.folder) == (sent["id"], sent["url"], folder / where)
    assert [(file.path.name, file.verified, file.sha256) for file in message.files] == [
        (name, True, hashlib.sha256(data).hexdigest()) for name, data in files.items()
    ]
    view = await journal.view(Scope(server.url, ALICE.email))
    assert {record.state for record in view.files.values()} == {FETCHED}
    assert downloads_of(server, sent["id"]) == 2

    again = await sync_pass(target(alice, journal, folder))

    assert again.messages == [] and again.summary() == "Nothing new"
    assert downloads_of(server, sent["id"]) == 2
    assert tree(folder) == {f"{where}/{name}": data for name, data in files.items()}


async def test_only_what_is_new_is_fetched_and_messages_alike_get_folders_of_their_own(
    server: SandboxProcess, alice: LiquidFilesClient, journal: SyncJournal, folder: Path
) -> None:
    first = send(server, BOB, "Weekly", {"notes.txt": payload(3)})
    await sync_pass(target(alice, journal, folder))
    second = send(server, BOB, "Weekly", {"notes.txt": payload(4)})

    report = await sync_pass(target(alice, journal, folder))

    assert [message.id for message in report.messages] == [second["id"]]
    assert (downloads_of(server, first["id"]), downloads_of(server, second["id"])) == (1, 1)
    assert tree(folder) == {
        f"{folder_of(first)}/notes.txt": payload(3), f"{folder_of(second)} (1)/notes.txt": payload(4),
    }


async def test_a_file_deleted_locally_is_not_fetched_again_unless_asked(
    server: SandboxProcess, alice: LiquidFilesClient, journal: SyncJournal, folder: Path
) -> None:
    sent = send(server, BOB, "Keep or not", {"a.bin": payload(5), "b.bin": payload(6)})
    await sync_pass(target(alice, journal, folder))
    (folder / folder_of(sent) / "a.bin").unlink()

    assert (await sync_pass(target(alice, journal, folder))).messages == []
    assert downloads_of(server, sent["id"]) == 2

    assert await fetch_deleted_again(target(alice, journal, folder)) == 1
    report = await sync_pass(target(alice, journal, folder))

    assert [file.path.name for file in report.files] == ["a.bin"]
    assert tree(folder) == {f"{folder_of(sent)}/a.bin": payload(5), f"{folder_of(sent)}/b.bin": payload(6)}


async def test_rules_choose_senders_and_subjects(
    server: SandboxProcess, alice: LiquidFilesClient, journal: SyncJournal, folder: Path
) -> None:
    wanted = send(server, BOB, "Invoice 7", {"invoice.pdf": payload(7)})
    other_subject = send(server, BOB, "Holiday photos", {"beach.jpg": payload(8)})
    other_sender = send(server, ADMIN, "INVOICE 9", {"invoice9.pdf": payload(9)})

    report = await sync_pass(target(alice, journal, folder, SyncRules((BOB.email.upper(),), ("invoice",))))

    assert [message.id for message in report.messages] == [wanted["id"]]
    assert tree(folder) == {f"{folder_of(wanted)}/invoice.pdf": payload(7)}

    by_subject = await sync_pass(target(alice, journal, folder, SyncRules(subjects=("invoice", "photos"))))

    assert [message.id for message in by_subject.messages] == [other_subject["id"], other_sender["id"]]
    assert downloads_of(server, wanted["id"]) == 1


async def test_an_expired_message_is_skipped_with_a_note_said_once(
    server: SandboxProcess, alice: LiquidFilesClient, journal: SyncJournal, folder: Path
) -> None:
    sent = send(server, BOB, "Too late", {"old.bin": payload(10)})
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    with server.db() as db:
        db.execute("UPDATE messages SET expires_at = ? WHERE id = ?", (yesterday, sent["id"]))

    report = await sync_pass(target(alice, journal, folder))

    assert report.messages == [] and report.errors == {}
    assert report.notes == [
        f"Skipped 'Too late' from bob@partner.example: it expired on {yesterday} before its files were fetched"
    ]
    assert downloads_of(server, sent["id"]) == 0
    assert (await sync_pass(target(alice, journal, folder))).notes == []
    assert tree(folder) == {}


async def test_hostile_server_names_land_safely_inside_the_sync_folder(
    server: SandboxProcess, alice: LiquidFilesClient, journal: SyncJournal, folder: Path, tmp_path: Path
) -> None:
    sent = send(server, BOB, "../../../escape", {"../../.bashrc": payload(11), "CON.txt": payload(12),
                                                   "a\u202egpj.exe": payload(13)})
    with server.db() as db:
        db.execute("UPDATE messages SET sender_email = ? WHERE id = ?", ("../..", sent["id"]))

    report = await sync_pass(target(alice, journal, folder))

    assert report.errors == {}
    day = datetime.fromisoformat(sent["created_at"].replace("Z", "+00:00")).astimezone().date()
    where = f"_/{day.isoformat()} .._.._.._escape"
    assert tree(folder) == {f"{where}/bashrc": payload(11), f"{where}/_CON.txt": payload(12),
                            f"{where}/agpj.exe": payload(13)}
    assert listing(tmp_path) == ["Synced", "data", "sandbox0"]  # nothing landed next to the sync folder


async def test_a_pass_killed_between_download_and_journal_takes_the_verified_file_without_fetching_it_again(
    server: SandboxProcess, alice: LiquidFilesClient, journal: SyncJournal, folder: Path
) -> None:
    sent = send(server, BOB, "Crash window", {"done.bin": payload(14), "half.bin": payload(15)})
    where = folder / folder_of(sent)
    message = await alice.message(sent["id"])
    done = message.attachments[0]
    await download(alice, done, where)  # the killed pass got this far with the first file...
    (where / "half.bin.part").write_bytes(payload(15)[:1000])  # ...and was writing the second

    report = await sync_pass(target(alice, journal, folder))

    assert [(file.path.name, file.verified) for file in report.files] == [("done.bin", True), ("half.bin", True)]
    assert downloads_of(server, sent["id"]) == 2  # the first file once (before the "kill"), the second once
    assert tree(folder) == {f"{folder_of(sent)}/done.bin": payload(14), f"{folder_of(sent)}/half.bin": payload(15)}


async def test_failures_are_grouped_by_cause_and_tried_again_next_pass(
    server: SandboxProcess, alice: LiquidFilesClient, journal: SyncJournal, folder: Path
) -> None:
    files = {"one.bin": payload(16), "two.bin": payload(17), "fine.bin": payload(18)}
    sent = send(server, BOB, "Tampered", files)
    message = await alice.message(sent["id"])
    blobs = {file.filename: server.data_dir / "blobs" / file.id for file in message.attachments}
    for name in ("one.bin", "two.bin"):
        blobs[name].write_bytes(b"X" + files[name][1:])  # a hostile server: same size, other bytes

    report = await sync_pass(target(alice, journal, folder))

    assert [file.path.name for file in report.files] == ["fine.bin"]
    assert list(report.errors) == [MISMATCH]
    assert [line.split(":")[0] for line in report.errors[MISMATCH]] == ["one.bin", "two.bin"]
    [line] = report.error_summary()
    assert line.startswith(f"{MISMATCH} (2 files): one.bin: ")
    view = await journal.view(Scope(server.url, ALICE.email))
    assert sorted((record.filename, record.state) for record in view.files.values()) == [
        ("fine.bin", FETCHED), ("one.bin", FAILED), ("two.bin", FAILED)]

    for name in ("one.bin", "two.bin"):
        blobs[name].write_bytes(files[name])
    retried = await sync_pass(target(alice, journal, folder))

    assert sorted(file.path.name for file in retried.files) == ["one.bin", "two.bin"]
    assert retried.errors == {}
    assert tree(folder) == {f"{folder_of(sent)}/{name}": data for name, data in files.items()}


async def test_files_the_sender_deleted_are_said_once_and_not_tried_again(
    server: SandboxProcess, alice: LiquidFilesClient, journal: SyncJournal, folder: Path
) -> None:
    sent = send(server, BOB, "Withdrawn", {"gone.bin": payload(19)})
    with server.client(BOB) as bob:
        assert bob.delete(f"/message/{sent['id']}/delete_attachments").status_code == 200

    report = await sync_pass(target(alice, journal, folder))

    assert report.messages == []
    assert report.error_summary() == [
        "No longer on the server (1 file): gone.bin: No longer available: The files of this message have been "
        "deleted by its sender"]
    again = await sync_pass(target(alice, journal, folder))
    assert (again.errors, again.messages) == ({}, [])


class HeldQueue(TransferQueue):
    """Paused from the start, so that a test can act on a download before it runs; says when one is added."""

    def __init__(self) -> None:
        self.added = asyncio.Event()
        super().__init__(listener=lambda _: self.added.set())
        self.pause()

    async def first_transfer(self) -> TransferSnapshot:
        await self.added.wait()
        return self.snapshot()[0]


async def test_through_the_transfer_queue_files_show_in_its_list_and_one_cancelled_there_comes_next_pass(
    server: SandboxProcess, alice: LiquidFilesClient, journal: SyncJournal, folder: Path
) -> None:
    files = {"first.bin": payload(30), "second.bin": payload(31)}
    sent = send(server, BOB, "Through the queue", files)
    queue = HeldQueue()
    through_queue = replace(target(alice, journal, folder), fetch=queued(queue))
    running = asyncio.create_task(sync_pass(through_queue))
    cancelled = await queue.first_transfer()  # the user cancels it in the transfer list
    queue.cancel(cancelled.id)
    queue.resume()

    report = await running

    assert cancelled.name == "first.bin"
    assert [(s.name, s.state) for s in queue.snapshot()] == [
        ("first.bin", TransferState.CANCELLED), ("second.bin", TransferState.DONE)]
    assert report.errors == {CANCELLED: ["first.bin: first.bin: cancelled in the transfer list"]}
    assert [file.path.name for file in report.files] == ["second.bin"]

    again = await sync_pass(through_queue)

    assert [file.path.name for file in again.files] == ["first.bin"] and again.errors == {}
    assert tree(folder) == {f"{folder_of(sent)}/{name}": data for name, data in files.items()}
    await queue.aclose()


async def test_a_pass_cancelled_while_its_file_is_queued_cancels_that_download(
    server: SandboxProcess, alice: LiquidFilesClient, journal: SyncJournal, folder: Path
) -> None:
    send(server, BOB, "Stopped", {"held.bin": payload(32)})
    queue = HeldQueue()
    running = asyncio.create_task(sync_pass(replace(target(alice, journal, folder), fetch=queued(queue))))
    held = await queue.first_transfer()

    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    await asyncio.sleep(0)  # the queue's task takes the cancellation on its next step

    assert [(s.id, s.state) for s in queue.snapshot()] == [(held.id, TransferState.CANCELLED)]
    assert tree(folder) == {}
    await queue.aclose()
