"""Reading typed fields from request JSON and query strings, each failure a 422 naming the field."""

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from . import clock
from .errors import Rejected

EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def text(obj: Mapping[str, Any], name: str, *, default: str | None = None, max_len: int = 65536) -> str:
    value = obj.get(name)
    if value is None:
        if default is None:
            raise Rejected(f"{name} is required")
        return default
    if not isinstance(value, str):
        raise Rejected(f"{name} must be a string")
    if len(value) > max_len:
        raise Rejected(f"{name} is too long (at most {max_len} characters)")
    return value


def required_text(obj: Mapping[str, Any], name: str, *, max_len: int = 255) -> str:
    value = text(obj, name, max_len=max_len).strip()
    if not value:
        raise Rejected(f"{name} can't be blank")
    return value


def boolean(obj: Mapping[str, Any], name: str, default: bool) -> bool:
    return parse_bool(obj.get(name), name, default)


def parse_bool(value: object, name: str, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise Rejected(f"{name} must be true or false")


def integer(obj: Mapping[str, Any], name: str, default: int, lo: int, hi: int) -> int:
    return parse_int(obj.get(name), name, default, lo, hi)


def parse_int(value: object, name: str, default: int, lo: int, hi: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool):
        raise Rejected(f"{name} must be a whole number")
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,18}", value.strip()):
        value = int(value.strip())
    if not isinstance(value, int):
        raise Rejected(f"{name} must be a whole number")
    if not lo <= value <= hi:
        raise Rejected(f"{name} must be between {lo} and {hi}")
    return value


def parse_date(value: object, name: str) -> date:
    if not isinstance(value, str) or not DATE.match(value):
        raise Rejected(f"{name} must be a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Rejected(f"{name} is not a valid date: {value}") from None


def optional_date(obj: Mapping[str, Any], name: str) -> date | None:
    value = obj.get(name)
    return None if value is None or value == "" else parse_date(value, name)


def email(value: object, name: str) -> str:
    if not isinstance(value, str) or not EMAIL.match(value.strip()):
        raise Rejected(f"{name}: {str(value)[:100]!r} is not a valid email address")
    return value.strip()


def email_list(obj: Mapping[str, Any], name: str) -> list[str]:
    value = obj.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise Rejected(f"{name} must be a list of email addresses")
    if len(value) > 500:
        raise Rejected(f"{name} has too many addresses (at most 500)")
    return [email(item, name) for item in value]


def id_list(obj: Mapping[str, Any], name: str) -> list[str]:
    value = obj.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Rejected(f"{name} must be a list of ids")
    if len(value) > 1000:
        raise Rejected(f"{name} has too many ids (at most 1000)")
    return value


def comma_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def expiry_date(value: date | None, *, default_days: int, max_days: int, name: str = "expires_at") -> date:
    """A requested expiry (or the default): not in the past, at most ``max_days`` ahead."""
    if value is None:
        return clock.days_from_today(default_days)
    if value < clock.today():
        raise Rejected(f"{name} {value.isoformat()} is in the past")
    latest = clock.days_from_today(max_days)
    if value > latest:
        raise Rejected(f"{name} may be at most {max_days} days ahead ({latest.isoformat()})")
    return value
