"""What every handler reaches through the aiohttp application: settings, store, file areas."""

import random
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from .config import SandboxConfig
from .store import Store


@dataclass
class SandboxState:
    config: SandboxConfig
    store: Store
    rng: random.Random = field(default_factory=random.Random)

    @property
    def blobs(self) -> Path:
        return self.config.data_dir / "blobs"

    @property
    def incoming(self) -> Path:
        return self.config.data_dir / "incoming"

    @property
    def tmp(self) -> Path:
        return self.config.data_dir / "tmp"

    def blob_path(self, attachment_id: str) -> Path:
        return self.blobs / attachment_id


STATE: web.AppKey[SandboxState] = web.AppKey("sandbox_state", SandboxState)


def state(request: web.Request) -> SandboxState:
    return request.app[STATE]
