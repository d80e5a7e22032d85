"""``TransferQueue``: every upload and download of the app, with a concurrency limit across files, pause /
resume / cancel per transfer and for all, one optional bandwidth limit shared by all, and snapshots for the UI.

Pausing stops a transfer between blocks (its connection stays open, so it resumes where it was); a paused
transfer that has not started yet does not take a slot. Cancelling an upload keeps its journal entry, so the
same file uploaded again later sends only the pieces still missing. A failed or cancelled transfer can be
retried in place: same id, progress reset, started again the way it was first started (an upload through the
journal, so only its missing pieces go).
"""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.models import MessageFile

from .checksum import FileStamp
from .download import DownloadResult, Renew, download
from .events import Direction, Listener, TransferProgress, TransferSnapshot, TransferState
from .safenames import safe_filename
from .throttle import TokenBucket, Valve
from .upload import Uploader, UploadResult

Result = UploadResult | DownloadResult


@dataclass
class _Transfer:
    progress: TransferProgress
    valve: Valve
    start: Callable[..., Awaitable[Result]]  # the engine's call, given ``admit``: kept to run it again on retry
    task: "asyncio.Task[Result] | None" = None


class TransferQueue:
    def __init__(
        self, *, concurrency: int = 2, bandwidth: float | None = None, listener: Listener | None = None,
        clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """``bandwidth`` in bytes per second for all transfers together (None: no limit); ``listener`` hears
        of every state change (never of single blocks); ``clock`` and ``sleep`` drive speeds and the limit."""
        self._slots = asyncio.Semaphore(concurrency)
        self._valve = Valve()
        self._transfers: dict[int, _Transfer] = {}
        self._listener = listener
        self._clock = clock
        self._sleep = sleep
        self._bucket: TokenBucket | None = None
        self.set_bandwidth(bandwidth)

    # ---- adding work ----

    def upload(self, uploader: Uploader, path: Path, *, link: bool = False) -> int:
        progress = self._progress(Direction.UPLOAD, path.name, source=path.absolute())
        return self._add(progress, partial(uploader.upload, path, link=link, progress=progress))

    def download(
        self, client: LiquidFilesClient, file: MessageFile, folder: Path, *, renew: Renew | None = None
    ) -> int:
        """Download ``file`` into ``folder`` (the snapshot's ``source``; the saved path is its ``result``)."""
        progress = self._progress(Direction.DOWNLOAD, safe_filename(file.filename), file.size, folder.absolute())
        return self._add(progress, partial(download, client, file, folder, renew=renew, progress=progress))

    async def resume_unfinished(self, uploader: Uploader) -> list[int]:
        """Queue the uploads of this account that an earlier run left unfinished, where the file is unchanged."""
        if uploader.journal is None:
            return []
        entries = await uploader.journal.unfinished(uploader.client.server_url, uploader.account)
        ids = []
        for entry in entries:
            target = entry.target
            if await asyncio.to_thread(_unchanged, Path(target.path), FileStamp(target.size, target.mtime_ns)):
                ids.append(self.upload(uploader, Path(target.path), link=target.link))
        return ids

    # ---- control ----

    def pause(self, transfer_id: int | None = None) -> None:
        """Pause one transfer, or all (``None``)."""
        self._valve_of(transfer_id).close()
        self._show_paused()

    def resume(self, transfer_id: int | None = None) -> None:
        self._valve_of(transfer_id).open()
        self._show_paused()

    def cancel(self, transfer_id: int | None = None) -> None:
        """Cancel one transfer, or all (``None``)."""
        chosen = self._transfers.values() if transfer_id is None else [self._transfers[transfer_id]]
        for transfer in chosen:
            if transfer.task is not None:
                transfer.task.cancel()

    def retry(self, transfer_id: int) -> None:
        """Start a failed or cancelled transfer again under the same id, from a reset progress. It is no longer
        paused on its own (the user asked for it to run); a pause of all still holds it. ValueError for a
        transfer that is not failed or cancelled."""
        transfer = self._transfers[transfer_id]
        state = transfer.progress.state
        if state not in (TransferState.FAILED, TransferState.CANCELLED):
            raise ValueError(f"only a failed or cancelled transfer can be retried; this one is {state}")
        transfer.progress.reset()
        transfer.valve.open()
        transfer.progress.set_paused(not self._flowing(transfer))
        self._launch(transfer)

    def remove(self, transfer_id: int) -> None:
        """Forget one finished transfer (done, failed or cancelled); ValueError while it is still going."""
        state = self._transfers[transfer_id].progress.state
        if not state.finished:
            raise ValueError(f"a transfer that is {state} cannot be removed: cancel it first")
        del self._transfers[transfer_id]

    def set_bandwidth(self, bytes_per_second: float | None) -> None:
        if not bytes_per_second:
            self._bucket = None
        elif self._bucket is None:
            self._bucket = TokenBucket(bytes_per_second, clock=self._clock, sleep=self._sleep)
        else:
            self._bucket.set_rate(bytes_per_second)

    def clear_finished(self) -> None:
        """Forget transfers that are done, failed or cancelled (the UI's "clear" button)."""
        for transfer_id, transfer in list(self._transfers.items()):
            if transfer.progress.state.finished:
                del self._transfers[transfer_id]

    async def aclose(self) -> None:
        """Cancel everything and wait until it stopped (the app's ordered shutdown)."""
        self.cancel()
        tasks = [transfer.task for transfer in self._transfers.values() if transfer.task is not None]
        await asyncio.gather(*tasks, return_exceptions=True)

    # ---- reading ----

    def snapshot(self) -> list[TransferSnapshot]:
        return [transfer.progress.snapshot() for transfer in self._transfers.values()]

    async def watch(self, interval: float = 0.5) -> AsyncIterator[list[TransferSnapshot]]:
        """Snapshots of all transfers every ``interval`` seconds, for as long as the caller reads."""
        while True:
            yield self.snapshot()
            await asyncio.sleep(interval)

    async def result(self, transfer_id: int) -> Result:
        """Wait for a transfer's current attempt: its result, or the error that ended it (waiting is not
        cancelling). A retry is a new attempt: whoever was waiting for the one before sees how that one ended;
        call again after ``retry`` to wait for the new one."""
        task = self._transfers[transfer_id].task
        assert task is not None
        return await asyncio.shield(task)

    # ---- inside ----

    def _progress(self, direction: Direction, name: str, size: int = 0, source: Path | None = None) -> TransferProgress:
        return TransferProgress(
            direction, name, size=size, listener=self._listener, clock=self._clock,
            source=None if source is None else str(source),
        )

    def _add(self, progress: TransferProgress, start: Callable[..., Awaitable[Result]]) -> int:
        transfer = _Transfer(progress, Valve(), start)
        self._transfers[progress.id] = transfer
        progress.set_paused(not self._flowing(transfer))  # added while all are paused: it shows as paused
        self._launch(transfer)
        return progress.id

    def _launch(self, transfer: _Transfer) -> None:
        # On a retry the attempt before is over: the engine sets a final state only after its clean-up, and
        # what is left of that task past it (leaving its slot) does not wait on anything.
        task = asyncio.create_task(self._run(transfer))
        task.add_done_callback(partial(self._ended, transfer))  # first in line: before anyone awaiting it
        transfer.task = task

    async def _run(self, transfer: _Transfer) -> Result:
        while not self._flowing(transfer):
            await self._open(transfer)  # paused before it started: it takes no slot
        async with self._slots:
            return await transfer.start(admit=partial(self._admit, transfer))

    @staticmethod
    def _ended(transfer: _Transfer, task: "asyncio.Task[Result]") -> None:
        if not task.cancelled():
            task.exception()  # the error is in the snapshot; retrieved here so asyncio does not log it again
        elif task is transfer.task and not transfer.progress.state.finished:
            # Cancelled before the engine ran (while queued, or before the task even started).
            transfer.progress.set_state(TransferState.CANCELLED)

    async def _admit(self, transfer: _Transfer, nbytes: int) -> None:
        while not self._flowing(transfer):
            await self._open(transfer)
        if self._bucket is not None:
            await self._bucket.take(nbytes)

    def _flowing(self, transfer: _Transfer) -> bool:
        return self._valve.is_open and transfer.valve.is_open

    async def _open(self, transfer: _Transfer) -> None:
        await self._valve.wait()
        await transfer.valve.wait()

    def _valve_of(self, transfer_id: int | None) -> Valve:
        return self._valve if transfer_id is None else self._transfers[transfer_id].valve

    def _show_paused(self) -> None:
        for transfer in self._transfers.values():
            transfer.progress.set_paused(not self._flowing(transfer))


def _unchanged(path: Path, stamp: FileStamp) -> bool:
    try:
        return FileStamp.of(path.stat()) == stamp
    except OSError:
        return False
