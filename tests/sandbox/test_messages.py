"""Secure messages: sending, the inbox and sent lists, viewing one message, deleting a message's files."""

import hashlib
import re
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.sandbox.helpers import (
    ID,
    ISO_TIMESTAMP,
    days_ahead,
    errors_of,
    json_root,
    send_message,
    unique_name,
    upload_attachment,
)
from tests.sandboxproc import ADMIN, ALICE, BOB, CAROL, SandboxProcess

REPORT = b"%PDF-1.4 quarterly numbers\n" * 100


def _inbox(client: httpx.Client, **params: object) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = json_root(client.get("/messages/inbox", params=params), "messages")
    return messages


def _ids(messages: list[dict[str, Any]]) -> list[str]:
    return [message["id"] for message in messages]


def _view(client: httpx.Client, message_id: str) -> httpx.Response:
    return client.get(f"/message/{message_id}")


@pytest.fixture
def attachment(alice: httpx.Client) -> dict[str, Any]:
    return upload_attachment(alice, unique_name("report.pdf"), REPORT)


def _check_attachment_fields(sandbox: SandboxProcess, message_id: str, item: dict[str, Any]) -> None:
    assert set(item) == {"id", "filename", "size", "content_type", "checksum", "crc32", "created_at", "url"}
    assert ID.match(item["id"])
    assert isinstance(item["filename"], str) and item["filename"].endswith("report.pdf")
    assert item["size"] == len(REPORT) and type(item["size"]) is int
    assert item["content_type"] == "application/pdf"
    assert item["checksum"] == hashlib.sha256(REPORT).hexdigest()
    assert item["crc32"] == format(zlib.crc32(REPORT), "x")
    assert ISO_TIMESTAMP.match(item["created_at"])
    url = re.escape(f"{sandbox.url}/message/{message_id}/{item['id']}/")
    assert re.match(url + r"[A-Za-z0-9]{22}/[^/]+report\.pdf$", item["url"]), item["url"]


def test_a_sent_message_reaches_the_recipients_inbox_with_every_field_typed(
    sandbox: SandboxProcess, alice: httpx.Client, bob: httpx.Client, attachment: dict[str, Any]
) -> None:
    subject = unique_name("Quarterly numbers")
    sent = send_message(
        alice, recipients=[BOB.email], cc=["auditor@outside.example"], bcc=[ADMIN.email], subject=subject,
        message="Please review", attachments=[attachment["id"]],
    )
    received = [message for message in _inbox(bob) if message["subject"] == subject]
    assert len(received) == 1
    message = received[0]
    assert message["id"] == sent["id"] and ID.match(message["id"])
    assert message["sender"] == ALICE.email
    assert message["recipients"] == [BOB.email]
    assert message["ccs"] == ["auditor@outside.example"]
    assert "bccs" not in message  # only the sender sees the blind copies
    assert ISO_TIMESTAMP.match(message["created_at"])
    assert message["expires_at"] == days_ahead(14)  # the Default group's default expiry
    assert message["expires_after"] == 0 and type(message["expires_after"]) is int
    assert message["authorization"] == 3 and type(message["authorization"]) is int
    assert message["authorization_description"] == "Only Specified Recipients can access"
    assert message["subject"] == subject
    assert message["message"] == "Please review"
    assert message["private_message"] is False
    assert message["size"] == len(REPORT) and type(message["size"]) is int
    assert message["url"] == f"{sandbox.url}/message/{message['id']}"
    assert len(message["attachments"]) == 1
    _check_attachment_fields(sandbox, message["id"], message["attachments"][0])


def test_the_sender_sees_the_bccs_and_a_bcc_recipient_gets_the_message(
    alice: httpx.Client, admin: httpx.Client, attachment: dict[str, Any]
) -> None:
    sent = send_message(alice, recipients=[BOB.email], bcc=[ADMIN.email], attachments=[attachment["id"]])
    assert sent["bccs"] == [ADMIN.email]
    in_admin_inbox = [message for message in _inbox(admin) if message["id"] == sent["id"]]
    assert len(in_admin_inbox) == 1
    assert "bccs" not in in_admin_inbox[0]


def test_recipients_are_matched_case_insensitively(alice: httpx.Client, bob: httpx.Client) -> None:
    sent = send_message(alice, recipients=[BOB.email.upper()], subject=unique_name("shouting"))
    assert sent["id"] in _ids(_inbox(bob))


def test_defaults_and_chosen_options_are_kept(alice: httpx.Client, attachment: dict[str, Any]) -> None:
    sent = send_message(
        alice, recipients=[BOB.email], attachments=[attachment["id"]], expires_at=days_ahead(90), expires_after=3,
        authorization=0, private_message=True, send_email=False, bcc_myself=False,
    )
    assert sent["expires_at"] == days_ahead(90)
    assert sent["expires_after"] == 3
    assert sent["authorization"] == 0
    assert sent["authorization_description"] == "Anyone can download"
    assert sent["private_message"] is True
    assert sent["bccs"] == []


def test_a_message_without_files_is_allowed(alice: httpx.Client, bob: httpx.Client) -> None:
    sent = send_message(alice, recipients=[BOB.email], subject=unique_name("just words"), message="Call me")
    assert sent["attachments"] == [] and sent["size"] == 0
    assert _view(bob, sent["id"]).json()["message"]["message"] == "Call me"


def test_the_restricted_group_has_its_own_default_and_maximum_expiry(carol: httpx.Client) -> None:
    assert send_message(carol, recipients=[BOB.email])["expires_at"] == days_ahead(7)
    assert send_message(carol, recipients=[BOB.email], expires_at=days_ahead(30))["expires_at"] == days_ahead(30)
    too_far = carol.post("/message", json={"message": {"recipients": [BOB.email], "expires_at": days_ahead(31)}})
    assert too_far.status_code == 422
    assert "30 days" in errors_of(too_far)[0]


def test_someone_who_is_not_a_recipient_gets_404(
    alice: httpx.Client, carol: httpx.Client, attachment: dict[str, Any]
) -> None:
    sent = send_message(alice, recipients=[BOB.email], attachments=[attachment["id"]])
    response = _view(carol, sent["id"])
    assert response.status_code == 404
    assert sent["id"] in errors_of(response)[0]
    assert sent["id"] not in _ids(_inbox(carol))


@pytest.mark.parametrize(
    ("authorization", "recipients", "carol_may_view"),
    [
        (0, [BOB.email], True),
        (1, [BOB.email], True),
        (2, [BOB.email], True),
        (3, [BOB.email], False),
        (4, [BOB.email], False),
        (4, [BOB.email, "colleague@contractor.example"], True),  # Carol's domain is a recipient domain
    ],
)
def test_authorization_decides_who_else_may_view(
    alice: httpx.Client, carol: httpx.Client, authorization: int, recipients: list[str], carol_may_view: bool
) -> None:
    sent = send_message(alice, recipients=recipients, authorization=authorization)
    response = _view(carol, sent["id"])
    assert response.status_code == (200 if carol_may_view else 404), response.text
    if carol_may_view:
        assert response.json()["message"]["id"] == sent["id"]


def test_a_private_message_text_is_for_sender_and_recipients_only(
    alice: httpx.Client, bob: httpx.Client, carol: httpx.Client
) -> None:
    sent = send_message(alice, recipients=[BOB.email], authorization=2, private_message=True, message="secret")
    assert _view(alice, sent["id"]).json()["message"]["message"] == "secret"
    assert _view(bob, sent["id"]).json()["message"]["message"] == "secret"
    seen_by_carol = _view(carol, sent["id"]).json()["message"]
    assert seen_by_carol["message"] is None
    assert seen_by_carol["subject"] == sent["subject"]


def test_viewing_one_message(sandbox: SandboxProcess, alice: httpx.Client, bob: httpx.Client) -> None:
    sent = send_message(alice, recipients=[BOB.email], bcc=["hidden@outside.example"])
    as_sender = _view(alice, sent["id"])
    assert as_sender.status_code == 200
    assert as_sender.json()["message"]["bccs"] == ["hidden@outside.example"]
    as_recipient = _view(bob, sent["id"])
    assert as_recipient.status_code == 200
    assert "bccs" not in as_recipient.json()["message"]
    with_suffix = bob.get(f"/message/{sent['id']}.json")
    assert with_suffix.status_code == 200 and with_suffix.json()["message"]["id"] == sent["id"]
    unknown = _view(bob, "NoSuchMessage000000000")
    assert unknown.status_code == 404 and errors_of(unknown)
    assert httpx.get(f"{sandbox.url}/message/{sent['id']}", headers={"Accept": "application/json"}).status_code == 401


def test_the_sent_list_holds_the_callers_messages_newest_first(alice: httpx.Client, bob: httpx.Client) -> None:
    first = send_message(alice, recipients=[BOB.email], subject=unique_name("first"))
    second = send_message(alice, recipients=[BOB.email], subject=unique_name("second"))
    response = alice.get("/messages/sent")
    assert response.status_code == 200
    sent_ids = _ids(response.json()["sent"])
    assert sent_ids.index(second["id"]) < sent_ids.index(first["id"])
    assert _ids(alice.get("/messages/sent", params={"limit": 1}).json()["sent"]) == [second["id"]]
    assert first["id"] not in _ids(bob.get("/messages/sent").json()["sent"])
    inbox_ids = _ids(_inbox(bob))
    assert inbox_ids.index(second["id"]) < inbox_ids.index(first["id"])
    bad_limit = alice.get("/messages/sent", params={"limit": 0})
    assert bad_limit.status_code == 422 and "limit" in errors_of(bad_limit)[0]


def _listed(client: httpx.Client, path: str, key: str, **params: object) -> list[str]:
    return _ids(json_root(client.get(path, params=params), key))


def test_sent_after_and_sent_in_the_last_filter_both_lists(
    sandbox: SandboxProcess, alice: httpx.Client, bob: httpx.Client
) -> None:
    recent = send_message(alice, recipients=[BOB.email], subject=unique_name("recent"))
    older = send_message(alice, recipients=[BOB.email], subject=unique_name("three hours old"))
    three_hours_ago = datetime.now(UTC) - timedelta(hours=3)
    with sandbox.db() as db:
        db.execute(
            "UPDATE messages SET created_at = ? WHERE id = ?",
            (three_hours_ago.strftime("%Y-%m-%dT%H:%M:%S.000Z"), older["id"]),
        )
    for client, path, key in ((bob, "/messages/inbox", "messages"), (alice, "/messages/sent", "sent")):
        since_that_day = _listed(client, path, key, sent_after=three_hours_ago.date().isoformat())
        assert {recent["id"], older["id"]} <= set(since_that_day)
        assert recent["id"] not in _listed(client, path, key, sent_after=days_ahead(1))
        in_the_last_hour = _listed(client, path, key, sent_in_the_last=1)
        assert recent["id"] in in_the_last_hour and older["id"] not in in_the_last_hour
        assert older["id"] in _listed(client, path, key, sent_in_the_last=4)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sent_after": "2024-13-01"}, "sent_after"),
        ({"sent_after": "yesterday"}, "sent_after"),
        ({"sent_in_the_last": "0"}, "sent_in_the_last"),
        ({"sent_in_the_last": "a day"}, "sent_in_the_last"),
    ],
)
@pytest.mark.parametrize("path", ["/messages/inbox", "/messages/sent"])
def test_bad_list_filters_are_422(bob: httpx.Client, path: str, params: dict[str, str], field: str) -> None:
    response = bob.get(path, params=params)
    assert response.status_code == 422
    assert field in errors_of(response)[0]


@pytest.mark.parametrize(
    ("fields", "mentions"),
    [
        ({"subject": "nobody"}, "recipient"),
        ({"recipients": [], "cc": [], "bcc": []}, "recipient"),
        ({"recipients": ["not-an-email"]}, "not a valid email"),
        ({"recipients": [BOB.email], "cc": ["bob@"]}, "not a valid email"),
        ({"recipients": BOB.email}, "list"),
        ({"recipients": [BOB.email], "expires_at": days_ahead(-1)}, "past"),
        ({"recipients": [BOB.email], "expires_at": days_ahead(91)}, "90 days"),
        ({"recipients": [BOB.email], "expires_at": "31/12/2030"}, "YYYY-MM-DD"),
        ({"recipients": [BOB.email], "attachments": ["NoSuchAttachment000000"]}, "not found"),
        ({"recipients": [BOB.email], "attachments": "NoSuchAttachment000000"}, "list of ids"),
        ({"recipients": [BOB.email], "authorization": 5}, "authorization"),
        ({"recipients": [BOB.email], "authorization": "high"}, "authorization"),
        ({"recipients": [BOB.email], "expires_after": -1}, "expires_after"),
        ({"recipients": [BOB.email], "send_email": "maybe"}, "send_email"),
        ({"recipients": [BOB.email], "private_message": 2}, "private_message"),
        ({"recipients": [BOB.email], "subject": 5}, "subject"),
        ({"recipients": [BOB.email], "message": ["text"]}, "message"),
    ],
)
def test_invalid_messages_are_422_with_a_reason(alice: httpx.Client, fields: dict[str, Any], mentions: str) -> None:
    response = alice.post("/message", json={"message": fields})
    assert response.status_code == 422, response.text
    assert mentions in " ".join(errors_of(response))


def test_someone_elses_attachment_cannot_be_sent(alice: httpx.Client, bob: httpx.Client) -> None:
    foreign = upload_attachment(bob, unique_name("bobs.txt"), b"not yours")["id"]
    response = alice.post("/message", json={"message": {"recipients": [BOB.email], "attachments": [foreign]}})
    assert response.status_code == 422
    assert foreign in errors_of(response)[0]


@pytest.mark.parametrize("body", [b"{not json", b'["a list"]', b'{"recipients": ["bob@partner.example"]}'])
def test_malformed_bodies_are_422(alice: httpx.Client, body: bytes) -> None:
    response = alice.post("/message", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert errors_of(response)


def test_nothing_is_stored_when_a_message_is_refused(alice: httpx.Client, bob: httpx.Client) -> None:
    subject = unique_name("refused")
    response = alice.post(
        "/message", json={"message": {"recipients": [BOB.email], "subject": subject, "authorization": 9}}
    )
    assert response.status_code == 422
    assert subject not in [message["subject"] for message in _inbox(bob)]


def test_messages_need_an_api_key(sandbox: SandboxProcess) -> None:
    with sandbox.client(None) as anonymous:
        assert anonymous.get("/messages/inbox").status_code == 401
        assert anonymous.post("/message", json={"message": {"recipients": [BOB.email]}}).status_code == 401


def test_only_the_sender_may_delete_a_messages_files(alice: httpx.Client, bob: httpx.Client) -> None:
    data = b"withdrawn"
    attachment = upload_attachment(alice, unique_name("withdrawn.txt"), data)
    sent = send_message(alice, recipients=[BOB.email], attachments=[attachment["id"]])
    refused = bob.delete(f"/message/{sent['id']}/delete_attachments")
    assert refused.status_code == 404 and errors_of(refused)
    assert alice.get(f"/attachments/{attachment['id']}").status_code == 200
    deleted = alice.delete(f"/message/{sent['id']}/delete_attachments")
    assert deleted.status_code == 200 and deleted.content == b""
    assert alice.get(f"/attachments/{attachment['id']}").status_code == 404
    assert _view(bob, sent["id"]).status_code == 200  # the message itself stays
    assert alice.delete(f"/message/{sent['id']}/delete_attachments").status_code == 200
    assert alice.delete("/message/NoSuchMessage000000000/delete_attachments").status_code == 404


def test_a_file_another_live_message_shares_is_kept(alice: httpx.Client, bob: httpx.Client) -> None:
    attachment = upload_attachment(alice, unique_name("shared.txt"), b"shared by two messages")
    first = send_message(alice, recipients=[BOB.email], attachments=[attachment["id"]])
    second = send_message(alice, recipients=[CAROL.email], attachments=[attachment["id"]])
    assert alice.delete(f"/message/{first['id']}/delete_attachments").status_code == 200
    shown = alice.get(f"/attachments/{attachment['id']}")
    assert shown.status_code == 200
    assert second["id"] in shown.json()["attachment"]["messages"]
    assert alice.delete(f"/message/{second['id']}/delete_attachments").status_code == 200
    assert alice.get(f"/attachments/{attachment['id']}").status_code == 404
