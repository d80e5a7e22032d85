"""``Syncer``: passes on demand, offline while the server is away (trying again, backing off), online and
syncing again once it is back; with the real sandbox stopped and started on the same port."""

import asyncio
import socket
from collections.abc import Callable
from pathlib import Path

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import AuthError, NetworkError
from lfdesktop.sync.engine import SyncTarget, sync_pass
from lfdesktop.sync.journal import SyncJournal
from lfdesktop.sync.report import SyncReport
from lfdesktop.sync.syncer import Syncer, SyncStatus
from lfdesktop.transfer.retry import RetryPolicy
from tests.sandboxproc import ALICE, BOB, SandboxProcess
from tests.sync.helpers import folder_of, payload, send, tree

QUICK = RetryPolicy(base_delay=0.05, max_delay=0.2, jitter=0.0)
WAIT = 30.0  # a bound for a broken build, not a measurement
HOUR = 3600.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Recorder:
    """What a tray would get: reports and status changes, awaitable."""

    def __init__(self) -> None:
        self.reports: list[SyncReport] = []
        self.statuses: list[tuple[SyncStatus, str | None]] = []
        self._changed = asyncio.Event()

    def report(self, report: SyncReport) -> None:
        self.reports.append(report)
        self._changed.set()

    def status(self, status: SyncStatus, detail: str | None) -> None:
        self.statuses.append((status, detail))
        self._changed.set()

    async def until(self, condition: Callable[[], bool]) -> None:
        async with asyncio.timeout(WAIT):
            while not condition():
                self._changed.clear()
                await self._changed.wait()


async def test_offline_while_the_sandbox_is_down_and_syncing_again_once_it_is_back(
    fresh_sandbox: Callable[..., SandboxProcess], tmp_path: Path
) -> None:
    server = fresh_sandbox("--port", str(free_port()))  # the later --port wins over the fixture's --port 0
    folder = tmp_path / "Synced"
    seen = Recorder()
    journal = await SyncJournal.open(tmp_path / "data")
    async with LiquidFilesClient.connect(server.url, ALICE.api_key) as alice:
        target = SyncTarget(alice, ALICE.email, journal, folder)
        syncer = Syncer(lambda: sync_pass(target), every=HOUR, on_report=seen.report, on_status=seen.status,
                        offline_retry=QUICK)
        task = asyncio.create_task(syncer.run())
        try:
            await seen.until(lambda: len(seen.reports) == 1)
            server.kill()
            syncer.sync_now()
            await seen.until(lambda: syncer.status is SyncStatus.OFFLINE)
            assert not syncer.online
            assert "Server not reachable" in (syncer.detail or "")
            await asyncio.to_thread(server.start)
            await seen.until(lambda: syncer.status is SyncStatus.IDLE)  # back without being asked: the retry
            sent = send(server, BOB, "After the outage", {"back.bin": payload(30)})
            syncer.sync_now()
            await seen.until(lambda: any(report.messages for report in seen.reports))
        finally:
            task.cancel()
            await journal.aclose()

    states = [status for status, _ in seen.statuses]
    assert states[:2] == [SyncStatus.SYNCING, SyncStatus.IDLE]
    offline = states.index(SyncStatus.OFFLINE)
    assert states[offline + 1] == SyncStatus.IDLE  # offline stays offline until a pass gets through
    assert tree(folder) == {f"{folder_of(sent)}/back.bin": payload(30)}
    assert seen.reports[-1].messages[0].id == sent["id"]


async def test_sync_now_runs_a_pass_at_once_and_failures_other_than_the_network_are_said() -> None:
    outcomes: list[BaseException | None] = [None, AuthError("The API key was not accepted"), None]
    seen = Recorder()

    async def run_pass() -> SyncReport:
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome
        return SyncReport("https://files.example.com", ALICE.email, Path("/synced"))

    syncer = Syncer(run_pass, every=HOUR, on_report=seen.report, on_status=seen.status)
    task = asyncio.create_task(syncer.run())
    try:
        await seen.until(lambda: len(seen.reports) == 1)
        syncer.sync_now()
        await seen.until(lambda: syncer.status is SyncStatus.FAILED)
        assert syncer.detail == "The API key was not accepted"
        syncer.sync_now()
        await seen.until(lambda: len(seen.reports) == 2)
        await seen.until(lambda: syncer.status is SyncStatus.IDLE)
    finally:
        task.cancel()
    assert outcomes == []


async def test_offline_passes_back_off_and_a_pass_stopped_by_the_network_counts_as_offline() -> None:
    waits: list[float] = []
    policy = RetryPolicy(base_delay=0.01, max_delay=0.04, jitter=0.0)
    outcomes: list[str] = ["down", "down", "down", "stopped", "ok"]
    seen = Recorder()

    async def run_pass() -> SyncReport:
        outcome = outcomes.pop(0)
        if outcome == "down":
            raise NetworkError("Server not reachable: files.example.com (refused)", kind="unreachable")
        stopped = "lost" if outcome == "stopped" else None
        return SyncReport("https://files.example.com", ALICE.email, Path("/synced"), stopped=stopped)

    class Watched(RetryPolicy):
        def delay(self, error: BaseException, attempt: int) -> float:
            waits.append(policy.delay(error, attempt))
            return waits[-1]

    syncer = Syncer(run_pass, every=HOUR, on_report=seen.report, on_status=seen.status, offline_retry=Watched())
    task = asyncio.create_task(syncer.run())
    try:
        await seen.until(lambda: not outcomes and syncer.status is SyncStatus.IDLE)
    finally:
        task.cancel()
    assert waits == [0.01, 0.02, 0.04, 0.04]
    assert [status for status, _ in seen.statuses] == [
        SyncStatus.SYNCING, SyncStatus.OFFLINE, SyncStatus.OFFLINE, SyncStatus.IDLE]
    assert [detail for status, detail in seen.statuses if status is SyncStatus.OFFLINE] == [
        "Server not reachable: files.example.com (refused)", "lost"]
