"""What the app is made of, handed to every controller and pane: opened once by ``lfdesktop.app`` (and by the
self-test, the benchmarks and the screenshot script), closed in order."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from lfdesktop.accounts.paths import AppPaths
from lfdesktop.accounts.secrets import SecretStore
from lfdesktop.accounts.settings import Settings
from lfdesktop.transfer.journal import Journal
from lfdesktop.transfer.queue import TransferQueue

from .session import Sessions
from .sync import SyncController
from .tasks import Tasks


@dataclass
class AppContext:
    paths: AppPaths
    secrets: SecretStore
    journal: Journal
    queue: TransferQueue
    sessions: Sessions
    tasks: Tasks
    sync: SyncController
    demo_url: str | None = None  # the built-in demo server's address, in demo mode
    quit_requested: asyncio.Event = field(default_factory=asyncio.Event)  # every quit path sets it
    closed: bool = False

    @property
    def demo(self) -> bool:
        return self.demo_url is not None

    async def aclose(self) -> None:
        """Stop new work, then the transfers (the journal keeps what arrived: the next start resumes), then
        the clients, then the journals. Closing again does nothing."""
        if self.closed:
            return
        self.closed = True
        await self.tasks.aclose()
        await self.queue.aclose()
        await self.sync.aclose()
        await self.sessions.aclose()
        await self.journal.aclose()


@asynccontextmanager
async def opened(
    paths: AppPaths, settings: Settings, secrets: SecretStore, *, demo_url: str | None = None
) -> AsyncIterator[AppContext]:
    journal = await Journal.open(paths.data_dir)
    queue = TransferQueue(concurrency=settings.files_in_flight, bandwidth=settings.bandwidth_limit_kib * 1024 or None)
    sessions = Sessions(paths, secrets, journal, queue, settings, demo=demo_url is not None)
    tasks = Tasks()
    context = AppContext(paths, secrets, journal, queue, sessions, tasks, SyncController(sessions, tasks), demo_url)
    try:
        yield context
    finally:
        await context.aclose()
