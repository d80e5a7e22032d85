"""Reading the server's JSON: tolerant where real servers differ, strict where it matters.

Tolerant: both date-time formats of the documents (``2019-01-29T08:56:47.866Z`` and
``2011-07-09 06:51:07``), numbers sent as strings, absent optional fields. Strict: a record without its
id, or a field of the wrong kind that we need, is a ``ProtocolError`` now rather than a crash later.
"""

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar

from .errors import ProtocolError

T = TypeVar("T")


class Fields:
    """Typed access to one JSON object; ``what`` names it in error messages."""

    def __init__(self, data: object, what: str) -> None:
        if not isinstance(data, Mapping):
            raise ProtocolError(f"Expected {what} to be a JSON object, got {type(data).__name__}")
        self.data: Mapping[str, Any] = data
        self.what = what

    def _fail(self, name: str, expected: str) -> ProtocolError:
        return ProtocolError(f"{self.what}: {name} should be {expected}, got {self.data.get(name)!r:.80}")

    def id(self, name: str = "id") -> str:
        value = self.data.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str) or not value:
            raise ProtocolError(f"{self.what} has no {name}")
        return value

    def text(self, name: str, default: str = "") -> str:
        value = self.data.get(name)
        if value is None:
            return default
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        raise self._fail(name, "text")

    def optional_text(self, name: str) -> str | None:
        return None if self.data.get(name) is None else self.text(name)

    def integer(self, name: str, default: int = 0) -> int:
        value = self.data.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise self._fail(name, "a whole number")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise self._fail(name, "a whole number")

    def number(self, name: str) -> float | None:
        value = self.data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                pass
        raise self._fail(name, "a number")

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.data.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
            return value.lower() in ("true", "1")
        raise self._fail(name, "true or false")

    def moment(self, name: str) -> datetime | None:
        value = self.data.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise self._fail(name, "a date and time")
        parsed = parse_moment(value)
        if parsed is None:
            raise self._fail(name, "a date and time")
        return parsed

    def day(self, name: str) -> date | None:
        """A ``Date`` (``YYYY-MM-DD``); a full date-time is accepted and cut to its (UTC) day."""
        value = self.data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                pass
        raise self._fail(name, "a date (YYYY-MM-DD)")

    def strings(self, name: str) -> list[str]:
        value = self.data.get(name)
        if value is None:
            return []
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list) and all(isinstance(item, (str, int)) for item in value):
            return [str(item) for item in value]
        raise self._fail(name, "a list of text")

    def objects(self, name: str) -> list[object]:
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(name, "a list")
        return value


def parse_moment(text: str) -> datetime | None:
    """ISO 8601 (``Z`` or an offset) or ``YYYY-MM-DD HH:MM:SS``; naive times are taken as UTC."""
    candidate = text.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def root(body: object, *keys: str, what: str) -> object:
    """The record under the first of ``keys`` present (servers differ: ``message`` or ``messages``)."""
    if isinstance(body, Mapping):
        for key in keys:
            if key in body:
                return body[key]
    raise ProtocolError(f"Expected {what} under {' or '.join(repr(key) for key in keys)}")


class One(Generic[T]):
    """An answer holding one record under the first of ``keys`` present."""

    def __init__(self, parse: Callable[[object], T], *keys: str) -> None:
        self.parse = parse
        self.keys = keys

    def read(self, body: object) -> T:
        return self.parse(root(body, *self.keys, what=f"the {self.keys[0]}"))


class Many(Generic[T]):
    """An answer holding a list of records: under the first of ``keys`` present, or the whole answer.

    Servers differ: ``{"filedrops": [...]}`` or a bare array (seeds/004, and seeds/001's words), each item
    bare or wrapped as ``{"filedrop": {...}}`` (``item`` names the wrapper). An item that does not parse
    (no id) fails the whole answer, saying which item it was.
    """

    def __init__(self, parse: Callable[[object], T], *keys: str, item: str) -> None:
        self.parse = parse
        self.keys = keys
        self.item = item

    def read(self, body: object) -> list[T]:
        items = body if isinstance(body, list) else root(body, *self.keys, what=f"the {self.keys[0]}")
        if items is None:
            return []
        if not isinstance(items, list):
            raise ProtocolError(f"Expected {self.keys[0]} to be a list, got {type(items).__name__}")
        return [self._record(position, value) for position, value in enumerate(items, 1)]

    def _record(self, position: int, value: object) -> T:
        if isinstance(value, Mapping) and len(value) == 1 and isinstance(value.get(self.item), Mapping):
            value = value[self.item]
        try:
            return self.parse(value)
        except ProtocolError as exc:
            raise ProtocolError(f"Item {position} of {self.keys[0]}: {exc}") from None
