"""The desktop app stays responsive while it uploads: 1 GiB from the GUI against the same upload by the CLI.

    python bench/ui_responsiveness.py [--size-mib 1024] [--rounds 3]

Starts the real sandbox, then per round uploads the same file with the CLI (``lfdesktop upload``, run in this
process so that neither side pays for starting Python) and from the GUI: the main window shown (offscreen
unless a display is set), the file handed to the Send pane as a drop would, the transfer list repainting on its
timer. While the GUI uploads, a 5 ms ``QTimer`` measures how late the Qt event loop (which also runs asyncio,
through qasync) wakes: the longest stall a user would feel. Prints MB/s of both, their ratio and the longest
stall. Targets from issue 4: stall < 50 ms, GUI throughput within 10% of the CLI's. Asserts nothing. The
sandbox runs at a lower CPU priority, as a server on another machine would not compete with the client.
"""

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from common import BENCH_USER, MB, MIB, settle_disk, write_test_file
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from lfdesktop.accounts.paths import HOME_VARIABLE, AppPaths
from lfdesktop.accounts.secrets import SecretStore
from lfdesktop.accounts.settings import Settings
from lfdesktop.app import freeze_start_up_objects
from lfdesktop.cli.main import main as cli_main
from lfdesktop.qt.context import opened
from lfdesktop.qt.signin import sign_in_with_key
from lfdesktop.ui.mainwindow import MainWindow
from lfdesktop.ui.theme import apply_theme
from tests.sandboxproc import start_sandbox

TICK_MS = 5
SERVER_NICENESS = 10


class QtStallMeter:
    """A QTimer firing every TICK_MS; remembers the most it fired late."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last - TICK_MS / 1000)
        self._last = now

    def __enter__(self) -> "QtStallMeter":
        self._last = time.perf_counter()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.stop()


def cli_upload(url: str, path: Path) -> float:
    started = time.perf_counter()
    with Path(os.devnull).open("w") as quiet, contextlib.redirect_stdout(quiet):
        code = cli_main(["upload", "--server", url, "--api-key", BENCH_USER.api_key, str(path)])
    if code != 0:
        raise SystemExit(f"the CLI upload failed with exit code {code}")
    return time.perf_counter() - started


async def gui_upload(url: str, path: Path, paths: AppPaths) -> tuple[float, float, str]:
    """(seconds, longest Qt stall, checksum state) for the file dropped on the Send pane of a shown window."""
    async with opened(paths, Settings(), SecretStore.session_only()) as context:
        window = MainWindow(context)
        window.show()
        freeze_start_up_objects()  # as the app does once its window is up
        await sign_in_with_key(context.sessions, url, BENCH_USER.api_key)
        await asyncio.sleep(0.5)  # the window is painted and idle before timing starts
        queue = context.queue
        with QtStallMeter() as stalls:
            started = time.perf_counter()
            window.receive_files([str(path)])
            while not queue.snapshot():  # noqa: ASYNC110 (the pane looks at the drop off the loop first)
                await asyncio.sleep(0.005)
            with contextlib.suppress(Exception):  # how it ended is in its snapshot
                await queue.result(queue.snapshot()[0].id)
            seconds = time.perf_counter() - started
        [snapshot] = queue.snapshot()
        context.quit_requested.set()
        window.close()
    if snapshot.state != "done":
        raise SystemExit(f"the GUI upload ended {snapshot.state}: {snapshot.error}")
    return seconds, stalls.longest, snapshot.checksum


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    size = args.size_mib * MIB
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)  # as in the app: closing a round's window must not end the loop
    apply_theme(app)
    loop = qasync.QEventLoop(app)
    cli_rates: list[float] = []
    gui_rates: list[float] = []
    stalls: list[float] = []
    with tempfile.TemporaryDirectory(prefix="lfdesktop-bench-") as tmp:
        work = Path(tmp)
        os.environ[HOME_VARIABLE] = str(work / "home")  # the CLI's settings and journal: defaults, private
        print(f"writing {args.size_mib} MiB to {work} (untimed)", flush=True)
        write_test_file(work / "ui-bench.bin", size)
        sandbox = start_sandbox(work / "sandbox", accounts=(BENCH_USER,))
        # The sandbox stands in for a remote server. On 2 cores, at full priority, it takes the CPU the GUI
        # thread needs (longest stalls of 65-85 ms, where the GUI's own work stalls it ~20 ms); a real server
        # runs on another machine. Both the CLI and the GUI rounds upload to it at this priority.
        if hasattr(os, "setpriority") and sandbox.process is not None:
            os.setpriority(os.PRIO_PROCESS, sandbox.process.pid, SERVER_NICENESS)
            print(f"sandbox (the server) runs at niceness {SERVER_NICENESS}", flush=True)
        try:
            for round_number in range(1, args.rounds + 1):
                settle_disk()
                cli_rates.append(size / MB / cli_upload(sandbox.url, work / "ui-bench.bin"))
                settle_disk()
                asyncio.set_event_loop(loop)  # asyncio.run (the CLI) unset it
                paths = AppPaths.from_environment({HOME_VARIABLE: str(work / f"gui{round_number}")})
                seconds, stall, checksum = loop.run_until_complete(gui_upload(sandbox.url, work / "ui-bench.bin",
                                                                              paths))
                gui_rates.append(size / MB / seconds)
                stalls.append(stall)
                print(f"round {round_number}: CLI {cli_rates[-1]:.1f} MB/s, GUI {gui_rates[-1]:.1f} MB/s"
                      f" ({gui_rates[-1] / cli_rates[-1]:.2f}x), checksum {checksum},"
                      f" longest Qt event-loop stall {stall * 1000:.1f} ms", flush=True)
        finally:
            sandbox.stop()
            loop.close()
    ratio = statistics.median(gui / cli for gui, cli in zip(gui_rates, cli_rates, strict=True))
    print(f"file: {args.size_mib} MiB, 100 MiB pieces, 3 in flight (the defaults of both)")
    print(f"CLI: {statistics.median(cli_rates):.1f} MB/s (median of {args.rounds})")
    print(f"GUI: {statistics.median(gui_rates):.1f} MB/s (median of {args.rounds})")
    print(f"ratio: {ratio:.2f}x the CLI (median of the rounds' ratios; target >= 0.9)")
    print(f"longest Qt event-loop stall during GUI uploads: {max(stalls) * 1000:.1f} ms;"
          f" median of the rounds' longest {statistics.median(stalls) * 1000:.1f} ms (target < 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
