"""File names from a server, made safe to create on any desktop system.

A hostile or careless server may send ``../../.bashrc``, ``CON.txt``, control or bidi-override characters, or
a name longer than a file system takes. What comes out is one plain name in NFC (what Windows and Linux users
type), without path parts, control characters, characters Windows forbids, leading dots (no hidden files),
trailing dots or spaces (Windows drops them), Windows device names, and at most 255 UTF-8 bytes with its
extension kept.
"""

import re
import unicodedata
from collections.abc import Iterator

MAX_BYTES = 255
FALLBACK = "download"
MAX_EXTENSION_BYTES = 20  # a longer "extension" is just part of the name

_SEPARATORS = re.compile(r"[/\\]")
_FORBIDDEN_ON_WINDOWS = frozenset('<>:"|?*')
# Bidirectional controls can make "evil\u202egpj.exe" look like "evilexe.jpg".
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{port}{digit}" for port in ("COM", "LPT") for digit in "123456789\u00b9\u00b2\u00b3"]
)


def safe_filename(name: str, max_bytes: int = MAX_BYTES) -> str:
    name = _SEPARATORS.split(unicodedata.normalize("NFC", name))[-1]
    name = "".join(_character(char) for char in name).strip(" .")
    if name.split(".", 1)[0].rstrip(" ").upper() in _DEVICES:
        name = "_" + name  # CON.txt opens the console on Windows, whatever the extension
    stem, extension = _split(name)
    return _fit(stem, extension, max_bytes) or FALLBACK


def numbered(name: str, number: int, max_bytes: int = MAX_BYTES) -> str:
    """``report.pdf`` -> ``report (2).pdf`` for a ``name`` already safe."""
    stem, extension = _split(name)
    return _fit(stem, f" ({number}){extension}", max_bytes)


def with_suffix(name: str, suffix: str, max_bytes: int = MAX_BYTES) -> str:
    """``name`` + ``suffix`` (``.part``), shortening ``name`` where the two would be too long."""
    return _fit(name, suffix, max_bytes)


def candidates(name: str, max_bytes: int = MAX_BYTES) -> Iterator[str]:
    """``name``, then ``name (1)``, ``name (2)``, ...: never an existing file overwritten."""
    yield name
    number = 1
    while True:
        yield numbered(name, number, max_bytes)
        number += 1


def _character(char: str) -> str:
    if unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
        return ""
    return "_" if char in _FORBIDDEN_ON_WINDOWS else char


def _split(name: str) -> tuple[str, str]:
    """(stem, ``.ext``), or (name, "") when there is no short extension."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension.encode()) > MAX_EXTENSION_BYTES:
        return name, ""
    return stem, dot + extension


def _fit(stem: str, tail: str, max_bytes: int) -> str:
    """``stem + tail`` in at most ``max_bytes`` UTF-8 bytes, cutting the stem (on a character boundary)."""
    budget = max_bytes - len(tail.encode())
    encoded = stem.encode()
    if len(encoded) > budget:
        stem = encoded[:budget].decode(errors="ignore").rstrip(" .")
    return stem + tail
