"""Start at login: the entry each OS reads, written, read back and removed (every OS's entry is checked here)."""

import os
import plistlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lfdesktop.accounts.autostart import (
    AutostartError,
    AutostartState,
    LaunchAgent,
    LaunchCommand,
    WindowsRunKey,
    WinRegistry,
    XdgAutostart,
    for_this_os,
    this_program,
)
from lfdesktop.accounts.autostart_windows import APPROVED_KEY, RUN_KEY, split_command_line
from lfdesktop.accounts.autostart_xdg import exec_value, parse_exec
from lfdesktop.accounts.paths import HOME_VARIABLE

REPO = Path(__file__).resolve().parents[2]
PYTHON = LaunchCommand("/usr/bin/python3", ("-m", "lfdesktop"))
APP = LaunchCommand("/usr/bin/open", ("-a", "/Applications/lfdesktop.app", "--args"))
EXE = LaunchCommand(r"C:\Users\Dana Smith\AppData\Local\Programs\lfdesktop\lfdesktop.exe")
# Every character the Desktop Entry spec and the Windows command line treat specially, in one path.
ODD = "/home/dana/my \"odd\" apps/100% sure $HOME `x` back\\slash 'q' a&b;c|d<e>f~g*h?i#j(k)/python3"
RUNNING_AS_ROOT = getattr(os, "geteuid", lambda: -1)() == 0  # root writes into read-only folders

DESKTOP_ENTRY = """\
[Desktop Entry]
Type=Application
Name=lfdesktop
Comment=Send and receive files through LiquidFiles servers
Exec=/usr/bin/python3 -m lfdesktop{hidden}
Icon=lfdesktop
Terminal=false
StartupNotify=false
X-GNOME-Autostart-enabled=true
"""

LAUNCH_AGENT = """\
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
\t<key>AssociatedBundleIdentifiers</key>
\t<array>
\t\t<string>io.github.lfdesktop</string>
\t</array>
\t<key>Label</key>
\t<string>io.github.lfdesktop</string>
\t<key>LimitLoadToSessionType</key>
\t<string>Aqua</string>
\t<key>ProcessType</key>
\t<string>Interactive</string>
\t<key>ProgramArguments</key>
\t<array>
\t\t<string>/usr/bin/open</string>
\t\t<string>-a</string>
\t\t<string>/Applications/lfdesktop.app</string>
\t\t<string>--args</string>{hidden}
\t</array>
\t<key>RunAtLoad</key>
\t<true/>
</dict>
</plist>
"""


class DictRegistry:
    """The one fake: there is no registry on Linux. Values by (key path, name)."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], str | bytes] = {}

    def read(self, key_path: str, name: str) -> str | bytes | None:
        return self.values.get((key_path, name))

    def write_string(self, key_path: str, name: str, value: str) -> None:
        self.values[key_path, name] = value

    def delete(self, key_path: str, name: str) -> None:
        self.values.pop((key_path, name), None)


class BrokenRegistry(DictRegistry):
    def write_string(self, key_path: str, name: str, value: str) -> None:
        raise PermissionError(13, "Access is denied")

    def delete(self, key_path: str, name: str) -> None:
        raise PermissionError(13, "Access is denied")


def folder_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


# --- this_program ---------------------------------------------------------------------------------------------


def test_the_running_copy_started_from_source_is_python_dash_m_lfdesktop() -> None:
    assert this_program() == LaunchCommand(sys.executable, ("-m", "lfdesktop"))
    assert this_program(frozen=False, executable="/opt/venv/bin/python", platform="linux") == LaunchCommand(
        "/opt/venv/bin/python", ("-m", "lfdesktop")
    )


def test_on_windows_pythonw_is_used_when_it_exists_so_no_console_opens(tmp_path: Path) -> None:
    python = tmp_path / "Scripts" / "python.exe"
    python.parent.mkdir()
    python.touch()
    assert this_program(frozen=False, executable=str(python), platform="win32").program == str(python)
    (python.parent / "pythonw.exe").touch()
    assert this_program(frozen=False, executable=str(python), platform="win32") == LaunchCommand(
        str(python.parent / "pythonw.exe"), ("-m", "lfdesktop")
    )
    assert this_program(frozen=False, executable=str(python), platform="linux").program == str(python)


def test_a_frozen_app_starts_its_own_executable() -> None:
    assert this_program(frozen=True, executable=EXE.program, platform="win32") == EXE
    assert this_program(frozen=True, executable="/opt/lf/app/lfdesktop", platform="linux") == LaunchCommand(
        "/opt/lf/app/lfdesktop"
    )


def test_a_frozen_mac_app_in_a_bundle_is_opened_by_launch_services() -> None:
    command = this_program(frozen=True, executable="/Applications/lfdesktop.app/Contents/MacOS/lfdesktop",
                           platform="darwin")
    assert command == APP
    assert command.target == "/Applications/lfdesktop.app"
    outside = this_program(frozen=True, executable="/opt/lf/lfdesktop", platform="darwin")
    assert outside == LaunchCommand("/opt/lf/lfdesktop")
    assert outside.target == "/opt/lf/lfdesktop"


# --- Linux: XDG autostart -------------------------------------------------------------------------------------


def test_xdg_enable_writes_the_desktop_entry_and_reads_it_back(tmp_path: Path) -> None:
    autostart = XdgAutostart(tmp_path, this=PYTHON)
    path = tmp_path / "autostart" / "lfdesktop.desktop"
    assert autostart.state() == AutostartState(False, False, str(path))

    autostart.enable(PYTHON, hidden=False)
    assert path.read_text() == DESKTOP_ENTRY.format(hidden="")
    assert autostart.state() == AutostartState(True, False, str(path))

    autostart.enable(PYTHON, hidden=True)  # replaces: one entry, no temp file left
    assert path.read_text() == DESKTOP_ENTRY.format(hidden=" --hidden")
    assert folder_files(path.parent) == ["lfdesktop.desktop"]
    assert autostart.state() == AutostartState(True, True, str(path))

    autostart.disable()
    assert not path.exists()
    assert autostart.state() == AutostartState(False, False, str(path))
    autostart.disable()  # absent: nothing to do


@pytest.mark.parametrize("line", ["Hidden=true", "X-GNOME-Autostart-enabled=false"])
def test_xdg_entry_turned_off_by_the_desktop_is_reported(tmp_path: Path, line: str) -> None:
    autostart = XdgAutostart(tmp_path, this=PYTHON)
    autostart.enable(PYTHON, hidden=True)
    text = autostart.path.read_text().replace("X-GNOME-Autostart-enabled=true", line)
    autostart.path.write_text(text)
    state = autostart.state()
    assert (state.enabled, state.hidden) == (False, True)
    assert state.problem == f"Turned off in your desktop's startup settings ({autostart.path} says so)."
    autostart.enable(PYTHON, hidden=True)  # choosing it again in the app turns it back on
    assert autostart.state().enabled


def test_xdg_exec_quoting_follows_the_spec_and_round_trips(tmp_path: Path) -> None:
    command = LaunchCommand(ODD, ("-m", "lfdesktop"))
    # Quoted (reserved characters), `"$\ backslash-escaped, % doubled, then every backslash doubled again.
    assert exec_value(command.argv) == (
        '"/home/dana/my \\\\"odd\\\\" apps/100%% sure \\\\$HOME \\\\`x\\\\` back\\\\\\\\slash '
        "'q' a&b;c|d<e>f~g*h?i#j(k)/python3\" -m lfdesktop"
    )
    assert parse_exec(exec_value([*command.argv, "", "tab\there", "new\nline"])) == [
        *command.argv, "", "tab\there", "new\nline",
    ]
    autostart = XdgAutostart(tmp_path, this=command)
    autostart.enable(command, hidden=True)
    assert autostart.state() == AutostartState(True, True, str(autostart.path))


def test_xdg_reads_entries_written_by_hand(tmp_path: Path) -> None:
    program = tmp_path / "bin" / "lfdesktop"
    program.parent.mkdir()
    program.touch()
    autostart = XdgAutostart(tmp_path, this=PYTHON)
    autostart.path.parent.mkdir()
    # A copy of the menu entry: comments, another group, spaces around "=", a field code that expands to nothing.
    autostart.path.write_text(
        f"# made by hand\n[Desktop Entry]\nName=lf\nExec = {program} %F\n\n[Desktop Action New]\nExec=other\n"
    )
    assert autostart.state() == AutostartState(
        True, False, str(autostart.path), f"Starts {program}, not this copy of lfdesktop."
    )


def test_xdg_entry_for_a_program_that_is_gone_will_not_start(tmp_path: Path) -> None:
    gone = tmp_path / "old install" / "lfdesktop"
    autostart = XdgAutostart(tmp_path, this=PYTHON)
    autostart.enable(LaunchCommand(str(gone)), hidden=True)
    problem = f"Starts {gone}, which no longer exists."
    assert autostart.state() == AutostartState(False, True, str(autostart.path), problem)
    autostart.enable(PYTHON, hidden=True)  # enabling rewrites it for this copy
    assert autostart.state() == AutostartState(True, True, str(autostart.path))


def test_xdg_entry_that_cannot_be_read_is_a_problem_not_an_error(tmp_path: Path) -> None:
    autostart = XdgAutostart(tmp_path, this=PYTHON)
    autostart.path.parent.mkdir()
    autostart.path.write_bytes(b"[Desktop Entry]\nExec=\xff\n")
    assert autostart.state().problem == f"Could not read {autostart.path}: it is not UTF-8 text."
    autostart.path.write_text("[Desktop Entry]\nName=lfdesktop\n")
    assert autostart.state() == AutostartState(
        False, False, str(autostart.path), f"The entry in {autostart.path} has no command to run."
    )


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate (desktop-file-utils) is not installed")
def test_xdg_entry_passes_desktop_file_validate(tmp_path: Path) -> None:
    autostart = XdgAutostart(tmp_path, this=PYTHON)
    autostart.enable(LaunchCommand(ODD, ("-m", "lfdesktop")), hidden=True)
    result = subprocess.run(["desktop-file-validate", str(autostart.path)], capture_output=True, text=True)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.skipif(RUNNING_AS_ROOT, reason="root may write into a read-only folder")
def test_writing_into_a_read_only_folder_says_which_file(tmp_path: Path) -> None:
    (tmp_path / "autostart").mkdir()
    (tmp_path / "autostart").chmod(0o500)
    try:
        with pytest.raises(AutostartError, match=r"^Could not write .*lfdesktop\.desktop: Permission denied$"):
            XdgAutostart(tmp_path, this=PYTHON).enable(PYTHON, hidden=False)
    finally:
        (tmp_path / "autostart").chmod(0o700)


def test_writing_where_a_folder_cannot_be_made_says_which_file(tmp_path: Path) -> None:
    (tmp_path / "autostart").write_text("a file where the folder should be")
    path = tmp_path / "autostart" / "lfdesktop.desktop"
    with pytest.raises(AutostartError, match=f"^Could not write {path}: "):
        XdgAutostart(tmp_path, this=PYTHON).enable(PYTHON, hidden=False)


# --- macOS: LaunchAgent ---------------------------------------------------------------------------------------


def test_launch_agent_enable_writes_the_plist_and_reads_it_back(tmp_path: Path) -> None:
    agent = LaunchAgent(tmp_path / "LaunchAgents", this=APP)
    path = tmp_path / "LaunchAgents" / "io.github.lfdesktop.plist"
    assert agent.state() == AutostartState(False, False, str(path))

    agent.enable(APP, hidden=False)
    assert path.read_text() == LAUNCH_AGENT.format(hidden="")
    assert agent.state() == AutostartState(True, False, str(path))

    agent.enable(APP, hidden=True)
    assert path.read_text() == LAUNCH_AGENT.format(hidden="\n\t\t<string>--hidden</string>")
    assert folder_files(path.parent) == ["io.github.lfdesktop.plist"]
    assert agent.state() == AutostartState(True, True, str(path))

    agent.disable()
    assert folder_files(path.parent) == []
    agent.disable()
    assert agent.state() == AutostartState(False, False, str(path))


def test_launch_agent_label_is_the_app_bundle_id() -> None:
    info = plistlib.loads((REPO / "installers" / "macos" / "Info.plist").read_bytes())
    assert plistlib.loads(LAUNCH_AGENT.format(hidden="").encode())["Label"] == info["CFBundleIdentifier"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"Disabled": True}, "Turned off: {path} says Disabled."),
        ({"RunAtLoad": False}, "{path} does not say RunAtLoad, so it does not start at login."),
        ({"ProgramArguments": "not a list"}, "{path} has no ProgramArguments list to run."),
    ],
)
def test_launch_agent_edited_by_hand_is_reported(tmp_path: Path, change: dict[str, object], problem: str) -> None:
    agent = LaunchAgent(tmp_path, this=APP)
    agent.enable(APP, hidden=False)
    agent.path.write_bytes(plistlib.dumps({**plistlib.loads(agent.path.read_bytes()), **change}))
    state = agent.state()
    assert (state.enabled, state.problem) == (False, problem.format(path=agent.path))


def test_launch_agent_that_is_not_a_plist_is_a_problem(tmp_path: Path) -> None:
    agent = LaunchAgent(tmp_path, this=APP)
    agent.path.write_text("<plist><dict><key>Label")
    problem = f"Could not read {agent.path}: it is not a valid plist."
    assert agent.state() == AutostartState(False, False, str(agent.path), problem)


def test_launch_agent_for_another_app_bundle_says_which(tmp_path: Path) -> None:
    other = tmp_path / "Downloads" / "lfdesktop.app"
    other.mkdir(parents=True)
    agent = LaunchAgent(tmp_path, this=APP)
    agent.enable(LaunchCommand("/usr/bin/open", ("-a", str(other), "--args")), hidden=False)
    assert agent.state().problem == f"Starts {other}, not this copy of lfdesktop."


# --- Windows: the Run key -------------------------------------------------------------------------------------


def test_run_key_enable_writes_the_command_line_and_reads_it_back() -> None:
    registry = DictRegistry()
    run_key = WindowsRunKey(registry, this=EXE)
    where = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run\lfdesktop"
    assert run_key.state() == AutostartState(False, False, where)

    run_key.enable(EXE, hidden=False)
    assert registry.values == {
        (RUN_KEY, "lfdesktop"): r'"C:\Users\Dana Smith\AppData\Local\Programs\lfdesktop\lfdesktop.exe"'
    }
    assert run_key.state() == AutostartState(True, False, where)

    run_key.enable(EXE, hidden=True)
    assert registry.values == {
        (RUN_KEY, "lfdesktop"): r'"C:\Users\Dana Smith\AppData\Local\Programs\lfdesktop\lfdesktop.exe" --hidden'
    }
    assert run_key.state() == AutostartState(True, True, where)

    run_key.disable()
    assert registry.values == {}
    run_key.disable()
    assert run_key.state() == AutostartState(False, False, where)


def test_run_key_reads_the_installers_value_as_this_copy() -> None:
    registry = DictRegistry()
    # lfdesktop.nsi's "Start when I sign in to Windows": WriteRegStr HKCU RUN_KEY "lfdesktop" '"$INSTDIR\lfdesktop.exe"'
    registry.write_string(RUN_KEY, "lfdesktop", r'"c:\users\dana smith\appdata\local\programs\lfdesktop\LFDESKTOP.EXE"')
    assert WindowsRunKey(registry, this=EXE).state() == AutostartState(True, False, WindowsRunKey.where)


def test_run_key_turned_off_in_task_manager_stays_off_until_the_user_turns_it_on_there() -> None:
    registry = DictRegistry()
    run_key = WindowsRunKey(registry, this=EXE)
    run_key.enable(EXE, hidden=True)
    turned_off = bytes([3, 0, 0, 0]) + bytes(8)  # first byte odd, then the FILETIME it was turned off
    registry.values[APPROVED_KEY, "lfdesktop"] = turned_off
    assert run_key.state() == AutostartState(
        False, True, WindowsRunKey.where, "Turned off in Task Manager's Startup apps (or Settings > Apps > Startup)."
    )
    run_key.enable(EXE, hidden=False)  # does not silently override the user's choice
    assert registry.values[APPROVED_KEY, "lfdesktop"] == turned_off
    assert not run_key.state().enabled

    registry.values[APPROVED_KEY, "lfdesktop"] = bytes([2]) + bytes(11)  # even: allowed
    assert run_key.state() == AutostartState(True, False, WindowsRunKey.where)

    run_key.disable()
    assert registry.values == {}


def test_run_key_round_trips_odd_paths_and_reports_gone_programs(tmp_path: Path) -> None:
    registry = DictRegistry()
    command = LaunchCommand(ODD, ("-m", "lfdesktop", 'say "hi"', "trailing\\", ""))
    WindowsRunKey(registry, this=command).enable(command, hidden=True)
    assert split_command_line(str(registry.values[RUN_KEY, "lfdesktop"])) == [*command.argv, "--hidden"]
    assert WindowsRunKey(registry, this=command).state() == AutostartState(True, True, WindowsRunKey.where)
    assert WindowsRunKey(registry, this=EXE).state().problem == f"Starts {ODD}, which no longer exists."


def test_split_command_line_follows_the_c_runtime() -> None:
    line = r'a\\\"b "c d"e  \\"f g"  "x""y" \\\\ "'
    assert split_command_line(line) == ['a\\"b', "c de", "\\f g", 'x"y', r"\\\\", ""]


def test_run_key_errors_name_the_value() -> None:
    run_key = WindowsRunKey(BrokenRegistry(), this=EXE)
    with pytest.raises(AutostartError, match=r"^Could not write HKCU\\.*\\Run\\lfdesktop: Access is denied$"):
        run_key.enable(EXE, hidden=False)
    with pytest.raises(AutostartError, match=r"^Could not remove HKCU\\.*\\Run\\lfdesktop: Access is denied$"):
        run_key.disable()


@pytest.mark.skipif(sys.platform == "win32", reason="checks the registry's absence elsewhere")
def test_the_real_registry_is_only_on_windows() -> None:
    state = WindowsRunKey(WinRegistry(), this=EXE).state()
    assert state.problem == f"Could not read {WindowsRunKey.where}: There is no Windows registry on this system."


# --- for_this_os ----------------------------------------------------------------------------------------------


@pytest.fixture
def real_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for the user's home: nothing may be written there while LFDESKTOP_HOME is set."""
    home = tmp_path / "user"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    return home


@pytest.mark.parametrize(
    ("platform", "entry"),
    [("linux", "lfdesktop.desktop"), ("freebsd14", "lfdesktop.desktop"), ("darwin", "io.github.lfdesktop.plist"),
     ("win32", "registry.json")],
)
def test_under_lfdesktop_home_the_entry_lives_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, real_home: Path, platform: str, entry: str
) -> None:
    monkeypatch.setenv(HOME_VARIABLE, str(tmp_path / "portable"))
    autostart = for_this_os(platform)
    autostart.enable(this_program(platform=platform), hidden=True)
    assert folder_files(tmp_path / "portable" / "autostart") == [entry]
    assert list(real_home.rglob("*")) == []
    state = autostart.state()
    assert (state.enabled, state.hidden, state.problem) == (True, True, None)
    autostart.disable()
    assert not autostart.state().enabled


def test_without_lfdesktop_home_the_entry_is_the_oses(monkeypatch: pytest.MonkeyPatch, real_home: Path) -> None:
    monkeypatch.delenv(HOME_VARIABLE, raising=False)
    linux = for_this_os("linux")
    assert isinstance(linux, XdgAutostart)
    assert linux.path == real_home / ".config" / "autostart" / "lfdesktop.desktop"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/config")  # invalid per the spec: ignored
    assert for_this_os("linux").state().where == str(real_home / ".config" / "autostart" / "lfdesktop.desktop")
    mac = for_this_os("darwin")
    assert isinstance(mac, LaunchAgent)
    assert mac.path == real_home / "Library" / "LaunchAgents" / "io.github.lfdesktop.plist"
    windows = for_this_os("win32")
    assert isinstance(windows, WindowsRunKey)
    assert isinstance(windows.registry, WinRegistry)
