"""Messages made through the sandbox's API as another user, for the Inbox and Sent tests."""

from typing import Any

from tests.sandbox.helpers import unique_name, upload_attachment
from tests.sandboxproc import ALICE, Account, SandboxProcess


def send(sandbox: SandboxProcess, sender: Account, files: dict[str, bytes], *, to: Account = ALICE,
         subject: str = "Figures", text: str = "See https://example.com/notes for details.") -> dict[str, Any]:
    """A message from ``sender`` with ``files`` (name -> bytes); its JSON, the subject made unique."""
    with sandbox.client(sender) as client:
        ids = [upload_attachment(client, unique_name(name), data)["id"] for name, data in files.items()]
        body = {"recipients": [to.email], "subject": unique_name(subject), "message": text, "attachments": ids}
        response = client.post("/message", json={"message": body})
        assert response.status_code == 200, response.text
        message: dict[str, Any] = response.json()["message"]
    return message
