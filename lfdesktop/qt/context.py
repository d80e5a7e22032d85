"""What the app is made of, handed to every controller and pane: built once by ``lfdesktop.app``."""

import asyncio
from dataclasses import dataclass, field

from lfdesktop.accounts.paths import AppPaths
from lfdesktop.accounts.secrets import SecretStore
from lfdesktop.transfer.journal import Journal
from lfdesktop.transfer.queue import TransferQueue

from .session import Sessions
from .tasks import Tasks


@dataclass
class AppContext:
    paths: AppPaths
    secrets: SecretStore
    journal: Journal
    queue: TransferQueue
    sessions: Sessions
    tasks: Tasks
    demo_url: str | None = None  # the built-in demo server's address, in demo mode
    quit_requested: asyncio.Event = field(default_factory=asyncio.Event)  # every quit path sets it

    @property
    def demo(self) -> bool:
        return self.demo_url is not None
