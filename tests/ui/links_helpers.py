"""FileLinks made through the sandbox's API, and downloads through their public URL from chosen places, for
the Links and download log tests."""

from typing import Any

import httpx

from tests.sandbox.helpers import unique_name, upload_attachment
from tests.sandboxproc import Account, SandboxProcess

BERLIN = "192.0.2.5"  # sandbox/geo.py's documentation blocks: each address is a city
TOKYO = "203.0.113.7"
NEW_YORK = "198.51.100.9"


def make_link(sandbox: SandboxProcess, owner: Account, name: str, data: bytes = b"figures\n" * 100,
              **fields: object) -> dict[str, Any]:
    """A FileLink to a new file named after ``name`` (made unique); its JSON."""
    with sandbox.client(owner) as client:
        attachment = upload_attachment(client, unique_name(name), data, link=True)
        response = client.post("/link", json={"link": {"attachment": attachment["id"], **fields}})
        assert response.status_code == 200, response.text
        link: dict[str, Any] = response.json()["link"]
    return link


def download_from(url: str, address: str) -> bytes:
    """What someone at ``address`` gets through the link's public URL (the sandbox trusts X-Forwarded-For from
    loopback, so the download log places them there)."""
    with httpx.Client(timeout=30) as anyone:
        response = anyone.get(f"{url}/download", headers={"X-Forwarded-For": address})
    assert response.status_code == 200, response.text
    return response.content
