"""How fast the sandbox takes a large file in pieces, uploaded with curl as the LiquidFiles docs show.

    python bench/sandbox_upload.py [--size-mib 1024] [--piece-mib 100]

Starts the real sandbox on a free port with a temporary data dir, writes a random test file and splits
it into piece files (untimed), then sends the pieces one after another with curl and times the whole
upload up to the last piece's answer (which includes assembly). Prints figures; asserts nothing on time.
"""

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # `tests` is a package of the checkout, not of the installed project
    sys.path.insert(0, str(REPO))

from tests.sandboxproc import Account, SandboxProcess, start_sandbox  # noqa: E402

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


def peak_rss_bytes(sandbox: SandboxProcess) -> int:
    """``VmHWM``: the most resident memory the sandbox process has used so far (Linux)."""
    assert sandbox.process is not None, "the sandbox is not running"
    for line in Path(f"/proc/{sandbox.process.pid}/status").read_text().splitlines():
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


def upload(url: str, pieces: list[Path], answer: Path) -> tuple[float, list[Timing], dict[str, Any]]:
    """Send every piece in order; (total seconds, per-piece timings, the final attachment)."""
    timings = []
    started = time.perf_counter()
    for chunk, piece in enumerate(pieces):
        piece_started = time.perf_counter()
        send_piece(url, "bench.bin", piece, len(pieces), chunk, answer)
        timings.append(Timing(piece.stat().st_size, time.perf_counter() - piece_started))
    total = time.perf_counter() - started
    attachment: dict[str, Any] = json.loads(answer.read_text())["attachment"]
    return total, timings, attachment


def report(size: int, piece_size: int, total: float, timings: list[Timing], peak_rss: int) -> None:
    whole = Timing(size, total)
    speeds = [timing.mb_per_second for timing in timings]
    print(f"file: {size / MIB:g} MiB ({size} bytes) in {len(timings)} pieces of {piece_size / MIB:g} MiB")
    print(f"upload: {total:.2f} s, {whole.mb_per_second:.1f} MB/s ({whole.mib_per_second:.1f} MiB/s)")
    print(f"per piece MB/s: min {min(speeds):.1f}, median {statistics.median(speeds):.1f}, max {max(speeds):.1f}")
    print(f"last piece (with assembly): {timings[-1].seconds:.2f} s for {timings[-1].size / MIB:g} MiB")
    print(f"sandbox peak RSS (VmHWM): {peak_rss / MIB:.1f} MiB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="test file size (default 1024)")
    parser.add_argument("--piece-mib", type=int, default=100, help="piece size (default 100, as official clients)")
    args = parser.parse_args()
    if args.size_mib < 1 or args.piece_mib < 1:
        parser.error("sizes must be at least 1 MiB")
    size, piece_size = args.size_mib * MIB, args.piece_mib * MIB
    with tempfile.TemporaryDirectory(prefix="lfdesktop-bench-") as tmp:
        work = Path(tmp)
        print(f"writing {args.size_mib} MiB of random bytes and its pieces to {work} (untimed)", flush=True)
        expected = write_test_file(work / "test.bin", size)
        pieces = split_into_pieces(work / "test.bin", work, piece_size)
        try:
            sandbox = start_sandbox(work, accounts=(BENCH_USER,))
        except RuntimeError as error:
            raise SystemExit(str(error)) from None
        try:
            print(f"sandbox at {sandbox.url}, uploading with curl", flush=True)
            total, timings, attachment = upload(sandbox.url, pieces, work / "answer.json")
            peak_rss = peak_rss_bytes(sandbox)
        finally:
            sandbox.stop()
            sys.stderr.write(sandbox.stderr_text())  # whatever the sandbox complained about, as before
    report(size, piece_size, total, timings, peak_rss)
    if attachment["checksum"] != expected or attachment["size"] != size:
        print(f"checksum MISMATCH: sent {expected}, sandbox says {attachment['checksum']}", file=sys.stderr)
        return 1
    print(f"checksum: ok ({expected})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
