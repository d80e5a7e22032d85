"""Dropped files and folders made into files to upload, and the account's limits on them (no server needed)."""

import os
import socket
from dataclasses import replace
from pathlib import Path

import pytest

from lfdesktop.api.models import Account
from lfdesktop.transfer.staging import MIB, StagedFile, check, expand, expand_blocking, extension_of, refusal

ACCOUNT = Account(
    id="u1", email="carol@contractor.example", name="Carol", group="Restricted", admin=False, max_file_size_mb=100,
    default_expiry_days=7, max_expiry_days=30, filelink_require_authentication=True,
    may_change_link_authentication=False, blocked_extensions=("exe", ".BAT"), permitted_extensions=(),
)


def tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


async def test_files_and_folders_expand_recursively_in_name_order_without_os_junk(tmp_path: Path) -> None:
    tree(tmp_path, {
        "a.txt": b"a", "photos/b.jpg": b"bb", "photos/2024/C.jpg": b"ccc", "photos/2024/a.jpg": b"dd",
        "photos/.DS_Store": b"junk", "photos/Thumbs.db": b"junk", "photos/._b.jpg": b"resource fork",
        "photos/__MACOSX/x.jpg": b"junk", "photos/.hidden-but-real": b"kept",
    })
    staged = await expand([tmp_path / "a.txt", tmp_path / "photos"])
    assert [file.name for file in staged.files] == [
        "a.txt", "photos/.hidden-but-real", "photos/2024/a.jpg", "photos/2024/C.jpg", "photos/b.jpg",
    ]
    assert staged.count == 5 and staged.total_size == 1 + 4 + 2 + 3 + 2
    assert staged.problems == ()
    assert all(file.path.is_absolute() and file.path.is_file() for file in staged.files)


def test_a_junk_file_picked_by_itself_is_kept_and_a_file_reached_twice_is_staged_once(tmp_path: Path) -> None:
    tree(tmp_path, {"docs/.DS_Store": b"x", "docs/r.pdf": b"pdf"})
    (tmp_path / "docs" / "same.pdf").symlink_to(tmp_path / "docs" / "r.pdf")
    staged = expand_blocking([tmp_path / "docs" / ".DS_Store", tmp_path / "docs", tmp_path / "docs" / "r.pdf"])
    assert [file.name for file in staged.files] == [".DS_Store", "docs/r.pdf"]


def test_link_loops_broken_links_and_special_files_are_reported_not_fatal(tmp_path: Path) -> None:
    tree(tmp_path, {"top/keep.txt": b"k", "top/inner/deep.txt": b"d"})
    (tmp_path / "top" / "inner" / "back").symlink_to(tmp_path / "top")
    (tmp_path / "top" / "gone").symlink_to(tmp_path / "nowhere")
    (tmp_path / "top" / "self").symlink_to(tmp_path / "top" / "self")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "top" / "sock"))
    try:
        staged = expand_blocking([tmp_path / "top", tmp_path / "missing.txt"])
    finally:
        sock.close()
    assert [file.name for file in staged.files] == ["top/inner/deep.txt", "top/keep.txt"]
    assert staged.problems == (
        "Skipped top/gone: it links to something that no longer exists.",
        "Skipped top/inner/back: it links back to a folder it is inside (a loop).",
        "Skipped top/self: it is a link that leads back to itself (a loop).",
        "Skipped top/sock: it is not a regular file (a device, pipe or socket).",
        "Skipped missing.txt: it no longer exists.",
    )


def test_unreadable_folders_and_files_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path, {"top/ok.txt": b"1", "top/secret/x.txt": b"2", "top/locked.txt": b"3"})
    # The tests run as root here, who can read anything: the refusals a normal user meets are played.
    real_scandir, real_access = os.scandir, os.access

    def scandir(path: "os.PathLike[str] | str") -> object:
        if Path(path).name == "secret":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path).name != "locked.txt" and real_access(path, mode))
    staged = expand_blocking([tmp_path / "top"])
    assert [file.name for file in staged.files] == ["top/ok.txt"]
    assert staged.problems == (
        "Skipped top/locked.txt: no permission to read it.",
        "Skipped the folder top/secret: no permission to read it.",
    )


def test_an_empty_drop_stages_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    staged = expand_blocking([tmp_path / "empty"])
    assert staged.files == () and staged.problems == () and staged.total_size == 0


# ---- limits ----


def staged(name: str, size: int = 10) -> StagedFile:
    return StagedFile(Path("/data") / name, size, name)


def test_the_account_limits_name_each_refused_file_in_plain_words() -> None:
    files = [staged("fine.pdf"), staged("big.iso", 150 * MIB), staged("setup.EXE"), staged("run.bat"),
             staged("exactly.bin", 100 * MIB)]
    assert check(files, ACCOUNT) == [
        "big.iso is 150.0 MB, more than the 100 MB this account may send in one file.",
        "setup.EXE: files of type .exe may not be sent from this account.",
        "run.bat: files of type .bat may not be sent from this account.",
    ]


def test_permitted_extensions_allow_only_those() -> None:
    account = replace(ACCOUNT, blocked_extensions=(), permitted_extensions=("pdf", ".Docx"), max_file_size_mb=None)
    assert refusal(staged("a.PDF"), account) is None
    assert refusal(staged("huge.docx", 10**12), account) is None
    assert refusal(staged("notes.txt"), account) == "notes.txt: this account may only send files of type .docx, .pdf."
    assert refusal(staged("README"), account) == "README: this account may only send files of type .docx, .pdf."


@pytest.mark.parametrize(("name", "extension"), [
    ("Report.PDF", "pdf"), ("archive.tar.gz", "gz"), ("README", ""), (".bashrc", ""), ("trailing.", ""),
])
def test_extension_of(name: str, extension: str) -> None:
    assert extension_of(name) == extension
