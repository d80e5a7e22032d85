"""The FileLink API of seeds/001: create, list, delete, and the three policy updates."""

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from lfdesktop.sandbox.users import password_matches
from tests.sandbox.helpers import ISO_TIMESTAMP, days_ahead, errors_of, json_root, upload_attachment
from tests.sandboxproc import ALICE, SandboxProcess

OLD_TIMESTAMP = "2001-01-01T00:00:00.000Z"


def attachment_id(client: httpx.Client, name: str = "report.pdf", data: bytes = b"%PDF-1.4 sandbox") -> str:
    return str(upload_attachment(client, name, data, link=True)["id"])


def post_link(client: httpx.Client, **fields: object) -> httpx.Response:
    """POST /link with the given fields, for a fresh upload unless ``attachment`` is given."""
    fields.setdefault("attachment", attachment_id(client))
    return client.post("/link", json={"link": fields})


def create_link(client: httpx.Client, **fields: object) -> dict[str, Any]:
    link: dict[str, Any] = json_root(post_link(client, **fields), "link")
    return link


def listed_ids(client: httpx.Client, **params: object) -> list[str]:
    return [link["id"] for link in json_root(client.get("/link", params=params), "links")]


def age_link(sandbox: SandboxProcess, link_id: str) -> None:
    """Move the link's updated_at into the past, so an update must visibly refresh it."""
    with sandbox.db() as db:
        db.execute("UPDATE links SET updated_at = ? WHERE id = ?", (OLD_TIMESTAMP, link_id))


def test_create_answers_every_seed_field_with_its_type(sandbox: SandboxProcess, alice: httpx.Client) -> None:
    data = b"a" * 147874
    attachment = upload_attachment(alice, "screenshot.png", data, link=True)
    expected_expiry = days_ahead(14)  # the Default group's default_expiry_days

    link = create_link(alice, attachment=attachment["id"])

    assert set(link) == {
        "id", "filename", "size", "size_human", "expires_at", "send_download_confirmation",
        "require_authentication", "url", "created_at", "updated_at",
    }
    assert re.fullmatch(r"[A-Za-z0-9]{22}", link["id"])
    assert link["filename"] == "screenshot.png"
    assert link["size"] == 147874 and type(link["size"]) is int
    assert link["size_human"] == "144 KB"
    assert link["expires_at"] == expected_expiry
    assert link["send_download_confirmation"] is True  # download_receipt defaults to true
    assert link["require_authentication"] is False  # the Default group's default
    assert link["url"] == f"{sandbox.url}/link/{link['id']}"
    assert ISO_TIMESTAMP.match(link["created_at"]) and link["updated_at"] == link["created_at"]
    assert link["id"] in alice.get(f"/attachments/{attachment['id']}").json()["attachment"]["filelinks"]


def test_create_honours_every_parameter_and_stores_only_a_password_hash(
    sandbox: SandboxProcess, alice: httpx.Client
) -> None:
    expiry = days_ahead(3)
    link = create_link(
        alice, expires_at=expiry, password="top secret", download_receipt=False, require_authentication=True
    )

    assert link["expires_at"] == expiry
    assert link["send_download_confirmation"] is False
    assert link["require_authentication"] is True
    with sandbox.db() as db:
        stored = db.execute("SELECT password_hash FROM links WHERE id = ?", (link["id"],)).fetchone()[0]
    assert "top secret" not in stored
    assert password_matches("top secret", stored) and not password_matches("wrong", stored)


def test_without_password_none_is_stored(sandbox: SandboxProcess, alice: httpx.Client) -> None:
    link = create_link(alice, password="")
    with sandbox.db() as db:
        assert db.execute("SELECT password_hash FROM links WHERE id = ?", (link["id"],)).fetchone()[0] is None


def test_attachment_may_be_an_array_of_exactly_one_id(alice: httpx.Client) -> None:
    first, second = attachment_id(alice, "one.txt", b"1"), attachment_id(alice, "two.txt", b"2")

    assert create_link(alice, attachment=[first])["filename"] == "one.txt"
    response = alice.post("/link", json={"link": {"attachment": [first, second]}})
    assert response.status_code == 422
    assert any("exactly one file" in message for message in errors_of(response))


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, "attachment is required"),
        ({"attachment": []}, "attachment is required"),
        ({"attachment": "NoSuchAttachment000000"}, "not found"),
        ({"attachment": 42}, "must be strings"),
        ({"expires_at": "2001-01-01"}, "in the past"),
        ({"expires_at": "tomorrow"}, "YYYY-MM-DD"),
        ({"expires_at": "2030-02-30"}, "not a valid date"),
        ({"download_receipt": "maybe"}, "download_receipt must be true or false"),
        ({"require_authentication": [True]}, "require_authentication must be true or false"),
        ({"password": 1234}, "password must be a string"),
    ],
)
def test_invalid_create_is_422_naming_the_problem(
    alice: httpx.Client, fields: dict[str, object], expected: str
) -> None:
    response = post_link(alice, **fields) if fields else alice.post("/link", json={"link": {}})
    assert response.status_code == 422
    assert any(expected in message for message in errors_of(response)), errors_of(response)


def test_expiry_may_reach_the_group_maximum_but_not_beyond(alice: httpx.Client) -> None:
    assert create_link(alice, expires_at=days_ahead(90))["expires_at"] == days_ahead(90)
    response = post_link(alice, expires_at=days_ahead(91))
    assert response.status_code == 422
    assert any("at most 90 days" in message for message in errors_of(response))


def test_another_users_attachment_cannot_be_linked(alice: httpx.Client, bob: httpx.Client) -> None:
    response = post_link(alice, attachment=attachment_id(bob))
    assert response.status_code == 422
    assert any("not found" in message for message in errors_of(response))


def test_an_attachment_still_being_scanned_cannot_be_linked(
    fresh_sandbox: Callable[..., SandboxProcess],
) -> None:
    with fresh_sandbox("--scan-delay", "600").client(ALICE) as client:
        response = post_link(client)
    assert response.status_code == 422
    assert any("still being processed" in message for message in errors_of(response))


def test_restricted_group_links_require_authentication_and_confirmation(carol: httpx.Client) -> None:
    link = create_link(carol)
    assert link["require_authentication"] is True
    assert link["expires_at"] == days_ahead(7)  # the Restricted group's default

    refused = [
        post_link(carol, require_authentication=False),
        post_link(carol, download_receipt=False),
        post_link(carol, expires_at=days_ahead(31)),
    ]
    assert [response.status_code for response in refused] == [422, 422, 422]
    assert errors_of(refused[0]) == ["Your group (Restricted) requires authentication on FileLinks"]
    assert errors_of(refused[1]) == ["Your group (Restricted) requires download confirmations on FileLinks"]
    assert any("at most 30 days" in message for message in errors_of(refused[2]))


def test_list_is_newest_first_and_limit_cuts_it(alice: httpx.Client) -> None:
    first, second, third = (create_link(alice)["id"] for _ in range(3))

    everything = listed_ids(alice)
    assert everything.index(third) < everything.index(second) < everything.index(first)
    assert listed_ids(alice, limit=2) == [third, second]
    response = alice.get("/link", params={"limit": 1})
    assert [link["id"] for link in response.json()["links"]] == [third]
    assert response.json()["links"][0] == alice.get("/link").json()["links"][0]


@pytest.mark.parametrize("limit", ["0", "-1", "two", "1.5"])
def test_an_invalid_limit_is_422(alice: httpx.Client, limit: str) -> None:
    response = alice.get("/link", params={"limit": limit})
    assert response.status_code == 422
    assert any("limit" in message for message in errors_of(response))


def test_links_are_private_to_their_owner(alice: httpx.Client, bob: httpx.Client) -> None:
    link = create_link(alice)

    assert link["id"] not in listed_ids(bob)
    assert bob.delete(f"/link/{link['id']}").status_code == 404
    for path, body in [
        ("update_authentication", {"require_authentication": True}),
        ("update_download_confirmation", {"send_download_confirmation": False}),
        ("update_expires_at", {"expires_at": days_ahead(2)}),
    ]:
        response = bob.put(f"/link/{link['id']}/{path}", json=body)
        assert response.status_code == 404 and errors_of(response)
    assert alice.get("/link").json()["links"][0] == link  # untouched


def test_delete_answers_200_empty_and_the_link_is_gone(alice: httpx.Client) -> None:
    link = create_link(alice)

    response = alice.delete(f"/link/{link['id']}")
    assert response.status_code == 200 and response.content == b""
    assert link["id"] not in listed_ids(alice)
    again = alice.delete(f"/link/{link['id']}")
    assert again.status_code == 404 and errors_of(again)
    assert alice.delete("/link/NoSuchLink000000000000").status_code == 404


@pytest.mark.parametrize(
    ("path", "field", "value"),
    [
        ("update_authentication", "require_authentication", True),
        ("update_download_confirmation", "send_download_confirmation", False),
        ("update_expires_at", "expires_at", "in 5 days"),
    ],
)
def test_each_update_changes_its_field_and_updated_at(
    sandbox: SandboxProcess, alice: httpx.Client, path: str, field: str, value: object
) -> None:
    value = days_ahead(5) if value == "in 5 days" else value
    link = create_link(alice)
    age_link(sandbox, link["id"])

    response = alice.put(f"/link/{link['id']}/{path}", json={field: value})

    assert response.status_code == 200, response.text
    updated = response.json()["link"]
    assert updated[field] == value and link[field] != value
    assert ISO_TIMESTAMP.match(updated["updated_at"]) and updated["updated_at"] != OLD_TIMESTAMP
    unchanged = {key for key in link if key not in (field, "updated_at")}
    assert {key: updated[key] for key in unchanged} == {key: link[key] for key in unchanged}
    assert alice.get("/link").json()["links"][0] == updated


def test_updates_also_accept_the_field_under_link(alice: httpx.Client) -> None:
    link = create_link(alice)
    body = {"link": {"require_authentication": True}}
    response = alice.put(f"/link/{link['id']}/update_authentication", json=body)
    assert response.status_code == 200 and response.json()["link"]["require_authentication"] is True


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("update_authentication", {}, "require_authentication is required"),
        ("update_authentication", {"require_authentication": "perhaps"}, "must be true or false"),
        ("update_download_confirmation", {"send_download_confirmation": None}, "is required"),
        ("update_download_confirmation", {"send_download_confirmation": 7}, "must be true or false"),
        ("update_expires_at", {}, "expires_at is required"),
        ("update_expires_at", {"expires_at": 20300101}, "YYYY-MM-DD"),
        ("update_expires_at", {"expires_at": "2001-01-01"}, "in the past"),
        ("update_expires_at", {"expires_at": "in 91 days"}, "at most 90 days"),
    ],
)
def test_invalid_updates_are_422_and_change_nothing(
    alice: httpx.Client, path: str, body: dict[str, object], expected: str
) -> None:
    body = {key: days_ahead(91) if value == "in 91 days" else value for key, value in body.items()}
    link = create_link(alice)

    response = alice.put(f"/link/{link['id']}/{path}", json=body)

    assert response.status_code == 422
    assert any(expected in message for message in errors_of(response)), errors_of(response)
    assert alice.get("/link").json()["links"][0] == link


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("update_authentication", {"require_authentication": False}, "whether authentication is required"),
        ("update_download_confirmation", {"send_download_confirmation": False}, "download confirmations"),
    ],
)
def test_restricted_group_may_not_change_link_policy(
    carol: httpx.Client, path: str, body: dict[str, object], expected: str
) -> None:
    link = create_link(carol)

    response = carol.put(f"/link/{link['id']}/{path}", json=body)

    assert response.status_code == 422
    assert errors_of(response) == [f"Your group (Restricted) may not change {expected} of FileLinks"]
    assert carol.get("/link").json()["links"][0] == link


def test_restricted_group_may_change_expiry_within_its_limit(carol: httpx.Client) -> None:
    link = create_link(carol)
    response = carol.put(f"/link/{link['id']}/update_expires_at", json={"expires_at": days_ahead(30)})
    assert response.status_code == 200 and response.json()["link"]["expires_at"] == days_ahead(30)


def test_link_endpoints_need_an_api_key(anonymous: httpx.Client) -> None:
    responses = [
        anonymous.get("/link"),
        anonymous.post("/link", json={"link": {"attachment": "x"}}),
        anonymous.delete("/link/NoSuchLink000000000000"),
        anonymous.put("/link/NoSuchLink000000000000/update_expires_at", json={"expires_at": days_ahead(1)}),
    ]
    assert [response.status_code for response in responses] == [401] * 4
