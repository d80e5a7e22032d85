"""The ``lfdesktop`` command line: its commands and options (parsing only; commands.py does the work)."""

import argparse
import re
from datetime import date
from pathlib import Path
from typing import NoReturn

from lfdesktop import __version__


class _Parser(argparse.ArgumentParser):
    """A usage error is one line on stderr, like every other failure, not argparse's usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def _authorization(text: str) -> int:
    if text not in {"0", "1", "2", "3", "4"}:
        raise argparse.ArgumentTypeError("use 0-4: 0 anyone, 1 anyone after sign-in, 2 recipients and local users, "
                                         "3 only recipients, 4 recipients and their domains")
    return int(text)


_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


def _addresses(text: str) -> list[str]:
    """Comma-separated addresses, checked before anything is uploaded for them."""
    addresses = [part.strip() for part in text.split(",") if part.strip()]
    for address in addresses:
        if not _EMAIL.match(address):
            raise argparse.ArgumentTypeError(f"{address!r} is not an email address")
    return addresses


def _common(*, defaults: bool) -> _Parser:
    """Options every command takes, before or after its name.

    Only the top level sets defaults: a subcommand's copy must not overwrite what was given before its name.
    """
    common = _Parser(add_help=False, argument_default=None if defaults else argparse.SUPPRESS)
    group = common.add_argument_group("connection and output")
    group.add_argument("--server", metavar="URL",
                       help="the LiquidFiles server (else $LF_SERVER, else the stored account)")
    group.add_argument("--api-key", metavar="KEY", help="the API key (else $LF_API_KEY, else the OS keyring)")
    group.add_argument("--ca-file", type=Path, metavar="FILE", help="also trust this certificate authority (PEM)")
    switch_default: object = False if defaults else argparse.SUPPRESS
    group.add_argument("--system-trust", action="store_true", default=switch_default,
                       help="trust the operating system's certificate store")
    group.add_argument("--json", action="store_true", default=switch_default, help="machine-readable output on stdout")
    return common


def _flag(parser: argparse.ArgumentParser, name: str, help_text: str) -> None:
    """``--name`` / ``--no-name``; unset (None) when neither is given, so the server's default applies."""
    parser.add_argument(f"--{name}", action=argparse.BooleanOptionalAction, default=None, help=help_text)


def _link_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--expires", type=_day, metavar="YYYY-MM-DD", help="expiry date")
    _flag(parser, "require-auth", "downloading needs a sign-in")
    _flag(parser, "receipt", "email a receipt on each download")


DESKTOP_OPTIONS = ("--sandbox", "--sandbox-data", "--self-test", "--hidden")


def wants_desktop_app(argv: list[str]) -> bool:
    """No command, a desktop option, or files to stage: the window (``lfdesktop report.pdf``)."""
    if not argv or argv[0] in DESKTOP_OPTIONS:
        return True
    return not argv[0].startswith("-") and argv[0] not in command_names()


def command_names() -> set[str]:
    subparsers = next(action for action in build()._actions if isinstance(action, argparse._SubParsersAction))
    return set(subparsers.choices)


def build() -> argparse.ArgumentParser:
    common = _common(defaults=False)
    parser = _Parser(
        prog="lfdesktop", parents=[_common(defaults=True)],
        description="lfdesktop: send and receive files through a LiquidFiles server. Without a command it opens "
                    "the desktop app (lfdesktop [--sandbox] [--hidden] [--self-test] [FILE...]).",
    )
    parser.add_argument("--version", action="version", version=f"lfdesktop {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common], help=help_text, description=help_text)

    login = command("login", "sign in and keep the API key in the OS keyring")
    login.add_argument("--email", help="sign in with email and password instead of pasting an API key")

    upload = command("upload", "upload files; prints their attachment ids")
    upload.add_argument("files", nargs="+", type=Path, metavar="FILE")
    upload.add_argument("--link", action="store_true", help="upload for FileLinks instead of messages")
    upload.add_argument("--chunk-size", type=_positive, metavar="MIB", help="piece size in MiB (default 100)")

    send = command("send", "send files in a secure message")
    send.add_argument("files", nargs="*", type=Path, metavar="FILE")
    send.add_argument("--to", type=_addresses, required=True, metavar="A[,B]", help="recipients")
    send.add_argument("--cc", type=_addresses, default=[], metavar="A[,B]")
    send.add_argument("--bcc", type=_addresses, default=[], metavar="A[,B]")
    send.add_argument("--subject", default="")
    send.add_argument("--message", default="")
    send.add_argument("--expires", type=_day, metavar="YYYY-MM-DD")
    send.add_argument("--authorization", type=_authorization, metavar="0-4", help="who may download")
    send.add_argument("--chunk-size", type=_positive, metavar="MIB", help="piece size in MiB (default 100)")

    link = command("link", "make a FileLink for a file; prints its URL")
    link.add_argument("file", type=Path, metavar="FILE")
    link.add_argument("--password", help="ask for this password before downloading")
    _link_options(link)

    command("links", "list your FileLinks")
    link_update = command("link-update", "change a FileLink's expiry, authentication or receipts")
    link_update.add_argument("id", metavar="ID")
    _link_options(link_update)
    command("link-delete", "delete a FileLink").add_argument("id", metavar="ID")

    inbox = command("inbox", "messages sent to you")
    period = inbox.add_mutually_exclusive_group()
    period.add_argument("--since-hours", type=_positive, metavar="N", help="sent in the last N hours")
    period.add_argument("--after", type=_day, metavar="YYYY-MM-DD", help="sent on or after this day")
    command("sent", "messages you sent")
    command("message", "one message with its files").add_argument("id", metavar="ID")

    download = command("download", "download a message's files, verified")
    download.add_argument("id", metavar="MESSAGE_ID")
    download.add_argument("--dest", type=Path, default=Path(), metavar="DIR", help="folder (default: here)")

    sync = command("sync", "download new messages' files into a sync folder, verified; again every few minutes")
    sync.add_argument("--once", action="store_true", help="one pass, then exit")
    sync.add_argument("--again", action="store_true",
                      help="fetch files deleted from the sync folder again (otherwise a deleted file stays deleted)")
    sync.add_argument("--folder", type=Path, metavar="DIR",
                      help="where files go: DIR/<sender>/<date> <subject>/ (default: the setting, else "
                           "LiquidFiles in your downloads folder)")
    sync.add_argument("--every", type=_positive, metavar="MINUTES", help="minutes between passes (default: setting)")
    sync.add_argument("--from", dest="senders", type=_addresses, action="extend", default=[], metavar="ADDR",
                      help="only messages from this sender (repeatable)")
    sync.add_argument("--subject", dest="subjects", action="append", default=[], metavar="TEXT",
                      help="only messages whose subject contains this text, any case (repeatable)")

    log = command("downloads", "who downloaded your files, when and from where")
    which = log.add_mutually_exclusive_group()
    which.add_argument("--after", type=_day, metavar="YYYY-MM-DD")
    which.add_argument("--message", metavar="ID", help="downloads of one sent message")
    which.add_argument("--link", metavar="ID", help="downloads through one FileLink")

    command("attachments", "your uploaded files")

    filedrops = command("filedrops", "filedrop administration (admin accounts)")
    actions = filedrops.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", parents=[common], help="all filedrops")
    actions.add_parser("show", parents=[common], help="one filedrop").add_argument("id", metavar="ID")
    for name in ("create", "update"):
        editor = actions.add_parser(name, parents=[common], help=f"{name} a filedrop")
        if name == "update":
            editor.add_argument("id", metavar="ID")
        editor.add_argument("--name", required=name == "create")
        editor.add_argument("--title", required=name == "create")
        editor.add_argument("--owner", required=name == "create", help="user id or email of the owner")
        editor.add_argument("--description")
        editor.add_argument("--authorization", type=int, choices=(2, 3))
        editor.add_argument("--expires-after", type=_positive, metavar="DAYS")
        editor.add_argument("--max-filesize", type=_positive, metavar="MB")
        editor.add_argument("--password")
        editor.add_argument("--cc", metavar="A[,B]")
        editor.add_argument("--accepted-filetypes", metavar="EXT[,EXT]")
        editor.add_argument("--invalid-extensions", metavar="EXT[,EXT]")
        _flag(editor, "require-validation", "senders must validate their email address")
    actions.add_parser("delete", parents=[common], help="delete a filedrop").add_argument("id", metavar="ID")

    return parser
