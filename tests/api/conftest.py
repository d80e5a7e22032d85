"""Clients of the shared sandbox, one per test account, and an older-style server the sandbox cannot play."""

import base64
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from lfdesktop.api.client import LiquidFilesClient
from tests.sandboxproc import ADMIN, ALICE, BOB, CAROL, Account, SandboxProcess

Connect = Callable[[Account | None], LiquidFilesClient]


@pytest.fixture
async def connect(sandbox: SandboxProcess) -> AsyncIterator[Connect]:
    """Opens clients of the shared sandbox (no API key for None) and closes them after the test."""
    opened: list[LiquidFilesClient] = []

    def open_client(account: Account | None) -> LiquidFilesClient:
        client = LiquidFilesClient.connect(sandbox.url, account.api_key if account else None)
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        await client.aclose()


def client_fixture(account: Account) -> Callable[..., object]:
    """A fixture: a client of the shared sandbox that speaks as ``account``."""

    @pytest.fixture
    async def client(connect: Connect) -> LiquidFilesClient:
        return connect(account)

    return client


# Each fixture takes the name it is assigned to.
alice = client_fixture(ALICE)
bob = client_fixture(BOB)
carol = client_fixture(CAROL)
admin = client_fixture(ADMIN)


@dataclass
class OldServer:
    """A server older than LiquidFiles 4.3: Basic ``KEY:x`` only, and link updates answered with an empty 200."""

    api_key: str
    url: str = ""
    # The auth scheme of every request, in order ("bearer", "basic" or "" for none).
    schemes: list[str] = field(default_factory=list)

    def _authorized(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        self.schemes.append(header.partition(" ")[0].lower())
        return header == "Basic " + base64.b64encode(f"{self.api_key}:x".encode()).decode()

    async def account(self, request: web.Request) -> web.StreamResponse:
        if not self._authorized(request):
            return web.json_response({"errors": ["Authentication required"]}, status=401)
        return web.json_response({"user": {"id": "old-example-com", "email": "old@example.com"}})

    async def update_link(self, request: web.Request) -> web.StreamResponse:
        if not self._authorized(request):
            return web.json_response({"errors": ["Authentication required"]}, status=401)
        return web.Response(status=200, body=b"")


@pytest.fixture
async def old_server() -> AsyncIterator[OldServer]:
    server = OldServer(api_key="OldServerKey0000000000")
    app = web.Application()
    app.router.add_get("/account", server.account)
    app.router.add_put("/link/{id}/{action}", server.update_link)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    server.url = f"http://{host}:{port}"
    yield server
    await runner.cleanup()
