"""An ``lfdesktop upload`` killed or interrupted mid-upload and run again sends only the missing pieces.

The sandbox answers slowly (``--latency-ms``) so the upload is still under way when the test stops it; its
``upload_log`` says which pieces it stored, and how often.
"""

import hashlib
import signal
import time
import zlib
from collections import Counter
from pathlib import Path

from tests.cli.helpers import Cli, Outcome, Running, write_file
from tests.sandboxproc import ALICE, SandboxProcess

MIB = 1024 * 1024
PIECES = 12
WAIT_SECONDS = 60  # a bound for a broken build, not a measurement


def stored_pieces(sandbox: SandboxProcess, filename: str) -> Counter[int]:
    with sandbox.db() as db:
        found = db.execute("SELECT chunk FROM upload_log WHERE filename = ? AND outcome = 'stored'", (filename,))
        return Counter(int(row["chunk"]) for row in found)


def assembled(sandbox: SandboxProcess, filename: str) -> list[str]:
    with sandbox.db() as db:
        found = db.execute("SELECT id FROM attachments WHERE filename = ? AND user_id = ?", (filename, ALICE.user_id))
        return [str(row["id"]) for row in found]


def stop_mid_upload(sandbox: SandboxProcess, upload: Running, filename: str, signum: signal.Signals) -> None:
    """Waits until the sandbox stored a piece of ``filename``, then sends ``signum``."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not stored_pieces(sandbox, filename):
        assert upload.running(), f"the upload ended before it was stopped: {upload.wait()}"
        assert time.monotonic() < deadline, "no piece arrived"
        time.sleep(0.01)
    upload.process.send_signal(signum)


def check_complete(sandbox: SandboxProcess, file: Path, report: dict[str, object]) -> None:
    """Every piece stored exactly once, and the attachment is the file."""
    assert stored_pieces(sandbox, file.name) == Counter(range(PIECES))
    attachment = report["attachment"]
    assert isinstance(attachment, dict)
    data = file.read_bytes()
    assert attachment["checksum"] == report["sha256"] == hashlib.sha256(data).hexdigest()
    assert int(attachment["crc32"], 16) == zlib.crc32(data)
    assert assembled(sandbox, file.name) == [attachment["id"]]
    assert report["verified"] is True


def stopped_then_run_again(sandbox: SandboxProcess, cli: Cli, file: Path, signum: signal.Signals) -> Outcome:
    """Stop ``lfdesktop upload`` mid-way with ``signum``, run it again to the end, and check that the second
    run sent only what the first had not delivered; the first run's outcome."""
    command = ("upload", file, "--chunk-size", "1", "--json")
    first = cli.start(*command)
    stop_mid_upload(sandbox, first, file.name, signum)
    stopped = first.wait()

    stored_before = sum(stored_pieces(sandbox, file.name).values())
    assert 0 < stored_before < PIECES
    assert assembled(sandbox, file.name) == []

    [report] = cli.run(*command).json()

    check_complete(sandbox, file, report)
    assert report["pieces_sent"] <= PIECES - stored_before
    return stopped


def test_a_killed_upload_run_again_sends_only_the_missing_pieces(
    slow_sandbox: SandboxProcess, slow_cli: Cli, tmp_path: Path
) -> None:
    file = write_file(tmp_path, "killed-upload.bin", PIECES * MIB, seed=21)

    killed = stopped_then_run_again(slow_sandbox, slow_cli, file, signal.SIGKILL)

    assert killed.code == -signal.SIGKILL


def test_ctrl_c_stops_an_upload_that_resumes_when_run_again(
    slow_sandbox: SandboxProcess, slow_cli: Cli, tmp_path: Path
) -> None:
    file = write_file(tmp_path, "interrupted-upload.bin", PIECES * MIB, seed=22)

    interrupted = stopped_then_run_again(slow_sandbox, slow_cli, file, signal.SIGINT)

    assert interrupted.code == 130
    assert interrupted.reason() == "lfdesktop: interrupted; an unfinished upload resumes when run again"
    assert interrupted.stdout == ""
