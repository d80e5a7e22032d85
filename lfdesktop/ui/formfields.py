"""Form fields the Send and FileLink panes share."""

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit

FALLBACK_EXPIRY_DAYS = 14  # when the server does not say
FALLBACK_MAX_EXPIRY_DAYS = 3650


class ExpiryEdit(QDateEdit):
    """A date picker bounded by the account: from tomorrow to its longest expiry."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setCalendarPopup(True)
        self.setDisplayFormat("d MMMM yyyy")
        self.setAccessibleName(name)
        self.set_bounds(None, None)  # until an account says

    def set_bounds(self, default_days: int | None, max_days: int | None) -> None:
        longest = max_days or FALLBACK_MAX_EXPIRY_DAYS
        self._default_days = min(default_days or FALLBACK_EXPIRY_DAYS, longest)
        today = QDate.currentDate()
        self.setDateRange(today.addDays(1), today.addDays(longest))
        self.reset()

    def reset(self) -> None:
        self.setDate(QDate.currentDate().addDays(self._default_days))

    def chosen(self) -> date:
        picked = self.date()
        return date(picked.year(), picked.month(), picked.day())
