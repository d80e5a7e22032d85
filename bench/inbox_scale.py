"""The Inbox with 10,000 messages: time from the server's answer to a usable table, and scrolling.

    python bench/inbox_scale.py [--messages 10000] [--pages 200]

Starts the real sandbox and fills it through its SQLite directly (fast: the schema is
``lfdesktop/sandbox/store.py``): ``--messages`` messages to the bench user, each with one small file, from a
handful of senders, spread over the last 90 days. Then, in this process, the Inbox pane is shown (offscreen
unless a display is set) signed in as the bench user, and its list is fetched as the pane does, timed in steps:
the answer (request, body, JSON), the records read from it, the model filled and sorted (received, newest
first), and the first paint of the table. "Usable" is the last three together (target < 1 s). Before that,
the whole ``client.inbox()`` with the longest stall of the event loop meanwhile (decoding and reading a long
answer must not freeze the window). Then a sort by
subject, a search, and scrolling page by page with a synchronous repaint per page (each page's paint time is
what a user's scroll step costs). Asserts nothing.
"""

import argparse
import asyncio
import os
import secrets
import statistics
import string
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from common import BENCH_USER, StallMeter
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication

from lfdesktop.accounts.paths import HOME_VARIABLE, AppPaths
from lfdesktop.accounts.secrets import SecretStore
from lfdesktop.accounts.settings import Settings
from lfdesktop.api.client import INBOX
from lfdesktop.qt.context import opened
from lfdesktop.qt.message_model import Column
from lfdesktop.qt.signin import sign_in_with_key
from lfdesktop.ui.messages import InboxPane
from lfdesktop.ui.theme import apply_theme
from tests.sandboxproc import BOB, SandboxProcess, start_sandbox

SENDERS = ("bob@partner.example", "carol@contractor.example", "dave@supplier.example", "erin@agency.example")
WORDS = ("Quarterly", "figures", "contract", "draft", "photos", "invoice", "plans", "review", "final", "notes")
ALPHABET = string.ascii_letters + string.digits


def _id() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(22))


def fill(sandbox: SandboxProcess, count: int) -> None:
    """``count`` messages to the bench user, each with the same small file (uploaded once, through the API)."""
    with sandbox.client(BOB) as bob:
        answer = bob.post("/message/attachments/upload", params={"filename": "figures.csv"}, content=b"1,2,3\n" * 50)
        attachment_id = answer.json()["attachment"]["id"]
    now = datetime.now(UTC)
    rows, recipients, files = [], [], []
    for number in range(count):
        message_id = _id()
        created = now - timedelta(minutes=number * 13)
        subject = f"{WORDS[number % len(WORDS)]} {WORDS[(number * 7) % len(WORDS)]} #{number}"
        rows.append((message_id, "bench-sender", SENDERS[number % len(SENDERS)], subject,
                     f"Message {number}: see the attached figures.", created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                     (created + timedelta(days=14 + number % 60)).date().isoformat(), 0, 3, 0, 0, 1))
        recipients.append((message_id, BENCH_USER.email, "to", 0))
        files.append((message_id, attachment_id, 0))
    with sandbox.db() as db:
        db.executemany(
            "INSERT INTO messages (id, sender_id, sender_email, subject, message, created_at, expires_at,"
            " expires_after, authorization, private_message, send_email, bcc_myself)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO message_recipients (message_id, email, kind, position) VALUES (?, ?, ?, ?)",
                       recipients)
        db.executemany("INSERT INTO message_attachments (message_id, attachment_id, position) VALUES (?, ?, ?)",
                       files)


def paint(pane: InboxPane) -> None:
    """A synchronous repaint of the table's visible rows: what the user waits for."""
    pane.table.viewport().repaint()


def scroll(pane: InboxPane, pages: int) -> list[float]:
    """Seconds per page painted, scrolling down a page at a time (wrapping at the end): every row is new."""
    bar = pane.table.verticalScrollBar()
    step = max(1, bar.pageStep())
    frames = []
    for page in range(pages):
        bar.setValue((page * step) % max(1, bar.maximum()))
        begin = time.perf_counter()
        paint(pane)
        frames.append(time.perf_counter() - begin)
    return frames


def wheel(pane: InboxPane, steps: int) -> list[float]:
    """Seconds per wheel step (3 rows): the view scrolls what it shows and paints only the rows uncovered."""
    bar = pane.table.verticalScrollBar()
    frames = []
    for number in range(steps):
        bar.setValue((number * 3) % max(1, bar.maximum()))
        begin = time.perf_counter()
        QApplication.processEvents()
        frames.append(time.perf_counter() - begin)
    return frames


async def measure(url: str, paths: AppPaths, pages: int) -> dict[str, object]:
    async with opened(paths, Settings(), SecretStore.session_only()) as context:
        signed_in = await sign_in_with_key(context.sessions, url, BENCH_USER.api_key)
        pane = InboxPane(context)
        pane.resize(1280, 800)
        pane.show()
        while pane.controller.loading:  # noqa: ASYNC110 (the pane's own first fetch, untimed: warms up)
            await asyncio.sleep(0.05)
        pane.controller.model.set_messages([])
        await asyncio.sleep(0.2)

        with StallMeter() as stalls:  # the whole fetch as the pane does it: how long the loop is kept from running
            begin = time.perf_counter()
            await signed_in.client.inbox()
            fetched = time.perf_counter() - begin

        started = time.perf_counter()
        body = await signed_in.client._get("/messages/inbox")
        answered = time.perf_counter()
        messages = INBOX.read(body)
        read = time.perf_counter()
        del body  # the app keeps only the records
        pane.controller.model.set_messages(messages)
        filled = time.perf_counter()
        paint(pane)
        painted = time.perf_counter()

        pane.table.sortByColumn(Column.SUBJECT, Qt.SortOrder.AscendingOrder)
        paint(pane)
        sorted_by_subject = time.perf_counter() - painted
        before = time.perf_counter()
        pane.controller.set_search("contract")
        paint(pane)
        searched = time.perf_counter() - before
        matches = pane.controller.proxy.rowCount()
        pane.controller.set_search("")
        pane.table.sortByColumn(Column.DATE, Qt.SortOrder.DescendingOrder)
        paint(pane)

        frames = scroll(pane, pages)
        steps = wheel(pane, pages)
        # The floor of this machine's painting: the same table over Qt's own C++ item model, same texts.
        model = pane.controller.model
        plain = QStandardItemModel(model.rowCount(), model.columnCount())
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                plain.setItem(row, column, QStandardItem(model.index(row, column).data()))
        pane.table.setModel(plain)
        floor = scroll(pane, pages)
        pane.close()
        context.quit_requested.set()
        return {
            "count": pane.controller.model.rowCount(), "answer": answered - started, "read": read - answered,
            "fill": filled - read, "paint": painted - filled, "sort": sorted_by_subject, "search": searched,
            "matches": matches, "frames": frames, "floor": floor, "steps": steps, "fetched": fetched,
            "stall": stalls.longest,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory(prefix="lfdesktop-bench-") as tmp:
        work = Path(tmp)
        sandbox = start_sandbox(work / "sandbox", accounts=(BENCH_USER, BOB))
        try:
            begin = time.perf_counter()
            fill(sandbox, args.messages)
            print(f"filled the sandbox with {args.messages} messages in {time.perf_counter() - begin:.1f} s"
                  " (untimed)", flush=True)
            paths = AppPaths.from_environment({HOME_VARIABLE: str(work / "home")})
            figures = loop.run_until_complete(measure(sandbox.url, paths, args.pages))
        finally:
            sandbox.stop()
            loop.close()
    usable = float(figures["read"]) + float(figures["fill"]) + float(figures["paint"])  # type: ignore[arg-type]
    frames = figures["frames"]
    ms = 1000
    print(f"messages listed: {figures['count']}")
    print(f"answer (request, {args.messages} messages of JSON, decoded): {float(figures['answer']) * ms:.0f} ms")  # type: ignore[arg-type]
    print(f"  records read from the answer: {float(figures['read']) * ms:.0f} ms")  # type: ignore[arg-type]
    print(f"  model filled and sorted (received, newest first): {float(figures['fill']) * ms:.0f} ms")  # type: ignore[arg-type]
    print(f"  first paint of the table: {float(figures['paint']) * ms:.0f} ms")  # type: ignore[arg-type]
    print(f"answer to usable table: {usable * ms:.0f} ms (target < 1000 ms)")
    print(f"client.inbox() as the pane calls it: {float(figures['fetched']) * ms:.0f} ms, longest event-loop stall "  # type: ignore[arg-type]
          f"meanwhile: {float(figures['stall']) * ms:.0f} ms")  # type: ignore[arg-type]
    print(f"sort by subject + repaint: {float(figures['sort']) * ms:.0f} ms")  # type: ignore[arg-type]
    print(f"search 'contract' ({figures['matches']} matches) + repaint: {float(figures['search']) * ms:.0f} ms")  # type: ignore[arg-type]
    for label, times in (("scrolling the Inbox by pages", frames), ("by wheel steps of 3 rows", figures["steps"]),
                         ("by pages over QStandardItemModel, same texts (this machine's floor)", figures["floor"])):
        times = sorted(times)  # type: ignore[call-overload]
        print(f"{label}, {len(times)} frames, paint per frame: median {statistics.median(times) * ms:.1f} ms,"
              f" 95th percentile {times[int(len(times) * 0.95) - 1] * ms:.1f} ms, max {times[-1] * ms:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
