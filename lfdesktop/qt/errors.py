"""The app-wide excepthook: an unexpected error is logged with its traceback and shown, non-modally, in the
window; the app carries on instead of dying."""

import asyncio
import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger("lfdesktop")

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]


class ErrorReporter(QObject):
    reported = Signal(str)  # one line for the user; the traceback went to the log

    def __init__(self, log_file: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._log_file = log_file
        self._previous: ExceptHook | None = None

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self.excepthook
        loop.set_exception_handler(self._from_loop)

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook = self._previous
            self._previous = None

    def excepthook(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            return  # Ctrl+C in the terminal is a quit, handled by the app's signal handler
        log.error("Unexpected error:\n%s", "".join(traceback.format_exception(kind, error, tb)).rstrip())
        self.reported.emit(self.describe(error))

    def describe(self, error: BaseException) -> str:
        reason = " ".join(str(error).split()) or type(error).__name__
        where = f" Details are in the log: {self._log_file}" if self._log_file else ""
        return f"Something went wrong: {reason}.{where}"

    def _from_loop(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, BaseException):
            self.excepthook(type(error), error, error.__traceback__)
        else:
            log.error("Event loop: %s", context.get("message", context))
