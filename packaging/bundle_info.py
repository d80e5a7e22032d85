"""What goes into the bundle, shared by the PyInstaller spec, build.py and the tests (no PyInstaller import here)."""

import plistlib
import re
from pathlib import Path, PurePath
from typing import Any

BUNDLE_ID = "io.github.lfdesktop"
PUBLISHER = "lfdesktop"

# PySide6 modules the app never imports; excluded so that nothing can pull them in by accident.
UNUSED_QT_MODULES = (
    "QtQml", "QtQuick", "QtQuickControls2", "QtQuickWidgets", "QtQuick3D",
    "QtWebEngineCore", "QtWebEngineWidgets", "QtWebEngineQuick", "QtWebChannel", "QtWebSockets",
    "Qt3DCore", "Qt3DRender", "Qt3DInput", "Qt3DLogic", "Qt3DAnimation", "Qt3DExtras",
    "QtMultimedia", "QtMultimediaWidgets", "QtSpatialAudio", "QtTextToSpeech",
    "QtCharts", "QtDataVisualization", "QtGraphs", "QtPdf", "QtPdfWidgets",
    "QtOpenGL", "QtOpenGLWidgets", "QtSql", "QtTest", "QtDesigner", "QtUiTools", "QtHelp",
    "QtBluetooth", "QtNfc", "QtPositioning", "QtLocation", "QtSensors", "QtSerialPort", "QtSerialBus",
    "QtRemoteObjects", "QtScxml", "QtStateMachine", "QtHttpServer", "QtNetworkAuth", "QtConcurrent", "QtXml",
    "QtPrintSupport", "QtDBus", "QtAxContainer",
)

# Parts of Qt's own folder (PySide6/Qt/ on Linux and macOS, PySide6/ on Windows) the app does not need:
# translations of Qt's stock dialogs (the app's text is English), the virtual keyboard, plugins for image
# formats other than SVG/PNG/ICO, platforms other than the desktop ones and offscreen, the GTK 3 theme (it
# alone pulls in GTK, cairo and pango; the app draws its own theme), and Qt's TLS and network-information
# plugins (HTTPS is Python's: httpx with truststore; Qt only serves the single-instance local socket).
_UNWANTED = re.compile(
    r"(^|/)PySide6/(Qt/)?("
    r"translations/"
    r"|plugins/(imageformats/\w*q(gif|jpeg|webp|tiff|tga|wbmp|icns|pdf)\b"
    r"|platforminputcontexts/\w*(virtualkeyboard|qtvirtualkeyboard)"
    r"|platforms/\w*q(minimal|vnc|linuxfb|eglfs|minimalegl|vkkhrdisplay)\b"
    r"|platformthemes/\w*qgtk3|egldeviceintegrations/|generic/|networkinformation/|tls/)"
    r")"
)


def unwanted(bundle_path: str) -> bool:
    """True for a file of Qt's folder the bundle leaves out (``bundle_path`` as PyInstaller names it)."""
    return _UNWANTED.search(bundle_path.replace("\\", "/")) is not None  # Windows separators on any OS


def wanted_hook_binaries(binaries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A Qt hook's (source file, bundle folder) binaries without the unwanted plugins (packaging/hooks/)."""
    return [(source, folder) for source, folder in binaries if not unwanted(f"{folder}/{PurePath(source).name}")]


def version(root: Path) -> str:
    """The package's version, read from lfdesktop/__init__.py (the single place it is written)."""
    text = (root / "lfdesktop" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if found is None:
        raise ValueError("no __version__ in lfdesktop/__init__.py")
    return found.group(1)


def numeric_version(text: str) -> tuple[int, int, int, int]:
    """1.2.3rc1 -> (1, 2, 3, 0): Windows version resources and NSIS take four numbers only."""
    numbers = [int(part) for part in re.findall(r"\d+", text.split("+")[0])[:3]]
    return (*numbers, *[0] * (3 - len(numbers)), 0)  # type: ignore[return-value]


def info_plist(root: Path, app_version: str) -> dict[str, Any]:
    """installers/macos/Info.plist with the version filled in (PyInstaller adds the executable's keys)."""
    with (root / "installers" / "macos" / "Info.plist").open("rb") as source:
        plist: dict[str, Any] = plistlib.load(source)
    plist["CFBundleShortVersionString"] = app_version
    plist["CFBundleVersion"] = app_version
    plist["CFBundleIdentifier"] = BUNDLE_ID
    return plist


def windows_version_file(root: Path, app_version: str) -> str:
    """A version resource for the Windows executables (Explorer's Details tab), written under build/."""
    four = numeric_version(app_version)
    text = _VERSION_RESOURCE.format(four=four, dotted=".".join(map(str, four)), version=app_version,
                                    publisher=PUBLISHER)
    target = root / "build" / "windows-version.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return str(target)


_VERSION_RESOURCE = """\
VSVersionInfo(
  ffi=FixedFileInfo(filevers={four}, prodvers={four}, mask=0x3f, flags=0x0, OS=0x40004, fileType=0x1,
                    subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
      StringStruct('CompanyName', '{publisher}'),
      StringStruct('FileDescription', 'lfdesktop: a LiquidFiles client'),
      StringStruct('FileVersion', '{dotted}'),
      StringStruct('InternalName', 'lfdesktop'),
      StringStruct('OriginalFilename', 'lfdesktop.exe'),
      StringStruct('ProductName', 'lfdesktop'),
      StringStruct('ProductVersion', '{version}')])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""
