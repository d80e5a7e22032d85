"""Downloading files: a message's one-time URLs, the public FileLink page and download, and the download log."""

import hashlib
import random
import re
import zlib
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.sandbox.helpers import (
    ISO_TIMESTAMP,
    days_ahead,
    errors_of,
    json_root,
    send_message,
    unique_name,
    upload_attachment,
)
from tests.sandboxproc import ALICE, BOB, SandboxProcess

SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_3) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    " Version/12.0.3 Safari/605.1.15"
)
BERLIN = "192.0.2.10"  # in the sandbox's built-in table of documentation addresses
HTML = {"Accept": "text/html"}


def _file_url(client: httpx.Client, message_id: str) -> str:
    """A fresh download URL of the message's first file, as ``client`` views the message."""
    url: str = json_root(client.get(f"/message/{message_id}"), "message")["attachments"][0]["url"]
    return url


def _shared(alice: httpx.Client, data: bytes, name: str = "data.bin", **options: object) -> tuple[str, str]:
    """Alice sends ``data`` to Bob: (message id, attachment id)."""
    attachment = upload_attachment(alice, unique_name(name), data)
    message = send_message(alice, recipients=[BOB.email], attachments=[attachment["id"]], **options)
    return message["id"], attachment["id"]


def _downloads(client: httpx.Client, path: str, **params: object) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json_root(client.get(path, params=params), "downloads")
    return entries


def _expired_url_error(response: httpx.Response) -> str:
    assert response.status_code == 410, response.text
    return " ".join(errors_of(response))


# ---- A message's files ----


def test_a_recipient_downloads_the_file_and_the_url_is_then_used_up(alice: httpx.Client, bob: httpx.Client) -> None:
    data = random.Random(1).randbytes(300_000)
    name = unique_name("Bericht \u2013 Grüße \"final\" 100%.pdf")
    attachment = upload_attachment(alice, name, data)
    message = send_message(alice, recipients=[BOB.email], attachments=[attachment["id"]])
    url = _file_url(bob, message["id"])
    assert url.endswith("/" + quote(name, safe=""))
    response = bob.get(url)
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == attachment["checksum"] == hashlib.sha256(data).hexdigest()
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(name, safe='')}" in disposition
    assert "expired" in _expired_url_error(bob.get(url))
    again = bob.get(_file_url(bob, message["id"]))
    assert again.status_code == 200 and again.content == data


def test_each_view_gives_its_own_url(alice: httpx.Client, bob: httpx.Client) -> None:
    message_id, _ = _shared(alice, b"two views")
    first, second = _file_url(bob, message_id), _file_url(bob, message_id)
    assert first != second
    assert bob.get(second).content == b"two views"
    assert bob.get(first).content == b"two views"  # unused, so still good


def test_a_url_is_for_the_user_who_viewed_the_message(
    sandbox: SandboxProcess, alice: httpx.Client, bob: httpx.Client, carol: httpx.Client
) -> None:
    message_id, _ = _shared(alice, b"for bob only", authorization=2)
    url = _file_url(bob, message_id)
    assert "expired" in _expired_url_error(carol.get(url))
    assert "expired" in _expired_url_error(alice.get(url))
    with sandbox.client(None) as anonymous:
        assert anonymous.get(url).status_code == 401
    assert bob.get(url).content == b"for bob only"  # the refusals used nothing up


def test_a_url_past_its_lifetime_is_gone(sandbox: SandboxProcess, alice: httpx.Client, bob: httpx.Client) -> None:
    message_id, _ = _shared(alice, b"short-lived")
    url = _file_url(bob, message_id)
    token = url.split("/")[-2]
    with sandbox.db() as db:
        db.execute("UPDATE download_tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE token = ?", (token,))
    assert "expired" in _expired_url_error(bob.get(url))


def test_a_url_with_a_wrong_part_is_gone(alice: httpx.Client, bob: httpx.Client) -> None:
    message_id, attachment_id = _shared(alice, b"exact urls")
    url = _file_url(bob, message_id)
    other_id, _ = _shared(alice, b"another message")
    assert _expired_url_error(bob.get(url.replace(message_id, other_id)))
    assert _expired_url_error(bob.get(url.replace(attachment_id, "NoSuchAttachment000000")))
    assert bob.get(url).status_code == 200


def test_a_range_request_is_served_and_uses_nothing_up(alice: httpx.Client, bob: httpx.Client) -> None:
    data = bytes(range(256)) * 40
    message_id, _ = _shared(alice, data)
    url = _file_url(bob, message_id)
    part = bob.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.content == data[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(data)}"
    tail = bob.get(url, headers={"Range": f"bytes=20-{len(data) - 1}"})
    assert tail.status_code == 206 and tail.content == data[20:]
    assert _expired_url_error(bob.get(url))  # the range that finished the file finished the download
    assert len(_downloads(alice, f"/message/{message_id}/downloads")) == 1


def test_a_client_that_hangs_up_part_way_uses_nothing_up(alice: httpx.Client, bob: httpx.Client) -> None:
    # Larger than what loopback socket buffers hold, so the server cannot have sent it all.
    data = random.Random(2).randbytes(48 * 1024 * 1024)
    message_id, _ = _shared(alice, data)
    url = _file_url(bob, message_id)
    with bob.stream("GET", url) as response:
        assert response.status_code == 200
        first_block = next(response.iter_raw())
        assert first_block == data[: len(first_block)]
    # Closing a response before its end closes the connection.
    again = bob.get(url)
    assert again.status_code == 200
    assert hashlib.sha256(again.content).digest() == hashlib.sha256(data).digest()
    assert len(_downloads(alice, f"/message/{message_id}/downloads")) == 1


def test_the_senders_own_download_is_not_logged(alice: httpx.Client) -> None:
    message_id, _ = _shared(alice, b"my own file")
    assert alice.get(_file_url(alice, message_id)).content == b"my own file"
    assert _downloads(alice, f"/message/{message_id}/downloads") == []


def test_deleted_files_are_gone(alice: httpx.Client, bob: httpx.Client) -> None:
    message_id, _ = _shared(alice, b"withdrawn")
    early_url = _file_url(bob, message_id)
    assert alice.delete(f"/message/{message_id}/delete_attachments").status_code == 200
    assert "deleted" in _expired_url_error(bob.get(early_url))
    assert "deleted" in _expired_url_error(bob.get(_file_url(bob, message_id)))


def test_expires_after_allows_that_many_downloads_per_file(alice: httpx.Client, bob: httpx.Client) -> None:
    message_id, _ = _shared(alice, b"once only", expires_after=1)
    assert bob.get(_file_url(bob, message_id)).content == b"once only"
    assert "downloaded" in _expired_url_error(bob.get(_file_url(bob, message_id)))


def test_an_expired_message_is_gone(sandbox: SandboxProcess, alice: httpx.Client, bob: httpx.Client) -> None:
    message_id, _ = _shared(alice, b"too late")
    url = _file_url(bob, message_id)
    with sandbox.db() as db:
        db.execute("UPDATE messages SET expires_at = ? WHERE id = ?", (days_ahead(-1), message_id))
    assert "expired" in _expired_url_error(bob.get(url))


# ---- The download log ----


def _check_seed_fields(entry: dict[str, Any]) -> None:
    """Every field of seeds/000, with its type."""
    strings = (
        "attachment_id", "filename", "content_type", "checksum", "crc32", "downloaded_at", "user_id", "recipient",
        "remote_ip", "remote_host", "download_time", "location", "user_agent", "browser", "os", "platform",
        "country_code", "country_name", "city", "region_code", "region_name",
    )
    integers = ("id", "size", "download_speed")
    optional = ("message_id", "filelink_id", "longitude", "latitude")
    assert list(entry) == [
        "id", "attachment_id", "message_id", "filelink_id", "filename", "size", "content_type", "checksum",
        "crc32", "downloaded_at", "user_id", "recipient", "remote_ip", "remote_host", "download_time",
        "download_speed", "location", "user_agent", "browser", "os", "platform", "longitude", "latitude",
        "country_code", "country_name", "city", "region_code", "region_name",
    ]
    assert set(strings) | set(integers) | set(optional) == set(entry)
    assert all(isinstance(entry[name], str) for name in strings), entry
    assert all(type(entry[name]) is int for name in integers), entry
    assert ISO_TIMESTAMP.match(entry["downloaded_at"])
    assert re.fullmatch(r"\d+\.\d\d", entry["download_time"])
    assert entry["download_speed"] >= 0


def test_a_download_is_logged_with_every_field_and_where_it_came_from(
    alice: httpx.Client, bob: httpx.Client, carol: httpx.Client
) -> None:
    data = b"logged download" * 1000
    message_id, attachment_id = _shared(alice, data, name="log.txt")
    headers = {"X-Forwarded-For": f"{BERLIN}, 10.0.0.1", "User-Agent": SAFARI}
    response = bob.get(_file_url(bob, message_id), headers=headers)
    assert response.status_code == 200
    entries = _downloads(alice, f"/message/{message_id}/downloads")
    assert len(entries) == 1
    entry = entries[0]
    _check_seed_fields(entry)
    assert entry["attachment_id"] == attachment_id
    assert entry["message_id"] == message_id and entry["filelink_id"] is None
    assert entry["filename"].endswith("log.txt") and entry["size"] == len(data)
    assert entry["content_type"] == "text/plain"
    assert entry["checksum"] == hashlib.sha256(data).hexdigest()
    assert entry["crc32"] == format(zlib.crc32(data), "x")
    assert entry["user_id"] == ALICE.user_id  # the file's owner
    assert entry["recipient"] == BOB.email
    assert entry["remote_ip"] == BERLIN
    assert entry["remote_host"] == f"gw.berlin.example.de ({BERLIN})"
    assert entry["location"] == "Berlin, Berlin, Germany"
    assert (entry["city"], entry["region_code"], entry["region_name"]) == ("Berlin", "BE", "Berlin")
    assert (entry["country_code"], entry["country_name"]) == ("DE", "Germany")
    assert entry["latitude"] == pytest.approx(52.52) and entry["longitude"] == pytest.approx(13.405)
    assert entry["user_agent"] == "Safari (12.0.3) - Macintosh (OS X 10.14.3)"
    assert (entry["browser"], entry["os"], entry["platform"]) == ("Safari (12.0.3)", "OS X 10.14.3", "Macintosh")
    assert entry in _downloads(alice, "/downloads")
    assert entry["id"] not in [other["id"] for other in _downloads(bob, "/downloads")]  # not Bob's file
    for other in (bob, carol):
        refused = other.get(f"/message/{message_id}/downloads")
        assert refused.status_code == 404 and errors_of(refused)


def test_a_download_from_loopback_is_placed_in_ryde(alice: httpx.Client, bob: httpx.Client) -> None:
    message_id, _ = _shared(alice, b"local download")
    assert bob.get(_file_url(bob, message_id)).status_code == 200
    entry = _downloads(alice, f"/message/{message_id}/downloads")[0]
    assert entry["remote_ip"] == "127.0.0.1"
    assert entry["remote_host"] == "localhost (127.0.0.1)"
    assert entry["location"] == "Ryde, New South Wales, Australia"
    assert entry["latitude"] == pytest.approx(-33.7913) and entry["longitude"] == pytest.approx(151.1298)
    assert entry["browser"].startswith("python-httpx (")


def test_an_unknown_address_has_no_place(alice: httpx.Client, bob: httpx.Client) -> None:
    message_id, _ = _shared(alice, b"from afar")
    assert bob.get(_file_url(bob, message_id), headers={"X-Forwarded-For": "8.8.8.8"}).status_code == 200
    entry = _downloads(alice, f"/message/{message_id}/downloads")[0]
    _check_seed_fields(entry)
    assert entry["remote_ip"] == "8.8.8.8" and entry["remote_host"] == "8.8.8.8 (8.8.8.8)"
    assert entry["location"] == entry["city"] == entry["country_code"] == ""
    assert entry["latitude"] is None and entry["longitude"] is None


def test_the_global_log_is_newest_first_and_filtered_by_after(alice: httpx.Client, bob: httpx.Client) -> None:
    first_id, _ = _shared(alice, b"first")
    second_id, _ = _shared(alice, b"second")
    for message_id in (first_id, second_id):
        assert bob.get(_file_url(bob, message_id)).status_code == 200
    logged = [entry["message_id"] for entry in _downloads(alice, "/downloads", after=days_ahead(0))]
    assert logged.index(second_id) < logged.index(first_id)
    assert _downloads(alice, "/downloads", after=days_ahead(1)) == []
    bad = alice.get("/downloads", params={"after": "29/01/2019"})
    assert bad.status_code == 422 and "after" in errors_of(bad)[0]


# ---- FileLinks ----


def _link(alice: httpx.Client, data: bytes, **options: object) -> dict[str, Any]:
    attachment = upload_attachment(alice, unique_name("shared.zip"), data, link=True)
    response = alice.post("/link", json={"link": {"attachment": attachment["id"], **options}})
    link: dict[str, Any] = json_root(response, "link")
    return link


def test_a_filelink_page_and_anonymous_download(
    sandbox: SandboxProcess, alice: httpx.Client, bob: httpx.Client, anonymous: httpx.Client
) -> None:
    data = b"public file" * 100
    link = _link(alice, data)
    page = httpx.get(link["url"], headers=HTML)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert link["filename"] in page.text and "1.07 KB" in page.text
    assert f'action="/link/{link["id"]}/download"' in page.text and 'type="password"' not in page.text
    download = anonymous.get(f"/link/{link['id']}/download", headers={"X-Forwarded-For": BERLIN})
    assert download.status_code == 200 and download.content == data
    assert f"filename*=UTF-8''{quote(link['filename'], safe='')}" in download.headers["Content-Disposition"]
    assert anonymous.get(f"/link/{link['id']}/download").content == data  # a FileLink is not one-time
    entries = _downloads(alice, f"/link/{link['id']}/downloads")
    assert len(entries) == 2
    _check_seed_fields(entries[1])
    assert entries[1]["filelink_id"] == link["id"] and entries[1]["message_id"] is None
    assert entries[1]["recipient"] == "anonymous"
    assert entries[1]["city"] == "Berlin"
    assert entries[0]["id"] > entries[1]["id"]
    refused = bob.get(f"/link/{link['id']}/downloads")
    assert refused.status_code == 404 and errors_of(refused)


def test_a_password_protected_filelink(alice: httpx.Client, anonymous: httpx.Client) -> None:
    link = _link(alice, b"behind a password", password="open sesame")
    page = httpx.get(link["url"], headers=HTML)
    assert page.status_code == 200 and 'type="password"' in page.text
    path = f"/link/{link['id']}/download"
    missing = anonymous.get(path)
    assert missing.status_code == 403 and "password" in errors_of(missing)[0]
    wrong = anonymous.get(path, params={"password": "guess"})
    assert wrong.status_code == 403 and "Wrong password" in errors_of(wrong)[0]
    assert anonymous.get(path, params={"password": "open sesame"}).content == b"behind a password"
    by_form = httpx.post(link["url"] + "/download", data={"password": "open sesame"}, headers=HTML)
    assert by_form.status_code == 200 and by_form.content == b"behind a password"
    assert len(_downloads(alice, f"/link/{link['id']}/downloads")) == 2


def test_a_filelink_that_requires_authentication(
    sandbox: SandboxProcess, alice: httpx.Client, bob: httpx.Client, anonymous: httpx.Client
) -> None:
    link = _link(alice, b"members only", require_authentication=True)
    path = f"/link/{link['id']}/download"
    refused = anonymous.get(path)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Basic")
    assert errors_of(refused)
    page = httpx.get(link["url"], headers=HTML)
    assert page.status_code == 401 and page.headers["WWW-Authenticate"].startswith("Basic")
    assert bob.get(path).content == b"members only"
    by_password = httpx.get(sandbox.url + path, auth=(BOB.email, BOB.password))
    assert by_password.status_code == 200 and by_password.content == b"members only"
    entries = _downloads(alice, f"/link/{link['id']}/downloads")
    assert [entry["recipient"] for entry in entries] == [BOB.email, BOB.email]


def test_the_owners_own_filelink_download_is_not_logged(alice: httpx.Client) -> None:
    link = _link(alice, b"checking my link")
    assert alice.get(f"/link/{link['id']}/download").content == b"checking my link"
    assert _downloads(alice, f"/link/{link['id']}/downloads") == []


def test_expired_deleted_and_unknown_filelinks(
    sandbox: SandboxProcess, alice: httpx.Client, anonymous: httpx.Client
) -> None:
    expired = _link(alice, b"expired")
    with sandbox.db() as db:
        db.execute("UPDATE links SET expires_at = ? WHERE id = ?", (days_ahead(-1), expired["id"]))
    gone = anonymous.get(f"/link/{expired['id']}/download")
    assert gone.status_code == 410 and "expired" in errors_of(gone)[0]
    deleted = _link(alice, b"deleted")
    assert alice.delete(f"/link/{deleted['id']}").status_code == 200
    assert anonymous.get(f"/link/{deleted['id']}/download").status_code == 404
    unknown = anonymous.get("/link/NoSuchLink000000000000/download")
    assert unknown.status_code == 404 and errors_of(unknown)
    browser = httpx.get(f"{sandbox.url}/link/NoSuchLink000000000000", headers=HTML)
    assert browser.status_code == 404
    assert browser.headers["Content-Type"].startswith("text/html") and "not found" in browser.text
