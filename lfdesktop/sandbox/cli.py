"""``lfdesktop-sandbox``: run a LiquidFiles-compatible server locally."""

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from .config import SandboxConfig, UserSpec
from .server import serve


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def _user(text: str) -> UserSpec:
    try:
        return UserSpec.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="lfdesktop-sandbox",
        description="A local server speaking the LiquidFiles API, for demos and tests.",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    p.add_argument("--data-dir", type=Path, required=True, help="where state is kept (created if missing)")
    p.add_argument(
        "--user", dest="users", type=_user, action="append", default=[], metavar="EMAIL:PASSWORD:APIKEY[:admin]",
        help="add or update a user (repeatable); the 4th field may be 'admin' or 'restricted'",
    )
    p.add_argument("--demo", action="store_true", help="add demo users, messages, links, logs and filedrops")
    p.add_argument("--tls-cert", type=Path, help="serve HTTPS with this certificate (PEM)")
    p.add_argument("--tls-key", type=Path, help="the certificate's private key (PEM)")
    p.add_argument("--fault-rate", type=_fraction, default=0.0, metavar="P",
                   help="share of upload requests that fail for real (dropped, 500, stalled)")
    p.add_argument("--download-fault-rate", type=_fraction, default=0.0, metavar="P",
                   help="share of file downloads cut off half way (a resumed, ranged request is served whole)")
    p.add_argument("--latency-ms", type=int, default=0, metavar="N", help="delay every answer by N ms")
    p.add_argument("--scan-delay", type=float, default=0.0, metavar="S",
                   help="seconds an upload stays unprocessed (virus scan) after assembly")
    p.add_argument("--stall-seconds", type=float, default=30.0, metavar="S",
                   help="how long a stalled fault holds a request before hanging up")
    p.add_argument("--url-ttl", type=float, default=900.0, metavar="S",
                   help="lifetime of a message's attachment download URLs")
    p.add_argument("--max-piece-mb", type=int, default=4096, metavar="MB", help="largest upload request body")
    p.add_argument("--seed", type=int, help="seed for fault injection, for reproducible runs")
    p.add_argument("--stop-with-stdin", action="store_true",
                   help="stop when standard input closes (the app that started it ended, even by a crash)")
    return p


def config_from(args: argparse.Namespace) -> SandboxConfig:
    return SandboxConfig(
        data_dir=args.data_dir, host=args.host, port=args.port, users=tuple(args.users), demo=args.demo,
        tls_cert=args.tls_cert, tls_key=args.tls_key, fault_rate=args.fault_rate,
        download_fault_rate=args.download_fault_rate, latency_ms=args.latency_ms,
        scan_delay=args.scan_delay, stall_seconds=args.stall_seconds, download_url_ttl=args.url_ttl,
        max_piece_bytes=args.max_piece_mb * 1024**2, fault_seed=args.seed,
    )


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if (args.tls_cert is None) != (args.tls_key is None):
        p.error("--tls-cert and --tls-key go together")
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C ends asyncio.run instead
                loop.add_signal_handler(signum, stop.set)
        if args.stop_with_stdin:
            threading.Thread(target=_stop_at_end_of_input, args=(loop, stop), daemon=True).start()
        await serve(config_from(args), lambda line: print(line, flush=True), stop)

    try:
        asyncio.run(run())
    except OSError as exc:
        print(f"lfdesktop-sandbox: {exc}", file=sys.stderr)
        return 1
    return 0


def _stop_at_end_of_input(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    # os.read, not sys.stdin: a daemon thread blocked in a buffered read aborts the interpreter at exit.
    while os.read(sys.stdin.fileno(), 4096):
        pass
    with contextlib.suppress(RuntimeError):  # the loop already ended
        loop.call_soon_threadsafe(stop.set)


if __name__ == "__main__":
    sys.exit(main())
