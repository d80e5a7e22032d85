"""One sync pass: the inbox, a plan, verified downloads into the sync folder, and a ``SyncReport``.

Every file goes through ``lfdesktop.transfer.download`` (checksums verified, a used one-time URL renewed from
the message, nothing overwritten), directly (the CLI) or through the app's transfer queue (``queued``: shown in
its list, paused with the rest, within the bandwidth limit), and is written to the journal as soon as it has
its name. A pass that was
killed between the two finds the verified file under its name next time and takes it as fetched rather
than fetching it again; a ``.part`` it left behind is removed.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import ApiError, AuthError, NetworkError, NotFound
from lfdesktop.api.models import Message, MessageFile
from lfdesktop.transfer.checksum import FileDigest, StreamHasher
from lfdesktop.transfer.download import PART_SUFFIX, DownloadResult, Renew, download
from lfdesktop.transfer.errors import Cancelled, TransferError
from lfdesktop.transfer.queue import TransferQueue
from lfdesktop.transfer.safenames import safe_filename, with_suffix

from .journal import FETCHED, Scope, SyncJournal
from .layout import message_folders
from .planner import MessagePlan, plan
from .report import SyncedFile, SyncedMessage, SyncReport
from .rules import SyncRules

BLOCK = 1024 * 1024

#: How one file is downloaded into its message's folder.
Fetch = Callable[[LiquidFilesClient, MessageFile, Path, Renew], Awaitable[DownloadResult]]


async def direct(client: LiquidFilesClient, file: MessageFile, folder: Path, renew: Renew) -> DownloadResult:
    return await download(client, file, folder, renew=renew)


def queued(queue: TransferQueue) -> Fetch:
    """Downloads through ``queue``. One the user cancels in the transfer list is a failure of that file
    (``Cancelled``: tried again next pass); a pass that is itself cancelled cancels its download too."""

    async def fetch(client: LiquidFilesClient, file: MessageFile, folder: Path, renew: Renew) -> DownloadResult:
        transfer_id = queue.download(client, file, folder, renew=renew)
        try:
            result = await queue.result(transfer_id)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                queue.cancel(transfer_id)
                raise
            raise Cancelled(f"{file.filename}: cancelled in the transfer list") from None
        assert isinstance(result, DownloadResult)
        return result

    return fetch


@dataclass(frozen=True)
class SyncTarget:
    """One account's sync: its client, the journal, where files go and which messages."""

    client: LiquidFilesClient
    account: str  # the account's email: with the server, whose journal entries these are
    journal: SyncJournal
    folder: Path
    rules: SyncRules = field(default_factory=SyncRules)
    fetch: Fetch = direct

    @property
    def scope(self) -> Scope:
        return Scope(self.client.server_url, self.account.casefold())


async def sync_pass(target: SyncTarget, *, today: date | None = None) -> SyncReport:
    """Fetch what is new. A server that cannot be reached while reading the inbox raises ``NetworkError``
    (the caller is offline); one lost mid-way ends the pass with ``report.stopped`` set. A rejected key raises
    ``AuthError``. Every other failure is in ``report.errors`` (once per pass), and its file is tried again next
    pass, unless the server said it is gone (deleted by its sender, out of downloads)."""
    client, journal, scope = target.client, target.journal, target.scope
    report = SyncReport(client.server_url, target.account, target.folder)
    inbox = await client.inbox()
    todo = plan(inbox, await journal.view(scope), target.rules, today or datetime.now(UTC).date())
    for message in todo.expired:
        note = _expired_note(message)
        await journal.expired(scope, message, message_folders(target.folder, message), note)
        report.notes.append(note)
    for step in todo.fetch:
        try:
            await _fetch_message(target, step, report)
        except NetworkError as error:
            if not error.retryable:
                raise
            report.stopped = str(error)
            break
    return report


async def fetch_deleted_again(target: SyncTarget) -> int:
    """Files fetched earlier and deleted from the sync folder since are fetched by the next pass (the user asked
    for them: sync never fetches a deleted file again on its own). How many there are."""
    scope = target.scope
    view = await target.journal.view(scope)
    deleted = await asyncio.to_thread(
        lambda: [record.key for record in view.files.values()
                 if record.state == FETCHED and record.local_path is not None and not record.local_path.exists()]
    )
    await target.journal.forget(scope, deleted)
    return len(deleted)


async def _fetch_message(target: SyncTarget, step: MessagePlan, report: SyncReport) -> None:
    message = step.message
    record = await target.journal.take_on(target.scope, message, message_folders(target.folder, message))
    synced = SyncedMessage(message.id, message.sender, message.subject, message.url, record.folder)
    for file in step.files:
        try:
            fetched = await _fetch_file(target, message, file, record.folder)
        except (ApiError, TransferError) as error:
            if isinstance(error, AuthError) or (isinstance(error, NetworkError) and not error.retryable):
                raise  # a rejected key, an untrusted certificate: no other file would do better
            gone = isinstance(error, NotFound)  # even after a fresh URL: deleted, or out of downloads
            await target.journal.failed(target.scope, message.id, file, str(error), gone=gone)
            report.add_error(file.filename, error)
            if isinstance(error, NetworkError):
                raise  # the server went away (after the download's own retries): the pass ends here
            continue
        if not synced.files:
            report.messages.append(synced)
        synced.files.append(fetched)


async def _fetch_file(target: SyncTarget, message: Message, file: MessageFile, folder: Path) -> SyncedFile:
    name = safe_filename(file.filename)
    found = await asyncio.to_thread(_left_by_a_killed_pass, folder, name, file)
    if found is not None:
        path, digest, verified = found
    else:
        renew = partial(target.client.message_file, message.id, file.id)  # a fresh one-time URL
        result = await target.fetch(target.client, file, folder, renew)
        path, digest, verified = result.path, result.digest, result.verified
    await target.journal.fetched(target.scope, message.id, file, path, digest.sha256)
    return SyncedFile(path, digest.size, digest.sha256, verified)


def _left_by_a_killed_pass(folder: Path, name: str, file: MessageFile) -> tuple[Path, FileDigest, bool] | None:
    """The file, verified under its name, when a pass was killed after the download and before the journal;
    a ``.part`` such a pass left is removed (the sync folder's parts are sync's own)."""
    (folder / with_suffix(name, PART_SUFFIX)).unlink(missing_ok=True)
    path = folder / name
    if not file.checksum or not path.is_file() or path.stat().st_size != file.size:
        return None
    hasher = StreamHasher()
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            hasher.update(block)
    digest = hasher.digest()
    return (path, digest, True) if digest.sha256 == file.checksum else None


def _expired_note(message: Message) -> str:
    subject = message.subject or "(no subject)"
    return (f"Skipped {subject!r} from {message.sender}: it expired on {message.expires_at} "
            "before its files were fetched")
