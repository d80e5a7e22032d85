"""What every "start at login" entry shares: the command it runs, the state read back, and how errors look.

The OS's own entry (an XDG ``.desktop`` file, a LaunchAgent plist, a Run-key value) is the only record of the
choice: nothing in the settings file can disagree with it. The three kinds live in ``autostart_*.py``.
"""

import ntpath
import posixpath
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lfdesktop.accounts.atomicfile import write_atomically

HIDDEN_OPTION = "--hidden"  # start with the window hidden in the tray
OPEN_APP = ("/usr/bin/open", "-a")  # macOS: LaunchServices starts the .app bundle that follows


class AutostartError(Exception):
    """Writing or removing the entry failed; the message says which file or value, and why, in plain words."""


@dataclass(frozen=True)
class LaunchCommand:
    """How the OS starts this installation of lfdesktop."""

    program: str  # absolute path
    arguments: tuple[str, ...] = ()

    @property
    def argv(self) -> list[str]:
        return [self.program, *self.arguments]

    @property
    def target(self) -> str:
        """The file that is "this copy of lfdesktop": the .app bundle for ``open -a``, else the program."""
        if (self.program, *self.arguments[:1]) == OPEN_APP and len(self.arguments) > 1:
            return self.arguments[1]
        return self.program


def this_program(
    *, frozen: bool | None = None, executable: str | None = None, platform: str | None = None
) -> LaunchCommand:
    """The command that starts the running copy of lfdesktop; the parameters default to the running process.

    Frozen (PyInstaller): the app's own executable. On macOS, when that executable sits in a bundle
    (``X.app/Contents/MacOS/X``), the command is ``/usr/bin/open -a X.app --args``: LaunchServices then starts it
    as an app (Dock, activation, one instance), and launchd's job ends when ``open`` returns instead of owning
    the app's process. Not frozen (pip install): ``python -m lfdesktop``, with ``pythonw.exe`` instead of
    ``python.exe`` on Windows when it exists, so that no console window opens at login.
    """
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    executable = sys.executable if executable is None else executable
    platform = sys.platform if platform is None else platform
    if not frozen:
        if platform == "win32":
            executable = _windowless(executable)
        return LaunchCommand(executable, ("-m", "lfdesktop"))
    if platform == "darwin":
        macos_folder = posixpath.dirname(executable)
        contents = posixpath.dirname(macos_folder)
        bundle = posixpath.dirname(contents)
        if (posixpath.basename(macos_folder), posixpath.basename(contents)) == ("MacOS", "Contents") and (
            bundle.endswith(".app")
        ):
            return LaunchCommand(OPEN_APP[0], (OPEN_APP[1], bundle, "--args"))
    return LaunchCommand(executable)


def _windowless(executable: str) -> str:
    """pythonw.exe next to python.exe (a venv's Scripts folder has both), when there is one."""
    name = ntpath.basename(executable)
    if name.casefold() != "python.exe":
        return executable
    windowless = executable[: -len(name)] + "pythonw.exe"
    return windowless if Path(windowless).is_file() else executable


@dataclass(frozen=True)
class AutostartState:
    enabled: bool  # the OS WILL start lfdesktop at the next login (read from the OS, not assumed)
    hidden: bool  # ...with --hidden
    where: str  # for the dialog: the file path, or the registry value ("HKCU\\...\\Run\\lfdesktop")
    problem: str | None = None  # plain words when the entry exists but will not do what the user thinks


class Autostart(Protocol):
    def state(self) -> AutostartState: ...

    def enable(self, command: LaunchCommand, *, hidden: bool) -> None:
        """Writes the entry, replacing any there is."""

    def disable(self) -> None:
        """Removes the entry; nothing to do when there is none."""


def with_hidden(command: LaunchCommand, hidden: bool) -> list[str]:
    return [*command.argv, HIDDEN_OPTION] if hidden else command.argv


def read_back(argv: Sequence[str], this: LaunchCommand, where: str, *, ignore_case: bool = False) -> AutostartState:
    """The state of an entry that runs ``argv``: whether it starts this copy, another, or nothing any more."""
    if not argv:
        return AutostartState(False, False, where, f"The entry in {where} has no command to run.")
    hidden = HIDDEN_OPTION in argv[1:]
    found = LaunchCommand(argv[0], tuple(argument for argument in argv[1:] if argument != HIDDEN_OPTION))
    fold: Callable[[str], str] = str.casefold if ignore_case else str
    if [fold(part) for part in found.argv] == [fold(part) for part in this.argv]:
        return AutostartState(True, hidden, where)
    target = found.target
    if not (Path(target).exists() or shutil.which(target)):
        return AutostartState(False, hidden, where, f"Starts {target}, which no longer exists.")
    return AutostartState(True, hidden, where, f"Starts {target}, not this copy of lfdesktop.")


def turned_off(state: AutostartState, problem: str) -> AutostartState:
    return AutostartState(False, state.hidden, state.where, problem)


def write_entry(path: Path, data: bytes) -> None:
    try:
        write_atomically(path, data)
    except OSError as error:
        raise AutostartError(f"Could not write {path}: {reason(error)}") from error


def remove_entry(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        raise AutostartError(f"Could not remove {path}: {reason(error)}") from error


def reason(error: OSError) -> str:
    return error.strerror or str(error)
