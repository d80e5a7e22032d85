"""A small User-Agent parser for the download log: browser, operating system and platform.

It knows the clients a LiquidFiles server meets (the big browsers, curl, python-httpx, lfdesktop) and
shapes the answer like the seed's example: ``Safari (12.0.3) - Macintosh (OS X 10.14.3)``.
"""

import re
from dataclasses import dataclass

# First match wins: Edge's agent also names Chrome and Safari, Chrome's names Safari, and lfdesktop's may
# name the HTTP library it is built on.
_BROWSERS = (
    ("lfdesktop", re.compile(r"\blfdesktop/([\w.+-]+)")),
    ("Edge", re.compile(r"\b(?:Edg|Edge|EdgA|EdgiOS)/([\d.]+)")),
    ("Firefox", re.compile(r"\b(?:Firefox|FxiOS)/([\d.]+)")),
    ("Chrome", re.compile(r"\b(?:Chrome|CriOS)/([\d.]+)")),
    ("Safari", re.compile(r"\bVersion/([\d.]+).*\bSafari/")),
    ("curl", re.compile(r"\bcurl/([\w.+-]+)")),
    ("python-httpx", re.compile(r"\bpython-httpx/([\w.+-]+)")),
)
_PRODUCT = re.compile(r"^([A-Za-z][\w.-]*)(?:/([\w.+-]+))?")

_IOS = re.compile(r"\b(iPhone|iPad|iPod)\b.*?\bOS (\d+(?:_\d+)*)")
_ANDROID = re.compile(r"\bAndroid(?: (\d+(?:\.\d+)*))?")
_WINDOWS_NT = re.compile(r"\bWindows NT (\d+\.\d+)")
_WINDOWS = re.compile(r"\bWindows[ -](\d+(?:\.\d+)?)")
_WINDOWS_BUILD = re.compile(r"\b10\.0\.(\d{5})\b")
_MACOS = re.compile(r"\bmacOS[ -](\d+(?:\.\d+)*)")
_MAC_OS_X = re.compile(r"\bMac OS X (\d+(?:[._]\d+)*)")
_LINUX = re.compile(r"\b(?:Linux|X11)\b")

_WINDOWS_NT_NAMES = {"10.0": "10", "6.3": "8.1", "6.2": "8", "6.1": "7", "6.0": "Vista", "5.2": "XP", "5.1": "XP"}
FIRST_WINDOWS_11_BUILD = 22000
FIRST_WINDOWS_11_PLATFORM_VERSION = 13  # what Sec-CH-UA-Platform-Version reports on Windows 11


@dataclass(frozen=True)
class Agent:
    browser: str
    os: str
    platform: str

    @property
    def summary(self) -> str:
        """The download log's ``user_agent``: ``Safari (12.0.3) - Macintosh (OS X 10.14.3)``."""
        where = f"{self.platform} ({self.os})" if self.platform and self.os else self.platform or self.os
        return f"{self.browser} - {where}" if where else self.browser


def parse(user_agent: str, platform_version: str | None = None) -> Agent:
    """``platform_version`` is the ``Sec-CH-UA-Platform-Version`` client hint, if the browser sent one."""
    os_name, platform = _system(user_agent, platform_version)
    return Agent(_browser(user_agent), os_name, platform)


def _labelled(name: str, version: str | None) -> str:
    return f"{name} ({version})" if version else name


def _browser(user_agent: str) -> str:
    for name, pattern in _BROWSERS:
        if found := pattern.search(user_agent):
            return _labelled(name, found[1])
    product = _PRODUCT.match(user_agent.strip())
    return _labelled(product[1], product[2]) if product else "Unknown"


def _system(user_agent: str, platform_version: str | None) -> tuple[str, str]:
    """(operating system with version, platform); empty strings when the agent does not say."""
    if found := _IOS.search(user_agent):
        return f"iOS {found[2].replace('_', '.')}", "iPad" if found[1] == "iPad" else "iPhone"
    if found := _ANDROID.search(user_agent):
        return _labelled_os("Android", found[1]), "Android"
    if windows := _windows(user_agent, platform_version):
        return windows, "Windows"
    if found := _MACOS.search(user_agent):
        return f"macOS {found[1]}", "Macintosh"
    if found := _MAC_OS_X.search(user_agent):
        return _mac_name(found[1].replace("_", ".")), "Macintosh"
    if _LINUX.search(user_agent):
        return "Linux", "Linux"
    return "", ""


def _labelled_os(name: str, version: str | None) -> str:
    return f"{name} {version}" if version else name


def _windows(user_agent: str, platform_version: str | None) -> str | None:
    """``Windows 10`` and the like. Windows 11 browsers still say NT 10.0: only a hint or build tells."""
    if found := _WINDOWS_NT.search(user_agent):
        version = _WINDOWS_NT_NAMES.get(found[1], f"NT {found[1]}")
    elif found := _WINDOWS.search(user_agent):
        version = found[1].removesuffix(".0")
    else:
        return None
    if version == "10" and _is_windows_11(user_agent, platform_version):
        version = "11"
    return f"Windows {version}"


def _is_windows_11(user_agent: str, platform_version: str | None) -> bool:
    build = _WINDOWS_BUILD.search(user_agent)
    if build and int(build[1]) >= FIRST_WINDOWS_11_BUILD:
        return True
    major = (platform_version or "").strip('" ').split(".")[0]
    return major.isdigit() and int(major) >= FIRST_WINDOWS_11_PLATFORM_VERSION


def _mac_name(version: str) -> str:
    """10.x was "OS X" (as the seed prints it); 11 and later are "macOS"."""
    major = int(version.split(".")[0])
    return f"OS X {version}" if major == 10 else f"macOS {version}"
