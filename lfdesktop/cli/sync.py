"""``lfdesktop sync``: new messages' files into the sync folder, verified, with the desktop app's sync engine.

``--once`` runs one pass and exits (1 when a file could not be fetched: it is tried again next run); without
it a pass runs every few minutes until Ctrl+C, saying on stderr when the server goes away and comes back.
On stdout: the files fetched, then one summary line; with ``--json`` one JSON object per pass (JSON Lines).
"""

import json
import sys
from pathlib import Path
from typing import Any

from lfdesktop.accounts.settings import aload_settings
from lfdesktop.api.errors import NetworkError
from lfdesktop.sync.engine import SyncTarget, fetch_deleted_again, sync_pass
from lfdesktop.sync.journal import SyncJournal
from lfdesktop.sync.report import SyncReport
from lfdesktop.sync.rules import rules_from
from lfdesktop.sync.syncer import StatusSink, Syncer, SyncStatus
from lfdesktop.transfer.errors import TransferError

from . import output
from .commands import Command, Context


class SyncIncomplete(TransferError):
    """Some files could not be fetched (exit code 1); the next run tries them again."""


async def sync(ctx: Context) -> None:
    args = ctx.args
    settings = (await aload_settings(ctx.paths.settings_file)).settings
    folder: Path = (args.folder or settings.sync_folder_path(ctx.paths)).absolute()
    rules = rules_from(settings, args.senders, args.subjects)
    account = await ctx.client.account()  # also checks the key before anything else happens
    journal = await SyncJournal.open(ctx.paths.data_dir)
    try:
        target = SyncTarget(ctx.client, account.email, journal, folder, rules)
        if args.again:
            count = await fetch_deleted_again(target)
            print(f"lfdesktop: {count} deleted file(s) will be fetched again", file=sys.stderr, flush=True)
        if args.once:
            report = await sync_pass(target)
            _show(ctx, report, quiet=False)
            _raise_for(report)
            return
        minutes = args.every or settings.sync_every_minutes
        print(f"lfdesktop: syncing {rules.describe()} into {folder} every {minutes} min (Ctrl+C stops)",
              file=sys.stderr, flush=True)
        syncer = Syncer(lambda: sync_pass(target), every=minutes * 60.0,
                        on_report=lambda report: _show(ctx, report, quiet=True), on_status=_status_printer())
        await syncer.run()
    finally:
        await journal.aclose()


def _raise_for(report: SyncReport) -> None:
    if report.stopped is not None:
        raise NetworkError(report.stopped, kind="dropped")
    if report.errors:
        raise SyncIncomplete(f"{report.error_count} file(s) not synced; {'; '.join(report.error_summary())}")


def _show(ctx: Context, report: SyncReport, *, quiet: bool) -> None:
    """The pass on stdout; a pass that found nothing is left unsaid when ``quiet`` (the periodic passes)."""
    if ctx.json:
        print(json.dumps(_json(report), ensure_ascii=False), flush=True)
        return
    for message in report.messages:
        print(f"{message.sender}: {message.subject or '(no subject)'} -> {message.folder}")
        for file in message.files:
            print(f"  {file.path.name}  ({'verified' if file.verified else 'size checked'}, SHA-256 {file.sha256})")
    for note in report.notes:
        print(note)
    if report.messages or not quiet:
        print(report.summary(), flush=True)
    if quiet:  # --once says it in the one line of its exit; a periodic pass goes on
        for line in report.error_summary():
            print(f"lfdesktop: {line}", file=sys.stderr, flush=True)


def _json(report: SyncReport) -> dict[str, Any]:
    payload: dict[str, Any] = output.jsonable(report)
    payload.update(files=len(report.files), bytes=report.bytes, summary=report.summary())
    return payload


def _status_printer() -> StatusSink:
    """Says on stderr when the server goes away and when it is back, and why a pass failed."""
    offline = False

    def show(status: SyncStatus, detail: str | None) -> None:
        nonlocal offline
        if status is SyncStatus.OFFLINE:
            print(f"lfdesktop: offline ({detail}); trying again", file=sys.stderr, flush=True)
        elif status is SyncStatus.FAILED:
            print(f"lfdesktop: sync failed: {detail}", file=sys.stderr, flush=True)
        elif offline:
            print("lfdesktop: back online", file=sys.stderr, flush=True)
        offline = status is SyncStatus.OFFLINE

    return show


COMMANDS: dict[str, Command] = {"sync": sync}
