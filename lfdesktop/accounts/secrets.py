"""API keys in the OS keyring, and nowhere else.

Every keyring call runs in a worker thread with a timeout: a synchronous Secret Service call on the GUI thread
has frozen other desktop clients. Keyring's fail and null backends, a chainer with nothing to chain and
file-based backends (keyrings.alt) all count as "no OS keyring": then keys live in this object's memory for the
session, and ``backend_status()`` says so in plain words. A key never goes to a file, a log or an error message.
"""

import asyncio
import contextlib
import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import NoKeyringError

from .settings import account_key

log = logging.getLogger(__name__)

SERVICE = "lfdesktop"
# Long enough to type a password into the keyring's own unlock prompt, short enough to give up on a frozen one.
DEFAULT_TIMEOUT = 30.0
NO_KEYRING_WARNING = (
    "No OS keyring is available (Secret Service, KWallet, macOS Keychain or Windows Credential Manager). "
    "The API key is kept in memory for this session only; you will be asked for it again next time."
)

Result = TypeVar("Result")


class SecretStoreError(Exception):
    """The OS keyring failed. The message is safe to show and to log: it never holds a key."""


class KeyringTimeout(SecretStoreError):
    """The OS keyring did not answer in time (frozen, or waiting for an unlock prompt nobody answered)."""


@dataclass(frozen=True)
class KeyringStatus:
    backend: str | None  # the OS keyring in use, e.g. "SecretService Keyring"; None: memory for this session
    warning: str | None = None  # what to tell the user when there is no OS keyring

    @property
    def persistent(self) -> bool:
        return self.backend is not None


def os_keyring(backend: KeyringBackend) -> KeyringBackend | None:
    """The OS keyring behind keyring's chosen backend, or None when there is none.

    A chainer writes to its first backend, so that one is judged, and used directly.
    """
    if isinstance(backend, chainer.ChainerBackend):
        chained = list(backend.backends)
        return os_keyring(chained[0]) if chained else None
    if isinstance(backend, fail.Keyring | null.Keyring) or type(backend).__module__.startswith("keyrings.alt"):
        return None
    return backend


class SecretStore:
    """One per app: it remembers which keyring it found, and holds the session's keys when there is none."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._timeout = timeout
        self._status: KeyringStatus | None = None
        self._backend: KeyringBackend | None = None
        self._memory: dict[str, str] = {}  # only without an OS keyring; never written anywhere

    @classmethod
    def session_only(cls) -> "SecretStore":
        """Keys in memory, the OS keyring untouched (the demo server's accounts): nothing to warn about."""
        store = cls()
        store._status = KeyringStatus(None)
        return store

    async def backend_status(self) -> KeyringStatus:
        """Looks for the OS keyring on first use (probing it talks to D-Bus, so that is off the loop too)."""
        if self._status is None:
            found = await self._off_loop(lambda: os_keyring(keyring.get_keyring()), "look for the OS keyring")
            self._status = self._use_memory() if found is None else self._use_keyring(found)
        return self._status

    async def get(self, server_url: str, email: str) -> str | None:
        user = account_key(server_url, email)
        return await self._run(lambda b: b.get_password(SERVICE, user), lambda: self._memory.get(user), "read")

    async def set(self, server_url: str, email: str, api_key: str) -> None:
        user = account_key(server_url, email)

        def remember() -> None:
            self._memory[user] = api_key

        await self._run(lambda b: b.set_password(SERVICE, user, api_key), remember, "store", api_key)

    async def delete(self, server_url: str, email: str) -> None:
        """Deleting a key that is not there is not an error."""
        user = account_key(server_url, email)

        def forget(backend: KeyringBackend) -> None:
            if backend.get_password(SERVICE, user) is not None:
                backend.delete_password(SERVICE, user)

        def forget_here() -> None:
            self._memory.pop(user, None)

        await self._run(forget, forget_here, "delete")

    async def _run(
        self,
        on_keyring: Callable[[KeyringBackend], Result],
        in_memory: Callable[[], Result],
        verb: str,
        secret: str | None = None,
    ) -> Result:
        await self.backend_status()
        backend = self._backend
        if backend is None:
            return in_memory()
        try:
            return await self._off_loop(lambda: on_keyring(backend), f"{verb} an API key")
        except NoKeyringError:
            log.warning("The OS keyring %s is no longer available", backend.name)
            self._use_memory()
            return in_memory()
        except KeyringTimeout:
            raise
        except Exception as error:  # backends raise their own types (D-Bus errors, locked collections, ...)
            reason = _without(secret, str(error) or type(error).__name__)
            # from None: the original exception could carry the key in its arguments.
            raise SecretStoreError(f"The OS keyring ({backend.name}) could not {verb} the API key: {reason}") from None

    def _use_keyring(self, backend: KeyringBackend) -> KeyringStatus:
        self._backend = backend
        self._status = KeyringStatus(backend.name)
        log.info("API keys are kept in the OS keyring: %s", backend.name)
        return self._status

    def _use_memory(self) -> KeyringStatus:
        self._backend = None
        self._status = KeyringStatus(None, NO_KEYRING_WARNING)
        log.warning("%s", NO_KEYRING_WARNING)
        return self._status

    async def _off_loop(self, call: Callable[[], Result], doing: str) -> Result:
        """``call`` in a daemon thread rather than ``asyncio.to_thread``: a frozen keyring call cannot be
        interrupted, and a thread stuck in the loop's default executor would also hang the app's exit."""
        loop = asyncio.get_running_loop()
        outcome: asyncio.Future[Result] = loop.create_future()

        def deliver(settle: Callable[[], None]) -> None:
            def on_loop() -> None:
                if not outcome.done():  # not after a timeout gave up on it
                    settle()

            with contextlib.suppress(RuntimeError):  # the loop closed while the keyring was frozen: nobody waits
                loop.call_soon_threadsafe(on_loop)

        def work() -> None:
            try:
                result = call()
            except Exception as error:
                deliver(functools.partial(outcome.set_exception, error))
            else:
                deliver(functools.partial(outcome.set_result, result))

        threading.Thread(target=work, name="lfdesktop-keyring", daemon=True).start()
        try:
            return await asyncio.wait_for(outcome, self._timeout)
        except TimeoutError:
            raise KeyringTimeout(
                f"The OS keyring did not answer within {self._timeout:g} seconds (trying to {doing}). "
                "If it is asking for a password, unlock it and try again; otherwise restart the keyring "
                "service or log out and in again."
            ) from None


def _without(secret: str | None, text: str) -> str:
    return text.replace(secret, "[hidden]") if secret else text
