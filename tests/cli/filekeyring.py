"""An OS keyring stand-in for CLI subprocesses: ``PYTHON_KEYRING_BACKEND=tests.cli.filekeyring.FileKeyring``.

It keeps secrets in the JSON file named by ``LFDESKTOP_TEST_KEYRING`` (under the test's tmp dir), so a test can
see what a finished ``lfdesktop login`` stored and a later process can read it. Its module is not keyrings.alt:
lfdesktop treats it as a real OS keyring, as it should for this test.
"""

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend

FILE_VARIABLE = "LFDESKTOP_TEST_KEYRING"


class FileKeyring(KeyringBackend):
    priority = -1  # only ever chosen through PYTHON_KEYRING_BACKEND, never by keyring's own detection

    @staticmethod
    def _file() -> Path:
        return Path(os.environ[FILE_VARIABLE])

    def _entries(self) -> dict[str, str]:
        file = self._file()
        return json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}

    def _save(self, entries: dict[str, str]) -> None:
        self._file().write_text(json.dumps(entries), encoding="utf-8")

    def get_password(self, service: str, username: str) -> str | None:
        return self._entries().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self._save({**self._entries(), f"{service}/{username}": password})

    def delete_password(self, service: str, username: str) -> None:
        entries = self._entries()
        del entries[f"{service}/{username}"]
        self._save(entries)
