"""One sync pass over many new messages, then the pass that finds nothing new: how long each takes.

    python bench/sync_pass.py [--messages 50] [--files 4] [--file-kib 512] [--queued]

Starts the real sandbox with a temporary data dir; Bob sends Alice ``--messages`` messages of ``--files``
random files each (untimed, through the API). Then Alice's sync engine runs a first pass (everything new:
inbox, plan, verified downloads, journal) and a second one (nothing to fetch: inbox, plan, journal read),
in this process. ``--queued`` downloads through a ``TransferQueue`` as the desktop app does (its files show in
the transfer list), instead of directly as ``lfdesktop sync`` does. Prints figures; asserts nothing on time.
"""

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

from common import MB

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.sync.engine import SyncTarget, direct, queued, sync_pass
from lfdesktop.sync.journal import SyncJournal
from lfdesktop.transfer.queue import TransferQueue
from tests.sandbox.helpers import send_message, upload_attachment
from tests.sandboxproc import ALICE, BOB, SandboxProcess, start_sandbox


def fill(sandbox: SandboxProcess, messages: int, files: int, size: int) -> None:
    generator = random.Random(1)
    with sandbox.client(BOB) as bob:
        for number in range(messages):
            ids = [upload_attachment(bob, f"m{number}-f{index}.bin", generator.randbytes(size))["id"]
                   for index in range(files)]
            send_message(bob, recipients=[ALICE.email], subject=f"Batch {number}", attachments=ids)


async def passes(sandbox: SandboxProcess, work: Path, through_queue: bool) -> tuple[tuple[float, int, int], float]:
    journal = await SyncJournal.open(work / "data")
    queue = TransferQueue()
    try:
        async with LiquidFilesClient.connect(sandbox.url, ALICE.api_key) as alice:
            fetch = queued(queue) if through_queue else direct
            target = SyncTarget(alice, ALICE.email, journal, work / "Synced", fetch=fetch)
            started = time.perf_counter()
            first = await sync_pass(target)
            first_seconds = time.perf_counter() - started
            started = time.perf_counter()
            second = await sync_pass(target)
            second_seconds = time.perf_counter() - started
    finally:
        await queue.aclose()
        await journal.aclose()
    assert not first.errors and not second.files
    return (first_seconds, len(first.files), first.bytes), second_seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--file-kib", type=int, default=512)
    parser.add_argument("--queued", action="store_true", help="through a TransferQueue, as the desktop app does")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lfdesktop-bench-sync-") as temp:
        work = Path(temp)
        sandbox = start_sandbox(work / "sandbox")
        try:
            fill(sandbox, args.messages, args.files, args.file_kib * 1024)
            (first_seconds, files, size), second_seconds = asyncio.run(passes(sandbox, work, args.queued))
        finally:
            sandbox.stop()
    print(f"inbox: {args.messages} new messages, {files} files of {args.file_kib} KiB ({size / MB:.1f} MB)")
    rate = f"{files / first_seconds:.1f} files/s, {size / MB / first_seconds:.1f} MB/s"
    how = "through the transfer queue" if args.queued else "direct"
    print(f"first pass ({how}): {first_seconds:.2f} s, {rate} (verified, journaled one by one)")
    print(f"second pass (nothing new): {second_seconds * 1000:.0f} ms for {args.messages} known messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
