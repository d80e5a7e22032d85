"""How fast the frozen app opens its window, against the same app run from the virtualenv, on an X display.

    python packaging/build.py freeze
    xvfb-run -a -s "-screen 0 1280x820x24" python bench/frozen_startup.py [--rounds 5]

Per round, starts the program with a fresh HOME (no settings: the main window and the sign-in dialog) and
grabs a corner of the screen every 20 ms until something is painted there: the time a user waits for the
window. Each start is a cold one for the app (its own folders are new) but not for the OS's file cache. Prints
the median and the range for the frozen bundle and for the editable install, and the bundle's size. Asserts
nothing.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtGui import QGuiApplication

ROOT = Path(__file__).resolve().parent.parent
FROZEN = ROOT / "dist" / "lfdesktop" / ("lfdesktop.exe" if sys.platform == "win32" else "lfdesktop")
GIVE_UP_SECONDS = 60.0
POLL_SECONDS = 0.02


def seconds_to_window(command: list[str]) -> float:
    screen = QGuiApplication.primaryScreen()
    with tempfile.TemporaryDirectory(prefix="lfdesktop-bench-") as home:
        env = {key: value for key, value in os.environ.items() if key != "QT_QPA_PLATFORM"} | {"HOME": home}
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while time.perf_counter() - started < GIVE_UP_SECONDS:
                corner = screen.grabWindow(0, 0, 0, 400, 300).toImage()
                if corner.pixel(200, 150) & 0xFFFFFF:  # the empty X screen is black
                    return time.perf_counter() - started
                time.sleep(POLL_SECONDS)
            raise SystemExit(f"{command[0]}: no window within {GIVE_UP_SECONDS:.0f} s")
        finally:
            child.terminate()
            child.wait()


def report(label: str, command: list[str], rounds: int) -> None:
    times = [seconds_to_window(command) for _ in range(rounds)]
    print(f"{label:>10}: median {statistics.median(times):.2f} s to the first window "
          f"(min {min(times):.2f}, max {max(times):.2f}, {rounds} starts)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    if not os.environ.get("DISPLAY"):
        raise SystemExit("needs an X display: run it under xvfb-run (see --help)")
    if not FROZEN.exists():
        raise SystemExit(f"{FROZEN} is missing: run python packaging/build.py freeze first")
    app = QGuiApplication(sys.argv[:1])
    size = sum(path.stat().st_size for path in FROZEN.parent.rglob("*") if path.is_file() and not path.is_symlink())
    print(f"bundle: {FROZEN.parent} {size / 2**20:.0f} MiB")
    report("frozen", [str(FROZEN)], rounds)
    report("virtualenv", [sys.executable, "-m", "lfdesktop"], rounds)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
