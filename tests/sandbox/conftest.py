from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.sandboxproc import ADMIN, ALICE, BOB, CAROL, Account, SandboxProcess


def client_fixture(account: Account | None) -> Callable[..., Iterator[httpx.Client]]:
    """A fixture: a client of the shared sandbox that speaks as ``account`` (no API key for None)."""

    @pytest.fixture
    def client(sandbox: SandboxProcess) -> Iterator[httpx.Client]:
        with sandbox.client(account) as client:
            yield client

    return client


# Each fixture takes the name it is assigned to.
alice = client_fixture(ALICE)
bob = client_fixture(BOB)
carol = client_fixture(CAROL)
admin = client_fixture(ADMIN)
anonymous = client_fixture(None)
