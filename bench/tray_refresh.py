"""What the tray costs the GUI thread at each refresh of the transfer list (every 300 ms while files move).

    python bench/tray_refresh.py [--transfers 200] [--rounds 2000]

Times, offscreen: the icon drawn at the tray's sizes (16-48 px at 1x, 1.5x and 2x) the first time (painted) and
again (from the pixmap cache), and the per-refresh work over ``--transfers`` snapshots (the state, the progress
and the tooltip's transfer line). Asserts nothing.
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from lfdesktop.sync.syncer import SyncStatus
from lfdesktop.transfer.events import Direction, TransferProgress, TransferState
from lfdesktop.ui.tray import transfer_text, tray_state
from lfdesktop.ui.trayicons import TrayState, tray_icon

SIZES = (16, 22, 24, 32, 48)
RATIOS = (1.0, 1.5, 2.0)


def draw_all(progress: float) -> float:
    """Seconds to draw every state at every size and ratio once."""
    start = time.perf_counter()
    for state in TrayState:
        icon = tray_icon(state, progress)
        for size in SIZES:
            for ratio in RATIOS:
                icon.pixmap(QSize(size, size), ratio)
    return time.perf_counter() - start


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--transfers", type=int, default=200)
    options.add_argument("--rounds", type=int, default=2000)
    args = options.parse_args()
    QApplication([])

    drawings = len(TrayState) * len(SIZES) * len(RATIOS)
    painted = draw_all(0.37)
    cached = draw_all(0.37)
    print(f"tray icon: {drawings} drawings painted in {painted * 1000:.1f} ms "
          f"({painted / drawings * 1e6:.0f} us each), again from the cache in {cached * 1000:.2f} ms "
          f"({cached / drawings * 1e6:.1f} us each)")

    snapshots = []
    for number in range(args.transfers):
        progress = TransferProgress(Direction.DOWNLOAD, f"file-{number}.bin", size=10_000_000)
        progress.set_state(TransferState.RUNNING if number % 3 else TransferState.QUEUED)
        progress.done = number * 40_000
        snapshots.append(progress.snapshot())
    times = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        tray_state(snapshots, SyncStatus.IDLE, signed_in=True, unseen=0)
        transfer_text(snapshots)
        times.append(time.perf_counter() - start)
    print(f"per refresh over {args.transfers} transfers: median {statistics.median(times) * 1e6:.0f} us, "
          f"max {max(times) * 1e6:.0f} us ({args.rounds} rounds)")


if __name__ == "__main__":
    main()
