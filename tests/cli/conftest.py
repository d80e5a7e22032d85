from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.helpers import Cli
from tests.sandboxproc import ALICE, SandboxProcess, start_sandbox


@pytest.fixture
def cli(sandbox: SandboxProcess, tmp_path: Path) -> Cli:
    """Alice's ``lfdesktop`` on the shared sandbox, with a home of its own."""
    return Cli(home=tmp_path / "home", cwd=tmp_path / "cwd", server=sandbox.url, api_key=ALICE.api_key)


@pytest.fixture(scope="session")
def slow_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """A sandbox that answers every request 150 ms late: an upload in pieces is still under way when a test looks."""
    process = start_sandbox(tmp_path_factory.mktemp("slow-sandbox"), "--latency-ms", "150")
    yield process
    process.stop()


@pytest.fixture
def slow_cli(slow_sandbox: SandboxProcess, tmp_path: Path) -> Cli:
    return Cli(home=tmp_path / "home", cwd=tmp_path / "cwd", server=slow_sandbox.url, api_key=ALICE.api_key)
