"""Attachments: list, show, delete, against the real sandbox."""

import hashlib
import zlib

import pytest

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import NotFound, Rejected
from lfdesktop.api.models import crc32_matches
from tests.api.helpers import upload_bytes
from tests.sandboxproc import BOB


async def test_an_upload_is_listed_and_shown_as_it_was_answered(alice: LiquidFilesClient) -> None:
    data = "Grüße aus der Anlage\n".encode() * 100
    uploaded = await upload_bytes(alice, data, "grüße.txt")
    assert uploaded.filename.endswith("grüße.txt")
    assert (uploaded.size, uploaded.checksum) == (len(data), hashlib.sha256(data).hexdigest())
    assert crc32_matches(uploaded.crc32, zlib.crc32(data))
    assert uploaded.processed and uploaded.available and uploaded.created_at is not None
    assert (uploaded.messages, uploaded.filelinks) == ((), ())

    listed = {attachment.id: attachment for attachment in await alice.attachments()}
    assert listed[uploaded.id] == uploaded
    assert await alice.attachment(uploaded.id) == uploaded


async def test_another_users_attachment_is_not_found(alice: LiquidFilesClient, bob: LiquidFilesClient) -> None:
    uploaded = await upload_bytes(alice, b"private")
    with pytest.raises(NotFound):
        await bob.attachment(uploaded.id)
    assert uploaded.id not in {attachment.id for attachment in await bob.attachments()}


async def test_an_unsent_attachment_can_be_deleted(alice: LiquidFilesClient) -> None:
    uploaded = await upload_bytes(alice, b"draft")
    await alice.delete_attachment(uploaded.id)
    with pytest.raises(NotFound):
        await alice.attachment(uploaded.id)
    assert uploaded.id not in {attachment.id for attachment in await alice.attachments()}


async def test_a_sent_attachment_cannot_be_deleted(alice: LiquidFilesClient) -> None:
    uploaded = await upload_bytes(alice, b"sent already")
    await alice.send_message(recipients=[BOB.email], attachments=[uploaded.id])
    with pytest.raises(Rejected) as caught:
        await alice.delete_attachment(uploaded.id)
    assert any("can't be deleted" in message for message in caught.value.errors)
    assert (await alice.attachment(uploaded.id)).messages

