"""The download log as CSV: one column per field of the seed, named as the seed names it, with the raw values
(ISO dates, bytes, seconds), so a spreadsheet gets every field and ``read_csv`` gives the same rows back."""

import csv
from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from pathlib import Path

from lfdesktop.api.models import Download

COLUMNS: tuple[str, ...] = tuple(field.name for field in fields(Download))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def write_csv(path: Path, rows: Sequence[Download]) -> None:
    """Blocking file I/O: run it off the event loop (``asyncio.to_thread``)."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([_cell(getattr(row, name)) for name in COLUMNS])


def read_csv(path: Path) -> list[Download]:
    """Rows written by ``write_csv``; an empty cell is a missing value, as the server's null."""
    with path.open(encoding="utf-8", newline="") as file:
        return [Download.from_json({name: value or None for name, value in line.items()})
                for line in csv.DictReader(file)]
