"""Fixtures of the Qt tests: one qasync loop for the whole session, the real sandbox, private app paths, an
in-memory OS keyring, and screenshots.

The loop follows what was measured here (``shared/design.md``): ONE ``qasync.QEventLoop(qapp,
already_running=True)`` for the session; tests drive widgets with ``qtbot`` and wait with
``qtbot.waitSignal`` / ``qtbot.waitUntil``, whose nested Qt loops run qasync's timers. The loop is never
stopped between tests (that would quit the QApplication and make every later wait return at once).
"""

import asyncio
import os
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

# Before any QApplication exists: no display needed, and none used even where one exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import pytest
import qasync
from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from lfdesktop.accounts.paths import AppPaths
from lfdesktop.accounts.secrets import SecretStore
from lfdesktop.accounts.settings import Settings
from lfdesktop.qt.context import AppContext, opened
from lfdesktop.qt.session import SignedIn
from lfdesktop.qt.signin import sign_in_with_key
from lfdesktop.ui.theme import apply_theme
from tests.accounts.keyrings import MemoryKeyring
from tests.fixtures import fresh_sandbox, sandbox
from tests.sandboxproc import Account, SandboxProcess

__all__ = ["fresh_sandbox", "sandbox"]  # shared with the non-Qt tests

CLOSE_SECONDS = 30
SCREENSHOTS_ENV = "LFDESKTOP_TEST_SCREENSHOTS"  # a folder that also receives every test's screenshots


@pytest.fixture(scope="session")
def qloop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    apply_theme(qapp, "light")  # as the app does before any window; screenshots show what users see
    loop = qasync.QEventLoop(qapp, already_running=True)
    # A plain thread pool for to_thread: qasync's own (QThreads) cannot be shut down while the loop "runs".
    executor = ThreadPoolExecutor(thread_name_prefix="test-offloop")
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    yield loop
    _finish_tasks(loop)
    executor.shutdown(wait=True)


@pytest.fixture(autouse=True)
def _loop_per_test(qloop: qasync.QEventLoop) -> Iterator[qasync.QEventLoop]:
    """Every test runs on the session loop; what a test left running is cancelled and finished after it."""
    yield qloop
    _finish_tasks(qloop)


def _finish_tasks(loop: asyncio.AbstractEventLoop) -> None:
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    app = QApplication.instance()
    for _ in range(2000):
        if all(task.done() for task in pending):
            return
        app.processEvents()
    raise AssertionError(f"tasks still running after the test: {pending}")


@pytest.fixture
def keyring_backend() -> Iterator[MemoryKeyring]:
    """The OS keyring, in memory: what the app stores there can be read back by the test."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def app_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppPaths:
    """Config, data, cache and downloads of the test's own (``LFDESKTOP_HOME``)."""
    monkeypatch.setenv("LFDESKTOP_HOME", str(tmp_path / "home"))
    return AppPaths.from_environment()


@pytest.fixture
def screenshot(tmp_path: Path, request: pytest.FixtureRequest) -> Callable[[QWidget, str], Path]:
    """Saves what a user would see: ``screenshot(window, "after-send")`` writes a PNG into the test's tmp
    dir (and into ``$LFDESKTOP_TEST_SCREENSHOTS`` when set) and returns its path."""

    def save(widget: QWidget, label: str) -> Path:
        QApplication.processEvents()
        name = f"{request.node.name}-{label}.png".replace("/", "_")
        path = tmp_path / name
        assert widget.grab().save(str(path)), f"could not save {path}"
        extra = os.environ.get(SCREENSHOTS_ENV)
        if extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            widget.grab().save(str(Path(extra) / name))
        return path

    return save


Run = Callable[..., Any]


@pytest.fixture
def run(qtbot: QtBot) -> Run:
    """``run(coroutine)``: its result, awaited on the session loop while Qt events flow (a test is sync)."""

    def run_to_end(work: Coroutine[Any, Any, Any], timeout: float = 30.0) -> Any:
        task = asyncio.ensure_future(work)
        qtbot.waitUntil(task.done, timeout=int(timeout * 1000))
        return task.result()

    return run_to_end


@pytest.fixture
def context(app_paths: AppPaths, keyring_backend: MemoryKeyring, run: Run) -> Iterator[AppContext]:
    """The app's parts as ``lfdesktop.app`` opens them, on private paths and an in-memory OS keyring, signed
    in to nothing yet (see ``sign_in``). Closing it twice is harmless: a fixture that must close it before its
    widgets (as the app does) can, since qtbot closes the widgets it was given before any fixture's teardown."""
    parts = opened(app_paths, Settings(), SecretStore())
    yield run(parts.__aenter__())
    run(parts.__aexit__(None, None, None))


Widget = TypeVar("Widget", bound=QWidget)


@pytest.fixture
def shown(qtbot: QtBot) -> Callable[[Widget, tuple[int, int]], Widget]:
    """``shown(SendPane(context), (1100, 720))``: on screen at that size, closed after the test."""

    def show(widget: Widget, size: tuple[int, int]) -> Widget:
        qtbot.addWidget(widget)
        widget.resize(*size)
        widget.show()
        qtbot.waitExposed(widget)
        return widget

    return show


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """The app closes its parts before its window; so do the tests. pytest-qt closes a test's widgets before
    any fixture's teardown, so the test's context is closed here, first: a pane's work cancelled later would
    signal a pane already deleted."""
    opened_context = getattr(item, "funcargs", {}).get("context")
    if isinstance(opened_context, AppContext):
        closing = asyncio.ensure_future(opened_context.aclose())
        deadline = time.monotonic() + CLOSE_SECONDS
        while not closing.done() and time.monotonic() < deadline:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        closing.result()  # not done in time: the test fails saying so
    return (yield)


@pytest.fixture
def sign_in(context: AppContext, run: Run) -> Callable[..., SignedIn]:
    """``sign_in(sandbox, ALICE)``: the context signed in as that sandbox user, as the sign-in dialog does."""

    def signed_in(server: SandboxProcess, who: Account) -> SignedIn:
        return run(sign_in_with_key(context.sessions, server.url, who.api_key))

    return signed_in
