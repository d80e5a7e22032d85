"""What the CLI draws and prints, unit by unit: the progress line, tables, ``key: value`` blocks and JSON values."""

import asyncio
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path

import pytest

from lfdesktop.cli import output, progress
from lfdesktop.transfer.events import Direction, TransferProgress, TransferSnapshot, TransferState

MIB = 1024 * 1024


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def halfway_upload(name: str, pieces: int = 12) -> TransferSnapshot:
    """Two of ``pieces`` 1 MiB pieces sent, at 1 MiB/s: 10 s left for twelve."""
    clock = Clock()
    upload = TransferProgress(Direction.UPLOAD, name, clock=clock)
    upload.plan(pieces * MIB, [MIB] * pieces)
    upload.set_state(TransferState.RUNNING)
    upload.piece_started(0)
    upload.piece_moved(0, MIB)
    clock.now = 1.0
    upload.piece_started(1)
    upload.piece_moved(1, MIB)
    return upload.snapshot()


# ---- the progress line ----


def test_the_line_shows_the_share_the_piece_speed_and_time_left() -> None:
    line = progress.line(halfway_upload("report.pdf"), 1, 1, 100)

    assert line.startswith("report.pdf  17% |###                 | piece 2/12 1.0 MB/s ETA 0:10")
    assert len(line) <= 100


@pytest.mark.parametrize("width", [79, 60, 50])
def test_the_line_fits_the_width_and_keeps_its_figures(width: int) -> None:
    name = "a very long file name that would never fit on a narrow terminal, not even close.bin"

    line = progress.line(halfway_upload(name), 2, 3, width)

    assert len(line) < width
    assert line.startswith("[2/3] a ver")  # at least the first letters of the name
    assert "…" in line
    assert line.endswith(" 17% |" + line.split("|")[1] + "| piece 2/12 1.0 MB/s ETA 0:10")


def test_on_a_narrow_terminal_the_bar_gives_way_first() -> None:
    wide = progress.line(halfway_upload("report.pdf"), 1, 1, 100)
    narrow = progress.line(halfway_upload("report.pdf"), 1, 1, 52)

    assert wide.split("|")[1] == "###" + " " * 17
    assert narrow == "report.…  17% |#     | piece 2/12 1.0 MB/s ETA 0:10"


def test_one_piece_and_an_unknown_time_left() -> None:
    upload = TransferProgress(Direction.UPLOAD, "small.txt", clock=Clock())
    upload.plan(100, [100])

    line = progress.line(upload.snapshot(), 1, 1, 80)

    assert "piece" not in line
    assert line.endswith("ETA --:--")
    assert "   0% |" in line


@pytest.mark.parametrize(("seconds", "shown"), [(None, "--:--"), (0, "0:00"), (59.9, "0:59"), (3725, "1:02:05")])
def test_durations(seconds: float | None, shown: str) -> None:
    assert progress.duration(seconds) == shown


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def running(name: str) -> TransferProgress:
    upload = TransferProgress(Direction.UPLOAD, name, size=MIB)
    upload.set_state(TransferState.RUNNING)
    return upload


async def test_nothing_is_drawn_when_not_on_a_terminal() -> None:
    not_a_terminal = io.StringIO()
    assert not not_a_terminal.isatty()

    async with progress.shown([running("quiet.bin")], not_a_terminal) as note:
        await asyncio.sleep(0.01)
        note("quiet.bin: uploaded")

    assert not_a_terminal.getvalue() == "quiet.bin: uploaded\n"  # the report, and nothing drawn


async def test_the_line_is_drawn_on_a_terminal_and_cleared_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "50")
    terminal = Terminal()

    async with progress.shown([running("one.bin"), running("two.bin")], terminal):
        await asyncio.sleep(0.01)

    drawn = terminal.getvalue().split("\r")
    assert drawn[1].startswith("[1/2] one.bin   0% |")  # the first running transfer
    assert drawn[1].rstrip().endswith("ETA --:--")
    assert all(len(part) <= 49 for part in drawn)
    assert drawn[-2].strip() == "" and drawn[-1] == ""  # wiped at the end: the terminal is left clean


async def test_a_report_on_a_terminal_gets_a_line_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "50")
    terminal = Terminal()

    async with progress.shown([running("one.bin")], terminal) as note:
        await asyncio.sleep(0.01)
        note("one.bin: uploaded")
        after_note = terminal.getvalue()

    before, report = after_note.split("one.bin: uploaded\n")
    assert before.startswith("\rone.bin   0% |")  # the progress line was drawn
    assert before.endswith("\r" + " " * 49 + "\r")  # and wiped before the report
    assert report.startswith("\rone.bin")  # then drawn again below it


# ---- tables and blocks ----


@dataclass
class Record:
    name: str
    size: int
    when: datetime | None
    tags: list[str]
    ok: bool


COLUMNS: list[output.Column] = [
    ("NAME", lambda r: r.name), ("SIZE", lambda r: output.human_size(r.size)), ("WHEN", lambda r: r.when),
    ("TAGS", lambda r: r.tags), ("OK", lambda r: r.ok),
]


def test_a_table_has_its_headings_and_aligned_values() -> None:
    noon = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    out = io.StringIO()

    output.table([Record("a.txt", 10, noon, ["x", "y"], True), Record("multi\nline name", 3 * MIB, None, [], False)],
                 COLUMNS, out)

    lines = out.getvalue().splitlines()
    local = noon.astimezone().strftime("%Y-%m-%d %H:%M")
    assert lines == [
        "NAME             SIZE    WHEN" + " " * (len(local) - 2) + "TAGS  OK",
        f"a.txt            10 B    {local}  x, y  yes",
        "multi line name  3.0 MB  " + " " * len(local) + "        no",
    ]


def test_an_empty_table_says_so() -> None:
    out = io.StringIO()

    output.table([], COLUMNS, out)

    assert out.getvalue().splitlines() == ["NAME  SIZE  WHEN  TAGS  OK", "(none)"]


def test_a_block_aligns_its_labels() -> None:
    out = io.StringIO()

    output.block([("Subject", "Hi"), ("To", ["a@x.example", "b@x.example"]), ("Expires", date(2026, 5, 1))], out)

    assert out.getvalue().splitlines() == [
        "Subject: Hi", "To:      a@x.example, b@x.example", "Expires: 2026-05-01"
    ]


@pytest.mark.parametrize(("size", "shown"), [
    (0, "0 B"), (1023, "1023 B"), (1024, "1.0 KB"), (1536 * 1024, "1.5 MB"), (3 * 1024**3, "3.0 GB"),
    (2 * 1024**4, "2048.0 GB"),
])
def test_human_sizes(size: int, shown: str) -> None:
    assert output.human_size(size) == shown


# ---- JSON ----


class Colour(Enum):
    RED = "red"


@dataclass
class Inner:
    day: date
    where: Path


@dataclass
class Outer:
    inner: Inner
    items: tuple[Colour, ...]
    at: datetime
    extra: dict[int, list[Inner]]


def test_records_become_plain_json_values() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    inner = Inner(date(2026, 1, 2), Path("/tmp/x"))

    value = output.jsonable(Outer(inner, (Colour.RED,), at, {7: [inner]}))

    expected = {"day": "2026-01-02", "where": "/tmp/x"}
    assert value == {"inner": expected, "items": ["red"], "at": "2026-01-02T03:04:05+00:00", "extra": {"7": [expected]}}
    assert json.loads(json.dumps(value)) == value


def test_json_is_printed_as_utf8_text(capsys: pytest.CaptureFixture[str]) -> None:
    output.print_json({"name": "Größe ü.pdf"})

    assert '"Größe ü.pdf"' in capsys.readouterr().out
