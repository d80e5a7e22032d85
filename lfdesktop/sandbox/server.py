"""Builds and runs the sandbox's aiohttp application."""

import asyncio
import logging
import random
import ssl
from collections.abc import Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from . import account, attachments, demo, downloadlog, filedrops, links, messages, serving, uploads, users
from .config import SandboxConfig
from .protocol import auth_middleware, error_middleware, latency_middleware
from .state import STATE, SandboxState
from .store import Store

log = logging.getLogger("lfdesktop.sandbox")

# Order matters where paths overlap: fixed paths before patterns.
ROUTE_MODULES = (uploads, attachments, messages, serving, links, downloadlog, filedrops, account)


def open_state(config: SandboxConfig) -> SandboxState:
    for area in ("blobs", "incoming", "tmp"):
        (config.data_dir / area).mkdir(parents=True, exist_ok=True)
    for leftover in (config.data_dir / "tmp").iterdir():
        leftover.unlink()  # bodies of requests cut off by the last stop
    store = Store(config.data_dir / "sandbox.sqlite3")
    for spec in config.users:
        users.upsert_user(
            store, spec.email, spec.password, spec.api_key,
            admin=spec.role == "admin", group="Restricted" if spec.role == "restricted" else "Default",
        )
    return SandboxState(config=config, store=store, rng=random.Random(config.fault_seed))


def build_app(sandbox: SandboxState) -> web.Application:
    middlewares: list[Middleware] = [error_middleware, auth_middleware]
    if sandbox.config.latency_ms > 0:
        middlewares.insert(1, latency_middleware(sandbox.config.latency_ms))
    app = web.Application(middlewares=middlewares, client_max_size=1024**2)
    app[STATE] = sandbox
    app[uploads.REGISTRY] = uploads.UploadRegistry()
    for module in ROUTE_MODULES:
        module.routes.install(app)
    app.on_shutdown.append(uploads.on_shutdown)
    app.on_cleanup.append(lambda _app: _close(sandbox))
    return app


async def _close(sandbox: SandboxState) -> None:
    sandbox.store.close()


def tls_context(config: SandboxConfig) -> ssl.SSLContext | None:
    if config.tls_cert is None or config.tls_key is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(config.tls_cert, config.tls_key)
    return context


async def serve(config: SandboxConfig, announce: Callable[[str], None], stop: asyncio.Event) -> None:
    """Run until ``stop`` is set; ``announce`` gets ``listening on URL`` once the port is bound."""
    sandbox = open_state(config)
    app = build_app(sandbox)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    context = tls_context(config)
    site = web.TCPSite(runner, config.host, config.port, ssl_context=context, backlog=256)
    await site.start()
    server = site._server
    assert isinstance(server, asyncio.Server)
    host, port = server.sockets[0].getsockname()[:2]
    scheme = "https" if context else "http"
    try:
        # The demo is seeded through our own API before anyone is told where we are; over loopback where
        # possible, so that its downloads may say where in the world they came from (X-Forwarded-For).
        reachable = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
        demo_lines = await demo.seed(sandbox, f"{scheme}://{_bracketed(reachable)}:{port}") if config.demo else []
        announce(f"listening on {scheme}://{_bracketed(host)}:{port}")  # the first line, always
        for line in demo_lines:
            announce(line)
        await stop.wait()
    finally:
        await runner.cleanup()


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host
