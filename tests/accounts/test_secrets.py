import asyncio
import logging
import traceback
from collections.abc import Callable

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from lfdesktop.accounts.secrets import (
    NO_KEYRING_WARNING,
    SERVICE,
    KeyringStatus,
    KeyringTimeout,
    SecretStore,
    SecretStoreError,
)
from lfdesktop.accounts.settings import account_key

from .keyrings import BlockingKeyring, LockedKeyring, MemoryKeyring, PlaintextKeyring, VanishingKeyring

SetKeyring = Callable[[KeyringBackend], None]
SERVER = "https://files.example.com"
EMAIL = "alice@example.com"
KEY = "tHe-AlIcE-kEy-0123456789"


async def test_keys_go_to_the_os_keyring(use_keyring: SetKeyring) -> None:
    backend = MemoryKeyring()
    use_keyring(backend)
    store = SecretStore()
    assert await store.backend_status() == KeyringStatus(MemoryKeyring.name)
    assert (await store.backend_status()).persistent

    await store.set(SERVER, EMAIL, KEY)
    assert backend.entries == {(SERVICE, account_key(SERVER, EMAIL)): KEY}
    # The same account however its address is typed; another account is another entry.
    assert await SecretStore().get("files.example.com/", "Alice@Example.com") == KEY
    assert await store.get(SERVER, "bob@example.com") is None

    await store.delete(SERVER, EMAIL)
    assert backend.entries == {}
    assert await store.get(SERVER, EMAIL) is None
    await store.delete(SERVER, EMAIL)  # already gone: not an error


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring(), PlaintextKeyring()], ids=type)
async def test_without_an_os_keyring_keys_stay_in_memory_for_the_session(
    use_keyring: SetKeyring, backend: KeyringBackend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    use_keyring(backend)
    store = SecretStore()
    status = await store.backend_status()
    assert status == KeyringStatus(None, NO_KEYRING_WARNING)
    assert not status.persistent

    await store.set(SERVER, EMAIL, KEY)
    assert await store.get(SERVER, EMAIL) == KEY
    assert await SecretStore().get(SERVER, EMAIL) is None  # this session's store only
    if isinstance(backend, MemoryKeyring):
        assert backend.entries == {}  # a plaintext backend is never written to
    await store.delete(SERVER, EMAIL)
    assert await store.get(SERVER, EMAIL) is None

    assert NO_KEYRING_WARNING in caplog.text
    assert KEY not in caplog.text


async def test_a_chainer_is_judged_by_the_backend_it_writes_to(
    use_keyring: SetKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_keyring(chainer.ChainerBackend())
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    assert (await SecretStore().backend_status()).backend is None

    first, second = MemoryKeyring(), MemoryKeyring()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [first, second])
    store = SecretStore()
    assert (await store.backend_status()).backend == MemoryKeyring.name
    await store.set(SERVER, EMAIL, KEY)
    assert list(first.entries.values()) == [KEY]
    assert second.entries == {}

    monkeypatch.setattr(chainer.ChainerBackend, "backends", [PlaintextKeyring(), first])
    assert (await SecretStore().backend_status()).backend is None


async def test_a_keyring_that_goes_away_falls_back_to_memory(use_keyring: SetKeyring) -> None:
    use_keyring(VanishingKeyring())
    store = SecretStore()
    assert (await store.backend_status()).persistent
    await store.set(SERVER, EMAIL, KEY)
    assert await store.backend_status() == KeyringStatus(None, NO_KEYRING_WARNING)
    assert await store.get(SERVER, EMAIL) == KEY


async def test_a_refusal_is_a_clear_error_that_never_repeats_the_key(
    use_keyring: SetKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    use_keyring(LockedKeyring())
    with pytest.raises(SecretStoreError) as raised:
        await SecretStore().set(SERVER, EMAIL, KEY)
    message = str(raised.value)
    assert "could not store the API key" in message and "collection locked" in message
    assert KEY not in "".join(traceback.format_exception(raised.value))
    assert KEY not in caplog.text


async def test_a_frozen_keyring_times_out_while_the_loop_keeps_running(use_keyring: SetKeyring) -> None:
    backend = BlockingKeyring()
    use_keyring(backend)
    loop_errors: list[dict[str, object]] = []
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: loop_errors.append(context))
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    try:
        with pytest.raises(KeyringTimeout, match=r"did not answer within 0\.3 seconds"):
            await SecretStore(timeout=0.3).get(SERVER, EMAIL)
        assert not backend.finished.is_set()  # it gave up on the call; the call itself is still stuck
        assert ticks >= 3  # the loop ran while the keyring was frozen
    finally:
        ticking.cancel()
        backend.release.set()
    # The stuck call returning late, after the timeout, disturbs nothing.
    await asyncio.to_thread(backend.finished.wait, 30)
    for _ in range(3):
        await asyncio.sleep(0)
    assert loop_errors == []


async def test_a_session_only_store_never_touches_the_os_keyring(use_keyring: SetKeyring) -> None:
    backend = MemoryKeyring()
    use_keyring(backend)
    store = SecretStore.session_only()
    status = await store.backend_status()
    assert status == KeyringStatus(None) and not status.persistent and status.warning is None
    await store.set(SERVER, EMAIL, KEY)
    assert await store.get(SERVER, EMAIL) == KEY
    assert backend.entries == {}
