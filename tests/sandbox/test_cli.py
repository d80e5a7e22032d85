"""The lfdesktop-sandbox command line: its first line, its refusals, its clean stop."""

import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sandboxproc import ALICE, SandboxProcess

COMMAND = [sys.executable, "-m", "lfdesktop.sandbox"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("alice@example.com:pw", "EMAIL:PASSWORD:APIKEY"),
        ("not-an-email:pw:KEY", "not an email address"),
        ("alice@example.com:pw:KEY:superuser", "unknown role"),
    ],
)
def test_a_malformed_user_is_a_usage_error(tmp_path: Path, spec: str, message: str) -> None:
    result = _run("--port", "0", "--data-dir", str(tmp_path), "--user", spec)
    assert result.returncode == 2
    assert message in result.stderr


def test_tls_certificate_needs_its_key(tmp_path: Path) -> None:
    result = _run("--port", "0", "--data-dir", str(tmp_path), "--tls-cert", "cert.pem")
    assert result.returncode == 2
    assert "--tls-cert and --tls-key go together" in result.stderr


def test_fault_rate_must_be_a_share(tmp_path: Path) -> None:
    result = _run("--port", "0", "--data-dir", str(tmp_path), "--fault-rate", "1.5")
    assert result.returncode == 2
    assert "between 0 and 1" in result.stderr


def test_a_busy_port_gives_a_one_line_reason(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _run("--port", str(port), "--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith("lfdesktop-sandbox: ")
    assert "address already in use" in result.stderr.lower()


def test_first_line_is_the_url_and_sigterm_stops_cleanly(fresh_sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox: SandboxProcess = fresh_sandbox(accounts=(ALICE,))
    assert sandbox.stdout_lines()[0] == f"listening on {sandbox.url}"
    process = sandbox.process
    assert process is not None
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    assert "Traceback" not in sandbox.stderr_text()
