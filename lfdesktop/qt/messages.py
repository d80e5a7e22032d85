"""The Inbox and Sent lists' work: fetching messages (all of them, then only what is new), refreshing every few
minutes while the pane is visible, and the Inbox's "opened" state kept per account across restarts."""

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, timedelta

from PySide6.QtCore import QObject, QTimer, Signal

from lfdesktop.accounts.readstate import ReadState
from lfdesktop.api.errors import ApiError
from lfdesktop.api.models import Message

from .context import AppContext
from .message_model import MessageFilterProxy, MessageTableModel
from .session import SignedIn

REFRESH_MS = 3 * 60 * 1000


@dataclass(frozen=True)
class Period:
    """Which messages to list, as the API asks for them: the last ``hours``, or sent on or after ``after``."""

    hours: int | None = None
    after: date | None = None


class MessageListController(QObject):
    loading_changed = Signal(bool)
    failed = Signal(str)  # what went wrong, in plain words
    unread_changed = Signal(int)
    refreshed = Signal()  # after every successful fetch
    arrived = Signal(list)  # list[Message]: new messages a refresh added (not the first load)

    def __init__(self, context: AppContext, *, sent: bool = False, refresh_ms: int = REFRESH_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.sent = sent
        self.model = MessageTableModel(sent=sent, is_opened=self.is_opened, parent=self)
        self.proxy = MessageFilterProxy(self.model, self)
        self.period = Period()
        self._readstate: ReadState | None = None
        self._generation = 0  # a fetch for an older account or period is dropped when it answers
        self._fetching: asyncio.Task[None] | None = None
        self._loading = False
        self._loaded = False
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self.refresh)
        context.sessions.active_changed.connect(self._on_active_changed)
        self._signed_in: SignedIn | None = None
        self._on_active_changed(context.sessions.active)

    # ---- the pane's API ----

    @property
    def loading(self) -> bool:
        return self._loading

    def set_visible(self, visible: bool) -> None:
        """Refresh every few minutes only while the list can be seen; catch up when it is shown again."""
        if visible:
            self._timer.start()
            self.refresh()
        else:
            self._timer.stop()

    def refresh(self) -> None:
        """Fetch what is new since the last fetch (everything the first time); nothing while a fetch is on its way."""
        if not self.loading:
            self._fetch(full=not self._loaded)

    def set_period(self, period: Period) -> None:
        if period != self.period:
            self.period = period
            self._fetch(full=True)

    def set_search(self, text: str) -> None:
        self.proxy.set_search(text)

    def is_opened(self, message_id: str) -> bool:
        return self.sent or self._readstate is None or self._readstate.is_opened(message_id)

    def mark_opened(self, message_id: str) -> None:
        state = self._readstate
        if state is None or not state.mark_opened(message_id):
            return
        self.model.opened_changed(message_id)
        self.unread_changed.emit(self.model.unread_count())
        self.context.tasks.spawn(asyncio.to_thread(state.save), name="save the inbox's read state")

    # ---- inside ----

    def _on_active_changed(self, signed_in: SignedIn | None) -> None:
        if signed_in is self._signed_in and self._loaded:
            return
        self._signed_in = signed_in
        if self._fetching is not None:
            self._fetching.cancel()
        self._generation += 1
        self._loaded = self._loading = False
        self._readstate = None
        self.model.set_messages([])
        self.unread_changed.emit(0)
        if signed_in is not None:
            self._fetch(full=True)

    def _fetch(self, *, full: bool) -> None:
        if self._signed_in is None:
            return
        if self.loading:
            if not full:
                return  # a fetch is on its way: it brings what is new
            assert self._fetching is not None
            self._generation += 1  # the fetch cancelled here must not touch the list or the loading state
            self._fetching.cancel()
        self._fetching = self.context.tasks.spawn(self._load(self._signed_in, full), name="fetch messages")
        self._loading = True
        self.loading_changed.emit(True)

    async def _load(self, signed_in: SignedIn, full: bool) -> None:
        generation = self._generation
        try:
            if not self.sent and self._readstate is None:
                self._readstate = await asyncio.to_thread(ReadState.load, self.context.paths.data_dir, signed_in.key)
            messages = await self._ask(signed_in, full)
        except ApiError as error:
            if generation == self._generation:
                self.failed.emit(f"Could not fetch your {'sent messages' if self.sent else 'inbox'}: {error}")
            return
        finally:
            if generation == self._generation:
                self._loading = False
                self.loading_changed.emit(False)
        if generation != self._generation:
            return
        if full:
            self.model.set_messages(messages)
            state = self._readstate
            if state is not None and self.period == Period() and state.keep_only(m.id for m in messages):
                # The whole inbox was listed: opened messages missing from it are gone from the server.
                self.context.tasks.spawn(asyncio.to_thread(state.save), name="save the inbox's read state")
        else:
            arrived = self.model.merge(messages)
            if arrived:
                self.arrived.emit(arrived)
        self._loaded = True
        self.unread_changed.emit(self.model.unread_count())
        self.refreshed.emit()

    async def _ask(self, signed_in: SignedIn, full: bool) -> list[Message]:
        hours, after = self.period.hours, self.period.after
        newest = None if full else self.model.newest()
        if newest is not None:
            # Only what is new: from the day before the newest message (time zones), to be sure none is missed.
            since = newest.astimezone(UTC).date() - timedelta(days=1)
            after = max(after, since) if after is not None else since
        client = signed_in.client
        if self.sent:
            return await client.sent(sent_after=after, sent_in_the_last=hours)
        return await client.inbox(sent_after=after, sent_in_the_last=hours)
