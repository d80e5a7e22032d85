"""Run the real sandbox as a separate process for tests, over real loopback HTTP.

Shared by every test package that needs a server (sandbox, api, transfer, ui): one way to start it,
wait for its ``listening on`` line, read its database and stop it.
"""

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

STARTUP_SECONDS = 20


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    api_key: str
    role: str | None = None

    @property
    def user_id(self) -> str:
        return self.email.lower().replace("@", "-").replace(".", "-")

    def spec(self) -> str:
        base = f"{self.email}:{self.password}:{self.api_key}"
        return f"{base}:{self.role}" if self.role else base


ALICE = Account("alice@example.com", "alice-pw", "AliceKey0000000000000A")
BOB = Account("bob@partner.example", "bob-pw", "BobKey000000000000000B")
CAROL = Account("carol@contractor.example", "carol-pw", "CarolKey00000000000000", "restricted")
ADMIN = Account("admin@example.com", "admin-pw", "AdminKey00000000000000", "admin")
ACCOUNTS = (ALICE, BOB, CAROL, ADMIN)


@dataclass
class SandboxProcess:
    data_dir: Path
    args: list[str]
    accounts: tuple[Account, ...]
    url: str = ""
    process: subprocess.Popen[bytes] | None = None
    log_dir: Path = field(default_factory=Path)

    def start(self) -> "SandboxProcess":
        self.log_dir.mkdir(parents=True, exist_ok=True)
        stdout = (self.log_dir / "sandbox.out").open("wb")
        stderr = (self.log_dir / "sandbox.err").open("ab")
        command = [sys.executable, "-m", "lfdesktop.sandbox", "--port", "0", "--data-dir", str(self.data_dir)]
        for account in self.accounts:
            command += ["--user", account.spec()]
        self.process = subprocess.Popen(command + self.args, stdout=stdout, stderr=stderr)
        stdout.close()
        stderr.close()
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            lines = self.stdout_lines()
            if lines:
                assert lines[0].startswith("listening on "), lines[0]
                self.url = lines[0].removeprefix("listening on ").strip()
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"sandbox exited: {self.stderr_text()}")
            time.sleep(0.05)
        self.stop()  # not left running when the caller never gets it to stop
        raise RuntimeError(f"sandbox did not start: {self.stderr_text()}")

    def stdout_lines(self) -> list[str]:
        """The complete lines printed so far."""
        text = (self.log_dir / "sandbox.out").read_text(encoding="utf-8", errors="replace")
        return [line for line in text.split("\n")[:-1] if line.strip()]

    def stderr_text(self) -> str:
        return (self.log_dir / "sandbox.err").read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """Die like a crash: no cleanup."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> "SandboxProcess":
        self.stop()
        return self.start()

    @contextmanager
    def db(self) -> Iterator[sqlite3.Connection]:
        """The sandbox's own database, for counting what it received or playing a hostile server."""
        connection = sqlite3.connect(self.data_dir / "sandbox.sqlite3", timeout=10)
        connection.row_factory = sqlite3.Row
        try:
            yield connection
            connection.commit()
        finally:
            connection.close()

    def client(self, account: Account | None = None, **kwargs: object) -> httpx.Client:
        """An httpx client that speaks JSON as the given account (Basic KEY:x)."""
        headers = {"Accept": "application/json"}
        auth = (account.api_key, "x") if account else None
        options: dict[str, object] = {"timeout": 30.0, "verify": False}
        options.update(kwargs)
        return httpx.Client(base_url=self.url, headers=headers, auth=auth, **options)  # type: ignore[arg-type]


def start_sandbox(tmp: Path, *args: str, accounts: tuple[Account, ...] = ACCOUNTS) -> SandboxProcess:
    data = tmp / "data"
    return SandboxProcess(data_dir=data, args=list(args), accounts=accounts, log_dir=tmp / "logs").start()
