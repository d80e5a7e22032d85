"""The live transfer list against the real sandbox: a real ``TransferQueue`` and ``Uploader`` move files while
the model, its view and the controller show and steer them (menu, keys, toolbar), and the delegate paints the
pieces. A bandwidth limit keeps an upload running long enough to be caught in the act; the tests wait on
states, never on the clock."""

import asyncio
import hashlib
import itertools
import random
import uuid
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QObject, QRectF, Qt, QUrl, Slot
from PySide6.QtGui import QColor, QDesktopServices, QImage
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from pytestqt.qtbot import QtBot

from lfdesktop.api.client import LiquidFilesClient
from lfdesktop.qt import formatting
from lfdesktop.qt.transfers import (
    Column,
    SnapshotRole,
    TransferAction,
    TransferController,
    TransferIdRole,
    TransferTableModel,
    context_actions,
)
from lfdesktop.transfer.events import (
    ChecksumState,
    Direction,
    PieceState,
    TransferSnapshot,
    TransferState,
)
from lfdesktop.transfer.journal import Journal
from lfdesktop.transfer.queue import TransferQueue
from lfdesktop.transfer.upload import Uploader, UploadOptions
from lfdesktop.ui.theme import apply_theme
from lfdesktop.ui.transfers import EMPTY_TEXT, PieceProgressDelegate, TransferView, bar_layout, segment_rects
from tests.sandboxproc import ALICE, SandboxProcess

T = TypeVar("T")
KIB, MIB = 1024, 1024 * 1024
OPTIONS = UploadOptions(piece_size=MIB, block_size=64 * KIB, parallel_pieces=1)  # pieces one after the other
SLOW = 512 * KIB  # bytes per second for all transfers: a 3 MiB upload takes seconds
WAIT_MS = 30_000
Screenshot = Callable[[QWidget, str], Path]

# The offscreen platform has no window manager to pass size hints to, raise windows or grab the keyboard for a
# popup menu: what it says about that is not about the code under test.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise|grabbing)")


def run(qtbot: QtBot, work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on the session's qasync loop to its end, Qt events flowing meanwhile."""
    task = asyncio.ensure_future(work)
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    return task.result()


@dataclass
class Engine:
    """Alice's real upload machinery against the sandbox, and a folder for the files she sends."""

    sandbox: SandboxProcess
    uploader: Uploader
    folder: Path

    def write(self, stem: str, size: int, seed: int = 0) -> tuple[Path, bytes]:
        data = random.Random(seed).randbytes(size)
        path = self.folder / f"{stem} {uuid.uuid4().hex[:6]}.bin"  # unique on the shared sandbox
        path.write_bytes(data)
        return path, data

    def stored(self, attachment_id: str) -> bytes:
        return (self.sandbox.data_dir / "blobs" / attachment_id).read_bytes()


@pytest.fixture
def engine(qtbot: QtBot, sandbox: SandboxProcess, tmp_path: Path) -> Iterator[Engine]:
    client = LiquidFilesClient.connect(sandbox.url, ALICE.api_key)
    journal = run(qtbot, Journal.open(tmp_path / "journal"))
    folder = tmp_path / "files"
    folder.mkdir()
    yield Engine(sandbox, Uploader(client, account=ALICE.email, journal=journal, options=OPTIONS), folder)
    run(qtbot, journal.aclose())
    run(qtbot, client.aclose())


@dataclass
class Rig:
    """The transfer list as the app builds it: queue -> model -> controller -> view."""

    engine: Engine
    queue: TransferQueue
    model: TransferTableModel
    controller: TransferController
    view: TransferView

    def upload(self, stem: str, size: int, seed: int = 0) -> tuple[int, bytes]:
        path, data = self.engine.write(stem, size, seed)
        return self.queue.upload(self.engine.uploader, path), data

    def live(self, transfer_id: int) -> TransferSnapshot:
        """What the engine knows right now (the model shows it at its next refresh)."""
        return next(snapshot for snapshot in self.queue.snapshot() if snapshot.id == transfer_id)

    def cell(self, transfer_id: int, column: Column, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.model.row_of(transfer_id)
        assert row is not None, f"transfer {transfer_id} has no row"
        return self.model.index(row, column).data(role)

    def menu(self, transfer_id: int) -> QMenu:
        menu = self.view.menu_for(transfer_id)
        assert menu is not None
        return menu


@pytest.fixture
def rig(qtbot: QtBot, engine: Engine) -> Iterator[Rig]:
    queue = TransferQueue()
    model = TransferTableModel(queue, interval_ms=100)
    controller = TransferController(model)
    view = TransferView(controller)
    qtbot.addWidget(view)
    view.resize(1150, 240)
    view.show()
    qtbot.waitExposed(view)
    yield Rig(engine, queue, model, controller, view)
    model.stop()
    run(qtbot, queue.aclose())


def texts(menu: QMenu) -> list[str]:
    return [action.text() for action in menu.actions()]


def trigger(menu: QMenu, text: str) -> None:
    """Choose a menu entry, as a click on it does."""
    next(action for action in menu.actions() if action.text() == text).trigger()
    menu.deleteLater()


def wait_settled(qtbot: QtBot, rig: Rig, transfer_id: int) -> TransferSnapshot:
    """The row once its bytes stopped moving for three refreshes (a paused upload finishes its block)."""
    seen: list[int] = []

    def note() -> None:
        seen.append(rig.model.snapshot(transfer_id).done)  # type: ignore[union-attr]

    rig.model.refreshed.connect(note)
    qtbot.waitUntil(lambda: len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3], timeout=WAIT_MS)
    rig.model.refreshed.disconnect(note)
    snapshot = rig.model.snapshot(transfer_id)
    assert snapshot is not None
    return snapshot


def same_colour(image: QImage, x: float, y: float, colour: QColor) -> bool:
    pixel = image.pixelColor(int(x), int(y))
    return max(abs(pixel.red() - colour.red()), abs(pixel.green() - colour.green()),
               abs(pixel.blue() - colour.blue())) <= 3


def assert_verified(rig: Rig, transfer_id: int, data: bytes) -> None:
    snapshot = rig.model.snapshot(transfer_id)
    assert snapshot is not None and snapshot.result is not None
    assert rig.cell(transfer_id, Column.CHECKSUM) == "Verified"
    assert rig.cell(transfer_id, Column.CHECKSUM, Qt.ItemDataRole.ToolTipRole) == (
        f"SHA-256: {hashlib.sha256(data).hexdigest()}"
    )
    assert rig.cell(transfer_id, Column.STATE) == "Done"
    assert rig.cell(transfer_id, Column.PROGRESS, Qt.ItemDataRole.AccessibleTextRole) == "100%"
    assert rig.engine.stored(snapshot.result) == data


# ---- the model ----


def test_rows_follow_the_queue_by_id_and_only_rows_that_changed_are_announced(
    qtbot: QtBot, qtmodeltester: Any, engine: Engine
) -> None:
    queue = TransferQueue(clock=lambda: 0.0)  # time stands still: a finished row's speed cannot drift
    model = TransferTableModel(queue, interval_ms=60_000)  # refreshed by hand below
    qtmodeltester.check(model)  # stays attached: every insert, removal and change below is checked too
    inserted: list[tuple[int, int]] = []
    removed: list[tuple[int, int]] = []
    changed: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda _parent, first, last: removed.append((first, last)))
    model.dataChanged.connect(lambda top_left, bottom_right, _roles=(): changed.append(
        (top_left.row(), bottom_right.row())))
    controller = TransferController(model)
    try:
        paths = [engine.write(f"row {i}", 100 * KIB, seed=i)[0] for i in range(3)]
        ids = [queue.upload(engine.uploader, path) for path in paths]
        model.refresh()
        assert inserted == [(0, 2)]  # the three arrived between two refreshes: one insertion
        assert [model.index(row, 0).data(TransferIdRole) for row in range(3)] == ids
        assert [model.index(row, Column.NAME).data() for row in range(3)] == [path.name for path in paths]
        qtbot.waitUntil(lambda: all(s.state is TransferState.DONE for s in queue.snapshot()), timeout=WAIT_MS)
        model.refresh()
        assert [snapshot.checksum for snapshot in model.snapshots()] == [ChecksumState.VERIFIED] * 3

        changed.clear()
        model.refresh()
        assert changed == []  # nothing moved, nothing announced

        assert controller.perform(TransferAction.REMOVE, ids[1])
        assert removed == [(1, 1)]
        assert [model.index(row, 0).data(TransferIdRole) for row in range(model.rowCount())] == [ids[0], ids[2]]

        held = queue.upload(engine.uploader, engine.write("held", 100 * KIB, seed=7)[0])
        queue.pause(held)
        model.refresh()
        assert inserted[-1] == (2, 2) and model.index(2, Column.STATE).data() == "Paused"
        changed.clear()
        assert controller.perform(TransferAction.RESUME, held)
        qtbot.waitUntil(lambda: queue.snapshot()[-1].state is TransferState.DONE, timeout=WAIT_MS)
        model.refresh()
        assert model.index(2, Column.STATE).data() == "Done"
        assert changed and set(changed) == {(2, 2)}  # only the resumed row, never its finished neighbours

        controller.clear_finished()
        assert model.rowCount() == 0 and removed[-1] == (0, 2)
    finally:
        model.stop()
        run(qtbot, queue.aclose())


def test_the_cells_of_a_row_in_every_role(qtbot: QtBot, rig: Rig) -> None:
    """A transfer paused before it started: what each column shows, says and offers."""
    transfer_id, _ = rig.upload("cells", 10 * KIB)
    rig.queue.pause(transfer_id)  # before it started: it waits without taking a slot
    rig.model.refresh()
    row = rig.model.row_of(transfer_id)
    assert row == 0
    assert rig.model.headerData(Column.PROGRESS, Qt.Orientation.Horizontal) == "Progress"
    assert [rig.model.headerData(c, Qt.Orientation.Horizontal) for c in Column] == [
        "Name", "Progress", "Size", "Speed", "ETA", "Checksum", "State"]
    assert rig.cell(transfer_id, Column.STATE) == "Paused"
    assert rig.cell(transfer_id, Column.CHECKSUM) == "Pending"
    assert rig.cell(transfer_id, Column.CHECKSUM, Qt.ItemDataRole.ToolTipRole) is None  # no SHA-256 yet
    assert rig.cell(transfer_id, Column.SIZE) == ""  # not known before the upload looked at the file
    assert rig.cell(transfer_id, Column.NAME, Qt.ItemDataRole.ToolTipRole) == rig.live(transfer_id).source
    assert isinstance(rig.cell(transfer_id, Column.NAME, SnapshotRole), TransferSnapshot)
    assert rig.cell(transfer_id, Column.NAME, TransferIdRole) == transfer_id
    assert not rig.model.flags(rig.model.index(row, Column.NAME)) & Qt.ItemFlag.ItemIsEditable
    rig.controller.resume_all()
    qtbot.waitUntil(lambda: rig.cell(transfer_id, Column.STATE) == "Done", timeout=WAIT_MS)
    assert rig.cell(transfer_id, Column.SIZE) == "10.0 KB"


# ---- the menu's actions ----


def snapshot_in(state: TransferState, direction: Direction = Direction.UPLOAD, **fields: Any) -> TransferSnapshot:
    base = TransferSnapshot(
        id=1, direction=direction, name="plan.pdf", size=MIB, done=0, state=state, pieces=(), speed=0.0, eta=None,
        checksum=ChecksumState.PENDING, sha256=None, error=None, result=None, source="/home/dana/plan.pdf",
    )
    return replace(base, **fields)


A = TransferAction


@pytest.mark.parametrize(("state", "expected"), [
    (TransferState.QUEUED, [A.PAUSE, A.CANCEL, A.SHOW_IN_FOLDER]),
    (TransferState.RUNNING, [A.PAUSE, A.CANCEL, A.SHOW_IN_FOLDER]),
    (TransferState.PAUSED, [A.RESUME, A.CANCEL, A.SHOW_IN_FOLDER]),
    (TransferState.VERIFYING, [A.CANCEL, A.SHOW_IN_FOLDER]),
    (TransferState.DONE, [A.SHOW_IN_FOLDER, A.REMOVE]),
    (TransferState.FAILED, [A.RETRY, A.SHOW_IN_FOLDER, A.REMOVE]),
    (TransferState.CANCELLED, [A.RETRY, A.SHOW_IN_FOLDER, A.REMOVE]),
])
def test_context_actions_for_every_state(state: TransferState, expected: list[TransferAction]) -> None:
    assert context_actions(snapshot_in(state)) == expected
    without_place = [action for action in expected if action is not A.SHOW_IN_FOLDER]
    assert context_actions(snapshot_in(state, source=None)) == without_place


def test_show_in_folder_needs_a_place_on_this_computer_and_actions_have_labels_and_icons() -> None:
    download = snapshot_in(TransferState.RUNNING, Direction.DOWNLOAD, source=None)
    assert A.SHOW_IN_FOLDER not in context_actions(download)
    saved = replace(download, state=TransferState.DONE, result="/home/dana/Downloads/plan.pdf")
    assert context_actions(saved) == [A.SHOW_IN_FOLDER, A.REMOVE]
    assert [(action.label, action.icon_name) for action in TransferAction] == [
        ("Pause", "pause"), ("Resume", "resume"), ("Cancel", "cancel"), ("Retry", "retry"),
        ("Show in Folder", "folder"), ("Remove from List", "remove")]


# ---- steering live transfers ----


def test_pause_and_resume_from_the_context_menu_while_the_pieces_paint(
    qtbot: QtBot, rig: Rig, screenshot: Screenshot
) -> None:
    rig.queue.set_bandwidth(SLOW)
    transfer_id, data = rig.upload("Site survey", 3 * MIB)
    # Parts of the second piece across: the first one is certainly complete (pieces go one at a time).
    qtbot.waitUntil(lambda: rig.live(transfer_id).done >= MIB + MIB // 3, timeout=WAIT_MS)

    menu = rig.menu(transfer_id)
    assert texts(menu) == ["Pause", "Cancel", "Show in Folder"]
    assert texts(menu) == [action.label for action in context_actions(rig.live(transfer_id))]
    trigger(menu, "Pause")
    assert rig.live(transfer_id).state is TransferState.PAUSED
    paused = wait_settled(qtbot, rig, transfer_id)
    assert paused.state is TransferState.PAUSED
    assert MIB + MIB // 3 <= paused.done < 2 * MIB  # caught in the second piece
    assert [piece.state for piece in paused.pieces] == [PieceState.DONE, PieceState.SENDING, PieceState.WAITING]
    percent = paused.done * 100 // (3 * MIB)
    assert rig.cell(transfer_id, Column.PROGRESS, Qt.ItemDataRole.AccessibleTextRole) == f"{percent}%, piece 2 of 3"
    assert (rig.cell(transfer_id, Column.SPEED), rig.cell(transfer_id, Column.ETA)) == ("", "")
    assert rig.cell(transfer_id, Column.SIZE) == formatting.size_progress(paused.done, 3 * MIB)
    assert rig.cell(transfer_id, Column.CHECKSUM) == "Computing"
    assert rig.controller.summary() == "1 paused"

    rig.view.table.clearSelection()
    screenshot(rig.view, "paused-mid-transfer")
    assert_pieces_painted(rig, transfer_id, paused)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        apply_theme(app, "dark")
        screenshot(rig.view, "paused-mid-transfer-dark")
        assert_pieces_painted(rig, transfer_id, paused)
    finally:
        apply_theme(app, "light")

    menu = rig.menu(transfer_id)
    assert texts(menu) == ["Resume", "Cancel", "Show in Folder"]
    trigger(menu, "Resume")
    qtbot.waitUntil(lambda: rig.model.snapshot(transfer_id).done > paused.done  # type: ignore[union-attr]
                    and rig.cell(transfer_id, Column.SPEED) != "", timeout=WAIT_MS)
    assert rig.cell(transfer_id, Column.STATE) == "Uploading"
    assert rig.controller.summary().startswith("1 uploading · ")
    screenshot(rig.view, "running")
    rig.queue.set_bandwidth(None)
    # Done, not just "Verified": the checksum is marked a moment before the transfer ends with its result.
    qtbot.waitUntil(lambda: rig.cell(transfer_id, Column.STATE) == "Done", timeout=WAIT_MS)
    assert_verified(rig, transfer_id, data)
    assert rig.cell(transfer_id, Column.SIZE) == "3.0 MB"
    screenshot(rig.view, "verified")


def assert_pieces_painted(rig: Rig, transfer_id: int, snapshot: TransferSnapshot) -> None:
    """The Progress cell as painted: the first piece full, the second part-way, the third empty, with gaps."""
    table = rig.view.table
    row = rig.model.row_of(transfer_id)
    assert row is not None
    image = table.viewport().grab().toImage()
    cell = QRectF(table.visualRect(rig.model.index(row, Column.PROGRESS)))
    label = formatting.piece_text(snapshot)
    assert label == "piece 2 of 3"
    bar, _ = bar_layout(cell, table.fontMetrics(), label)
    first, second, third = segment_rects(bar, [piece.size for piece in snapshot.pieces])
    track, fill = PieceProgressDelegate.bar_colours(table.palette(), snapshot.state)
    y = bar.center().y()
    assert same_colour(image, first.center().x(), y, fill)
    assert not same_colour(image, first.right() + 1, y, fill) and not same_colour(image, first.right() + 1, y, track)
    filled_to = second.left() + second.width() * snapshot.pieces[1].done / snapshot.pieces[1].size
    if filled_to - second.left() > 4:
        assert same_colour(image, second.left() + 2, y, fill)
    if second.right() - filled_to > 4:
        assert same_colour(image, second.right() - 2, y, track)
    assert same_colour(image, third.center().x(), y, track)
    assert not same_colour(image, first.center().x(), y, track)  # fill and track tell apart in every theme


def test_space_pauses_and_resumes_delete_cancels_and_retry_completes_verified(
    qtbot: QtBot, rig: Rig, screenshot: Screenshot
) -> None:
    rig.queue.set_bandwidth(SLOW)
    transfer_id, data = rig.upload("Floor plan", 3 * MIB, seed=3)
    qtbot.waitUntil(lambda: rig.model.row_of(transfer_id) is not None
                    and rig.model.snapshot(transfer_id).done > 0, timeout=WAIT_MS)  # type: ignore[union-attr]
    table = rig.view.table
    row = rig.model.row_of(transfer_id)
    assert row is not None
    table.activateWindow()
    table.setFocus()
    table.selectRow(row)
    assert rig.view.selected_ids() == [transfer_id]

    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert rig.live(transfer_id).state is TransferState.PAUSED
    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert rig.live(transfer_id).state is TransferState.RUNNING
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: rig.cell(transfer_id, Column.STATE) == "Cancelled", timeout=WAIT_MS)
    assert rig.cell(transfer_id, Column.SPEED) == "" and rig.controller.summary() == "1 cancelled"
    assert rig.cell(transfer_id, Column.CHECKSUM) == ""  # it never got that far
    screenshot(rig.view, "cancelled")

    # A right-click on the row opens its menu (as does the keyboard's menu key, on the current row).
    table.customContextMenuRequested.emit(table.visualRect(rig.model.index(row, Column.STATE)).center())
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu) and menu.isVisible()
    assert texts(menu) == ["Retry", "Show in Folder", "Remove from List"]
    screenshot(menu, "menu")
    rig.queue.set_bandwidth(None)
    trigger(menu, "Retry")
    menu.close()
    # Done, not just "Verified": the checksum is marked a moment before the transfer ends with its result.
    qtbot.waitUntil(lambda: rig.cell(transfer_id, Column.STATE) == "Done", timeout=WAIT_MS)
    assert rig.model.row_of(transfer_id) == row and rig.model.rowCount() == 1  # retried in place
    assert_verified(rig, transfer_id, data)

    qtbot.keyClick(table, Qt.Key.Key_Delete)  # a finished transfer leaves the list
    assert rig.model.rowCount() == 0
    assert rig.view.stack.currentWidget() is rig.view.empty_label and rig.view.empty_label.text() == EMPTY_TEXT
    screenshot(rig.view, "empty")


def test_toolbar_pauses_resumes_and_clears_all_and_the_summary_follows(
    qtbot: QtBot, rig: Rig, screenshot: Screenshot
) -> None:
    summaries: list[str] = []
    rig.controller.summary_changed.connect(summaries.append)
    view = rig.view
    assert view.stack.currentWidget() is view.empty_label
    assert not view.pause_all_button.isEnabled() and not view.clear_button.isEnabled()
    assert rig.controller.summary() == "No transfers"
    screenshot(view, "empty")

    rig.queue.set_bandwidth(SLOW)
    first, first_data = rig.upload("Contract draft", 3 * MIB, seed=1)
    second, second_data = rig.upload("Photos", 2 * MIB, seed=2)
    qtbot.waitUntil(lambda: all(rig.live(i).done > 0 for i in (first, second)), timeout=WAIT_MS)
    qtbot.waitUntil(view.pause_all_button.isEnabled, timeout=WAIT_MS)
    assert view.stack.currentWidget() is view.table
    assert not view.resume_all_button.isEnabled()

    qtbot.mouseClick(view.pause_all_button, Qt.MouseButton.LeftButton)
    assert [rig.live(i).state for i in (first, second)] == [TransferState.PAUSED] * 2
    assert view.resume_all_button.isEnabled() and not view.pause_all_button.isEnabled()
    assert rig.controller.summary() == "2 paused"
    screenshot(view, "all-paused")

    qtbot.mouseClick(view.resume_all_button, Qt.MouseButton.LeftButton)
    assert [rig.live(i).state for i in (first, second)] == [TransferState.RUNNING] * 2
    qtbot.waitUntil(lambda: rig.controller.summary().startswith("2 uploading · ")
                    and rig.controller.summary().endswith(" left"), timeout=WAIT_MS)
    rig.queue.set_bandwidth(None)
    qtbot.waitUntil(lambda: rig.controller.summary() == "2 done", timeout=WAIT_MS)
    assert_verified(rig, first, first_data)
    assert_verified(rig, second, second_data)
    screenshot(view, "all-done")

    qtbot.mouseClick(view.clear_button, Qt.MouseButton.LeftButton)
    assert rig.model.rowCount() == 0 and view.stack.currentWidget() is view.empty_label
    qtbot.waitUntil(lambda: summaries[-1:] == ["No transfers"], timeout=WAIT_MS)
    assert "2 paused" in summaries and "2 done" in summaries
    assert all(before != after for before, after in itertools.pairwise(summaries))  # changes only
    for button in (view.pause_all_button, view.resume_all_button, view.clear_button):
        assert button.accessibleName() and button.toolTip()


class UrlCatcher(QObject):
    """Stands in for the file manager: what ``QDesktopServices.openUrl`` would have opened."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)


def test_show_in_folder_opens_the_folder_of_the_file(qtbot: QtBot, rig: Rig) -> None:
    transfer_id, _ = rig.upload("Minutes", 10 * KIB)
    qtbot.waitUntil(lambda: rig.cell(transfer_id, Column.STATE) == "Done", timeout=WAIT_MS)
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")  # type: ignore[arg-type]  # bytes are refused
    try:
        trigger(rig.menu(transfer_id), "Show in Folder")
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert catcher.opened == [QUrl.fromLocalFile(str(rig.engine.folder))]


def test_a_missing_or_moved_on_transfer_is_not_acted_upon(qtbot: QtBot, rig: Rig) -> None:
    transfer_id, _ = rig.upload("Budget", 10 * KIB)
    qtbot.waitUntil(lambda: rig.cell(transfer_id, Column.STATE) == "Done", timeout=WAIT_MS)
    assert not rig.controller.perform(TransferAction.PAUSE, transfer_id)  # the menu was open while it finished
    assert not rig.controller.perform(TransferAction.CANCEL, transfer_id + 1000)  # no such transfer
    assert rig.controller.perform(TransferAction.REMOVE, transfer_id)
    assert rig.view.menu_for(transfer_id) is None
