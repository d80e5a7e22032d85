"""Downloads through the client, and the download log that records them, against the real sandbox."""

import pytest

from lfdesktop import __version__
from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import Gone
from lfdesktop.api.models import Download
from tests.api.helpers import days_ahead, fetch, upload_bytes
from tests.sandboxproc import ALICE, BOB


def assert_from_loopback(entry: Download) -> None:
    """The sandbox places loopback where the seed's example is: the client cannot send X-Forwarded-For."""
    assert (entry.remote_ip, entry.remote_host) == ("127.0.0.1", "localhost (127.0.0.1)")
    assert (entry.city, entry.region_code, entry.region_name) == ("Ryde", "NSW", "New South Wales")
    assert (entry.country_code, entry.country_name) == ("AU", "Australia")
    assert entry.location == "Ryde, New South Wales, Australia"
    assert (entry.latitude, entry.longitude) == (-33.7913, 151.1298)
    assert entry.browser == f"lfdesktop ({__version__})"
    assert entry.downloaded_at is not None and entry.download_time is not None and entry.download_speed >= 0


async def test_a_message_download_is_logged_for_the_sender(alice: LiquidFilesClient, bob: LiquidFilesClient) -> None:
    data = b"logged download " * 64
    attachment = await upload_bytes(alice, data, "logged.txt")
    sent = await alice.send_message(recipients=[BOB.email], attachments=[attachment.id])
    assert await alice.message_downloads(sent.id) == []

    assert await fetch(bob, (await bob.message(sent.id)).attachments[0].url) == data

    [entry] = await alice.message_downloads(sent.id)
    assert (entry.attachment_id, entry.message_id, entry.filelink_id) == (attachment.id, sent.id, None)
    assert (entry.filename, entry.size, entry.content_type) == (attachment.filename, len(data), "text/plain")
    assert (entry.checksum, entry.crc32) == (attachment.checksum, attachment.crc32)
    assert (entry.user_id, entry.recipient) == (ALICE.user_id, BOB.email)
    assert entry.id.isdigit()
    assert_from_loopback(entry)

    assert entry in await alice.downloads()
    assert entry in await alice.downloads(after=days_ahead(0))
    assert await alice.downloads(after=days_ahead(1)) == []
    assert entry not in await bob.downloads()


async def test_a_message_url_serves_one_download(alice: LiquidFilesClient, bob: LiquidFilesClient) -> None:
    attachment = await upload_bytes(alice, b"one time")
    sent = await alice.send_message(recipients=[BOB.email], attachments=[attachment.id])
    url = (await bob.message(sent.id)).attachments[0].url
    assert await fetch(bob, url) == b"one time"
    with pytest.raises(Gone):
        await fetch(bob, url)
    assert await fetch(bob, (await bob.message(sent.id)).attachments[0].url) == b"one time"
    assert len(await alice.message_downloads(sent.id)) == 2


async def test_a_link_download_is_logged_for_its_owner(alice: LiquidFilesClient, bob: LiquidFilesClient) -> None:
    attachment = await upload_bytes(alice, b"linked file", "linked.txt")
    link = await alice.create_link(attachment.id, require_authentication=True)
    assert await fetch(bob, f"{link.url}/download") == b"linked file"

    [entry] = await alice.link_downloads(link.id)
    assert (entry.attachment_id, entry.message_id, entry.filelink_id) == (attachment.id, None, link.id)
    assert (entry.recipient, entry.filename) == (BOB.email, attachment.filename)
    assert_from_loopback(entry)
    assert entry in await alice.downloads()


async def test_a_download_log_is_read_off_the_event_loop(
    alice: LiquidFilesClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """100,000 rows take seconds to build: the loop (the GUI's) must not wait for them."""
    import threading

    from lfdesktop.api import client as client_module

    threads: list[threading.Thread] = []
    reader = client_module.DOWNLOADS

    class Watched:
        def read(self, body: object) -> list[Download]:
            threads.append(threading.current_thread())
            return reader.read(body)

    monkeypatch.setattr(client_module, "DOWNLOADS", Watched())
    await alice.downloads()
    assert threads and threads[0] is not threading.current_thread()
