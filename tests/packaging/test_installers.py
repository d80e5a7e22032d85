"""The installer scripts: the .desktop file, install.sh, the NSIS script, the macOS scripts, the release workflow."""

import configparser
import os
import subprocess
from pathlib import Path

from tests.packaging.conftest import INSTALLERS, ROOT
from tests.packaging.helpers import require_program

import build

DESKTOP = INSTALLERS / "linux" / "lfdesktop.desktop"


def test_the_desktop_entry_opens_files_with_the_app() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(DESKTOP, encoding="utf-8")
    fields = entry["Desktop Entry"]
    assert fields["Type"] == "Application"
    assert fields["Exec"] == "lfdesktop %F"  # install.sh rewrites it to the installed path
    assert fields["Icon"] == "lfdesktop"
    assert fields["StartupWMClass"] == "lfdesktop"  # QApplication.setDesktopFileName("lfdesktop")
    assert fields["Terminal"] == "false"


def test_the_desktop_entry_validates() -> None:
    validate = require_program("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([validate, DESKTOP], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def fake_linux_package(folder: Path) -> Path:
    """The tarball's layout (build.py package_linux) around a stand-in for the frozen program."""
    (folder / "app" / "_internal").mkdir(parents=True)
    program = folder / "app" / "lfdesktop"
    program.write_text('#!/bin/sh\necho "stand-in $*"\n', encoding="utf-8")
    program.chmod(0o755)
    for source in build.LINUX_PACKAGE_FILES:
        (folder / source.name).write_bytes(source.read_bytes())
    return folder / "install.sh"


def test_install_sh_installs_for_the_user_and_uninstalls_cleanly(tmp_path: Path) -> None:
    install = fake_linux_package(tmp_path / "package")
    prefix = tmp_path / "prefix with space"
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PREFIX": str(prefix)}
    subprocess.run(["sh", install], env=env, check=True, capture_output=True)
    command = prefix / "bin" / "lfdesktop"
    assert subprocess.run([command, "--version"], capture_output=True, text=True, check=True).stdout == (
        "stand-in --version\n")
    desktop = (prefix / "share" / "applications" / "lfdesktop.desktop").read_text(encoding="utf-8")
    assert f'Exec="{command}" %F' in desktop.splitlines()
    assert (prefix / "share" / "icons" / "hicolor" / "256x256" / "apps" / "lfdesktop.png").is_file()
    assert (prefix / "share" / "icons" / "hicolor" / "scalable" / "apps" / "lfdesktop.svg").is_file()

    subprocess.run(["sh", install], env=env, check=True, capture_output=True)  # again: an upgrade in place
    subprocess.run(["sh", install, "--uninstall"], env=env, check=True, capture_output=True)
    left = [path for path in prefix.rglob("*") if path.is_file() and path.name not in build.SHARED_CACHES]
    assert left == []


def test_the_nsis_script_compiles(tmp_path: Path) -> None:
    require_program("makensis", "nsis")
    bundle = tmp_path / "bundle"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "lfdesktop.exe").write_bytes(b"MZ stand-in")
    (bundle / "_internal" / "base_library.zip").write_bytes(b"stand-in")
    setup = tmp_path / "setup.exe"
    result = subprocess.run(list(map(str, build.nsis_command(bundle, setup, fast=True))), capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert setup.read_bytes()[:2] == b"MZ"


def test_the_nsis_script_installs_per_user_with_the_promised_entries() -> None:
    script = (INSTALLERS / "windows" / "lfdesktop.nsi").read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in script
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP}"' in script
    for entry in ('"$SMPROGRAMS\\${APP}.lnk"', '"$SENDTO\\${APP}.lnk"', '"$DESKTOP\\${APP}.lnk"'):
        assert script.count(entry) == 2, f"{entry} is made and removed"
    assert script.count('"${RUN_KEY}" "${APP}"') == 2  # start at login: set, and removed by the uninstaller
    assert 'Section /o "Desktop icon"' in script and 'Section /o "Start when I sign in to Windows"' in script
    assert "HKLM" not in script  # nothing that needs an administrator


def test_the_macos_scripts_skip_cleanly_without_an_identity(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"]}  # no MACOS_SIGN_IDENTITY, no Apple ID
    for script, target in (("sign.sh", tmp_path / "lfdesktop.app"), ("notarize.sh", tmp_path / "lfdesktop.dmg")):
        result = subprocess.run(["sh", INSTALLERS / "macos" / script, target], env=env, capture_output=True,
                                text=True, check=False)
        assert result.returncode == 0, result.stderr
        assert "not set: not " in result.stdout


def test_the_release_workflow_builds_every_os_and_drafts_a_release_with_sums() -> None:
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert 'tags: ["v*"]' in workflow
    for runner in ("ubuntu-22.04", "windows-2022", "macos-14", "macos-15-intel"):
        assert f"os: {runner}" in workflow
    assert "python packaging/build.py freeze smoke package" in workflow
    assert "sha256sum lfdesktop-* > SHA256SUMS.txt" in workflow
    assert "gh release create" in workflow and "--draft" in workflow
