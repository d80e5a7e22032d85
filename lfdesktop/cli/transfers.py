"""The CLI's commands that move files: upload, send, link and download, all verified.

Uploads go through the journal in the user's data dir, so a command that was interrupted (Ctrl+C, a crash,
a lost network) and is run again sends only the pieces that had not arrived.
"""

import asyncio
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from lfdesktop.accounts.settings import aload_settings
from lfdesktop.transfer.download import DownloadResult, download
from lfdesktop.transfer.events import Direction, TransferProgress
from lfdesktop.transfer.journal import Journal
from lfdesktop.transfer.upload import Uploader, UploadOptions, UploadResult

from . import output, progress
from .commands import Command, Context, show_message
from .connection import UsageError

MIB = 1024 * 1024


def _check_files(paths: Sequence[Path]) -> None:
    for path in paths:
        if not path.is_file():
            raise UsageError(f"{path}: {'is a folder' if path.is_dir() else 'no such file'}")


async def upload_all(ctx: Context, paths: Sequence[Path], *, link: bool = False) -> list[UploadResult]:
    """Upload each file in turn (pieces in parallel within a file), with a progress line on a terminal."""
    await asyncio.to_thread(_check_files, paths)
    settings = (await aload_settings(ctx.paths.settings_file)).settings
    chunk_mib = getattr(ctx.args, "chunk_size", None)
    options = UploadOptions(
        piece_size=chunk_mib * MIB if chunk_mib else settings.piece_size, parallel_pieces=settings.pieces_in_flight
    )
    account = await ctx.client.account()  # also tells the journal whose uploads these are
    journal = await Journal.open(ctx.paths.data_dir)
    try:
        uploader = Uploader(ctx.client, account=account.email, journal=journal, options=options)
        progresses = [TransferProgress(Direction.UPLOAD, path.name) for path in paths]
        results = []
        async with progress.shown(progresses) as note:
            for path, watched in zip(paths, progresses, strict=True):
                results.append(await uploader.upload(path, link=link, progress=watched))
                if not ctx.json:
                    note(_upload_report(path, results[-1]))
        return results
    finally:
        await journal.aclose()


def _upload_report(path: Path, result: UploadResult) -> str:
    mark = "verified" if result.verified else "size checked (the server gave no checksum)"
    resumed = f", {result.pieces_resumed} piece(s) resumed" if result.pieces_resumed else ""
    return f"{path.name}: uploaded, {mark}{resumed}  SHA-256 {result.digest.sha256}"


def _upload_json(path: Path, result: UploadResult) -> dict[str, Any]:
    return {
        "file": str(path), "attachment": output.jsonable(result.attachment), "sha256": result.digest.sha256,
        "verified": result.verified, "pieces_sent": result.pieces_sent, "pieces_resumed": result.pieces_resumed,
    }


async def upload(ctx: Context) -> None:
    results = await upload_all(ctx, ctx.args.files, link=ctx.args.link)
    ctx.show(
        [_upload_json(path, result) for path, result in zip(ctx.args.files, results, strict=True)],
        lambda: print("\n".join(result.attachment.id for result in results)),
    )


async def send(ctx: Context) -> None:
    args = ctx.args
    results = await upload_all(ctx, args.files)
    message = await ctx.client.send_message(
        recipients=args.to, cc=args.cc, bcc=args.bcc, subject=args.subject, message=args.message,
        attachments=[result.attachment.id for result in results], expires_at=args.expires,
        authorization=args.authorization,
    )
    ctx.show(message, lambda: print(f"Sent message {message.id}: {message.url}"))


async def link(ctx: Context) -> None:
    args = ctx.args
    [result] = await upload_all(ctx, [args.file], link=True)
    made = await ctx.client.create_link(
        result.attachment.id, expires_at=args.expires, password=args.password, download_receipt=args.receipt,
        require_authentication=args.require_auth,
    )
    ctx.show(made, lambda: print(made.url))


async def download_message(ctx: Context) -> None:
    """Every file of a message into ``--dest``, each verified; names made safe, nothing overwritten."""
    client, message_id = ctx.client, ctx.args.id
    message = await client.message(message_id)
    folder: Path = ctx.args.dest
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)

    progresses = [TransferProgress(Direction.DOWNLOAD, file.filename, size=file.size) for file in message.attachments]
    results: list[DownloadResult] = []
    async with progress.shown(progresses):
        for file, watched in zip(message.attachments, progresses, strict=True):
            renew = partial(client.message_file, message_id, file.id)  # a used one-time URL: a fresh one
            results.append(await download(client, file, folder, renew=renew, progress=watched))
    ctx.show(
        [{"attachment": file.id, "path": str(result.path), "sha256": result.digest.sha256, "verified": result.verified}
         for file, result in zip(message.attachments, results, strict=True)],
        lambda: _report_downloads(message, results),
    )


def _report_downloads(message: Any, results: Sequence[DownloadResult]) -> None:
    if not results:
        show_message(message)
        print("\n(no files)")
    for result in results:
        mark = "verified" if result.verified else "size checked"
        print(f"{result.path}  ({mark}, SHA-256 {result.digest.sha256})")


COMMANDS: dict[str, Command] = {"upload": upload, "send": send, "link": link, "download": download_message}
