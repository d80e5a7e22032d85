"""Filedrop admin: list, view, create, update, delete, against the real sandbox."""

import dataclasses

import pytest

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import Forbidden, NotFound, Rejected
from tests.sandbox.helpers import unique_name
from tests.sandboxproc import ALICE, BOB


async def test_filedrop_admin_round_trip(admin: LiquidFilesClient) -> None:
    name = unique_name("partners")
    created = await admin.create_filedrop({
        "name": name, "title": "Partner files", "owner": ALICE.email, "description": "Send us your files.",
        "invalid_extensions": "exe, bat", "accepted_filetypes": "pdf, zip", "expires_after": 7, "max_filesize": 100,
        "require_validation": True, "password": "drop-pw", "cc": BOB.email, "authorization": 2,
    })
    assert (created.id, created.name, created.title, created.owner) == (name, name, "Partner files", ALICE.user_id)
    assert (created.description, created.invalid_extensions, created.accepted_filetypes) == (
        "Send us your files.", ("exe", "bat"), ("pdf", "zip")
    )
    assert (created.expires_after, created.max_filesize, created.require_validation) == (7, 100, True)
    assert (created.password, created.cc, created.authorization) == ("drop-pw", (BOB.email,), 2)

    assert await admin.filedrop(created.id) == created
    assert created in await admin.filedrops()

    updated = await admin.update_filedrop(created.id, {"title": "New partner files", "expires_after": 24})
    assert updated == dataclasses.replace(created, title="New partner files", expires_after=24)
    assert await admin.filedrop(created.id) == updated

    await admin.delete_filedrop(created.id)
    with pytest.raises(NotFound):
        await admin.filedrop(created.id)
    assert created.id not in {filedrop.id for filedrop in await admin.filedrops()}


async def test_a_new_filedrop_gets_the_servers_defaults(admin: LiquidFilesClient) -> None:
    created = await admin.create_filedrop({"name": unique_name("minimal"), "title": "Minimal", "owner": ALICE.user_id})
    assert (created.expires_after, created.max_filesize, created.authorization) == (14, 250, 3)
    assert (created.description, created.password, created.cc, created.require_validation) == ("", "", (), False)
    await admin.delete_filedrop(created.id)


async def test_a_filedrop_without_an_owner_is_rejected(admin: LiquidFilesClient) -> None:
    with pytest.raises(Rejected) as caught:
        await admin.create_filedrop({"name": unique_name("orphan"), "title": "Orphan"})
    assert caught.value.errors == ["owner is required"]


async def test_filedrops_need_an_admins_key(alice: LiquidFilesClient) -> None:
    calls = (
        alice.filedrops, lambda: alice.filedrop("support"), lambda: alice.delete_filedrop("support"),
        lambda: alice.create_filedrop({"name": "x", "title": "x", "owner": ALICE.email}),
    )
    for call in calls:
        with pytest.raises(Forbidden) as caught:
            await call()
        assert caught.value.status == 403
        assert caught.value.errors == ["Admin access required"]
