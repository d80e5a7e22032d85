r"""Windows: the value ``lfdesktop`` under ``HKCU\Software\Microsoft\Windows\CurrentVersion\Run``.

The installer's "Start when I sign in to Windows" option writes the same value, so the app and the installer
agree on one entry. Task Manager's Startup tab (Settings > Apps > Startup) does not touch it: it records its
switch under ``...\Explorer\StartupApproved\Run``, a binary value whose first byte is odd when turned off.
"""

import json
import subprocess
import sys
from pathlib import Path
from typing import Protocol

from lfdesktop.accounts.atomicfile import write_atomically
from lfdesktop.accounts.autostart_command import (
    AutostartError,
    AutostartState,
    LaunchCommand,
    read_back,
    reason,
    this_program,
    turned_off,
    with_hidden,
)

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
APPROVED_KEY = r"Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run"
VALUE_NAME = "lfdesktop"


class Registry(Protocol):
    """Values of the current user's hive; key paths are relative to HKEY_CURRENT_USER."""

    def read(self, key_path: str, name: str) -> str | bytes | None:
        """None when the key or the value is absent."""

    def write_string(self, key_path: str, name: str, value: str) -> None:
        """Creates the key when needed."""

    def delete(self, key_path: str, name: str) -> None:
        """Nothing to do when the key or the value is absent."""


class WinRegistry:
    """The real registry, through ``winreg`` (only on Windows)."""

    def read(self, key_path: str, name: str) -> str | bytes | None:
        if sys.platform != "win32":
            raise OSError("There is no Windows registry on this system")
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key_path) as key:
                value, kind = winreg.QueryValueEx(key, name)
        except FileNotFoundError:
            return None
        if kind == winreg.REG_EXPAND_SZ:  # a hand-made entry may say %LOCALAPPDATA%
            return winreg.ExpandEnvironmentStrings(value)
        return value if isinstance(value, str | bytes) else None

    def write_string(self, key_path: str, name: str, value: str) -> None:
        if sys.platform != "win32":
            raise OSError("There is no Windows registry on this system")
        import winreg

        with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, key_path, 0, winreg.KEY_SET_VALUE) as key:
            winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)

    def delete(self, key_path: str, name: str) -> None:
        if sys.platform != "win32":
            raise OSError("There is no Windows registry on this system")
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key_path, 0, winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, name)
        except FileNotFoundError:
            pass


class FileRegistry:
    """Registry values in a JSON file, ``{key path: {name: value}}`` (binary values as lists of byte values).

    Used under LFDESKTOP_HOME, so that tests and the demo never touch the real Run key.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self, key_path: str, name: str) -> str | bytes | None:
        value = self._load().get(key_path, {}).get(name)
        if isinstance(value, list):
            return bytes(value)
        return value if isinstance(value, str) else None

    def write_string(self, key_path: str, name: str, value: str) -> None:
        values = self._load()
        values.setdefault(key_path, {})[name] = value
        self._save(values)

    def delete(self, key_path: str, name: str) -> None:
        values = self._load()
        if values.get(key_path, {}).pop(name, None) is not None:
            self._save(values)

    def _load(self) -> dict[str, dict[str, object]]:
        try:
            values = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return values if isinstance(values, dict) else {}

    def _save(self, values: dict[str, dict[str, object]]) -> None:
        write_atomically(self.path, json.dumps(values, indent=2).encode())


def split_command_line(line: str) -> list[str]:
    """The arguments of a Windows command line, by the C runtime's rules (the inverse of ``list2cmdline``).

    Backslashes are literal unless they precede a double quote: then each pair is one backslash, and an odd
    one makes the quote literal. An unescaped quote opens or closes a quoted part; ``""`` inside one is a quote.
    """
    argv: list[str] = []
    current: list[str] = []
    started = quoted = False  # started: an argument is open (it may be "", from a pair of quotes)
    index = 0
    while index < len(line):
        character = line[index]
        if character == "\\":
            end = index
            while end < len(line) and line[end] == "\\":
                end += 1
            count = end - index
            before_quote = line[end : end + 1] == '"'
            current.append("\\" * (count // 2 if before_quote else count))
            if before_quote and count % 2:
                current.append('"')
                end += 1
            index, started = end, True
            continue
        if character == '"' and quoted and line[index + 1 : index + 2] == '"':
            current.append('"')
            index += 1
        elif character == '"':
            quoted, started = not quoted, True
        elif character in " \t" and not quoted:
            if started:
                argv.append("".join(current))
            current, started = [], False
        else:
            current.append(character)
            started = True
        index += 1
    if started:
        argv.append("".join(current))
    return argv


class WindowsRunKey:
    """The Run-key entry.

    ``enable`` never overrides the user's choice in Task Manager: it leaves StartupApproved alone, and ``state``
    then reports the entry as turned off and where to turn it back on. ``disable`` removes both values.
    """

    where = f"HKCU\\{RUN_KEY}\\{VALUE_NAME}"

    def __init__(self, registry: Registry, *, this: LaunchCommand | None = None) -> None:
        self.registry = registry
        self.this = this_program() if this is None else this

    def state(self) -> AutostartState:
        try:
            command = self.registry.read(RUN_KEY, VALUE_NAME)
            approval = self.registry.read(APPROVED_KEY, VALUE_NAME)
        except (OSError, ValueError) as error:
            why = reason(error) if isinstance(error, OSError) else str(error)
            return AutostartState(False, False, self.where, f"Could not read {self.where}: {why}.")
        if command is None:
            return AutostartState(False, False, self.where)
        if not isinstance(command, str):
            return AutostartState(False, False, self.where, f"{self.where} is not a command line.")
        state = read_back(split_command_line(command), self.this, self.where, ignore_case=True)
        if isinstance(approval, bytes) and approval[:1] and approval[0] % 2:
            return turned_off(state, "Turned off in Task Manager's Startup apps (or Settings > Apps > Startup).")
        return state

    def enable(self, command: LaunchCommand, *, hidden: bool) -> None:
        try:
            self.registry.write_string(RUN_KEY, VALUE_NAME, subprocess.list2cmdline(with_hidden(command, hidden)))
        except OSError as error:
            raise AutostartError(f"Could not write {self.where}: {reason(error)}") from error

    def disable(self) -> None:
        try:
            for key_path in (RUN_KEY, APPROVED_KEY):
                self.registry.delete(key_path, VALUE_NAME)
        except OSError as error:
            raise AutostartError(f"Could not remove {self.where}: {reason(error)}") from error
