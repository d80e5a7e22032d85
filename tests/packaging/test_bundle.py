"""What the PyInstaller spec puts in the bundle, checked without running PyInstaller (CI's smoke test does)."""

import plistlib
import re
import struct
from pathlib import Path
from typing import Any

import pytest

import lfdesktop
from tests.packaging.conftest import INSTALLERS, PACKAGING, ROOT

import bundle_info

SPEC = (PACKAGING / "lfdesktop.spec").read_text(encoding="utf-8")


def qt_modules_the_app_imports() -> set[str]:
    sources = (ROOT / "lfdesktop").rglob("*.py")
    return {name for path in sources for name in re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8"))}


def test_the_spec_excludes_unused_qt_modules_and_none_the_app_imports() -> None:
    used = qt_modules_the_app_imports()
    assert {"QtCore", "QtGui", "QtWidgets"} <= used
    assert not used & set(bundle_info.UNUSED_QT_MODULES), "the app imports a Qt module the bundle excludes"
    assert {"QtQml", "QtQuick", "QtWebEngineCore", "Qt3DCore", "QtMultimedia"} <= set(bundle_info.UNUSED_QT_MODULES)
    assert "bundle_info.UNUSED_QT_MODULES" in SPEC
    assert "collect_all" not in SPEC


def test_the_spec_ships_the_resources_keyring_metadata_and_every_module() -> None:
    assert '(str(ROOT / "lfdesktop" / "resources"), "lfdesktop/resources")' in SPEC
    assert (ROOT / "lfdesktop" / "resources" / "lfdesktop.svg").is_file()
    assert 'copy_metadata("keyring")' in SPEC  # keyring finds its backends through entry points
    assert 'collect_submodules("lfdesktop")' in SPEC  # the demo server is imported by name only
    assert 'hookspath=[str(ROOT / "packaging" / "hooks")]' in SPEC
    for module in ("QtGui", "QtNetwork"):
        hook = (PACKAGING / "hooks" / f"hook-PySide6.{module}.py").read_text(encoding="utf-8")
        assert "bundle_info.wanted_hook_binaries(binaries)" in hook


@pytest.mark.parametrize("path", [
    "PySide6/Qt/translations/qtbase_de.qm",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "PySide6/Qt/plugins/imageformats/libqjpeg.so",
    "PySide6/plugins/imageformats/qgif.dll",
    "PySide6\\plugins\\imageformats\\qwebp.dll",  # Windows: no Qt folder, backslashes
    "PySide6\\translations\\qtbase_fr.qm",
    "PySide6/Qt/plugins/tls/libqopensslbackend.so",
    "PySide6/Qt/plugins/platforms/libqvnc.so",
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
])
def test_unwanted_qt_files_are_left_out(path: str) -> None:
    assert bundle_info.unwanted(path)


@pytest.mark.parametrize("path", [
    "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "PySide6\\plugins\\imageformats\\qico.dll",
    "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6\\plugins\\platforms\\qwindows.dll",
    "PySide6/Qt/plugins/platforms/libqcocoa.dylib",
    "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so",
    "PySide6\\plugins\\styles\\qmodernwindowsstyle.dll",
    "PySide6/Qt/lib/libQt6Core.so.6",
    "lfdesktop/resources/icons/send.svg",
])
def test_what_the_app_needs_stays(path: str) -> None:
    assert not bundle_info.unwanted(path)


def test_hooks_drop_unwanted_plugins_by_their_bundle_path() -> None:
    binaries = [("/venv/PySide6/Qt/plugins/platformthemes/libqgtk3.so", "PySide6/Qt/plugins/platformthemes"),
                ("/venv/PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms")]
    assert bundle_info.wanted_hook_binaries(binaries) == binaries[1:]


def test_the_version_is_the_package_s() -> None:
    assert bundle_info.version(ROOT) == lfdesktop.__version__


@pytest.mark.parametrize(("text", "four"), [
    ("0.1.0", (0, 1, 0, 0)), ("1.2", (1, 2, 0, 0)), ("2.0.1rc3", (2, 0, 1, 0)), ("3.4.5+local.7", (3, 4, 5, 0)),
])
def test_numeric_version_has_four_numbers(text: str, four: tuple[int, ...]) -> None:
    assert bundle_info.numeric_version(text) == four


def test_the_macos_info_plist() -> None:
    plist = bundle_info.info_plist(ROOT, "1.2.3")
    assert plist["NSHighResolutionCapable"] is True
    assert plist["NSRequiresAquaSystemAppearance"] is False  # follows the system's dark mode
    assert plist["CFBundleIdentifier"] == bundle_info.BUNDLE_ID
    assert plist["CFBundleShortVersionString"] == plist["CFBundleVersion"] == "1.2.3"


def test_the_entitlements_allow_what_the_frozen_interpreter_needs_and_nothing_else() -> None:
    with (INSTALLERS / "macos" / "entitlements.plist").open("rb") as source:
        entitlements = plistlib.load(source)
    assert entitlements == {"com.apple.security.cs.allow-unsigned-executable-memory": True}


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_windows_icon_holds_every_size_windows_asks_for() -> None:
    data = (PACKAGING / "icons" / "lfdesktop.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for index in range(count):
        width, _, _, _, _, _, length, offset = struct.unpack("<BBBBHHII", data[6 + 16 * index: 22 + 16 * index])
        image = data[offset: offset + length]
        assert png_size(image) == ((width or 256),) * 2
        sizes.add(width or 256)
    assert {16, 24, 32, 48, 256} <= sizes


def test_the_macos_icon_holds_retina_sizes() -> None:
    data = (PACKAGING / "icons" / "lfdesktop.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    chunks, offset = {}, 8
    while offset < len(data):
        kind, length = data[offset: offset + 4], struct.unpack(">I", data[offset + 4: offset + 8])[0]
        chunks[kind] = png_size(data[offset + 8: offset + length])
        offset += length
    assert chunks[b"ic10"] == (1024, 1024)  # 512 pt @2x
    assert chunks[b"ic07"] == (128, 128)


def test_the_linux_icon() -> None:
    assert png_size((PACKAGING / "icons" / "lfdesktop.png").read_bytes()) == (256, 256)


def test_the_windows_version_resource_is_pyinstaller_s_format(tmp_path: Path) -> None:
    """PyInstaller evaluates the file with its versioninfo classes (which need pefile, Windows-only here)."""
    text = Path(bundle_info.windows_version_file(tmp_path, "1.2.3rc1")).read_text(encoding="utf-8")
    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct", "VarFileInfo",
             "VarStruct")
    recorded: dict[str, list[tuple[Any, ...]]] = {}

    def recorder(name: str) -> Any:
        return lambda *args, **kwargs: recorded.setdefault(name, []).append((*args, kwargs))

    eval(text, {"__builtins__": {}} | {name: recorder(name) for name in names})  # noqa: S307 (our own file)
    fixed = recorded["FixedFileInfo"][0][-1]
    assert fixed["filevers"] == fixed["prodvers"] == (1, 2, 3, 0)
    strings = {entry[0]: entry[1] for entry in recorded["StringStruct"]}
    assert strings["ProductVersion"] == "1.2.3rc1" and strings["OriginalFilename"] == "lfdesktop.exe"
