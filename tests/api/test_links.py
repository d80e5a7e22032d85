"""FileLinks: create, list, every update, delete, against the real sandbox (and an older server's empty answers)."""

import dataclasses

import pytest

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import NotFound, Rejected
from tests.api.conftest import OldServer
from tests.api.helpers import days_ahead, upload_bytes
from tests.sandboxproc import SandboxProcess


async def test_create_link_with_every_field(alice: LiquidFilesClient, sandbox: SandboxProcess) -> None:
    attachment = await upload_bytes(alice, b"x" * 2048, "shared.bin")
    expires = days_ahead(10)
    link = await alice.create_link(
        attachment.id, expires_at=expires, password="s3cret", download_receipt=False, require_authentication=True
    )
    assert (link.filename, link.size, link.size_human) == (attachment.filename, 2048, "2 KB")
    assert (link.expires_at, link.send_download_confirmation, link.require_authentication) == (expires, False, True)
    assert link.url == f"{sandbox.url}/link/{link.id}"
    assert link.created_at is not None and link.updated_at == link.created_at
    with sandbox.db() as db:
        row = db.execute("SELECT password_hash FROM links WHERE id = ?", (link.id,)).fetchone()
    assert row["password_hash"] and "s3cret" not in row["password_hash"]


async def test_create_link_leaves_unset_choices_to_the_server(alice: LiquidFilesClient) -> None:
    link = await alice.create_link((await upload_bytes(alice, b"defaults")).id)
    assert (link.expires_at, link.send_download_confirmation, link.require_authentication) == (
        days_ahead(14), True, False
    )


async def test_links_lists_newest_first(alice: LiquidFilesClient) -> None:
    first = await alice.create_link((await upload_bytes(alice, b"first")).id)
    second = await alice.create_link((await upload_bytes(alice, b"second")).id)
    assert await alice.links(limit=1) == [second]
    listed = await alice.links()
    assert listed.index(second) < listed.index(first)


async def test_every_update_answers_the_changed_link(alice: LiquidFilesClient) -> None:
    link = await alice.create_link((await upload_bytes(alice, b"policy")).id)

    authenticated = await alice.set_link_authentication(link.id, True)
    assert authenticated is not None and authenticated.require_authentication
    quiet = await alice.set_link_download_confirmation(link.id, False)
    assert quiet is not None and not quiet.send_download_confirmation and quiet.require_authentication
    later = await alice.set_link_expiry(link.id, days_ahead(30))
    assert later is not None and later.expires_at == days_ahead(30)

    [listed] = [item for item in await alice.links() if item.id == link.id]
    expected = dataclasses.replace(
        link, require_authentication=True, send_download_confirmation=False, expires_at=days_ahead(30),
        updated_at=listed.updated_at,
    )
    assert listed == expected


async def test_updates_of_an_older_server_answer_nothing(old_server: OldServer) -> None:
    async with LiquidFilesClient.connect(old_server.url, old_server.api_key) as client:
        assert await client.set_link_authentication("AnyLinkId", False) is None
        assert await client.set_link_download_confirmation("AnyLinkId", True) is None
        assert await client.set_link_expiry("AnyLinkId", days_ahead(3)) is None


async def test_a_group_that_requires_authentication_refuses_to_drop_it(carol: LiquidFilesClient) -> None:
    link = await carol.create_link((await upload_bytes(carol, b"contractor")).id)
    assert link.require_authentication
    with pytest.raises(Rejected) as caught:
        await carol.set_link_authentication(link.id, False)
    assert caught.value.errors == [
        "Your group (Restricted) may not change whether authentication is required of FileLinks"
    ]


async def test_a_past_expiry_is_rejected(alice: LiquidFilesClient) -> None:
    link = await alice.create_link((await upload_bytes(alice, b"expiry")).id)
    with pytest.raises(Rejected, match="in the past"):
        await alice.set_link_expiry(link.id, days_ahead(-1))


async def test_a_deleted_link_is_gone_from_the_list(alice: LiquidFilesClient, bob: LiquidFilesClient) -> None:
    link = await alice.create_link((await upload_bytes(alice, b"short-lived")).id)
    with pytest.raises(NotFound):
        await bob.delete_link(link.id)
    await alice.delete_link(link.id)
    assert link.id not in {item.id for item in await alice.links()}
    with pytest.raises(NotFound):
        await alice.delete_link(link.id)
    with pytest.raises(NotFound):
        await alice.set_link_expiry(link.id, days_ahead(3))
