"""Time as the sandbox stores and shows it: UTC, ISO 8601 with milliseconds, dates as YYYY-MM-DD."""

from datetime import UTC, date, datetime, timedelta


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """``2019-01-29T08:56:47.866Z``: sortable as text, which the SQL queries rely on."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now_iso() -> str:
    return iso(now())


def today() -> date:
    return now().date()


def day_start_iso(day: date) -> str:
    return iso(datetime(day.year, day.month, day.day, tzinfo=UTC))


def days_from_today(days: int) -> date:
    return today() + timedelta(days=days)
