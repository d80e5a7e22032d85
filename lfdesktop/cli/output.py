"""What the CLI prints: aligned tables and ``key: value`` blocks for people, JSON for scripts."""

import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, TextIO

Column = tuple[str, Callable[[Any], object]]  # heading, value of a record


def jsonable(value: object) -> Any:
    """Records, dates and paths as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: jsonable(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def print_json(value: object, out: TextIO | None = None) -> None:
    print(json.dumps(jsonable(value), ensure_ascii=False, indent=2), file=out or sys.stdout)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def cell(value: object) -> str:
    """One value as a table shows it: short dates, sizes stay numbers the caller formats."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(item) for item in value)
    return " ".join(str(value).split())  # no line breaks inside a cell


def table(records: Sequence[object], columns: Sequence[Column], out: TextIO | None = None) -> None:
    rows = [[heading for heading, _ in columns]]
    rows += [[cell(value(record)) for _, value in columns] for record in records]
    widths = [max(len(row[index]) for row in rows) for index in range(len(columns))]
    stream = out or sys.stdout
    for row in rows:
        padded = [text.ljust(width) for text, width in zip(row[:-1], widths[:-1], strict=True)] + [row[-1]]
        print("  ".join(padded).rstrip(), file=stream)
    if not records:
        print("(none)", file=stream)


def block(pairs: Sequence[tuple[str, object]], out: TextIO | None = None) -> None:
    """``label: value`` lines, labels aligned."""
    width = max((len(label) for label, _ in pairs), default=0)
    for label, value in pairs:
        print(f"{label + ':':<{width + 1}} {cell(value)}", file=out or sys.stdout)
