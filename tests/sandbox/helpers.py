"""Small request helpers shared by the sandbox tests."""

from typing import Any

import httpx


def upload(client: httpx.Client, filename: str, data: bytes, *, link: bool = False, **params: object) -> Any:
    """Upload ``data`` in one request; the answer's JSON (the attachment once complete)."""
    path = "/link/attachments/upload" if link else "/message/attachments/upload"
    response = client.post(path, params={"filename": filename, **params}, content=data)
    assert response.status_code == 200, response.text
    return response.json()


def upload_attachment(client: httpx.Client, filename: str, data: bytes, **params: object) -> dict[str, Any]:
    attachment: dict[str, Any] = upload(client, filename, data, **params)["attachment"]
    return attachment


def errors_of(response: httpx.Response) -> list[str]:
    """The ``errors`` of a failure answer, checking its documented shape on the way."""
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("errors"), list), body
    assert body["errors"] and all(isinstance(message, str) for message in body["errors"]), body
    return list(body["errors"])
