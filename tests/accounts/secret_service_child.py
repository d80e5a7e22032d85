"""Run by test_secret_service.py inside a private D-Bus session where gnome-keyring provides the Secret Service.

Stores, reads back and deletes a key through SecretStore; prints what it saw as JSON, never the key itself.
"""

import asyncio
import json
import secrets

from lfdesktop.accounts.secrets import SecretStore

SERVER = "https://files.example.com"
EMAIL = "alice@example.com"


async def main() -> None:
    key = secrets.token_urlsafe(24)
    store = SecretStore()
    status = await store.backend_status()
    await store.set(SERVER, EMAIL, key)
    # A second store has nothing in memory: it can only have the key from the keyring.
    read_back = await SecretStore().get(SERVER, EMAIL)
    await store.delete(SERVER, EMAIL)
    after_delete = await SecretStore().get(SERVER, EMAIL)
    print(json.dumps({"backend": status.backend, "read_back": read_back == key, "deleted": after_delete is None}))


asyncio.run(main())
