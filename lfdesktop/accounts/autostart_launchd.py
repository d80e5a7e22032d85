"""macOS: a LaunchAgent, ``~/Library/LaunchAgents/io.github.lfdesktop.plist``, read by launchd at login.

Writing it does not load it (``launchctl bootstrap`` would start a second copy now, because of RunAtLoad): it
takes effect at the next login. What this cannot see: the Login Items switch of macOS 13+ ("Allow in the
Background"), which lives in a database only root can read.
"""

import plistlib
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

from lfdesktop.accounts.autostart_command import (
    AutostartState,
    LaunchCommand,
    read_back,
    reason,
    remove_entry,
    this_program,
    turned_off,
    with_hidden,
    write_entry,
)

LABEL = "io.github.lfdesktop"  # the app bundle's CFBundleIdentifier (installers/macos/Info.plist)


def launch_agent(argv: list[str]) -> dict[str, Any]:
    return {
        "Label": LABEL,
        "ProgramArguments": argv,
        "RunAtLoad": True,
        "ProcessType": "Interactive",  # a GUI app the user waits for: no background throttling
        "LimitLoadToSessionType": "Aqua",  # only for a graphical login, not ssh
        "AssociatedBundleIdentifiers": [LABEL],  # Login Items (macOS 13+) shows it as lfdesktop's
    }


class LaunchAgent:
    def __init__(self, launch_agents: Path, *, this: LaunchCommand | None = None) -> None:
        self.path = launch_agents / f"{LABEL}.plist"
        self.this = this_program() if this is None else this

    def state(self) -> AutostartState:
        where = str(self.path)
        try:
            with self.path.open("rb") as file:
                agent = plistlib.load(file)
        except FileNotFoundError:
            return AutostartState(False, False, where)
        except OSError as error:
            return AutostartState(False, False, where, f"Could not read {where}: {reason(error)}.")
        except (plistlib.InvalidFileException, ExpatError, ValueError, TypeError):
            return AutostartState(False, False, where, f"Could not read {where}: it is not a valid plist.")
        argv = agent.get("ProgramArguments") if isinstance(agent, dict) else None
        if not (isinstance(argv, list) and all(isinstance(argument, str) for argument in argv)):
            return AutostartState(False, False, where, f"{where} has no ProgramArguments list to run.")
        state = read_back(argv, self.this, where)
        if agent.get("Disabled") is True:
            return turned_off(state, f"Turned off: {where} says Disabled.")
        if agent.get("RunAtLoad") is not True:
            return turned_off(state, f"{where} does not say RunAtLoad, so it does not start at login.")
        return state

    def enable(self, command: LaunchCommand, *, hidden: bool) -> None:
        write_entry(self.path, plistlib.dumps(launch_agent(with_hidden(command, hidden))))

    def disable(self) -> None:
        remove_entry(self.path)
