"""``DemoServer``: the LiquidFiles sandbox with its demo data in a process of its own, for ``lfdesktop --sandbox``.

The sandbox is a separate program and nothing of it is imported here: it runs as ``python -m lfdesktop.sandbox``,
or, in an app frozen by PyInstaller, as the app itself with ``--serve-sandbox``. Its first line says where it
listens, the next ones who the demo users are. Two threads read its output for as long as it runs, so a full
pipe never stalls it and the event loop never waits on it; the last lines of its error output explain a start
that failed.
"""

import asyncio
import contextlib
import os
import re
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO

STARTUP_SECONDS = 60.0  # the first start in a data dir seeds the demo data: a few seconds
STOP_SECONDS = 10.0
TAIL_LINES = 40
SHOWN_LINES = 8  # of the error output, in the message of a failed start

_LISTENING = "listening on "
_COUNT = re.compile(r"demo data: (\d+) users\b")
_USER = re.compile(r"\s+(?P<email>\S+@\S+)\s+API key (?P<key>\S+)\s+(?P<name>.+?)(?:\s+\[(?P<role>\w+)\])?\s*")


@dataclass(frozen=True)
class DemoUser:
    email: str
    api_key: str = field(repr=False)
    name: str
    admin: bool = False
    restricted: bool = False


class DemoServerError(Exception):
    """The demo server did not start; the message says why, with the end of its error output."""


def sandbox_command(data_dir: Path) -> list[str]:
    """How to start the sandbox with demo data on a free loopback port."""
    if getattr(sys, "frozen", False):
        program = [sys.executable, "--serve-sandbox"]  # no Python to run -m with: the app serves it itself
    else:
        program = [sys.executable, "-m", "lfdesktop.sandbox"]
    # --stop-with-stdin: if the app dies without stopping it (a crash, SIGKILL), its end of the pipe closes.
    return [*program, "--demo", "--port", "0", "--data-dir", str(data_dir), "--stop-with-stdin"]


class DemoServer:
    """``async with DemoServer(data_dir) as server``: ``server.url`` and ``server.demo_users`` while it runs.

    ``command`` replaces the sandbox's command line (tests: a program that never gets ready)."""

    def __init__(
        self, data_dir: Path, *, startup_timeout: float = STARTUP_SECONDS, command: Sequence[str] | None = None
    ) -> None:
        self.data_dir = data_dir
        self.url = ""
        self.demo_users: tuple[DemoUser, ...] = ()
        self._command = list(command) if command is not None else sandbox_command(data_dir)
        self._startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._readers: list[threading.Thread] = []
        self._stdout_tail: deque[str] = deque(maxlen=TAIL_LINES)
        self._stderr_tail: deque[str] = deque(maxlen=TAIL_LINES)
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._starting = True

    @property
    def returncode(self) -> int | None:
        """None while it runs (or before it started)."""
        return None if self._process is None else self._process.poll()

    async def __aenter__(self) -> "DemoServer":
        try:
            await self._start()
            async with asyncio.timeout(self._startup_timeout):
                await self._read_announcement()
        except TimeoutError:
            await self._stop()
            raise DemoServerError(
                f"The demo server did not start within {self._startup_timeout:g} s{self._explanation()}"
            ) from None
        except BaseException:
            await self._stop()
            raise
        finally:
            self._starting = False  # from now on its output is only kept, for the tail
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self._stop()

    # ---- inside ----

    async def _start(self) -> None:
        loop = asyncio.get_running_loop()
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        # No console window flashing up beside a windowed app on Windows (the flag is 0 elsewhere).
        no_window = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        try:
            self._process = await asyncio.to_thread(
                subprocess.Popen, self._command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, env=env, creationflags=no_window,
            )
        except OSError as error:
            raise DemoServerError(f"The demo server could not be started: {error.strerror or error}") from None
        assert self._process.stdout is not None and self._process.stderr is not None

        def post(line: str | None) -> None:
            if self._starting:
                with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
                    loop.call_soon_threadsafe(self._lines.put_nowait, line)

        self._readers = [
            _reader(self._process.stdout, self._stdout_tail, post, "demo server stdout"),
            _reader(self._process.stderr, self._stderr_tail, None, "demo server stderr"),
        ]

    async def _read_announcement(self) -> None:
        first = await self._next_line()
        if not first.startswith(_LISTENING):
            raise DemoServerError(f"The demo server said {first[:200]!r} instead of where it listens")
        self.url = first.removeprefix(_LISTENING).strip()
        count: int | None = None
        users: list[DemoUser] = []
        while count is None or len(users) < count:
            line = await self._next_line()
            if (counted := _COUNT.match(line)) is not None:
                count = int(counted[1])
            elif (user := _USER.fullmatch(line)) is not None:
                role = user["role"]
                users.append(DemoUser(user["email"], user["key"], user["name"], role == "admin", role == "restricted"))
        self.demo_users = tuple(users)

    async def _next_line(self) -> str:
        line = await self._lines.get()
        if line is None:
            await self._stop()  # it ended: wait for it, and for the rest of its error output
            raise DemoServerError(
                f"The demo server stopped (exit code {self.returncode}) before it was ready{self._explanation()}"
            )
        return line

    def _explanation(self) -> str:
        shown = [line for line in self._stderr_tail if line.strip()][-SHOWN_LINES:]
        return ": " + "\n".join(shown) if shown else "."

    async def _stop(self) -> None:
        """SIGTERM, then a kill if it lingers; waited for in a thread that a cancel cannot cut short."""
        if self._process is not None:
            await asyncio.shield(asyncio.to_thread(_terminate, self._process, self._readers))


def _reader(
    stream: IO[bytes], tail: deque[str], post: Callable[[str | None], None] | None, name: str
) -> threading.Thread:
    """A daemon thread reading ``stream`` line by line into ``tail`` (and to ``post``) until it ends."""

    def read() -> None:
        with stream:
            for raw in iter(stream.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                tail.append(line)
                if post is not None:
                    post(line)
        if post is not None:
            post(None)

    thread = threading.Thread(target=read, name=name, daemon=True)
    thread.start()
    return thread


def _terminate(process: "subprocess.Popen[bytes]", readers: list[threading.Thread]) -> None:
    if process.stdin is not None:
        process.stdin.close()
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for reader in readers:
        reader.join(STOP_SECONDS)  # its pipe closes with the process
