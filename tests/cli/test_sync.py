"""``lfdesktop sync`` as a user runs it, against a sandbox of each test's own: files land verified once, a run
killed mid-sync completes without duplicates when run again, rules and settings apply, and a server that cannot
be reached is one line on stderr."""

import json
import signal
import time
from collections.abc import Callable
from pathlib import Path

from lfdesktop.accounts.paths import AppPaths
from lfdesktop.accounts.settings import Settings, save_settings
from lfdesktop.api.http import normalize_server_url
from tests.cli.helpers import Cli
from tests.sandboxproc import ADMIN, ALICE, BOB, SandboxProcess
from tests.sync.helpers import downloads_of, folder_of, payload, send, tree
from tests.sync.test_syncer import free_port

WAIT_SECONDS = 60  # a bound for a broken build, not a measurement


def cli_for(server: SandboxProcess, tmp_path: Path) -> Cli:
    return Cli(home=tmp_path / "home", cwd=tmp_path / "cwd", server=server.url, api_key=ALICE.api_key)


def test_sync_once_fetches_new_files_verified_and_a_second_run_fetches_nothing(
    fresh_sandbox: Callable[..., SandboxProcess], tmp_path: Path
) -> None:
    server = fresh_sandbox()
    cli = cli_for(server, tmp_path)
    files = {"plan.pdf": payload(40), "budget.xlsx": payload(41)}
    sent = send(server, BOB, "Plans", files)
    folder = tmp_path / "Synced"

    first = cli.run("sync", "--once", "--folder", folder)

    assert first.code == 0, first.stderr
    where = folder_of(sent)
    assert tree(folder) == {f"{where}/{name}": data for name, data in files.items()}
    lines = first.stdout.splitlines()
    assert lines[0] == f"bob@partner.example: Plans -> {folder / where}"
    assert lines[1].startswith("  plan.pdf  (verified, SHA-256 ")
    assert lines[-1] == "1 new message, 2 files from bob@partner.example"

    again = cli.run("sync", "--once", "--folder", folder, "--json")

    report = again.json()
    assert (report["files"], report["bytes"], report["messages"], report["summary"]) == (0, 0, [], "Nothing new")
    assert downloads_of(server, sent["id"]) == 2


def test_a_deleted_file_stays_deleted_until_sync_is_asked_again(
    fresh_sandbox: Callable[..., SandboxProcess], tmp_path: Path
) -> None:
    server = fresh_sandbox()
    cli = cli_for(server, tmp_path)
    sent = send(server, BOB, "Drafts", {"draft.pdf": payload(42)})
    folder = tmp_path / "Synced"
    cli.run("sync", "--once", "--folder", folder)
    (folder / folder_of(sent) / "draft.pdf").unlink()

    assert cli.run("sync", "--once", "--folder", folder, "--json").json()["files"] == 0
    again = cli.run("sync", "--once", "--again", "--folder", folder, "--json")

    assert again.code == 0 and again.json()["files"] == 1
    assert again.stderr.strip() == "lfdesktop: 1 deleted file(s) will be fetched again"
    assert tree(folder) == {f"{folder_of(sent)}/draft.pdf": payload(42)}


def test_a_sync_killed_mid_way_completes_without_duplicates_when_run_again(
    fresh_sandbox: Callable[..., SandboxProcess], tmp_path: Path
) -> None:
    server = fresh_sandbox("--latency-ms", "150")  # every answer late: the sync is still under way when killed
    cli = cli_for(server, tmp_path)
    files = {f"part{index}.bin": payload(50 + index, 200_000) for index in range(8)}
    sent = send(server, BOB, "Many files", files)
    folder = tmp_path / "Synced"

    first = cli.start("sync", "--once", "--folder", folder)
    deadline = time.monotonic() + WAIT_SECONDS
    while downloads_of(server, sent["id"]) == 0:
        assert first.running(), f"the sync ended before it was killed: {first.wait()}"
        assert time.monotonic() < deadline, "no file was downloaded"
        time.sleep(0.01)
    first.process.send_signal(signal.SIGKILL)
    assert first.wait().code == -signal.SIGKILL
    fetched_before = downloads_of(server, sent["id"])
    assert 0 < fetched_before < len(files)

    report = cli.run("sync", "--once", "--folder", folder, "--json").json()

    assert tree(folder) == {f"{folder_of(sent)}/{name}": data for name, data in files.items()}  # no (1), no .part
    assert 0 < report["files"] <= len(files)
    assert all(file["verified"] for message in report["messages"] for file in message["files"])
    # At most the one file under way when the kill came was downloaded twice.
    assert downloads_of(server, sent["id"]) <= len(files) + 1


def test_rules_from_the_command_line_and_the_settings(
    fresh_sandbox: Callable[..., SandboxProcess], tmp_path: Path
) -> None:
    server = fresh_sandbox()
    cli = cli_for(server, tmp_path)
    invoice = send(server, BOB, "Invoice 12", {"invoice.pdf": payload(60)})
    send(server, BOB, "Lunch?", {"menu.pdf": payload(61)})
    admin_invoice = send(server, ADMIN, "invoice 13", {"other.pdf": payload(62)})
    folder = tmp_path / "Synced"

    by_flags = cli.run("sync", "--once", "--folder", folder, "--from", BOB.email, "--subject", "INVOICE", "--json")

    assert [message["id"] for message in by_flags.json()["messages"]] == [invoice["id"]]

    # Without flags: the settings' folder and rules.
    paths = AppPaths.from_environment({"LFDESKTOP_HOME": str(cli.home)})
    chosen = tmp_path / "From settings"
    save_settings(paths.settings_file, Settings(sync_folder=chosen, sync_senders=(ADMIN.email,)))
    by_settings = cli.run("sync", "--once", "--json").json()

    assert [message["id"] for message in by_settings["messages"]] == [admin_invoice["id"]]
    assert tree(chosen) == {f"{folder_of(admin_invoice)}/other.pdf": payload(62)}


def test_sync_keeps_running_until_interrupted(fresh_sandbox: Callable[..., SandboxProcess], tmp_path: Path) -> None:
    server = fresh_sandbox()
    cli = cli_for(server, tmp_path)
    sent = send(server, BOB, "Background", {"bg.bin": payload(70)})
    folder = tmp_path / "Synced"

    running = cli.start("sync", "--folder", folder, "--every", "30", "--json")
    assert running.process.stdout is not None
    first_pass = json.loads(running.process.stdout.readline())
    assert running.running()
    running.process.send_signal(signal.SIGINT)
    outcome = running.wait()

    assert [message["id"] for message in first_pass["messages"]] == [sent["id"]]
    assert outcome.code == 130
    assert outcome.stderr.splitlines()[0] == (
        f"lfdesktop: syncing all messages into {folder} every 30 min (Ctrl+C stops)")


def test_an_unreachable_server_is_one_line_and_exit_code_1(tmp_path: Path) -> None:
    url = normalize_server_url(f"http://127.0.0.1:{free_port()}")
    cli = Cli(home=tmp_path / "home", cwd=tmp_path / "cwd", server=url, api_key=ALICE.api_key)

    outcome = cli.run("sync", "--once", "--folder", tmp_path / "Synced")

    assert outcome.code == 1
    assert outcome.reason().startswith("lfdesktop: Server not reachable: 127.0.0.1")
    assert not (tmp_path / "Synced").exists()
