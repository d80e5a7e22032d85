"""Every command against the real sandbox: its ``--json`` checked against what the sandbox holds, and its table
for people (the headings and the values)."""

import hashlib
import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from lfdesktop import __version__
from tests.cli.helpers import Cli, Outcome, block, days_ahead, local_minute, table, write_file
from tests.sandboxproc import ADMIN, ALICE, BOB, CAROL, SandboxProcess

MIB = 1024 * 1024
MESSAGE_HEADINGS = ("ID", "SENT", "FROM", "TO", "SUBJECT", "FILES", "SIZE", "EXPIRES")
LINK_HEADINGS = ("ID", "FILE", "SIZE", "EXPIRES", "AUTH", "RECEIPT", "URL")
DOWNLOAD_HEADINGS = ("WHEN", "FILE", "BY", "FROM", "IP", "BROWSER", "OS")
ATTACHMENT_HEADINGS = ("ID", "FILE", "SIZE", "CREATED", "STATE", "EXPIRES")
FILEDROP_HEADINGS = ("ID", "TITLE", "OWNER", "PERMISSION", "MAX MB", "EXPIRES AFTER")


def row(sandbox: SandboxProcess, sql: str, *params: object) -> sqlite3.Row:
    with sandbox.db() as db:
        found: sqlite3.Row | None = db.execute(sql, params).fetchone()
    assert found is not None, (sql, params)
    return found


def rows(sandbox: SandboxProcess, sql: str, *params: object) -> list[sqlite3.Row]:
    with sandbox.db() as db:
        return db.execute(sql, params).fetchall()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def journal_rows(cli: Cli) -> list[sqlite3.Row]:
    """The upload journal the CLI keeps under its LFDESKTOP_HOME."""
    db = sqlite3.connect(cli.home / "data" / "uploads.sqlite3")
    try:
        db.row_factory = sqlite3.Row
        return db.execute("SELECT * FROM uploads").fetchall()
    finally:
        db.close()


@dataclass(frozen=True)
class Sent:
    alice: Cli
    file: Path
    message: dict[str, Any]


@pytest.fixture(scope="module")
def sent(sandbox: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> Sent:
    """A message from Alice to Bob (cc Carol, bcc someone outside) with a file in three pieces."""
    tmp = tmp_path_factory.mktemp("cli-sent")
    alice = Cli(home=tmp / "home", cwd=tmp / "cwd", server=sandbox.url, api_key=ALICE.api_key)
    file = write_file(tmp / "files", "Quarterly report ü.pdf", 2 * MIB + 5, seed=1)
    outcome = alice.run(
        "--json", "send", "--to", BOB.email, "--cc", CAROL.email, "--bcc", "dave@elsewhere.example",
        "--subject", "Figures", "--message", "Line one", "--expires", days_ahead(10), "--authorization", "2",
        "--chunk-size", "1", file,
    )
    return Sent(alice, file, outcome.json())


@pytest.fixture(scope="module")
def downloaded(sent: Sent, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Outcome]:
    """Bob downloaded the message's file (into a folder of his own) with ``--json``."""
    dest = tmp_path_factory.mktemp("bob-downloads")
    bob = Cli(home=dest / "home", cwd=dest / "cwd", server=sent.alice.server, api_key=BOB.api_key)
    return dest / "files", bob.run("download", sent.message["id"], "--dest", dest / "files", "--json")


# ---- upload ----


def test_upload_json_describes_the_attachment_the_sandbox_assembled(cli: Cli, sandbox: SandboxProcess,
                                                                     tmp_path: Path) -> None:
    file = write_file(tmp_path, "pieces-json.bin", 2 * MIB + MIB // 2, seed=2)

    [report] = cli.run("upload", file, "--chunk-size", "1", "--json").json()

    attachment = report["attachment"]
    stored = row(sandbox, "SELECT * FROM attachments WHERE id = ?", attachment["id"])
    assert (stored["user_id"], stored["filename"], stored["size"]) == (ALICE.user_id, file.name, file.stat().st_size)
    assert attachment["checksum"] == stored["checksum"] == report["sha256"] == sha256(file)
    assert int(attachment["crc32"], 16) == int(stored["crc32"], 16) == zlib.crc32(file.read_bytes())
    assert report["file"] == str(file)
    assert report["verified"] is True
    assert (report["pieces_sent"], report["pieces_resumed"]) == (3, 0)
    pieces = rows(sandbox, "SELECT chunk, chunks FROM upload_log WHERE filename = ? AND outcome = 'stored'", file.name)
    assert sorted((piece["chunk"], piece["chunks"]) for piece in pieces) == [(0, 3), (1, 3), (2, 3)]
    assert [bool(entry["link"]) for entry in journal_rows(cli)] == [False]


def test_upload_prints_one_attachment_id_per_file_in_order(cli: Cli, sandbox: SandboxProcess, tmp_path: Path) -> None:
    files = [write_file(tmp_path, "first-plain.txt", 10, seed=3), write_file(tmp_path, "second-plain.txt", 0)]

    outcome = cli.run("upload", *files)

    assert outcome.code == 0, outcome.stderr
    ids = outcome.stdout.split()
    assert [row(sandbox, "SELECT filename FROM attachments WHERE id = ?", i)["filename"] for i in ids] == [
        "first-plain.txt", "second-plain.txt"
    ]
    reports = outcome.stderr.splitlines()
    assert [line.split(":")[0] for line in reports] == ["first-plain.txt", "second-plain.txt"]
    assert all("uploaded, verified" in line for line in reports)
    assert sha256(files[0]) in reports[0]


def test_upload_with_link_uploads_for_filelinks(cli: Cli, sandbox: SandboxProcess, tmp_path: Path) -> None:
    file = write_file(tmp_path, "for-a-link.bin", 1000, seed=4)

    [report] = cli.run("--json", "upload", "--link", file).json()

    assert row(sandbox, "SELECT checksum FROM attachments WHERE id = ?", report["attachment"]["id"])[0] == sha256(file)
    [entry] = journal_rows(cli)
    assert (bool(entry["link"]), entry["attachment_id"]) == (True, report["attachment"]["id"])


# ---- send ----


def test_send_json_is_the_message_the_sandbox_holds(sent: Sent, sandbox: SandboxProcess) -> None:
    message = sent.message
    stored = row(sandbox, "SELECT * FROM messages WHERE id = ?", message["id"])
    assert (stored["sender_email"], stored["subject"], stored["message"]) == (ALICE.email, "Figures", "Line one")
    assert (stored["authorization"], stored["expires_at"]) == (2, days_ahead(10).isoformat())
    kinds = rows(sandbox, "SELECT kind, email FROM message_recipients WHERE message_id = ?", message["id"])
    assert sorted(tuple(kind) for kind in kinds) == [
        ("bcc", "dave@elsewhere.example"), ("cc", CAROL.email), ("to", BOB.email)
    ]
    assert (message["recipients"], message["ccs"], message["bccs"]) == ([BOB.email], [CAROL.email],
                                                                        ["dave@elsewhere.example"])
    assert (message["subject"], message["message"], message["authorization"]) == ("Figures", "Line one", 2)
    assert message["expires_at"] == days_ahead(10).isoformat()
    [file] = message["attachments"]
    assert (file["filename"], file["size"], file["checksum"]) == (sent.file.name, 2 * MIB + 5, sha256(sent.file))
    attached = row(sandbox, "SELECT attachment_id FROM message_attachments WHERE message_id = ?", message["id"])
    assert attached[0] == file["id"]
    pieces = rows(sandbox, "SELECT chunk FROM upload_log WHERE filename = ? AND outcome = 'stored'", sent.file.name)
    assert sorted(piece["chunk"] for piece in pieces) == [0, 1, 2]  # --chunk-size 1


def test_send_says_which_message_it_sent(cli: Cli, sandbox: SandboxProcess, tmp_path: Path) -> None:
    file = write_file(tmp_path, "send-human.txt", 100, seed=5)

    outcome = cli.run("send", "--to", f"{BOB.email},{CAROL.email}", file)

    assert outcome.code == 0, outcome.stderr
    said, url = outcome.stdout.strip().removeprefix("Sent message ").split(": ")
    assert url == f"{cli.server}/message/{said}"
    recipients = rows(sandbox, "SELECT email FROM message_recipients WHERE message_id = ? ORDER BY position", said)
    assert [recipient[0] for recipient in recipients] == [BOB.email, CAROL.email]
    assert "send-human.txt: uploaded, verified" in outcome.stderr


# ---- FileLinks ----


def make_link(cli: Cli, tmp_path: Path, name: str, *options: object) -> dict[str, Any]:
    link: dict[str, Any] = cli.run("link", write_file(tmp_path, name, 321, seed=6), *options, "--json").json()
    return link


def test_link_json_is_the_filelink_the_sandbox_made(cli: Cli, sandbox: SandboxProcess, tmp_path: Path) -> None:
    link = make_link(cli, tmp_path, "linked.txt", "--expires", days_ahead(20), "--password", "open sesame",
                     "--require-auth", "--receipt")

    stored = row(sandbox, "SELECT * FROM links WHERE id = ?", link["id"])
    assert (stored["user_id"], stored["expires_at"]) == (ALICE.user_id, days_ahead(20).isoformat())
    assert (stored["require_authentication"], stored["send_download_confirmation"]) == (1, 1)
    assert stored["password_hash"]  # set, and not the password itself
    assert "open sesame" not in stored["password_hash"]
    attachment = row(sandbox, "SELECT filename, size FROM attachments WHERE id = ?", stored["attachment_id"])
    assert tuple(attachment) == ("linked.txt", 321)
    assert (link["filename"], link["size"], link["expires_at"]) == ("linked.txt", 321, days_ahead(20).isoformat())
    assert (link["require_authentication"], link["send_download_confirmation"]) == (True, True)
    assert link["url"] == f"{cli.server}/link/{link['id']}"


def test_link_prints_the_url_people_download_from(cli: Cli, sandbox: SandboxProcess, tmp_path: Path) -> None:
    file = write_file(tmp_path, "link-human.txt", 50, seed=7)

    outcome = cli.run("link", file, "--no-require-auth")

    assert outcome.code == 0, outcome.stderr
    url = outcome.stdout.strip()
    link_id = url.rsplit("/", 1)[1]
    assert url == f"{cli.server}/link/{link_id}"
    assert row(sandbox, "SELECT require_authentication FROM links WHERE id = ?", link_id)[0] == 0
    assert httpx.get(f"{url}/download").content == file.read_bytes()


def test_links_lists_the_filelinks(cli: Cli, tmp_path: Path) -> None:
    link = make_link(cli, tmp_path, "listed.txt", "--expires", days_ahead(5), "--no-require-auth", "--receipt")

    listed = {item["id"]: item for item in cli.run("links", "--json").json()}
    assert listed[link["id"]] == link

    outcome = cli.run("links")
    shown = {line["ID"]: line for line in table(outcome.stdout, LINK_HEADINGS)}
    assert shown[link["id"]] == {
        "ID": link["id"], "FILE": "listed.txt", "SIZE": "321 B", "EXPIRES": days_ahead(5).isoformat(),
        "AUTH": "no", "RECEIPT": "yes", "URL": link["url"],
    }


def test_link_update_changes_what_it_is_told_to(cli: Cli, sandbox: SandboxProcess, tmp_path: Path) -> None:
    link = make_link(cli, tmp_path, "updated.txt", "--expires", days_ahead(5), "--require-auth", "--receipt")

    changed = cli.run("link-update", link["id"], "--expires", days_ahead(7), "--no-require-auth", "--no-receipt",
                      "--json").json()

    stored = row(sandbox, "SELECT * FROM links WHERE id = ?", link["id"])
    assert (stored["expires_at"], stored["require_authentication"], stored["send_download_confirmation"]) == (
        days_ahead(7).isoformat(), 0, 0
    )
    assert (changed["id"], changed["expires_at"]) == (link["id"], days_ahead(7).isoformat())
    assert (changed["require_authentication"], changed["send_download_confirmation"]) == (False, False)

    outcome = cli.run("link-update", link["id"], "--receipt")
    [shown] = table(outcome.stdout, LINK_HEADINGS)
    assert (shown["ID"], shown["EXPIRES"], shown["AUTH"], shown["RECEIPT"]) == (
        link["id"], days_ahead(7).isoformat(), "no", "yes"
    )
    assert row(sandbox, "SELECT send_download_confirmation FROM links WHERE id = ?", link["id"])[0] == 1


def test_link_delete_deletes_it(cli: Cli, sandbox: SandboxProcess, tmp_path: Path) -> None:
    first = make_link(cli, tmp_path, "deleted-1.txt")
    second = make_link(cli, tmp_path, "deleted-2.txt")

    assert cli.run("link-delete", first["id"], "--json").json() == {"id": first["id"], "deleted": True}
    outcome = cli.run("link-delete", second["id"])

    assert (outcome.code, outcome.stdout.strip()) == (0, f"Deleted FileLink {second['id']}")
    deleted = rows(sandbox, "SELECT deleted FROM links WHERE id IN (?, ?)", first["id"], second["id"])
    assert [entry[0] for entry in deleted] == [1, 1]
    assert {first["id"], second["id"]}.isdisjoint(item["id"] for item in cli.run("links", "--json").json())


# ---- messages ----


def test_inbox_lists_the_messages_sent_to_me(sent: Sent, sandbox: SandboxProcess) -> None:
    bob = sent.alice.as_user(BOB)
    message_id = sent.message["id"]

    inbox = {message["id"]: message for message in bob.run("inbox", "--json").json()}

    assert inbox[message_id]["sender"] == ALICE.email
    assert inbox[message_id]["subject"] == "Figures"
    assert [file["checksum"] for file in inbox[message_id]["attachments"]] == [sha256(sent.file)]
    assert message_id not in {message["id"] for message in sent.alice.run("inbox", "--json").json()}
    assert message_id in {message["id"] for message in bob.run("inbox", "--since-hours", "1", "--json").json()}
    assert message_id in {message["id"] for message in bob.run("inbox", "--after", days_ahead(0), "--json").json()}
    assert message_id not in {message["id"] for message in bob.run("inbox", "--after", days_ahead(1), "--json").json()}

    shown = {line["ID"]: line for line in table(bob.run("inbox").stdout, MESSAGE_HEADINGS)}
    line = shown[message_id]
    assert (line["FROM"], line["TO"], line["SUBJECT"], line["FILES"], line["SIZE"]) == (
        ALICE.email, BOB.email, "Figures", "1", "2.0 MB"
    )
    assert line["EXPIRES"] == days_ahead(10).isoformat()
    assert line["SENT"] == local_minute(row(sandbox, "SELECT created_at FROM messages WHERE id = ?", message_id)[0])


def test_sent_lists_the_messages_i_sent(sent: Sent) -> None:
    message_id = sent.message["id"]

    listed = {message["id"]: message for message in sent.alice.run("--json", "sent").json()}

    assert listed[message_id]["recipients"] == [BOB.email]
    assert listed[message_id]["bccs"] == ["dave@elsewhere.example"]  # the sender sees the bcc list
    assert message_id not in {message["id"] for message in sent.alice.as_user(BOB).run("sent", "--json").json()}
    shown = {line["ID"]: line for line in table(sent.alice.run("sent").stdout, MESSAGE_HEADINGS)}
    assert (shown[message_id]["TO"], shown[message_id]["SUBJECT"]) == (BOB.email, "Figures")


def test_message_shows_one_message_with_its_files(sent: Sent, sandbox: SandboxProcess) -> None:
    bob = sent.alice.as_user(BOB)

    message = bob.run("message", sent.message["id"], "--json").json()

    assert (message["id"], message["subject"], message["message"]) == (sent.message["id"], "Figures", "Line one")
    [file] = message["attachments"]
    assert (file["filename"], file["checksum"]) == (sent.file.name, sha256(sent.file))
    assert int(file["crc32"], 16) == zlib.crc32(sent.file.read_bytes())

    outcome = bob.run("message", sent.message["id"])
    sent_at = row(sandbox, "SELECT created_at FROM messages WHERE id = ?", sent.message["id"])[0]
    assert block(outcome.stdout.split("\n\n")[0]) == {
        "Subject": "Figures", "From": ALICE.email, "To": BOB.email, "CC": CAROL.email, "Sent": local_minute(sent_at),
        "Expires": days_ahead(10).isoformat(), "Permission": "Specified Recipients and local users can download",
        "Message": "Line one",
    }
    assert message["authorization_description"] == "Specified Recipients and local users can download"
    [shown] = table(outcome.stdout, ("FILE", "SIZE", "TYPE", "SHA-256", "CRC32"))
    assert (shown["FILE"], shown["SIZE"], shown["SHA-256"]) == (sent.file.name, "2.0 MB", sha256(sent.file))


# ---- downloads ----


def test_download_saves_the_files_verified(sent: Sent, downloaded: tuple[Path, Outcome]) -> None:
    folder, outcome = downloaded

    [report] = outcome.json()

    saved = folder / sent.file.name
    assert saved.read_bytes() == sent.file.read_bytes()
    assert sorted(path.name for path in folder.iterdir()) == [sent.file.name]  # nothing else, no .part
    assert report == {"attachment": sent.message["attachments"][0]["id"], "path": str(saved),
                      "sha256": sha256(sent.file), "verified": True}


def test_download_here_by_default_and_never_over_an_existing_file(sent: Sent) -> None:
    bob = sent.alice.as_user(BOB)
    here = bob.cwd
    here.mkdir(parents=True, exist_ok=True)
    (here / sent.file.name).write_bytes(b"mine, keep it")

    outcome = bob.run("download", sent.message["id"])

    copy = here / sent.file.name.replace(".pdf", " (1).pdf")
    assert outcome.code == 0, outcome.stderr
    printed, mark = outcome.stdout.strip().split("  ")
    assert here / printed == copy  # where the user is, so a path relative to it will do
    assert mark == f"(verified, SHA-256 {sha256(sent.file)})"
    assert (here / sent.file.name).read_bytes() == b"mine, keep it"
    assert copy.read_bytes() == sent.file.read_bytes()


def test_downloads_lists_who_downloaded_my_files(sent: Sent, downloaded: tuple[Path, Outcome],
                                                  sandbox: SandboxProcess) -> None:
    message_id = sent.message["id"]
    assert downloaded[1].code == 0

    listed = sent.alice.run("downloads", "--message", message_id, "--json").json()

    logged = rows(sandbox, "SELECT * FROM downloads WHERE message_id = ? ORDER BY id", message_id)
    assert sorted((entry["id"] for entry in listed), key=int) == [str(log["id"]) for log in logged]
    entry = next(item for item in listed if item["id"] == str(logged[0]["id"]))
    assert (entry["recipient"], entry["filename"], entry["checksum"]) == (BOB.email, sent.file.name, sha256(sent.file))
    assert (entry["remote_ip"], entry["user_agent"]) == ("127.0.0.1", logged[0]["user_agent"])
    assert f"lfdesktop ({__version__})" in entry["user_agent"]
    everything = sent.alice.run("downloads", "--json").json()
    assert entry["id"] in {item["id"] for item in everything}
    today = sent.alice.run("downloads", "--after", days_ahead(0), "--json").json()
    assert entry["id"] in {item["id"] for item in today}
    assert sent.alice.run("downloads", "--after", days_ahead(1), "--json").json() == []
    assert entry["id"] not in {item["id"] for item in sent.alice.as_user(BOB).run("downloads", "--json").json()}

    shown = table(sent.alice.run("downloads", "--message", message_id).stdout, DOWNLOAD_HEADINGS)
    assert len(shown) == len(logged)  # newest first: the last line is the first download
    assert (shown[-1]["FILE"], shown[-1]["BY"], shown[-1]["FROM"], shown[-1]["IP"], shown[-1]["BROWSER"]) == (
        sent.file.name, BOB.email, logged[0]["location"], "127.0.0.1", logged[0]["browser"]
    )
    assert shown[-1]["WHEN"] == local_minute(logged[0]["downloaded_at"])


def test_downloads_of_one_filelink(cli: Cli, tmp_path: Path) -> None:
    link = make_link(cli, tmp_path, "downloaded-link.txt", "--no-require-auth")
    httpx.get(f"{link['url']}/download").raise_for_status()  # someone downloads it in a browser

    [entry] = cli.run("downloads", "--link", link["id"], "--json").json()

    assert (entry["filelink_id"], entry["filename"], entry["recipient"]) == (link["id"], "downloaded-link.txt",
                                                                            "anonymous")
    [shown] = table(cli.run("downloads", "--link", link["id"]).stdout, DOWNLOAD_HEADINGS)
    assert (shown["FILE"], shown["BY"]) == ("downloaded-link.txt", "anonymous")


def test_attachments_lists_my_files(cli: Cli, sandbox: SandboxProcess, tmp_path: Path) -> None:
    [uploaded] = cli.run("upload", write_file(tmp_path, "listed-attachment.txt", 2048, seed=8), "--json").json()
    attachment_id = uploaded["attachment"]["id"]

    listed = {item["id"]: item for item in cli.run("attachments", "--json").json()}

    stored = row(sandbox, "SELECT * FROM attachments WHERE id = ?", attachment_id)
    assert (listed[attachment_id]["filename"], listed[attachment_id]["size"]) == (stored["filename"], stored["size"])
    assert listed[attachment_id]["checksum"] == stored["checksum"]
    assert attachment_id not in {item["id"] for item in cli.as_user(BOB).run("attachments", "--json").json()}
    shown = {line["ID"]: line for line in table(cli.run("attachments").stdout, ATTACHMENT_HEADINGS)}
    assert (shown[attachment_id]["FILE"], shown[attachment_id]["SIZE"], shown[attachment_id]["STATE"]) == (
        "listed-attachment.txt", "2.0 KB", "available"
    )


# ---- filedrops (admin) ----


def test_filedrops_lifecycle_as_admin(cli: Cli, sandbox: SandboxProcess) -> None:
    admin = cli.as_user(ADMIN)

    made = admin.run(
        "filedrops", "create", "--name", "cli-drop", "--title", "CLI drop", "--owner", ALICE.email,
        "--description", "For files", "--authorization", "2", "--expires-after", "7", "--max-filesize", "50",
        "--cc", BOB.email, "--accepted-filetypes", "pdf,txt", "--require-validation", "--json",
    ).json()

    stored = row(sandbox, "SELECT * FROM filedrops WHERE id = ?", made["id"])
    assert (stored["name"], stored["title"], stored["owner"], stored["description"]) == (
        "cli-drop", "CLI drop", ALICE.user_id, "For files"
    )
    assert (stored["authorization"], stored["expires_after"], stored["max_filesize"]) == (2, 7, 50)
    assert (stored["cc"], stored["require_validation"]) == (BOB.email, 1)
    assert (made["title"], made["owner"], made["cc"], made["accepted_filetypes"]) == (
        "CLI drop", ALICE.user_id, [BOB.email], ["pdf", "txt"]
    )

    assert admin.run("filedrops", "show", made["id"], "--json").json() == made
    assert made in admin.run("filedrops", "list", "--json").json()

    changed = admin.run("filedrops", "update", made["id"], "--title", "Renamed", "--no-require-validation",
                        "--json").json()
    assert (changed["title"], changed["require_validation"], changed["description"]) == ("Renamed", False, "For files")
    stored = row(sandbox, "SELECT title, require_validation FROM filedrops WHERE id = ?", made["id"])
    assert tuple(stored) == ("Renamed", 0)

    assert admin.run("filedrops", "delete", made["id"], "--json").json() == {"id": made["id"], "deleted": True}
    assert rows(sandbox, "SELECT id FROM filedrops WHERE id = ?", made["id"]) == []


def test_filedrops_for_people(cli: Cli, sandbox: SandboxProcess) -> None:
    admin = cli.as_user(ADMIN)

    outcome = admin.run("filedrops", "create", "--name", "cli-drop-human", "--title", "Human drop",
                        "--owner", BOB.email, "--max-filesize", "75")

    shown = block(outcome.stdout)
    assert (shown["Id"], shown["Title"], shown["Owner"], shown["Max filesize"], shown["Require validation"]) == (
        "cli-drop-human", "Human drop", BOB.user_id, "75", "no"
    )
    assert block(admin.run("filedrops", "show", "cli-drop-human").stdout) == shown
    listed = {line["ID"]: line for line in table(admin.run("filedrops", "list").stdout, FILEDROP_HEADINGS)}
    assert listed["cli-drop-human"] == {
        "ID": "cli-drop-human", "TITLE": "Human drop", "OWNER": BOB.user_id, "PERMISSION": "3", "MAX MB": "75",
        "EXPIRES AFTER": "14 days",
    }
    updated = admin.run("filedrops", "update", "cli-drop-human", "--description", "Now described")
    assert block(updated.stdout) == shown | {"Description": "Now described"}
    deleted = admin.run("filedrops", "delete", "cli-drop-human")
    assert (deleted.code, deleted.stdout.strip()) == (0, "Deleted filedrop cli-drop-human")
    assert rows(sandbox, "SELECT id FROM filedrops WHERE id = 'cli-drop-human'") == []


# ---- options anywhere ----


def test_options_before_and_after_the_command_name(sent: Sent) -> None:
    """``--json``, ``--server`` and ``--api-key`` work on either side of the command, and beat the environment."""
    nowhere = Cli(home=sent.alice.home, cwd=sent.alice.cwd)  # no LF_SERVER, no LF_API_KEY
    server = str(sent.alice.server)

    before = nowhere.run("--json", "--server", server, "--api-key", BOB.api_key, "message", sent.message["id"])
    after = nowhere.run("message", sent.message["id"], "--json", "--server", server, "--api-key", BOB.api_key)

    def without_urls(message: dict[str, Any]) -> dict[str, Any]:  # each view gets fresh one-time file URLs
        return message | {"attachments": [file | {"url": None} for file in message["attachments"]]}

    assert without_urls(before.json()) == without_urls(after.json())
    assert before.json()["id"] == sent.message["id"]
    wrong_env = Cli(home=sent.alice.home, cwd=sent.alice.cwd, server="http://127.0.0.1:9", api_key="not-the-key")
    assert wrong_env.run("sent", "--server", server, "--api-key", ALICE.api_key, "--json").code == 0
