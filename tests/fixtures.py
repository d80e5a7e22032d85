"""The sandbox fixtures every test package shares (the non-Qt and the Qt conftest import them)."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.sandboxproc import Account, SandboxProcess, start_sandbox


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """One real sandbox for the tests that only add state of their own."""
    process = start_sandbox(tmp_path_factory.mktemp("sandbox"))
    yield process
    process.stop()


@pytest.fixture
def fresh_sandbox(tmp_path: Path) -> Iterator[Callable[..., SandboxProcess]]:
    """A sandbox of the test's own, with extra command-line options."""
    started: list[SandboxProcess] = []

    def start(*args: str, accounts: tuple[Account, ...] | None = None) -> SandboxProcess:
        kwargs = {} if accounts is None else {"accounts": accounts}
        process = start_sandbox(tmp_path / f"sandbox{len(started)}", *args, **kwargs)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()
