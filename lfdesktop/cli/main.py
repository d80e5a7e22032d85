"""``lfdesktop COMMAND``: run one command and exit with a code scripts can rely on.

0 ok, 1 anything else, 2 usage, 3 rejected by the server, 4 authentication, 5 checksum mismatch; every
failure also prints one line on stderr saying why.
"""

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Mapping

from lfdesktop.accounts.paths import AppPaths
from lfdesktop.accounts.secrets import SecretStore, SecretStoreError
from lfdesktop.api.errors import ApiError, AuthError, HttpStatusError, ServerError
from lfdesktop.transfer.errors import ChecksumMismatch, TransferError

from . import parser, sync, transfers
from .commands import COMMANDS, Context, login
from .connection import UsageError, resolve

SERVE_SANDBOX = "--serve-sandbox"
OK, FAILED, USAGE, REJECTED, AUTHENTICATION, CHECKSUM = 0, 1, 2, 3, 4, 5


def exit_code(error: BaseException) -> int:
    if isinstance(error, UsageError):
        return USAGE
    if isinstance(error, AuthError):
        return AUTHENTICATION
    if isinstance(error, ChecksumMismatch):
        return CHECKSUM
    if isinstance(error, HttpStatusError) and not isinstance(error, ServerError):
        return REJECTED
    return FAILED


async def run(args: argparse.Namespace, environ: Mapping[str, str], paths: AppPaths) -> None:
    secrets = SecretStore()
    if args.command == "login":
        await login(args, environ, paths, secrets)
        return
    connection = await resolve(args, environ, paths, secrets)
    command = COMMANDS.get(args.command) or transfers.COMMANDS.get(args.command) or sync.COMMANDS[args.command]
    async with connection.client() as client:
        await command(Context(args, client, paths, environ))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [SERVE_SANDBOX]:  # a frozen app starts its demo server through itself (no Python to -m)
        from lfdesktop.sandbox.cli import main as serve_sandbox

        return serve_sandbox(argv[1:])
    if parser.wants_desktop_app(argv):
        from lfdesktop.app import main as open_window  # Qt is loaded only for the window, never for commands

        return open_window(argv)
    # Commands report for themselves, one line each; library warnings stay out of scripts' stderr.
    logging.basicConfig(level=logging.ERROR, format="lfdesktop: %(message)s")
    args = parser.build().parse_args(argv)
    try:
        asyncio.run(run(args, os.environ, AppPaths.from_environment()))
    except BrokenPipeError:
        # The reader stopped early (``lfdesktop inbox | head``): nothing left to say, and nothing went wrong.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK
    except KeyboardInterrupt:
        print("lfdesktop: interrupted; an unfinished upload resumes when run again", file=sys.stderr)
        return 130
    except (UsageError, ApiError, TransferError, SecretStoreError, OSError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        print(f"lfdesktop: {reason}", file=sys.stderr)
        return exit_code(error)
    return OK
