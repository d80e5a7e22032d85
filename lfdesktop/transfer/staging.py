"""What a drop (or a file picker) hands over, made into files to upload, and the account's limits on them.

``expand`` walks dropped folders in a worker thread: everything inside is staged (hidden OS junk such as
``.DS_Store`` left out), and what cannot be staged (a link loop, an unreadable folder or file, a device) is
reported in plain words instead of failing the whole drop. ``check`` says which files the account may not
send (too large, a blocked extension, not a permitted one) before a single byte is uploaded.
"""

import asyncio
import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lfdesktop.api.models import Account

MIB = 1024 * 1024

# Files and folders operating systems leave behind that nobody means to send (macOS, Windows, old Macs' zips).
_JUNK_FILES = frozenset({".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", ".localized", "icon\r"})
_JUNK_FOLDERS = frozenset({
    "__macosx", ".spotlight-v100", ".trashes", ".fseventsd", ".temporaryitems", ".documentrevisions-v100",
    "$recycle.bin", "system volume information",
})


@dataclass(frozen=True)
class StagedFile:
    path: Path  # absolute
    size: int
    name: str  # as the user knows it: the file's name, or its path inside a dropped folder ("photos/a.jpg")


@dataclass(frozen=True)
class Staged:
    files: tuple[StagedFile, ...]
    problems: tuple[str, ...]  # what was left out and why, one sentence each

    @property
    def count(self) -> int:
        return len(self.files)

    @property
    def total_size(self) -> int:
        return sum(file.size for file in self.files)


def is_junk(name: str, *, folder: bool = False) -> bool:
    lowered = name.lower()
    return lowered in (_JUNK_FOLDERS if folder else _JUNK_FILES) or (not folder and name.startswith("._"))


async def expand(paths: Iterable[Path]) -> Staged:
    """Files and folders as dropped, expanded off the event loop (a folder may hold thousands of files)."""
    return await asyncio.to_thread(expand_blocking, list(paths))


def expand_blocking(paths: Iterable[Path]) -> Staged:
    """``expand`` on the calling thread. Folders are walked in name order; a file reached twice (the same path
    dropped twice, or through a link) is staged once. Junk is only left out of folders: a file the user picked
    by itself is sent, whatever its name."""
    walk = _Walk()
    for path in paths:
        walk.top(Path(path).absolute())
    return Staged(tuple(walk.files), tuple(walk.problems))


# A file or folder met while walking: its path, its name as shown, its stat or what is wrong with it, and the
# folders it is inside (to tell a link loop).
_Item = tuple[Path, str, os.stat_result | str, frozenset[tuple[int, int]]]


class _Walk:
    def __init__(self) -> None:
        self.files: list[StagedFile] = []
        self.problems: list[str] = []
        self._seen: set[tuple[int, int]] = set()

    def top(self, path: Path) -> None:
        try:
            info = path.stat()
        except OSError as error:
            self.problems.append(f"Skipped {path.name}: {_unreadable(error, path.is_symlink())}.")
            return
        # Depth first in name order, without recursion: a deep tree cannot hit Python's recursion limit.
        stack: list[_Item] = [(path, path.name, info, frozenset())]
        while stack:
            path, name, found, ancestors = stack.pop()
            if isinstance(found, str):
                self.problems.append(f"Skipped {name}: {found}.")
            elif not stat.S_ISDIR(found.st_mode):
                self._entry(path, name, found)
            else:
                stack.extend(self._inside(path, name, ancestors | {_key(found)}))

    def _inside(self, folder: Path, name: str, ancestors: frozenset[tuple[int, int]]) -> list[_Item]:
        """A folder's entries in reverse name order (the stack pops them in order)."""
        try:
            with os.scandir(folder) as scanned:
                entries = sorted(scanned, key=lambda entry: entry.name.casefold(), reverse=True)
        except OSError as error:
            return [(folder, f"the folder {name}", _unreadable(error, False), ancestors)]
        inside: list[_Item] = []
        for entry in entries:
            inner, entry_path = f"{name}/{entry.name}", Path(entry.path)
            try:
                # Follows links: a linked file or folder counts as what it links to. Not entry.stat(): on
                # Windows its inode and device are zero, and they tell loops and files met twice.
                info = entry_path.stat()
            except OSError as error:
                inside.append((entry_path, inner, _unreadable(error, entry.is_symlink()), ancestors))
                continue
            is_folder = stat.S_ISDIR(info.st_mode)
            if is_folder and _key(info) in ancestors:
                inside.append((entry_path, inner, "it links back to a folder it is inside (a loop)", ancestors))
            elif not is_junk(entry.name, folder=is_folder):
                inside.append((entry_path, inner, info, ancestors))
        return inside

    def _entry(self, path: Path, shown: str, info: os.stat_result) -> None:
        if not stat.S_ISREG(info.st_mode):
            self.problems.append(f"Skipped {shown}: it is not a regular file (a device, pipe or socket).")
            return
        if _key(info) in self._seen:
            return
        if not os.access(path, os.R_OK):
            self.problems.append(f"Skipped {shown}: no permission to read it.")
            return
        self._seen.add(_key(info))
        self.files.append(StagedFile(path, info.st_size, shown))


def _key(info: os.stat_result) -> tuple[int, int]:
    return info.st_dev, info.st_ino


def _unreadable(error: OSError, link: bool) -> str:
    if isinstance(error, FileNotFoundError):
        return "it links to something that no longer exists" if link else "it no longer exists"
    if isinstance(error, PermissionError):
        return "no permission to read it"
    if error.errno == errno.ELOOP:
        return "it is a link that leads back to itself (a loop)"
    return f"it cannot be read ({error.strerror or error})"


# ---- the account's limits ----


def check(files: Iterable[StagedFile], account: Account) -> list[str]:
    """Why the account may not send some of ``files``, one sentence per refused file (empty: all may go)."""
    return [reason for file in files if (reason := refusal(file, account)) is not None]


def refusal(file: StagedFile, account: Account) -> str | None:
    """Why the account may not send ``file``, or None."""
    limit_mb = account.max_file_size_mb
    if limit_mb is not None and file.size > limit_mb * MIB:
        return (f"{file.name} is {_megabytes(file.size)}, more than the {limit_mb:,} MB this account may send "
                "in one file.")
    extension = extension_of(file.path.name)
    blocked = _extensions(account.blocked_extensions)
    if extension and extension in blocked:
        return f"{file.name}: files of type .{extension} may not be sent from this account."
    permitted = _extensions(account.permitted_extensions)
    if permitted and extension not in permitted:
        allowed = ", ".join(f".{name}" for name in sorted(permitted))
        return f"{file.name}: this account may only send files of type {allowed}."
    return None


def extension_of(filename: str) -> str:
    """``Report.PDF`` -> ``pdf``; a dot file such as ``.bashrc`` has none."""
    stem, dot, extension = filename.rpartition(".")
    return extension.lower() if dot and stem else ""


def _extensions(listed: Iterable[str]) -> frozenset[str]:
    """Servers write them as ``exe``, ``.EXE`` or ``" exe"``."""
    return frozenset(item.strip().lstrip(".").lower() for item in listed if item.strip().lstrip("."))


def _megabytes(size: int) -> str:
    return f"{size / MIB:,.1f} MB"
