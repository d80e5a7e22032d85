"""On a terminal, transfers draw a progress line on stderr; the files' reports get lines of their own."""

import os
import select
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.helpers import TIMEOUT, Cli, Outcome, write_file

pty = pytest.importorskip("pty")  # POSIX only (on Windows it fails to import termios)

MIB = 1024 * 1024


def run_on_terminal(cli: Cli, *args: object) -> Outcome:
    """The command with its stderr on a pseudo-terminal 100 columns wide, as a person at a terminal runs it."""
    controller, terminal = pty.openpty()
    cli.cwd.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        cli.command(args), env=cli.environ() | {"COLUMNS": "100"}, cwd=cli.cwd, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=terminal, text=True,
    )
    os.close(terminal)
    drawn = bytearray()
    deadline = time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            if not select.select([controller], [], [], 1)[0]:
                continue
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the command ended and its terminal closed
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(controller)
        stdout, _ = process.communicate(timeout=TIMEOUT)
    return cli.checked(Outcome(process.returncode, stdout, drawn.decode()), args, "")


def test_an_upload_on_a_terminal_draws_its_progress_and_reports_below_it(slow_cli: Cli, tmp_path: Path) -> None:
    files = [write_file(tmp_path, "drawn-big.bin", 8 * MIB, seed=31), write_file(tmp_path, "drawn-small.txt", 10)]

    outcome = run_on_terminal(slow_cli, "upload", "--chunk-size", "1", *files)

    assert outcome.code == 0, outcome.stderr
    assert len(outcome.stdout.split()) == 2  # the ids, untouched by the drawing on stderr
    screen = outcome.stderr
    drawn = [part for part in screen.split("\r") if part.startswith("[1/2] drawn-big.bin")]
    assert drawn, screen
    assert all(len(part) < 100 and "| piece " in part and " ETA " in part for part in drawn)
    # What a line of the terminal ends up showing: what was written after its last carriage return.
    shown = [line.rsplit("\r", 1)[-1] for line in screen.split("\r\n")]
    reports = [line for line in shown if ": uploaded, verified" in line]
    assert [report.split(":")[0] for report in reports] == ["drawn-big.bin", "drawn-small.txt"]
    assert screen.endswith("\r" + " " * 99 + "\r")  # the progress line is wiped at the end
