"""The tray icon on a real tray host: docs/screenshots/tray.py under Xvfb with ``trayer`` docks the icon, shows
the first sync's notification and opens the menu, checking each, and saves what it saw."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "tray.py"
SHOTS = ("tray-menu-light", "tray-menu-dark", "tray-notification-light", "tray-notification-dark")


def test_the_icon_docks_in_a_real_tray_shows_the_sync_notification_and_opens_its_menu(tmp_path: Path) -> None:
    missing = [tool for tool in ("xvfb-run", "trayer") if shutil.which(tool) is None]
    if missing and not os.environ.get("CI"):  # CI installs both (.ci/run): there it must run
        pytest.skip(f"needs {' and '.join(missing)} (sudo apt-get install xvfb xauth trayer)")
    env = {name: value for name, value in os.environ.items() if name != "QT_QPA_PLATFORM"}  # a real X display
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1440x900x24", sys.executable, str(SCRIPT), "--out", str(tmp_path)],
        cwd=SCRIPT.parent, env=env, capture_output=True, text=True, timeout=180, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for name in SHOTS:
        image = QImage(str(tmp_path / f"{name}.png"))
        assert image.width() > 300 and image.height() > 100, name  # the panel and what opened below it
