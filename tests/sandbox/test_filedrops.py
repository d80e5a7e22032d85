"""Filedrops: the admin API of seeds/004, and the public filedrop that sends files to its owner."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.sandbox.helpers import assert_typed, errors_of, json_root, unique_name, upload_attachment
from tests.sandboxproc import ADMIN, ALICE, BOB, SandboxProcess

OLD_TIMESTAMP = "2001-01-01T00:00:00.000Z"

SEED_TYPES: dict[str, type] = {
    "id": str, "name": str, "title": str, "description": str, "owner": str, "invalid_extensions": str,
    "accepted_filetypes": str, "expires_after": int, "max_filesize": int, "require_validation": bool,
    "password": str, "cc": str, "authorization": int,
}


def create_filedrop(admin: httpx.Client, **fields: object) -> dict[str, Any]:
    body = {"name": unique_name("drop"), "title": "Drop files here", "owner": ALICE.user_id, **fields}
    filedrop: dict[str, Any] = json_root(admin.post("/admin/filedrops", json={"filedrop": body}), "filedrop")
    assert_typed(filedrop, SEED_TYPES)
    return filedrop


def open_filedrop(anonymous: httpx.Client, name: str, **params: str) -> dict[str, Any]:
    public: dict[str, Any] = json_root(anonymous.get(f"/filedrop/{name}", params=params), "filedrop")
    return public


@pytest.fixture
def visitor(sandbox: SandboxProcess) -> Iterator[httpx.Client]:
    """A public sender; ``use_key`` makes it send with a filedrop's short-lived key."""
    with sandbox.client(None) as client:
        yield client


def use_key(client: httpx.Client, key: str) -> httpx.Client:
    client.auth = httpx.BasicAuth(key, "x")
    return client


def upload_raw(client: httpx.Client, filename: str, data: bytes = b"x") -> httpx.Response:
    return client.post("/message/attachments/upload", params={"filename": filename}, content=data)


# ---- Admin API ----


def test_create_fills_the_seed_defaults_and_id_is_the_name(admin: httpx.Client) -> None:
    name = unique_name("Partner-Drop")
    filedrop = create_filedrop(admin, name=name, title="Partner Filedrop")

    assert filedrop == {
        "id": name, "name": name, "title": "Partner Filedrop", "description": "", "owner": ALICE.user_id,
        "invalid_extensions": "", "accepted_filetypes": "", "expires_after": 14, "max_filesize": 250,
        "require_validation": False, "password": "", "cc": "", "authorization": 3,
    }


def test_create_takes_every_attribute(admin: httpx.Client) -> None:
    filedrop = create_filedrop(
        admin, description="Please upload any required support files.", owner=BOB.email,
        invalid_extensions="exe, .BAT", accepted_filetypes="doc,docx , pdf", expires_after=24,
        max_filesize=1000, require_validation=True, password="top secret", cc="a@example.com,b@example.com",
        authorization=2,
    )

    assert filedrop["owner"] == BOB.user_id  # an email is turned into the user id
    assert filedrop["description"] == "Please upload any required support files."
    assert filedrop["invalid_extensions"] == "exe, bat"
    assert filedrop["accepted_filetypes"] == "doc, docx, pdf"
    assert (filedrop["expires_after"], filedrop["max_filesize"]) == (24, 1000)
    assert filedrop["require_validation"] is True
    assert filedrop["password"] == "top secret"
    assert filedrop["cc"] == "a@example.com, b@example.com"
    assert filedrop["authorization"] == 2


def test_list_is_a_top_level_array_of_filedrop_objects(admin: httpx.Client) -> None:
    created = create_filedrop(admin)

    response = admin.get("/admin/filedrops")

    assert response.status_code == 200
    listed = response.json()
    assert isinstance(listed, list)
    assert all(set(item) == {"filedrop"} for item in listed)
    for item in listed:
        assert_typed(item["filedrop"], SEED_TYPES)
    assert {"filedrop": created} in listed


def test_show_answers_one_filedrop_or_404(admin: httpx.Client) -> None:
    created = create_filedrop(admin)

    assert admin.get(f"/admin/filedrops/{created['id']}").json() == {"filedrop": created}
    missing = admin.get("/admin/filedrops/no-such-drop")
    assert missing.status_code == 404 and errors_of(missing)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"name": None}, "name is required"),
        ({"title": None}, "title is required"),
        ({"owner": None}, "owner is required"),
        ({"title": "  "}, "title can't be blank"),
        ({"owner": "nobody-example-com"}, "is not a user of this server"),
        ({"owner": "nobody@example.com"}, "is not a user of this server"),
        ({"name": "with space"}, "letters, digits, - and _"),
        ({"name": "x" * 65}, "letters, digits, - and _"),
        ({"name": "a/b"}, "letters, digits, - and _"),
        ({"authorization": 1}, "authorization must be between 2 and 3"),
        ({"authorization": 4}, "authorization must be between 2 and 3"),
        ({"authorization": "three"}, "authorization must be a whole number"),
        ({"cc": "ok@example.com, not-an-email"}, "not a valid email address"),
        ({"cc": ["a@example.com"]}, "cc must be a string"),
        ({"expires_after": 0}, "expires_after must be between 1 and 3650"),
        ({"expires_after": 3651}, "expires_after must be between 1 and 3650"),
        ({"expires_after": 1.5}, "expires_after must be a whole number"),
        ({"max_filesize": 0}, "max_filesize must be between 1"),
        ({"max_filesize": True}, "max_filesize must be a whole number"),
        ({"require_validation": "maybe"}, "require_validation must be true or false"),
        ({"title": 5}, "title must be a string"),
        ({"description": {"x": 1}}, "description must be a string"),
        ({"password": 1234}, "password must be a string"),
        ({"invalid_extensions": "exe, not an extension"}, "is not a file extension"),
        ({"accepted_filetypes": 7}, "accepted_filetypes must be a string"),
    ],
)
def test_invalid_create_is_422_naming_the_problem(
    admin: httpx.Client, fields: dict[str, object], expected: str
) -> None:
    name = unique_name("drop")
    body = {"name": name, "title": "Drop", "owner": ALICE.user_id, **fields}
    given = {key: value for key, value in body.items() if value is not None}
    response = admin.post("/admin/filedrops", json={"filedrop": given})

    assert response.status_code == 422
    assert any(expected in message for message in errors_of(response)), errors_of(response)
    assert admin.get(f"/admin/filedrops/{name}").status_code == 404


def test_names_are_unique_ignoring_case(admin: httpx.Client) -> None:
    created = create_filedrop(admin)

    response = admin.post(
        "/admin/filedrops",
        json={"filedrop": {"name": created["name"].upper(), "title": "Again", "owner": ALICE.user_id}},
    )

    assert response.status_code == 422
    assert errors_of(response) == [f"name {created['name'].upper()} has already been taken"]


def test_update_changes_only_the_given_attributes(admin: httpx.Client) -> None:
    created = create_filedrop(admin, description="Before")

    response = admin.put(
        f"/admin/filedrops/{created['id']}",
        json={"filedrop": {"title": "New Partner Filedrop Name", "expires_after": 24, "owner": BOB.email}},
    )

    assert response.status_code == 200, response.text
    updated = response.json()["filedrop"]
    assert_typed(updated, SEED_TYPES)
    changes = {"title": "New Partner Filedrop Name", "expires_after": 24, "owner": BOB.user_id}
    assert updated == {**created, **changes}
    assert admin.get(f"/admin/filedrops/{created['id']}").json() == {"filedrop": updated}


def test_a_renamed_filedrop_keeps_its_id(admin: httpx.Client, anonymous: httpx.Client) -> None:
    created = create_filedrop(admin)
    new_name = unique_name("renamed")

    updated = admin.put(f"/admin/filedrops/{created['id']}", json={"filedrop": {"name": new_name}}).json()

    assert updated["filedrop"]["id"] == created["id"] and updated["filedrop"]["name"] == new_name
    assert open_filedrop(anonymous, new_name)["name"] == new_name
    assert anonymous.get(f"/filedrop/{created['name']}").status_code == 404


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"title": ""}, "title can't be blank"),
        ({"authorization": 4}, "authorization must be between 2 and 3"),
        ({"cc": "bad address"}, "not a valid email address"),
        ({"owner": "ghost-example-com"}, "is not a user of this server"),
        ({"max_filesize": "big"}, "max_filesize must be a whole number"),
    ],
)
def test_invalid_update_is_422_and_changes_nothing(
    admin: httpx.Client, fields: dict[str, object], expected: str
) -> None:
    created = create_filedrop(admin)

    response = admin.put(f"/admin/filedrops/{created['id']}", json={"filedrop": fields})

    assert response.status_code == 422
    assert any(expected in message for message in errors_of(response)), errors_of(response)
    assert admin.get(f"/admin/filedrops/{created['id']}").json() == {"filedrop": created}


def test_update_may_not_take_another_filedrops_name(admin: httpx.Client) -> None:
    first, second = create_filedrop(admin), create_filedrop(admin)
    response = admin.put(f"/admin/filedrops/{second['id']}", json={"filedrop": {"name": first["name"]}})
    assert response.status_code == 422
    assert errors_of(response) == [f"name {first['name']} has already been taken"]


def test_update_or_delete_of_an_unknown_filedrop_is_404(admin: httpx.Client) -> None:
    assert admin.put("/admin/filedrops/no-such-drop", json={"filedrop": {"title": "x"}}).status_code == 404
    assert admin.delete("/admin/filedrops/no-such-drop").status_code == 404


def test_delete_answers_200_empty_and_the_filedrop_is_gone(
    admin: httpx.Client, anonymous: httpx.Client
) -> None:
    created = create_filedrop(admin)
    key = open_filedrop(anonymous, created["name"])["api_key"]

    response = admin.delete(f"/admin/filedrops/{created['id']}")

    assert response.status_code == 200 and response.content == b""
    assert admin.get(f"/admin/filedrops/{created['id']}").status_code == 404
    assert anonymous.get(f"/filedrop/{created['name']}").status_code == 404
    assert {"filedrop": created} not in admin.get("/admin/filedrops").json()
    assert upload_raw(use_key(anonymous, key), "a.pdf").status_code == 401


def test_admin_endpoints_refuse_non_admins(
    admin: httpx.Client, alice: httpx.Client, anonymous: httpx.Client
) -> None:
    created = create_filedrop(admin)
    body = {"filedrop": {"name": unique_name("drop"), "title": "Mine", "owner": ALICE.user_id}}
    calls = [
        ("GET", "/admin/filedrops", None),
        ("GET", f"/admin/filedrops/{created['id']}", None),
        ("POST", "/admin/filedrops", body),
        ("PUT", f"/admin/filedrops/{created['id']}", {"filedrop": {"title": "Hijacked"}}),
        ("DELETE", f"/admin/filedrops/{created['id']}", None),
    ]
    for method, path, json in calls:
        refused = alice.request(method, path, json=json)
        assert refused.status_code == 403, (method, path)
        assert errors_of(refused) == ["Admin access required"]
        assert anonymous.request(method, path, json=json).status_code == 401
    assert admin.get(f"/admin/filedrops/{created['id']}").json() == {"filedrop": created}


# ---- Public filedrop ----


def test_public_filedrop_answers_its_settings_and_a_fresh_key(
    sandbox: SandboxProcess, admin: httpx.Client, anonymous: httpx.Client
) -> None:
    created = create_filedrop(
        admin, description="Support files", accepted_filetypes="pdf, zip", invalid_extensions="exe",
        max_filesize=5, require_validation=True,
    )

    public = open_filedrop(anonymous, created["name"])
    again = open_filedrop(anonymous, created["name"])

    key = public.pop("api_key")
    assert public == {
        "name": created["name"], "title": "Drop files here", "description": "Support files",
        "max_upload_size": 5, "require_validation": True, "accepted_filetypes": "pdf, zip",
        "invalid_extensions": "exe",
    }
    assert isinstance(key, str) and len(key) == 22 and again["api_key"] != key
    with sandbox.db() as db:
        row = db.execute("SELECT * FROM filedrop_keys WHERE api_key = ?", (key,)).fetchone()
    assert row["filedrop_id"] == created["id"]
    now = datetime.now(UTC)
    assert iso(now) < row["expires_at"] < iso(now + timedelta(days=1))  # valid, but short-lived


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def test_unknown_public_filedrop_is_404(anonymous: httpx.Client) -> None:
    response = anonymous.get("/filedrop/no-such-drop")
    assert response.status_code == 404 and errors_of(response)


def test_a_password_protected_filedrop_needs_the_password(
    admin: httpx.Client, anonymous: httpx.Client
) -> None:
    created = create_filedrop(admin, password="top secret")

    for params in ({}, {"password": "wrong"}, {"password": "tôp secret"}):
        refused = anonymous.get(f"/filedrop/{created['name']}", params=params)
        assert refused.status_code == 403
        assert any("password" in message for message in errors_of(refused))
    assert open_filedrop(anonymous, created["name"], password="top secret")["api_key"]


def test_a_filedrop_key_may_only_upload(admin: httpx.Client, visitor: httpx.Client) -> None:
    created = create_filedrop(admin)
    use_key(visitor, open_filedrop(visitor, created["name"])["api_key"])

    for path in ("/account", "/link", "/attachments", "/admin/filedrops"):
        assert visitor.get(path).status_code == 403, path
    attachment = upload_attachment(visitor, "notes.pdf", b"%PDF")
    assert attachment["filename"] == "notes.pdf"


def test_uploads_with_the_key_obey_the_filedrops_rules(admin: httpx.Client, visitor: httpx.Client) -> None:
    created = create_filedrop(
        admin, accepted_filetypes="pdf, txt, exe", invalid_extensions="bat, exe", max_filesize=1
    )
    use_key(visitor, open_filedrop(visitor, created["name"])["api_key"])

    assert upload_raw(visitor, "fine.txt").status_code == 200
    assert upload_raw(visitor, "image.png").status_code == 422  # not an accepted type
    assert upload_raw(visitor, "setup.exe").status_code == 422  # accepted, but an invalid extension
    assert upload_raw(visitor, "big.pdf", b"x" * (1024**2 + 1)).status_code == 413  # over max_filesize (MB)


def test_an_expired_key_is_refused(
    sandbox: SandboxProcess, admin: httpx.Client, visitor: httpx.Client
) -> None:
    created = create_filedrop(admin)
    key = open_filedrop(visitor, created["name"])["api_key"]
    with sandbox.db() as db:
        db.execute("UPDATE filedrop_keys SET expires_at = ? WHERE api_key = ?", (OLD_TIMESTAMP, key))

    assert upload_raw(use_key(visitor, key), "a.pdf").status_code == 401


def test_sending_needs_this_filedrops_key(
    admin: httpx.Client, alice: httpx.Client, visitor: httpx.Client
) -> None:
    created, other = create_filedrop(admin), create_filedrop(admin)
    body = {"message": {"from": SENDER, "attachments": []}}

    assert visitor.post(f"/filedrop/{created['name']}", json=body).status_code == 401
    refused = [
        alice.post(f"/filedrop/{created['name']}", json=body),
        use_key(visitor, open_filedrop(visitor, other["name"])["api_key"]).post(
            f"/filedrop/{created['name']}", json=body
        ),
    ]
    for response in refused:
        assert response.status_code == 403
        assert errors_of(response) == [f"Send with the key from GET /filedrop/{created['name']}"]


SENDER = "sender@outside.example"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ({"from": "not an email", "attachments": ["OWN"]}, "not a valid email address"),
        ({"attachments": ["OWN"]}, "not a valid email address"),
        ({"from": SENDER, "attachments": []}, "send at least one file"),
        ({"from": SENDER, "attachments": "OWN"}, "attachments must be a list of ids"),
        ({"from": SENDER, "attachments": ["ALICES"]}, "not found"),
        ({"from": SENDER, "attachments": ["OWN"], "subject": 5}, "subject must be a string"),
    ],
)
def test_invalid_filedrop_messages_are_422(
    admin: httpx.Client, alice: httpx.Client, visitor: httpx.Client, message: dict[str, Any], expected: str
) -> None:
    created = create_filedrop(admin)
    use_key(visitor, open_filedrop(visitor, created["name"])["api_key"])
    ids = {
        "OWN": upload_attachment(visitor, "a.pdf", b"%PDF")["id"],
        "ALICES": upload_attachment(alice, "b.pdf", b"b")["id"],
    }
    attachments = message.get("attachments")
    if isinstance(attachments, list):
        message = {**message, "attachments": [ids[item] for item in attachments]}
    elif isinstance(attachments, str):
        message = {**message, "attachments": ids[attachments]}

    response = visitor.post(f"/filedrop/{created['name']}", json={"message": message})

    assert response.status_code == 422
    assert any(expected in msg for msg in errors_of(response)), errors_of(response)


def test_round_trip_reaches_the_owners_inbox(
    sandbox: SandboxProcess, admin: httpx.Client, alice: httpx.Client, visitor: httpx.Client
) -> None:
    created = create_filedrop(admin, owner=ALICE.email, cc=ADMIN.email, authorization=2, expires_after=5)
    use_key(visitor, open_filedrop(visitor, created["name"])["api_key"])
    attachment = upload_attachment(visitor, "contract.pdf", b"%PDF-1.4 signed")
    subject = unique_name("Signed contract")

    response = visitor.post(
        f"/filedrop/{created['name']}",
        json={"message": {"from": SENDER, "subject": subject, "message": "Here it is",
                          "attachments": [attachment["id"]]}},
    )

    assert response.status_code == 200, response.text
    message_id = response.json()["message"]["id"]
    assert isinstance(message_id, str) and message_id
    inbox = alice.get("/messages/inbox").json()["messages"]
    received = next(message for message in inbox if message["id"] == message_id)
    assert received["subject"] == subject and received["message"] == "Here it is"
    assert received["sender"] == SENDER
    assert received["authorization"] == 2
    assert [item["filename"] for item in received["attachments"]] == ["contract.pdf"]
    with sandbox.client(ADMIN) as cc:  # the filedrop's cc list
        assert message_id in [message["id"] for message in cc.get("/messages/inbox").json()["messages"]]
