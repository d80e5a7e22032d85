"""The Files pane with thousands of attachments, some still being scanned: the list made usable, and polling.

    python bench/files_scale.py [--files 5000] [--processing 50]

Starts the real sandbox and fills it through its SQLite (the schema is ``lfdesktop/sandbox/store.py``):
``--files`` attachments of the bench user, ``--processing`` of them still being scanned for a minute. Then, in
this process, the Files pane is shown (offscreen unless a display is set) signed in as the bench user, and
timed: the listing (request and records), the model reset with the first paint of the table ("usable" is the
two together), selecting a row (the detail panel), and one polling round over the files still being processed
(one request each) with the longest stall of the event loop meanwhile (a 5 ms ticker measures it). Asserts
nothing.
"""

import argparse
import asyncio
import os
import secrets
import string
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from common import BENCH_USER, StallMeter
from PySide6.QtWidgets import QApplication

from lfdesktop.accounts.paths import HOME_VARIABLE, AppPaths
from lfdesktop.accounts.secrets import SecretStore
from lfdesktop.accounts.settings import Settings
from lfdesktop.qt.context import opened
from lfdesktop.qt.signin import sign_in_with_key
from lfdesktop.ui.files import FilesPane
from lfdesktop.ui.theme import apply_theme
from tests.sandboxproc import SandboxProcess, start_sandbox

ALPHABET = string.ascii_letters + string.digits
NAMES = ("report", "photos", "contract", "invoice", "plans", "minutes", "drawing", "export")
EXTENSIONS = (("pdf", "application/pdf"), ("zip", "application/zip"), ("jpg", "image/jpeg"), ("csv", "text/csv"))


def _id() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(22))


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def fill(sandbox: SandboxProcess, count: int, processing: int) -> None:
    now = datetime.now(UTC)
    rows = []
    for number in range(count):
        extension, content_type = EXTENSIONS[number % len(EXTENSIONS)]
        created = now - timedelta(minutes=number * 7)
        scanned = now + timedelta(minutes=1) if number < processing else created + timedelta(seconds=2)
        rows.append((_id(), BENCH_USER.user_id, f"{NAMES[number % len(NAMES)]} {number}.{extension}",
                     1000 + number * 37, content_type, secrets.token_hex(32), f"{number:x}", 1, 0, None,
                     _iso(created), _iso(scanned)))
    with sandbox.db() as db:
        db.executemany(
            "INSERT INTO attachments (id, user_id, filename, size, content_type, checksum, crc32,"
            " virus_scan_required, content_blocked, content_blocked_message, created_at, processed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


async def measure(url: str, paths: AppPaths) -> dict[str, float]:
    async with opened(paths, Settings(), SecretStore.session_only()) as context:
        signed_in = await sign_in_with_key(context.sessions, url, BENCH_USER.api_key)
        pane = FilesPane(context)
        pane.resize(1280, 800)
        pane.show()
        controller = pane.controller
        controller._timer.stop()  # polling is timed on its own below
        while controller.loading or not controller.items:  # noqa: ASYNC110 (the pane's own first fetch: warms up)
            await asyncio.sleep(0.05)

        started = time.perf_counter()
        items = await signed_in.client.attachments()
        answered = time.perf_counter()
        controller.items = items
        controller.listed.emit()
        pane.table.viewport().repaint()
        painted = time.perf_counter()
        pane.select(items[len(items) // 2].id)
        pane.details.repaint()
        selected = time.perf_counter()

        with StallMeter() as stalls:
            begin = time.perf_counter()
            controller._polling = True  # one round, as the timer starts it
            await controller._poll_processing(signed_in)
            polled = time.perf_counter()
        return {"listing": answered - started, "reset and paint": painted - answered,
                "select": selected - painted, "poll round": polled - begin, "longest stall": stalls.longest}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--processing", type=int, default=50)
    options = parser.parse_args()
    app = QApplication(sys.argv[:1])
    apply_theme(app, "light")
    with tempfile.TemporaryDirectory(prefix="lfdesktop-files-bench-") as tmp:
        sandbox = start_sandbox(Path(tmp) / "sandbox", accounts=(BENCH_USER,))
        try:
            fill(sandbox, options.files, options.processing)
            paths = AppPaths.from_environment({HOME_VARIABLE: str(Path(tmp) / "home")})
            loop = qasync.QEventLoop(app)
            asyncio.set_event_loop(loop)
            with loop:
                figures = loop.run_until_complete(measure(sandbox.url, paths))
        finally:
            sandbox.stop()
    print(f"{options.files} attachments, {options.processing} being processed")
    for name, seconds in figures.items():
        print(f"  {name:<16} {seconds * 1000:8.1f} ms")
    usable = figures["listing"] + figures["reset and paint"]
    print(f"  usable (listing + reset and paint): {usable * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
