"""Running ``lfdesktop`` as a user would: a subprocess with a home of its own, against the real sandbox."""

import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from lfdesktop.accounts.paths import HOME_VARIABLE
from tests.sandboxproc import ACCOUNTS, Account

REPO = Path(__file__).resolve().parents[2]
NO_KEYRING = "keyring.backends.fail.Keyring"  # the default: a test never touches the developer's own keyring
TIMEOUT = 60
KNOWN_KEYS = tuple(account.api_key for account in ACCOUNTS)
# Variables that would point the CLI somewhere else than the test says.
INHERITED_NOT = {"LF_SERVER", "LF_API_KEY", HOME_VARIABLE, "PYTHON_KEYRING_BACKEND", "PYTHONPATH"}


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        assert self.code == 0, self.stderr
        return json.loads(self.stdout)

    def reason(self) -> str:
        """The one line on stderr that says why the command failed."""
        lines = self.stderr.splitlines()
        assert len(lines) == 1, f"expected one line on stderr, got:\n{self.stderr}"
        assert lines[0].startswith("lfdesktop"), lines[0]
        return lines[0]


@dataclass(frozen=True)
class Cli:
    """``lfdesktop`` for one test: its own LFDESKTOP_HOME, and the server and key in LF_SERVER/LF_API_KEY."""

    home: Path
    cwd: Path
    server: str | None = None
    api_key: str | None = None
    keyring: str = NO_KEYRING
    env: dict[str, str] = field(default_factory=dict)

    def as_user(self, account: Account | None) -> "Cli":
        return replace(self, api_key=account.api_key if account else None)

    def environ(self) -> dict[str, str]:
        environ = {name: value for name, value in os.environ.items() if name not in INHERITED_NOT}
        environ |= {HOME_VARIABLE: str(self.home), "PYTHON_KEYRING_BACKEND": self.keyring, "PYTHONPATH": str(REPO)}
        if self.server is not None:
            environ["LF_SERVER"] = self.server
        if self.api_key is not None:
            environ["LF_API_KEY"] = self.api_key
        return environ | self.env

    def command(self, args: Sequence[object]) -> list[str]:
        return [sys.executable, "-m", "lfdesktop", *map(str, args)]

    def run(self, *args: object, stdin: str = "") -> Outcome:
        self.cwd.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            self.command(args), env=self.environ(), cwd=self.cwd, input=stdin, capture_output=True, text=True,
            timeout=TIMEOUT, check=False,
        )
        return self.checked(Outcome(done.returncode, done.stdout, done.stderr), args, stdin)

    def start(self, *args: object) -> "Running":
        """The command in the background, for a test that interrupts it."""
        self.cwd.mkdir(parents=True, exist_ok=True)
        process = subprocess.Popen(
            self.command(args), env=self.environ(), cwd=self.cwd, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        return Running(self, process, args)

    def checked(self, outcome: Outcome, args: Sequence[object], stdin: str) -> Outcome:
        """Every run: no API key (nor what was typed on stdin) ever shows on stdout or stderr."""
        secrets = set(KNOWN_KEYS)
        secrets |= {self.api_key or "", stdin.strip(), *(str(args[i + 1]) for i, arg in enumerate(args[:-1])
                                                        if arg == "--api-key")}
        for secret in secrets - {""}:
            assert secret not in outcome.stdout, f"a secret on stdout: {outcome.stdout}"
            assert secret not in outcome.stderr, f"a secret on stderr: {outcome.stderr}"
        return outcome


@dataclass
class Running:
    cli: Cli
    process: "subprocess.Popen[str]"
    args: Sequence[object]

    def running(self) -> bool:
        return self.process.poll() is None

    def wait(self) -> Outcome:
        try:
            stdout, stderr = self.process.communicate(timeout=TIMEOUT)
        finally:
            if self.process.poll() is None:  # only when the wait above failed: never left running
                self.process.kill()
                self.process.communicate()
        return self.cli.checked(Outcome(self.process.returncode, stdout, stderr), self.args, "")


def write_file(folder: Path, name: str, size: int, seed: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def days_ahead(days: int) -> date:
    """A day as the sandbox counts them (UTC)."""
    return datetime.now(UTC).date() + timedelta(days=days)


def table(text: str, headings: Sequence[str]) -> list[dict[str, str]]:
    """A human table as records: the heading line says where each column starts."""
    lines = [line for line in text.splitlines() if line.strip() and line != "(none)"]
    header = next(index for index, line in enumerate(lines) if line.startswith(headings[0]) and headings[-1] in line)
    starts, position = [], 0
    for heading in headings:
        position = lines[header].index(heading, position)
        starts.append(position)
        position += len(heading)
    assert re.split(r" {2,}", lines[header].strip()) == list(headings), lines[header]
    ends = [*starts[1:], None]
    return [
        {heading: line[start:end].strip() for heading, start, end in zip(headings, starts, ends, strict=True)}
        for line in lines[header + 1:]
    ]


def block(text: str) -> dict[str, str]:
    """``Label: value`` lines (as ``message`` and ``filedrops show`` print them) as a dict."""
    pairs = (line.split(":", 1) for line in text.splitlines() if ":" in line)
    return {label: value.strip() for label, value in pairs}


def local_minute(iso: str) -> str:
    """A server time as the tables show it: local time to the minute."""
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")
