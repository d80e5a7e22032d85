"""Keyring backends the tests set with ``keyring.set_keyring``.

Each has a negative priority, so keyring's own detection never picks one of them in this process.
"""

import threading

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, NoKeyringError


class MemoryKeyring(KeyringBackend):
    """The OS keyring's stand-in: a dict of (service, user) -> secret."""

    priority = -1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.entries[(service, username)]


class BlockingKeyring(MemoryKeyring):
    """A frozen Secret Service: every call waits until the test releases it."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.finished = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)  # bounded: a broken implementation fails the test instead of hanging it
        self.finished.set()
        return super().get_password(service, username)


class VanishingKeyring(MemoryKeyring):
    """Looked real when detected, then the service went away."""

    def get_password(self, service: str, username: str) -> str | None:
        raise NoKeyringError("the keyring daemon is gone")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NoKeyringError("the keyring daemon is gone")


class LockedKeyring(MemoryKeyring):
    """Refuses, and (carelessly) repeats the secret in its error message."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked(f"collection locked; could not store {password}")


class PlaintextKeyring(MemoryKeyring):
    """Looks like keyrings.alt's file backend to the store."""


PlaintextKeyring.__module__ = "keyrings.alt.file"
