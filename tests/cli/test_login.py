"""``lfdesktop login``: the key checked against the server, kept in the OS keyring (never in a file of ours), and
used by later commands that name neither a server nor a key."""

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.cli.filekeyring import FILE_VARIABLE
from tests.cli.helpers import Cli, write_file
from tests.sandboxproc import ALICE, BOB, SandboxProcess

TEST_KEYRING = "tests.cli.filekeyring.FileKeyring"


@pytest.fixture
def keyring_file(tmp_path: Path) -> Path:
    return tmp_path / "os-keyring.json"


@pytest.fixture
def signed_out(cli: Cli, keyring_file: Path) -> Cli:
    """``lfdesktop`` with an OS keyring, and neither a server nor a key in the environment."""
    return replace(cli, server=None, api_key=None, keyring=TEST_KEYRING, env={FILE_VARIABLE: str(keyring_file)})


def files_under(folder: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def settings(cli: Cli) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((cli.home / "config" / "settings.json").read_text(encoding="utf-8"))
    return loaded


def test_login_keeps_the_key_in_the_keyring_and_later_commands_use_it(
    signed_out: Cli, keyring_file: Path, sandbox: SandboxProcess, cli: Cli, tmp_path: Path
) -> None:
    greeting = cli.as_user(BOB).run("send", "--to", ALICE.email, "--subject", "for the stored key",
                                    write_file(tmp_path, "hello.txt", 5), "--json").json()

    outcome = signed_out.run("login", "--server", sandbox.url, stdin=f"{ALICE.api_key}\n")

    assert outcome.code == 0, outcome.stderr
    assert outcome.stdout.startswith("Signed in as ")
    assert outcome.stdout.strip().endswith(f"<{ALICE.email}> on {sandbox.url}; key kept in filekeyring FileKeyring.")
    assert outcome.stderr == ""
    assert json.loads(keyring_file.read_text(encoding="utf-8")) == {
        f"lfdesktop/{ALICE.email} on {sandbox.url}": ALICE.api_key
    }
    stored = settings(signed_out)
    [account] = stored["accounts"]
    assert (account["server_url"], account["email"]) == (sandbox.url, ALICE.email)
    assert stored["active_account"] == f"{ALICE.email} on {sandbox.url}"
    for path, content in files_under(signed_out.home).items():
        assert ALICE.api_key.encode() not in content, path

    inbox = signed_out.run("inbox", "--json")  # no --server, no --api-key, no LF_SERVER, no LF_API_KEY

    assert greeting["id"] in {message["id"] for message in inbox.json()}


def test_login_with_email_and_password(signed_out: Cli, keyring_file: Path, sandbox: SandboxProcess) -> None:
    outcome = signed_out.run("login", "--server", sandbox.url, "--email", ALICE.email, "--json",
                             stdin=f"{ALICE.password}\n")

    report = outcome.json()
    assert (report["server"], report["email"], report["keyring"]) == (sandbox.url, ALICE.email,
                                                                     "filekeyring FileKeyring")
    assert list(json.loads(keyring_file.read_text(encoding="utf-8")).values()) == [ALICE.api_key]
    assert signed_out.run("sent", "--json").code == 0


def test_a_wrong_password_stores_nothing(signed_out: Cli, keyring_file: Path, sandbox: SandboxProcess) -> None:
    outcome = signed_out.run("login", "--server", sandbox.url, "--email", ALICE.email, stdin="not-her-password\n")

    assert outcome.code == 4  # the server says 422, but for a script it is a failed sign-in
    assert outcome.reason() == "lfdesktop: Invalid email or password"
    assert not keyring_file.exists()
    assert not (signed_out.home / "config" / "settings.json").exists()


def test_a_wrong_key_stores_nothing(signed_out: Cli, keyring_file: Path, sandbox: SandboxProcess) -> None:
    outcome = signed_out.run("login", "--server", sandbox.url, stdin="WrongKey000000000000000\n")

    assert outcome.code == 4
    assert outcome.reason().startswith("lfdesktop: The server refused the API key")
    assert not keyring_file.exists()
    assert not (signed_out.home / "config" / "settings.json").exists()


def test_login_needs_a_server(signed_out: Cli) -> None:
    outcome = signed_out.run("login", stdin=f"{ALICE.api_key}\n")

    assert outcome.code == 2
    assert "--server" in outcome.reason()


def test_without_an_os_keyring_the_key_lasts_only_for_the_session(signed_out: Cli, sandbox: SandboxProcess) -> None:
    no_keyring = replace(signed_out, keyring="keyring.backends.fail.Keyring")

    outcome = no_keyring.run("login", "--server", sandbox.url, stdin=f"{ALICE.api_key}\n")

    assert outcome.code == 0
    assert outcome.stdout.strip().endswith("key kept for this session only.")
    assert "No OS keyring is available" in outcome.reason()  # the warning: one line on stderr
    assert settings(no_keyring)["active_account"] == f"{ALICE.email} on {sandbox.url}"
    for path, content in files_under(no_keyring.home).items():
        assert ALICE.api_key.encode() not in content, path

    later = no_keyring.run("inbox")

    assert later.code == 2
    reason = later.reason()
    assert "no OS keyring" in reason
    assert "pass --api-key or set LF_API_KEY" in reason
