"""lfdesktop's upload engine against curl, on one sandbox: 1 GiB in 100 MiB pieces.

    python bench/upload.py [--size-mib 1024] [--piece-mib 100] [--parallel 3] [--rounds 1]

Writes a random test file and its pieces for curl (untimed), starts the real sandbox, then per round uploads
the file with curl (one piece after another, as the docs show) and with lfdesktop's ``Uploader`` in this
process, with a ticker task on the same event loop measuring how late it wakes (the longest stall a GUI on
that loop would suffer). Prints MB/s of both, their ratio, this process's peak RSS and the longest stall.
Targets from issue 3: ratio >= 0.9, peak RSS < 120 MB, longest stall < 50 ms. Asserts nothing.
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import (
    BENCH_USER,
    MB,
    MIB,
    StallMeter,
    curl_upload,
    peak_rss_bytes,
    settle_disk,
    split_into_pieces,
    write_test_file,
)

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.transfer.upload import Uploader, UploadOptions
from tests.sandboxproc import start_sandbox


async def lfdesktop_upload(url: str, path: Path, piece_size: int, parallel: int) -> tuple[float, float, str]:
    """(seconds, longest loop stall, the server's checksum) for one upload through the engine."""
    async with LiquidFilesClient.connect(url, BENCH_USER.api_key) as client:
        await client.account()  # connection and auth settled before timing, as curl's are per request
        uploader = Uploader(client, options=UploadOptions(piece_size=piece_size, parallel_pieces=parallel))
        with StallMeter() as stalls:
            started = time.perf_counter()
            result = await uploader.upload(path)
            seconds = time.perf_counter() - started
    return seconds, stalls.longest, result.attachment.checksum


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--piece-mib", type=int, default=100)
    parser.add_argument("--parallel", type=int, default=3, help="lfdesktop's pieces in flight (default 3)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    size, piece_size = args.size_mib * MIB, args.piece_mib * MIB
    curl_rates: list[float] = []
    ours_rates: list[float] = []
    stalls: list[float] = []
    with tempfile.TemporaryDirectory(prefix="lfdesktop-bench-") as tmp:
        work = Path(tmp)
        print(f"writing {args.size_mib} MiB and its {args.piece_mib} MiB pieces to {work} (untimed)", flush=True)
        expected = write_test_file(work / "lfdesktop-bench.bin", size)
        pieces = split_into_pieces(work / "lfdesktop-bench.bin", work, piece_size)
        sandbox = start_sandbox(work / "sandbox", accounts=(BENCH_USER,))
        try:
            for round_number in range(1, args.rounds + 1):
                settle_disk()
                seconds, _, attachment = curl_upload(sandbox.url, pieces, work / "answer.json", "curl-bench.bin")
                curl_rates.append(size / MB / seconds)
                settle_disk()
                ours, stall, checksum = asyncio.run(
                    lfdesktop_upload(sandbox.url, work / "lfdesktop-bench.bin", piece_size, args.parallel)
                )
                ours_rates.append(size / MB / ours)
                stalls.append(stall)
                if expected != attachment["checksum"] or expected != checksum:
                    print(f"checksum MISMATCH: file {expected}, curl's {attachment['checksum']}, ours {checksum}",
                          file=sys.stderr)
                    return 1
                print(f"round {round_number}: curl {curl_rates[-1]:.1f} MB/s, lfdesktop {ours_rates[-1]:.1f} MB/s"
                      f" ({ours_rates[-1] / curl_rates[-1]:.2f}x), longest loop stall {stall * 1000:.1f} ms",
                      flush=True)
        finally:
            sandbox.stop()
    curl_rate, ours_rate = statistics.median(curl_rates), statistics.median(ours_rates)
    # Each round runs both back to back: the machine's drift between rounds cancels out of its ratio.
    ratio = statistics.median(ours / curl for ours, curl in zip(ours_rates, curl_rates, strict=True))
    print(f"file: {args.size_mib} MiB in {len(pieces)} pieces of {args.piece_mib} MiB;"
          f" lfdesktop with {args.parallel} piece(s) in flight")
    print(f"curl -T:   {curl_rate:.1f} MB/s (median of {args.rounds})")
    print(f"lfdesktop: {ours_rate:.1f} MB/s (median of {args.rounds})")
    print(f"ratio:     {ratio:.2f}x curl (median of the rounds' ratios; target >= 0.9)")
    print(f"peak RSS:  {peak_rss_bytes() / MIB:.1f} MiB (this process, lfdesktop's engine; target < 120 MB)")
    print(f"longest event-loop stall: {max(stalls) * 1000:.1f} ms; median of the rounds' longest"
          f" {statistics.median(stalls) * 1000:.1f} ms (target < 50 ms)")
    print(f"checksum: ok ({expected})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
