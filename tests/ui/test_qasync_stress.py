"""Guards the PySide6 pin: the qasync workload must run to the end on the installed Qt."""

import subprocess
import sys
from pathlib import Path

import PySide6

WORKLOAD = Path(__file__).with_name("qasync_workload.py")


def test_thousands_of_qasync_callbacks_run_without_aborting() -> None:
    result = subprocess.run(
        [sys.executable, str(WORKLOAD)], capture_output=True, text=True, timeout=120, check=False
    )
    died = f"qasync workload died on PySide6 {PySide6.__version__} (exit {result.returncode})"
    assert result.returncode == 0, f"{died}:\n{result.stderr[-3000:]}"
    counts = dict(item.split("=") for item in result.stdout.split())
    assert counts == {"later": "5000", "qtimer": "500", "soon": "5000", "tasks": "5000", "threadsafe": "5000"}
