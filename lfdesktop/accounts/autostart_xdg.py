"""Linux and the BSDs: an XDG autostart entry, ``$XDG_CONFIG_HOME/autostart/lfdesktop.desktop``.

The file follows the Desktop Entry Specification 1.5: its "The Exec key" section for quoting the command, and
the string type's escapes for the value as a whole.
"""

import re
from pathlib import Path

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

GROUP = "[Desktop Entry]"
# Arguments holding any of these must be quoted (the spec's reserved characters).
RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
QUOTED_ESCAPES = '"`$\\'  # escaped with a backslash inside double quotes
STRING_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
STRING_UNESCAPES = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}
QUOTED = re.compile(r'"((?:\\.|[^"\\])*)"', re.DOTALL)  # a double-quoted part of an argument
ARGUMENT = re.compile(rf"(?:{QUOTED.pattern}|[^\s\"])+", re.DOTALL)  # quoted and plain parts, up to a blank
FIELD_CODE = re.compile(r"%[fFuUdDnNickvm]")  # expands to nothing (or is deprecated) in an autostart entry
TURNED_OFF = "Turned off in your desktop's startup settings"


def exec_value(argv: list[str]) -> str:
    """The ``Exec=`` value for ``argv``: each argument quoted if it must be, ``%`` doubled, then string-escaped."""
    command = " ".join(_quoted(argument) for argument in argv).replace("%", "%%")
    return "".join(STRING_ESCAPES.get(character, character) for character in command)


def _quoted(argument: str) -> str:
    if argument and not RESERVED.intersection(argument):
        return argument
    escaped = "".join("\\" + character if character in QUOTED_ESCAPES else character for character in argument)
    return f'"{escaped}"'


def parse_exec(value: str) -> list[str]:
    """The arguments an ``Exec=`` value runs: the string escapes undone, then the quoting, then ``%%``.

    Field codes such as ``%U`` (which a copied menu entry may carry) expand to nothing at login and are dropped.
    """
    command = re.sub(r"\\(.)", lambda match: STRING_UNESCAPES.get(match[1], match[0]), value)
    argv = [QUOTED.sub(lambda quoted: re.sub(r"\\(.)", r"\1", quoted[1], flags=re.DOTALL), argument[0])
            for argument in ARGUMENT.finditer(command)]
    return [argument.replace("%%", "%") for argument in argv if not FIELD_CODE.fullmatch(argument)]


def desktop_entry(argv: list[str]) -> str:
    lines = [
        GROUP,
        "Type=Application",
        "Name=lfdesktop",
        "Comment=Send and receive files through LiquidFiles servers",
        f"Exec={exec_value(argv)}",
        "Icon=lfdesktop",
        "Terminal=false",
        "StartupNotify=false",
        "X-GNOME-Autostart-enabled=true",
    ]
    return "\n".join(lines) + "\n"


def entry_keys(text: str) -> dict[str, str]:
    """The ``[Desktop Entry]`` group's keys and raw values (comments, other groups and blank lines skipped)."""
    keys: dict[str, str] = {}
    in_group = False
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            in_group = line == GROUP
        elif in_group and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            keys.setdefault(key.strip(), value.strip())
    return keys


class XdgAutostart:
    def __init__(self, config_home: Path, *, this: LaunchCommand | None = None) -> None:
        self.path = config_home / "autostart" / "lfdesktop.desktop"
        self.this = this_program() if this is None else this

    def state(self) -> AutostartState:
        where = str(self.path)
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return AutostartState(False, False, where)
        except (OSError, UnicodeDecodeError) as error:
            why = reason(error) if isinstance(error, OSError) else "it is not UTF-8 text"
            return AutostartState(False, False, where, f"Could not read {where}: {why}.")
        keys = entry_keys(text)
        state = read_back(parse_exec(keys.get("Exec", "")), self.this, where)
        if keys.get("Hidden") == "true" or keys.get("X-GNOME-Autostart-enabled") == "false":
            return turned_off(state, f"{TURNED_OFF} ({where} says so).")
        return state

    def enable(self, command: LaunchCommand, *, hidden: bool) -> None:
        write_entry(self.path, desktop_entry(with_hidden(command, hidden)).encode())

    def disable(self) -> None:
        remove_entry(self.path)
