"""Real failures: on upload requests (``--fault-rate``) a dropped connection, a 500 or a stalled answer, none
of which stores the piece, so a client that retries is always right to; on file downloads
(``--download-fault-rate``) a connection dropped half way, which a client resumes with a ranged request.
"""

import asyncio

from aiohttp import web

from .protocol import client_gone, json_ok
from .state import SandboxState

KINDS = ("drop", "error", "stall")


def pick(sandbox: SandboxState) -> str | None:
    rate = sandbox.config.fault_rate
    if rate <= 0 or sandbox.rng.random() >= rate:
        return None
    return sandbox.rng.choice(KINDS)


async def _drain(request: web.Request, at_most: int | None = None) -> None:
    read = 0
    async for block in request.content.iter_chunked(1024 * 1024):
        read += len(block)
        if at_most is not None and read >= at_most:
            return


def cut_download(sandbox: SandboxState, request: web.Request) -> bool:
    """Whether to drop this download half way; a ranged request (a resume) is always served whole."""
    rate = sandbox.config.download_fault_rate
    return rate > 0 and "Range" not in request.headers and sandbox.rng.random() < rate


def hang_up(request: web.Request) -> web.Response:
    if request.transport is not None:
        request.transport.abort()
    return client_gone()


async def inject(request: web.Request, kind: str, stall_seconds: float) -> web.StreamResponse:
    if kind == "error":
        await _drain(request)
        return json_ok({"errors": ["Injected fault: internal server error"]}, status=500)
    if kind == "drop":
        # Hang up part way through the body, as a proxy or a flaky link would.
        await _drain(request, at_most=max(1, (request.content_length or 2) // 2))
        return hang_up(request)
    await _drain(request)
    await asyncio.sleep(stall_seconds)
    return hang_up(request)
