"""Exit codes scripts can rely on, each failure with exactly one line on stderr saying why.

0 ok, 1 anything else, 2 usage, 3 rejected by the server, 4 authentication, 5 checksum mismatch.
"""

import hashlib
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from lfdesktop import __version__
from lfdesktop.cli.parser import wants_desktop_app
from tests.cli.helpers import REPO, Cli, days_ahead, write_file
from tests.sandboxproc import ALICE, BOB, CAROL, SandboxProcess

CERT = REPO / "tests" / "data" / "sandbox-test.crt"
KEY = REPO / "tests" / "data" / "sandbox-test.key"


def uploads_named(sandbox: SandboxProcess, filename: str) -> int:
    with sandbox.db() as db:
        return int(db.execute("SELECT COUNT(*) FROM upload_log WHERE filename = ?", (filename,)).fetchone()[0])


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ---- 0 and 2: the command line itself ----


def test_version(cli: Cli) -> None:
    outcome = cli.run("--version")

    assert (outcome.code, outcome.stdout.strip()) == (0, f"lfdesktop {__version__}")


@pytest.mark.parametrize(("argv", "window"), [
    ([], True), (["--sandbox"], True), (["--self-test"], True), (["--hidden"], True), (["report.pdf", "photos"], True),
    (["inbox"], False), (["--json", "inbox"], False), (["--help"], False), (["--version"], False),
])
def test_without_a_command_the_desktop_app_opens(argv: list[str], window: bool) -> None:
    assert wants_desktop_app(argv) is window


def test_an_unknown_option(cli: Cli) -> None:
    outcome = cli.run("inbox", "--sorted")

    assert outcome.code == 2
    assert "unrecognized arguments: --sorted" in outcome.reason()
    assert outcome.stdout == ""


def test_a_bad_date(cli: Cli) -> None:
    outcome = cli.run("inbox", "--after", "2024-02-30")

    assert outcome.code == 2
    assert "'2024-02-30' is not a date: use YYYY-MM-DD" in outcome.reason()


def test_a_missing_required_option(cli: Cli, tmp_path: Path) -> None:
    outcome = cli.run("send", write_file(tmp_path, "nobody.txt", 1))

    assert outcome.code == 2
    assert "--to" in outcome.reason()


def test_a_missing_file(cli: Cli, tmp_path: Path) -> None:
    outcome = cli.run("upload", tmp_path / "not-there.txt")

    assert outcome.code == 2
    assert outcome.reason() == f"lfdesktop: {tmp_path / 'not-there.txt'}: no such file"


def test_a_folder_is_not_a_file(cli: Cli, tmp_path: Path) -> None:
    outcome = cli.run("link", tmp_path)

    assert outcome.code == 2
    assert outcome.reason() == f"lfdesktop: {tmp_path}: is a folder"


def test_nothing_is_uploaded_for_an_invalid_address(cli: Cli, sandbox: SandboxProcess, tmp_path: Path) -> None:
    file = write_file(tmp_path, "never-sent.txt", 10)

    outcome = cli.run("send", "--to", f"{BOB.email},bob at example", file)

    assert outcome.code == 2
    assert "'bob at example' is not an email address" in outcome.reason()
    assert uploads_named(sandbox, "never-sent.txt") == 0


def test_no_server_configured(cli: Cli) -> None:
    outcome = Cli(home=cli.home, cwd=cli.cwd, api_key=ALICE.api_key).run("inbox")

    assert outcome.code == 2
    assert "No server: pass --server URL, set LF_SERVER" in outcome.reason()


def test_no_key(cli: Cli) -> None:
    outcome = cli.as_user(None).run("inbox")

    assert outcome.code == 2
    assert f"No API key for {cli.server}: pass --api-key, set LF_API_KEY" in outcome.reason()


# ---- 3: the server said no ----


def test_a_past_expiry_date_is_rejected_by_the_server(cli: Cli, tmp_path: Path) -> None:
    outcome = cli.run("--json", "send", "--to", BOB.email, "--expires", days_ahead(-1), write_file(tmp_path, "late", 3))

    assert outcome.code == 3
    assert outcome.reason() == f"lfdesktop: expires_at {days_ahead(-1).isoformat()} is in the past"


def test_the_reason_follows_the_upload_reports(cli: Cli, tmp_path: Path) -> None:
    """Without ``--json`` the files' reports come first; the failure is still one line, the last."""
    outcome = cli.run("send", "--to", BOB.email, "--expires", days_ahead(-1), write_file(tmp_path, "later.txt", 3))

    assert outcome.code == 3
    *reports, reason = outcome.stderr.splitlines()
    assert [report.split(":")[0] for report in reports] == ["later.txt"]
    assert reason == f"lfdesktop: expires_at {days_ahead(-1).isoformat()} is in the past"


def test_a_blocked_file_type_is_rejected(cli: Cli, tmp_path: Path) -> None:
    outcome = cli.as_user(CAROL).run("upload", write_file(tmp_path, "setup.exe", 100))

    assert outcome.code == 3
    assert outcome.reason() == "lfdesktop: Files of type .exe are not permitted"


def test_another_users_message_is_not_found(cli: Cli, tmp_path: Path) -> None:
    message = cli.run("send", "--to", BOB.email, write_file(tmp_path, "private.txt", 5), "--json").json()

    outcome = cli.as_user(CAROL).run("message", message["id"])

    assert outcome.code == 3
    assert outcome.reason() == f"lfdesktop: Not found: Message {message['id']} not found"


def test_filedrops_need_an_admin(cli: Cli) -> None:
    outcome = cli.run("filedrops", "list")

    assert outcome.code == 3
    assert outcome.reason() == "lfdesktop: Not allowed: Admin access required"


# ---- 4: authentication ----


def test_a_wrong_key(cli: Cli) -> None:
    wrong = "WrongKey000000000000000"

    outcome = cli.run("inbox", "--api-key", wrong)

    assert outcome.code == 4
    assert outcome.reason().startswith("lfdesktop: The server refused the API key")


# ---- 5: checksum mismatch ----


def test_a_file_tampered_with_on_the_server_is_caught(cli: Cli, sandbox: SandboxProcess, tmp_path: Path) -> None:
    original = write_file(tmp_path / "files", "ledger.csv", 4096, seed=11)
    message = cli.run("send", "--to", BOB.email, original, "--json").json()
    blob = sandbox.data_dir / "blobs" / message["attachments"][0]["id"]
    tampered = bytearray(blob.read_bytes())
    tampered[100] ^= 0xFF  # one byte changed, same size
    blob.write_bytes(bytes(tampered))
    dest = tmp_path / "dest"

    outcome = cli.as_user(BOB).run("download", message["id"], "--dest", dest)

    assert outcome.code == 5
    reason = outcome.reason()
    assert reason.startswith("lfdesktop: ledger.csv is not the same on the server as here")
    assert message["attachments"][0]["checksum"] in reason  # what the server promised
    assert hashlib.sha256(tampered).hexdigest() in reason  # what arrived
    assert list(dest.iterdir()) == []  # nothing under the real name, no .part left behind


# ---- 1: anything else ----


def test_an_unreachable_server(cli: Cli) -> None:
    outcome = cli.run("inbox", "--server", f"http://127.0.0.1:{closed_port()}")

    assert outcome.code == 1
    assert "not reachable" in outcome.reason()


def test_an_untrusted_certificate_and_the_ca_file_that_trusts_it(
    fresh_sandbox: Callable[..., SandboxProcess], cli: Cli
) -> None:
    secure = fresh_sandbox("--tls-cert", str(CERT), "--tls-key", str(KEY))
    assert secure.url.startswith("https://")
    https = Cli(home=cli.home, cwd=cli.cwd, server=secure.url, api_key=ALICE.api_key)

    refused = https.run("inbox")
    trusted = https.run("inbox", "--ca-file", CERT, "--json")

    assert refused.code == 1
    assert "certificate" in refused.reason()
    assert (trusted.code, trusted.json()) == (0, [])
