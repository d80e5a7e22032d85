"""Secure messages: send, inbox, sent, one message, withdraw the files, against the real sandbox."""

from datetime import UTC, datetime, timedelta

import pytest

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import Gone, NotFound, Rejected
from tests.api.helpers import days_ahead, fetch, upload_bytes
from tests.sandbox.helpers import unique_name
from tests.sandboxproc import ADMIN, ALICE, BOB, CAROL, SandboxProcess


def _choices_on_record(sandbox: SandboxProcess, message_id: str) -> tuple[int, int]:
    """(send_email, bcc_myself) as the sandbox stored them: the message JSON does not show them."""
    with sandbox.db() as db:
        row = db.execute("SELECT send_email, bcc_myself FROM messages WHERE id = ?", (message_id,)).fetchone()
    return row["send_email"], row["bcc_myself"]


async def test_send_message_with_every_field(alice: LiquidFilesClient, sandbox: SandboxProcess) -> None:
    data = b"quarterly figures"
    attachment = await upload_bytes(alice, data, "report.pdf")
    subject = unique_name("Quarterly report")
    expires = days_ahead(9)
    sent = await alice.send_message(
        recipients=[BOB.email], cc=[CAROL.email], bcc=[ADMIN.email], subject=subject, message="See attached.",
        attachments=[attachment.id], expires_at=expires, expires_after=5, authorization=2, private_message=True,
        send_email=True, bcc_myself=False,
    )
    assert (sent.sender, sent.recipients, sent.ccs, sent.bccs) == (ALICE.email, (BOB.email,), (CAROL.email,),
                                                                   (ADMIN.email,))
    assert (sent.subject, sent.message, sent.expires_at, sent.expires_after) == (subject, "See attached.", expires, 5)
    assert (sent.authorization, sent.private_message, sent.size) == (2, True, len(data))
    assert sent.authorization_description == "Specified Recipients and local users can download"
    assert sent.url == f"{sandbox.url}/message/{sent.id}" and sent.created_at is not None
    [file] = sent.attachments
    assert (file.id, file.filename, file.size, file.checksum) == (attachment.id, attachment.filename, len(data),
                                                                  attachment.checksum)
    assert file.url.startswith(f"{sandbox.url}/message/{sent.id}/{attachment.id}/")
    assert _choices_on_record(sandbox, sent.id) == (1, 0)


async def test_send_message_leaves_unset_choices_to_the_server(
    alice: LiquidFilesClient, sandbox: SandboxProcess
) -> None:
    sent = await alice.send_message(recipients=[BOB.email])
    # The group's default expiry, and the documented defaults of everything else.
    assert (sent.expires_at, sent.expires_after, sent.authorization) == (days_ahead(14), 0, 3)
    assert (sent.subject, sent.message, sent.ccs, sent.bccs, sent.private_message) == ("", "", (), (), False)
    assert _choices_on_record(sandbox, sent.id) == (0, 1)


async def test_a_recipient_finds_the_message_in_the_inbox(alice: LiquidFilesClient, bob: LiquidFilesClient) -> None:
    subject = unique_name("For Bob")
    sent = await alice.send_message(recipients=[BOB.email], bcc=[CAROL.email], subject=subject, message="Hello")

    [received] = [message for message in await bob.inbox(sent_in_the_last=1) if message.id == sent.id]
    assert (received.sender, received.subject, received.message, received.recipients) == (
        ALICE.email, subject, "Hello", (BOB.email,)
    )
    assert received.bccs == ()  # only the sender sees them
    assert sent.id in {message.id for message in await bob.inbox(sent_after=days_ahead(0))}
    assert sent.id in {message.id for message in await bob.inbox()}
    assert await bob.inbox(sent_after=days_ahead(1)) == []

    viewed = await bob.message(sent.id)
    assert (viewed.id, viewed.subject, viewed.sender) == (sent.id, subject, ALICE.email)


def _backdate(sandbox: SandboxProcess, message_id: str, days: int) -> None:
    moment = datetime.now(UTC) - timedelta(days=days)
    with sandbox.db() as db:
        db.execute("UPDATE messages SET created_at = ? WHERE id = ?", (f"{moment:%Y-%m-%dT%H:%M:%S.000Z}", message_id))


async def test_inbox_and_sent_filter_by_age(
    alice: LiquidFilesClient, bob: LiquidFilesClient, sandbox: SandboxProcess
) -> None:
    old = await alice.send_message(recipients=[BOB.email], subject=unique_name("two days old"))
    _backdate(sandbox, old.id, days=2)
    for listing in (bob.inbox, alice.sent):
        assert old.id not in {message.id for message in await listing(sent_in_the_last=24)}
        assert old.id in {message.id for message in await listing(sent_in_the_last=72)}
        assert old.id not in {message.id for message in await listing(sent_after=days_ahead(-1))}
        assert old.id in {message.id for message in await listing(sent_after=days_ahead(-2))}


async def test_sent_lists_newest_first(alice: LiquidFilesClient) -> None:
    first = await alice.send_message(recipients=[BOB.email], subject=unique_name("first"))
    second = await alice.send_message(recipients=[BOB.email], subject=unique_name("second"))
    assert [message.id for message in await alice.sent(limit=1)] == [second.id]
    recent = [message.id for message in await alice.sent(sent_in_the_last=1)]
    assert recent.index(second.id) < recent.index(first.id)
    assert first.id in {message.id for message in await alice.sent(sent_after=days_ahead(0))}
    assert await alice.sent(sent_after=days_ahead(1)) == []
    assert first.id not in {message.id for message in await alice.inbox()}


async def test_another_users_message_is_not_found(alice: LiquidFilesClient, bob: LiquidFilesClient) -> None:
    sent = await alice.send_message(recipients=[CAROL.email], authorization=3)
    with pytest.raises(NotFound) as caught:
        await bob.message(sent.id)
    assert caught.value.status == 404
    assert sent.id not in {message.id for message in await bob.inbox()}


async def test_an_invalid_address_is_rejected_with_the_servers_reason(alice: LiquidFilesClient) -> None:
    with pytest.raises(Rejected) as caught:
        await alice.send_message(recipients=["not an address"], subject="never sent")
    assert caught.value.status == 422
    assert caught.value.errors == ["recipients: 'not an address' is not a valid email address"]
    assert "is not a valid email address" in str(caught.value)


async def test_addresses_must_be_a_list(alice: LiquidFilesClient) -> None:
    with pytest.raises(TypeError, match="list"):
        await alice.send_message(recipients=BOB.email)


async def test_the_sender_withdraws_a_messages_files(alice: LiquidFilesClient, bob: LiquidFilesClient) -> None:
    attachment = await upload_bytes(alice, b"withdrawn soon")
    sent = await alice.send_message(recipients=[BOB.email], attachments=[attachment.id])
    url = (await bob.message(sent.id)).attachments[0].url

    await alice.delete_message_files(sent.id)

    with pytest.raises(NotFound):
        await alice.attachment(attachment.id)
    with pytest.raises(Gone):
        await fetch(bob, url)


async def test_only_the_sender_withdraws_files(alice: LiquidFilesClient, bob: LiquidFilesClient) -> None:
    sent = await alice.send_message(recipients=[BOB.email], attachments=[(await upload_bytes(alice, b"kept")).id])
    with pytest.raises(NotFound):
        await bob.delete_message_files(sent.id)
    assert await fetch(bob, (await bob.message(sent.id)).attachments[0].url) == b"kept"


async def test_a_messages_file_is_read_again_with_a_fresh_url(alice: LiquidFilesClient, bob: LiquidFilesClient) -> None:
    attachment = await upload_bytes(alice, b"fresh url")
    sent = await alice.send_message(recipients=[BOB.email], attachments=[attachment.id])
    first = (await bob.message(sent.id)).attachments[0]
    assert await fetch(bob, first.url) == b"fresh url"

    again = await bob.message_file(sent.id, attachment.id)
    assert again.id == attachment.id and again.url != first.url
    assert await fetch(bob, again.url) == b"fresh url"
    with pytest.raises(NotFound, match="no longer has the file"):
        await bob.message_file(sent.id, "not-a-file")
