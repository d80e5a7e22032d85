"""The demo server launcher: the real sandbox with demo data in its own process, its demo users read from what
it prints, a start that fails or hangs explained, and the process gone once the block ends."""

import asyncio
import sys
from pathlib import Path

import httpx
import pytest

from lfdesktop.demo_server import DemoServer, DemoServerError, sandbox_command


async def test_the_demo_server_serves_its_demo_users_and_stops_on_exit(tmp_path: Path) -> None:
    async with DemoServer(tmp_path / "demo") as server:
        users = {user.email: user for user in server.demo_users}
        dana = users["dana@example.com"]
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            account = await client.get("/account", headers={
                "Authorization": f"Bearer {dana.api_key}", "Accept": "application/json"})
        assert server.returncode is None

    assert account.status_code == 200, account.text
    assert account.json()["user"]["email"] == dana.email and dana.name == "Dana Demo"
    assert server.url.startswith("http://127.0.0.1:")
    assert len(users) == 6 and [user.email for user in server.demo_users if user.admin] == ["alex@example.com"]
    assert [user.email for user in server.demo_users if user.restricted] == ["sam@contractor.example"]
    assert dana.api_key not in repr(dana)
    assert server.returncode == 0  # asked to stop, it stopped cleanly
    async with httpx.AsyncClient(timeout=5) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(server.url)


async def test_a_server_that_cannot_start_says_why(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "occupied"
    not_a_folder.write_text("a file where the data dir should be")
    server = DemoServer(not_a_folder)

    with pytest.raises(DemoServerError, match=r"stopped \(exit code 1\) before it was ready: lfdesktop-sandbox: "):
        await server.__aenter__()
    assert server.returncode == 1


async def test_a_server_that_never_gets_ready_is_stopped(tmp_path: Path) -> None:
    hangs = [sys.executable, "-c", "import sys, time; print('warming up', file=sys.stderr, flush=True); time.sleep(60)"]
    server = DemoServer(tmp_path / "demo", startup_timeout=1, command=hangs)

    with pytest.raises(DemoServerError, match="did not start within 1 s: warming up"):
        await server.__aenter__()
    assert server.returncode is not None  # not left running


def test_a_frozen_app_serves_the_sandbox_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert sandbox_command(tmp_path)[:3] == [sys.executable, "-m", "lfdesktop.sandbox"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert sandbox_command(tmp_path) == [
        sys.executable, "--serve-sandbox", "--demo", "--port", "0", "--data-dir", str(tmp_path), "--stop-with-stdin"]


async def test_the_demo_server_stops_when_the_app_that_started_it_dies(tmp_path: Path) -> None:
    """A crashed app cannot stop it: its end of the sandbox's standard input closes, and that is enough."""
    async with DemoServer(tmp_path / "demo") as server:
        process = server._process
        assert process is not None and process.stdin is not None
        process.stdin.close()  # what the OS does for a killed app
        assert await asyncio.to_thread(process.wait, 20) == 0
