"""What the benchmarks share: a random test file and its pieces, curl uploads as the docs show, peak RSS."""

import asyncio
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # `tests` is a package of the checkout, not of the installed project
    sys.path.insert(0, str(REPO))

from tests.sandboxproc import Account  # noqa: E402

MIB = 1024 * 1024
MB = 1000 * 1000
BENCH_USER = Account("bench@example.com", "bench-pw", "BenchKey00000000000000")


@dataclass(frozen=True)
class Timing:
    size: int
    seconds: float

    @property
    def mb_per_second(self) -> float:
        return self.size / MB / self.seconds

    @property
    def mib_per_second(self) -> float:
        return self.size / MIB / self.seconds


def peak_rss_bytes(pid: int | str = "self") -> int:
    """``VmHWM``: the most resident memory a process has used so far (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/PID/status")


def copy_blocks(
    read: Callable[[int], bytes], out: BinaryIO, size: int, seen: Callable[[bytes], object] = lambda _: None
) -> None:
    """Copy ``size`` bytes from ``read`` in 1 MiB blocks, showing each block to ``seen``."""
    remaining = size
    while remaining:
        block = read(min(MIB, remaining))
        out.write(block)
        seen(block)
        remaining -= len(block)


def write_test_file(path: Path, size: int) -> str:
    """Random bytes; their SHA-256."""
    digest = hashlib.sha256()
    with path.open("wb") as out:
        copy_blocks(os.urandom, out, size, digest.update)
    return digest.hexdigest()


def settle_disk() -> None:
    """Write back what earlier steps left dirty (untimed), so it does not slow the next timed upload."""
    os.sync()


def split_into_pieces(source: Path, directory: Path, piece_size: int) -> list[Path]:
    size = source.stat().st_size
    count = max(1, -(-size // piece_size))
    pieces = [directory / f"piece{index:05d}" for index in range(count)]
    with source.open("rb") as data:
        for index, piece in enumerate(pieces):
            with piece.open("wb") as out:
                copy_blocks(data.read, out, min(piece_size, size - index * piece_size))
    return pieces


def send_piece(url: str, filename: str, piece: Path, chunks: int, chunk: int, answer: Path) -> None:
    """One curl upload, as in the LiquidFiles documentation; exits on anything but 200."""
    query = urlencode({"filename": filename, "chunks": chunks, "chunk": chunk})
    status = subprocess.run(
        ["curl", "-s", "-X", "POST", "-T", str(piece), "-H", "Accept: application/json",
         "--user", f"{BENCH_USER.api_key}:x", "-o", str(answer), "-w", "%{http_code}",
         f"{url}/message/attachments/upload?{query}"],
        check=True, capture_output=True, text=True,
    ).stdout
    if status != "200":
        raise SystemExit(f"piece {chunk} answered {status}: {answer.read_text(errors='replace')[:500]}")


def curl_upload(
    url: str, pieces: list[Path], answer: Path, filename: str = "bench.bin"
) -> tuple[float, list[Timing], dict[str, Any]]:
    """Send every piece in order with curl; (total seconds, per-piece timings, the final attachment)."""
    timings = []
    started = time.perf_counter()
    for chunk, piece in enumerate(pieces):
        piece_started = time.perf_counter()
        send_piece(url, filename, piece, len(pieces), chunk, answer)
        timings.append(Timing(piece.stat().st_size, time.perf_counter() - piece_started))
    total = time.perf_counter() - started
    attachment: dict[str, Any] = json.loads(answer.read_text())["attachment"]
    return total, timings, attachment


TICK = 0.005


class StallMeter:
    """A task on the running loop that sleeps TICK at a time and remembers the most it overslept: the longest
    stall a GUI on that loop would suffer. ``with StallMeter() as stalls: ...``, then ``stalls.longest``."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None
        self._due = 0.0  # when the pending tick should wake

    async def _tick(self) -> None:
        while True:
            self._due = time.perf_counter() + TICK
            await asyncio.sleep(TICK)
            self._late()

    def _late(self) -> None:
        self.longest = max(self.longest, time.perf_counter() - self._due)

    def __enter__(self) -> "StallMeter":
        self._due = time.perf_counter() + TICK
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._late()  # a stall just before the block ended delays the pending tick past it: count it too
        self._task.cancel()
