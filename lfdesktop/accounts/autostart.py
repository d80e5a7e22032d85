"""Start at login: one entry in the OS's own place, read back from there (no copy of the choice in Settings).

"Start hidden in the tray" is the entry's command carrying ``--hidden``. Every call is blocking file or
registry I/O: the Qt side runs them with ``asyncio.to_thread``. Writing fails with ``AutostartError``; reading
never fails: what cannot be read is a ``problem`` in the state.
"""

import os
import sys
from pathlib import Path

from lfdesktop.accounts.autostart_command import (
    HIDDEN_OPTION,
    Autostart,
    AutostartError,
    AutostartState,
    LaunchCommand,
    this_program,
)
from lfdesktop.accounts.autostart_launchd import LaunchAgent
from lfdesktop.accounts.autostart_windows import FileRegistry, Registry, WindowsRunKey, WinRegistry
from lfdesktop.accounts.autostart_xdg import XdgAutostart
from lfdesktop.accounts.paths import HOME_VARIABLE

__all__ = [
    "HIDDEN_OPTION",
    "Autostart",
    "AutostartError",
    "AutostartState",
    "LaunchAgent",
    "LaunchCommand",
    "Registry",
    "WinRegistry",
    "WindowsRunKey",
    "XdgAutostart",
    "for_this_os",
    "this_program",
]


def for_this_os(platform: str | None = None) -> Autostart:
    """The entry for this OS: the XDG autostart folder (Linux, BSD), a LaunchAgent (macOS), the Run key (Windows).

    With LFDESKTOP_HOME set, the entry lives in ``$LFDESKTOP_HOME/autostart/`` instead, so that tests, the demo
    and a portable copy never change the real login items: ``lfdesktop.desktop``, ``io.github.lfdesktop.plist``
    or, for Windows, ``registry.json`` holding the Run-key values (the state's ``where`` still names the Run key).
    """
    platform = sys.platform if platform is None else platform
    this = this_program(platform=platform)
    home = os.environ.get(HOME_VARIABLE, "")
    if home:
        folder = Path(home).expanduser().absolute() / "autostart"
        if platform == "win32":
            return WindowsRunKey(FileRegistry(folder / "registry.json"), this=this)
        if platform == "darwin":
            return LaunchAgent(folder, this=this)
        return XdgAutostart(folder.parent, this=this)
    if platform == "win32":
        return WindowsRunKey(WinRegistry(), this=this)
    if platform == "darwin":
        return LaunchAgent(Path.home() / "Library" / "LaunchAgents", this=this)
    config_home = Path(os.environ.get("XDG_CONFIG_HOME", ""))
    if not config_home.is_absolute():  # the spec: a relative value is invalid and ignored
        config_home = Path.home() / ".config"
    return XdgAutostart(config_home, this=this)
