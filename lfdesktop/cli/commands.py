"""The CLI's commands that read and change things on the server (transfers are in transfers.py)."""

import argparse
import getpass
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lfdesktop.accounts.paths import AppPaths
from lfdesktop.accounts.secrets import SecretStore
from lfdesktop.accounts.settings import AccountSettings, aload_settings, asave_settings
from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.api.errors import AuthError, Rejected
from lfdesktop.api.models import Attachment, Download, Filedrop, FileLink, Message

from . import output
from .connection import Connection, UsageError, server_from, stored_account, tls_from


@dataclass
class Context:
    """What a command gets: its arguments, a client for the chosen server, and where to report."""

    args: argparse.Namespace
    client: LiquidFilesClient
    paths: AppPaths
    environ: Mapping[str, str]

    @property
    def json(self) -> bool:
        return bool(self.args.json)

    def show(self, value: object, human: Callable[[], None]) -> None:
        if self.json:
            output.print_json(value)
        else:
            human()


Command = Callable[[Context], Awaitable[None]]

MESSAGE_COLUMNS: list[output.Column] = [
    ("ID", lambda m: m.id), ("SENT", lambda m: m.created_at), ("FROM", lambda m: m.sender),
    ("TO", lambda m: m.recipients), ("SUBJECT", lambda m: m.subject), ("FILES", lambda m: len(m.attachments)),
    ("SIZE", lambda m: output.human_size(m.size)), ("EXPIRES", lambda m: m.expires_at),
]
LINK_COLUMNS: list[output.Column] = [
    ("ID", lambda link: link.id), ("FILE", lambda link: link.filename),
    ("SIZE", lambda link: output.human_size(link.size)), ("EXPIRES", lambda link: link.expires_at),
    ("AUTH", lambda link: link.require_authentication), ("RECEIPT", lambda link: link.send_download_confirmation),
    ("URL", lambda link: link.url),
]
DOWNLOAD_COLUMNS: list[output.Column] = [
    ("WHEN", lambda d: d.downloaded_at), ("FILE", lambda d: d.filename), ("BY", lambda d: d.recipient),
    ("FROM", lambda d: d.location or d.remote_ip), ("IP", lambda d: d.remote_ip), ("BROWSER", lambda d: d.browser),
    ("OS", lambda d: d.os),
]
ATTACHMENT_COLUMNS: list[output.Column] = [
    ("ID", lambda a: a.id), ("FILE", lambda a: a.filename), ("SIZE", lambda a: output.human_size(a.size)),
    ("CREATED", lambda a: a.created_at), ("STATE", lambda a: attachment_state(a)), ("EXPIRES", lambda a: a.expires_at),
]
FILEDROP_COLUMNS: list[output.Column] = [
    ("ID", lambda f: f.id), ("TITLE", lambda f: f.title), ("OWNER", lambda f: f.owner),
    ("PERMISSION", lambda f: f.authorization), ("MAX MB", lambda f: f.max_filesize),
    ("EXPIRES AFTER", lambda f: f"{f.expires_after} days"),
]


def attachment_state(attachment: Attachment) -> str:
    if attachment.content_blocked:
        return f"blocked: {attachment.content_blocked_message or 'by the server'}"
    if not attachment.processed:
        return "being scanned"
    return "available" if attachment.available else "not available"


def show_message(message: Message) -> None:
    output.block([
        ("Subject", message.subject), ("From", message.sender), ("To", message.recipients), ("CC", message.ccs),
        ("Sent", message.created_at), ("Expires", message.expires_at),
        ("Permission", message.authorization_description or message.authorization), ("Message", message.message),
    ])
    print()
    output.table(message.attachments, [
        ("FILE", lambda f: f.filename), ("SIZE", lambda f: output.human_size(f.size)),
        ("TYPE", lambda f: f.content_type), ("SHA-256", lambda f: f.checksum), ("CRC32", lambda f: f.crc32),
    ])


async def inbox(ctx: Context) -> None:
    messages = await ctx.client.inbox(sent_after=ctx.args.after, sent_in_the_last=ctx.args.since_hours)
    ctx.show(messages, lambda: output.table(messages, MESSAGE_COLUMNS))


async def sent(ctx: Context) -> None:
    messages = await ctx.client.sent()
    ctx.show(messages, lambda: output.table(messages, MESSAGE_COLUMNS))


async def message(ctx: Context) -> None:
    found = await ctx.client.message(ctx.args.id)
    ctx.show(found, lambda: show_message(found))


async def links(ctx: Context) -> None:
    found = await ctx.client.links()
    ctx.show(found, lambda: output.table(found, LINK_COLUMNS))


async def link_update(ctx: Context) -> None:
    args, client = ctx.args, ctx.client
    if args.expires is None and args.require_auth is None and args.receipt is None:
        raise UsageError(
            "Nothing to change: give --expires, --require-auth/--no-require-auth or --receipt/--no-receipt"
        )
    updated: FileLink | None = None
    if args.expires is not None:
        updated = await client.set_link_expiry(args.id, args.expires) or updated
    if args.require_auth is not None:
        updated = await client.set_link_authentication(args.id, args.require_auth) or updated
    if args.receipt is not None:
        updated = await client.set_link_download_confirmation(args.id, args.receipt) or updated
    ctx.show(updated or {"id": args.id, "updated": True},
             lambda: output.table([updated], LINK_COLUMNS) if updated else print(f"Updated FileLink {args.id}"))


async def link_delete(ctx: Context) -> None:
    await ctx.client.delete_link(ctx.args.id)
    ctx.show({"id": ctx.args.id, "deleted": True}, lambda: print(f"Deleted FileLink {ctx.args.id}"))


async def downloads(ctx: Context) -> None:
    args, client = ctx.args, ctx.client
    found: list[Download]
    if args.message:
        found = await client.message_downloads(args.message)
    elif args.link:
        found = await client.link_downloads(args.link)
    else:
        found = await client.downloads(after=args.after)
    ctx.show(found, lambda: output.table(found, DOWNLOAD_COLUMNS))


async def attachments(ctx: Context) -> None:
    found = await ctx.client.attachments()
    ctx.show(found, lambda: output.table(found, ATTACHMENT_COLUMNS))


FILEDROP_FIELDS = ("name", "title", "owner", "description", "authorization", "expires_after", "max_filesize",
                   "password", "cc", "accepted_filetypes", "invalid_extensions", "require_validation")


def filedrop_fields(args: argparse.Namespace) -> dict[str, Any]:
    return {name: getattr(args, name) for name in FILEDROP_FIELDS if getattr(args, name, None) is not None}


async def filedrops(ctx: Context) -> None:
    args, client = ctx.args, ctx.client
    if args.action == "list":
        found = await client.filedrops()
        ctx.show(found, lambda: output.table(found, FILEDROP_COLUMNS))
        return
    if args.action == "delete":
        await client.delete_filedrop(args.id)
        ctx.show({"id": args.id, "deleted": True}, lambda: print(f"Deleted filedrop {args.id}"))
        return
    one: Filedrop
    if args.action == "show":
        one = await client.filedrop(args.id)
    elif args.action == "create":
        one = await client.create_filedrop(filedrop_fields(args))
    else:
        fields = filedrop_fields(args)
        if not fields:
            raise UsageError("Nothing to change: give at least one option, for example --title")
        one = await client.update_filedrop(args.id, fields)
    ctx.show(one, lambda: output.block([(name.replace("_", " ").capitalize(), getattr(one, name))
                                        for name in ("id", *FILEDROP_FIELDS)]))


def ask(prompt: str) -> str:
    """A secret from the terminal without echo, or a line of standard input when it is not a terminal."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\n")


async def login(args: argparse.Namespace, environ: Mapping[str, str], paths: AppPaths, secrets: SecretStore) -> None:
    """Check the key against the server, then keep it in the OS keyring and the account in the settings."""
    server_url = server_from(args, environ)
    if server_url is None:
        raise UsageError("Which server? Pass --server URL (or set LF_SERVER)")
    loaded = await aload_settings(paths.settings_file)
    tls = tls_from(args, stored_account(loaded, server_url))
    if args.email:
        async with Connection(server_url, None, tls).client() as anonymous:
            try:
                key = await anonymous.login(args.email, ask(f"Password for {args.email}: "))
            except Rejected as error:  # LiquidFiles answers a wrong email or password with 422: still a failed sign-in
                raise AuthError(str(error), status=error.status, errors=error.errors) from None
    else:
        key = args.api_key or environ.get("LF_API_KEY") or ask(f"API key for {server_url}: ")
    async with Connection(server_url, key.strip(), tls).client() as client:
        account = await client.account()
    await secrets.set(server_url, account.email, key.strip())
    stored = AccountSettings(server_url, account.email, account.name, tls.ca_file, tls.system_store)
    await asave_settings(paths.settings_file, loaded.settings.with_account(stored))
    status = await secrets.backend_status()
    where = f"in {status.backend}" if status.persistent else "for this session only"
    report = {"server": server_url, "email": account.email, "name": account.name, "keyring": status.backend}
    if args.json:
        output.print_json(report)
    else:
        print(f"Signed in as {account.name or account.email} <{account.email}> on {server_url}; key kept {where}.")
    if status.warning:
        print(f"lfdesktop: {status.warning}", file=sys.stderr)


COMMANDS: dict[str, Command] = {
    "inbox": inbox, "sent": sent, "message": message, "links": links, "link-update": link_update,
    "link-delete": link_delete, "downloads": downloads, "attachments": attachments, "filedrops": filedrops,
}
