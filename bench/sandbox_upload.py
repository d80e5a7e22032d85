"""How fast the sandbox takes a large file in pieces, uploaded with curl as the LiquidFiles docs show.

    python bench/sandbox_upload.py [--size-mib 1024] [--piece-mib 100]

Starts the real sandbox on a free port with a temporary data dir, writes a random test file and splits
it into piece files (untimed), then sends the pieces one after another with curl and times the whole
upload up to the last piece's answer (which includes assembly). Prints figures; asserts nothing on time.
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from common import (
    BENCH_USER,
    MIB,
    Timing,
    curl_upload,
    peak_rss_bytes,
    settle_disk,
    split_into_pieces,
    write_test_file,
)

from tests.sandboxproc import start_sandbox


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
        settle_disk()
        try:
            sandbox = start_sandbox(work, accounts=(BENCH_USER,))
        except RuntimeError as error:
            raise SystemExit(str(error)) from None
        try:
            print(f"sandbox at {sandbox.url}, uploading with curl", flush=True)
            total, timings, attachment = curl_upload(sandbox.url, pieces, work / "answer.json")
            assert sandbox.process is not None
            peak_rss = peak_rss_bytes(sandbox.process.pid)
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
