"""The sign-in dialog against the real sandbox: typed into, clicked, and looked at.

Every way in (API key, email and password, the browser flow played by the test) ends with the key in the OS
keyring only; every failure is explained in the dialog. No screenshot may show a key.
"""

import contextlib
import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QTabBar

from lfdesktop.accounts.secrets import SERVICE
from lfdesktop.accounts.settings import account_key
from lfdesktop.qt.signin import ProblemKind
from lfdesktop.ui.signin import SignInDialog
from lfdesktop.ui.theme import apply_theme, is_dark
from tests.sandbox.test_account import read_form
from tests.sandboxproc import ACCOUNTS, ALICE, BOB, Account, SandboxProcess

DATA = Path(__file__).parents[1] / "data"
CERT = DATA / "sandbox-test.crt"
WAIT_MS = 30_000
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # the offscreen platform's
SECRETS = [account.api_key for account in ACCOUNTS] + [account.password for account in ACCOUNTS]


@pytest.fixture(autouse=True)
def _light_theme(qapp) -> Iterator[None]:
    """The app's own look in the screenshots; later tests get the system's again."""
    apply_theme(qapp, "light")
    yield
    apply_theme(qapp, "system")


@pytest.fixture
def dialogs(context, qtbot) -> Callable[..., SignInDialog]:
    """``dialogs(server=..., email=...)``: a sign-in dialog, opened as the app opens it (``open()``)."""

    def open_dialog(**kwargs: object) -> SignInDialog:
        dialog = SignInDialog(context, **kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(dialog)  # closed after the test
        dialog.open()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        return dialog

    return open_dialog


@pytest.fixture
def shot(screenshot) -> Callable[[SignInDialog, str], Path]:
    """A screenshot, after checking that nothing in the dialog shows a key or a password."""

    def take(dialog: SignInDialog, label: str) -> Path:
        assert dialog.key_field.echoMode() == QLineEdit.EchoMode.Password
        assert dialog.password_field.echoMode() == QLineEdit.EchoMode.Password
        shown = [label.text() for label in dialog.findChildren(QLabel)]
        shown += [field.displayText() for field in dialog.findChildren(QLineEdit)]
        for secret in SECRETS:
            assert not any(secret in text for text in shown), "a secret is on screen"
        return screenshot(dialog, label)

    return take


def type_into(qtbot, field: QLineEdit, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


def sign_in(qtbot, dialog: SignInDialog) -> object:
    """Click "Sign in"; the ``SignedIn`` the dialog announced."""
    with qtbot.waitSignal(dialog.signed_in, timeout=WAIT_MS) as signed:
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    return signed.args[0]


def fail_to_sign_in(qtbot, dialog: SignInDialog) -> object:
    """Click "Sign in"; the ``Problem`` the dialog shows."""
    with qtbot.waitSignal(dialog.controller.failed, timeout=WAIT_MS) as failed:
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    problem = failed.args[0]
    assert dialog.problem_banner.text == problem.text
    assert dialog.sign_in_button.isEnabled() and dialog.server_field.isEnabled()
    return problem


def assert_stored(context, keyring_backend, server: SandboxProcess, who: Account) -> dict[str, object]:
    """The key is in the OS keyring and nowhere else; the account in the settings, active. Its settings."""
    key = account_key(server.url, who.email)
    assert keyring_backend.entries == {(SERVICE, key): who.api_key}
    saved = context.paths.settings_file.read_text()
    assert who.api_key not in saved and who.password not in saved
    settings = json.loads(saved)
    assert settings["active_account"] == key
    active = context.sessions.active
    assert active is not None and active.account.email == who.email and active.settings.server_url == server.url
    return next(account for account in settings["accounts"] if account["email"] == who.email)


# ---- signing in ----


def test_signing_in_with_an_api_key(dialogs, context, sandbox, keyring_backend, qtbot, shot) -> None:
    dialog = dialogs()
    assert dialog.windowTitle() == "Sign in to LiquidFiles"
    assert dialog.server_field.placeholderText() == "files.example.com"
    assert dialog.ways.tabText(dialog.ways.currentIndex()) == "API key"
    type_into(qtbot, dialog.server_field, sandbox.url)
    type_into(qtbot, dialog.key_field, ALICE.api_key)
    qtbot.mouseClick(dialog.show_key, Qt.MouseButton.LeftButton)
    assert dialog.key_field.echoMode() == QLineEdit.EchoMode.Normal  # the show toggle works...
    qtbot.mouseClick(dialog.show_key, Qt.MouseButton.LeftButton)
    shot(dialog, "typed")  # ...and is off again for the screenshot
    busy: list[bool] = []
    dialog.controller.busy.connect(busy.append)

    with qtbot.waitSignal(dialog.signed_in, timeout=WAIT_MS) as signed:
        qtbot.keyClick(dialog.key_field, Qt.Key.Key_Return)  # Enter submits

    assert busy == [True, False]
    assert signed.args[0] is context.sessions.active
    stored = assert_stored(context, keyring_backend, sandbox, ALICE)
    assert stored["ca_file"] is None and stored["system_trust_store"] is False
    assert not dialog.isVisible() and dialog.key_field.text() == ""


def test_signing_in_with_email_and_password(dialogs, context, sandbox, keyring_backend, qtbot, shot) -> None:
    dialog = dialogs()
    type_into(qtbot, dialog.server_field, sandbox.url)
    qtbot.mouseClick(dialog.ways.tabBar(), Qt.MouseButton.LeftButton,
                     pos=dialog.ways.tabBar().tabRect(1).center())
    assert dialog.ways.currentIndex() == 1
    type_into(qtbot, dialog.email_field, BOB.email.upper())  # the server's spelling is the one kept
    type_into(qtbot, dialog.password_field, BOB.password)
    shot(dialog, "typed")

    sign_in(qtbot, dialog)

    assert_stored(context, keyring_backend, sandbox, BOB)


def test_signing_in_again_starts_with_the_server_and_email_filled_in(
    dialogs, context, sandbox, keyring_backend, qtbot, shot
) -> None:
    host = urlsplit(sandbox.url)
    dialog = dialogs(server=f"{host.hostname}:{host.port}", email=ALICE.email)
    assert dialog.ways.currentIndex() == 1 and dialog.email_field.text() == ALICE.email
    assert dialog.password_field.hasFocus()  # the one field left to fill in
    dialog.show_problem_text("The server refused the stored API key: sign in again.")
    type_into(qtbot, dialog.server_field, sandbox.url)  # this sandbox speaks http; no scheme would mean https
    type_into(qtbot, dialog.password_field, ALICE.password)
    shot(dialog, "again")

    sign_in(qtbot, dialog)

    assert_stored(context, keyring_backend, sandbox, ALICE)


class PlayedBrowser:
    """The user's browser, played by the test: it opens the sign-in page the app asks for and submits the
    server's form with the user's email and password (in a thread: the app's loop must keep running)."""

    def __init__(self, who: Account, on_open: Callable[[], None] = lambda: None) -> None:
        self.who = who
        self.on_open = on_open
        self.opened: list[str] = []
        self.answers: list[httpx.Response] = []
        self.errors: list[BaseException] = []
        self._threads: list[threading.Thread] = []

    def __call__(self, url: str) -> None:
        self.opened.append(url)
        self.on_open()
        thread = threading.Thread(target=self._sign_in, args=(url,), name="played-browser")
        thread.start()
        self._threads.append(thread)

    def _sign_in(self, url: str) -> None:
        try:
            with httpx.Client(headers={"Accept": "text/html"}, timeout=30.0) as browser:
                page = browser.get(url)
                form = read_form(page.text)
                fields = {**form.inputs, "email": self.who.email, "password": self.who.password}
                self.answers.append(browser.post(urljoin(url, form.action), data=fields))
        except BaseException as error:
            self.errors.append(error)

    def join(self) -> None:
        for thread in self._threads:
            thread.join(30)
        assert not self.errors, self.errors


def test_signing_in_with_the_browser(dialogs, context, sandbox, keyring_backend, qtbot, shot) -> None:
    dialog: SignInDialog | None = None

    def while_waiting() -> None:
        assert dialog is not None and dialog.browser_cancel.isVisible() and not dialog.sign_in_button.isEnabled()
        shot(dialog, "waiting")

    browser = PlayedBrowser(ALICE, while_waiting)
    dialog = dialogs(open_url=browser)
    type_into(qtbot, dialog.server_field, sandbox.url)
    dialog.ways.setCurrentIndex(2)
    assert dialog.sign_in_button.text() == "Open browser"
    shot(dialog, "before")

    sign_in(qtbot, dialog)
    browser.join()

    [opened] = browser.opened
    assert opened.startswith(f"{sandbox.url}/session/api?agent_port=") and "agent_name=lfdesktop" in opened
    [answer] = browser.answers
    assert answer.status_code == 200 and "You are signed in" in answer.text
    assert_stored(context, keyring_backend, sandbox, ALICE)


def test_waiting_for_the_browser_can_be_cancelled(dialogs, context, sandbox, keyring_backend, qtbot, shot) -> None:
    opened: list[str] = []
    dialog = dialogs(open_url=opened.append)  # a browser whose user never signs in
    type_into(qtbot, dialog.server_field, sandbox.url)
    dialog.ways.setCurrentIndex(2)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened), timeout=WAIT_MS)
    assert "sign-in page" in dialog.browser_status.text()
    shot(dialog, "waiting")
    port = int(opened[0].split("agent_port=")[1].split("&")[0])

    with qtbot.waitSignal(dialog.controller.busy, timeout=WAIT_MS) as busy:
        qtbot.mouseClick(dialog.browser_cancel, Qt.MouseButton.LeftButton)

    assert busy.args == [False] and dialog.isVisible() and dialog.sign_in_button.isEnabled()
    assert not dialog.browser_cancel.isVisible()
    qtbot.waitUntil(lambda: not _listening(port), timeout=WAIT_MS)  # the listener closed: no key can arrive
    assert keyring_backend.entries == {} and context.sessions.active is None


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


# ---- failures, in plain words ----


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_an_unreachable_server_is_named(dialogs, context, keyring_backend, qtbot, shot) -> None:
    dialog = dialogs()
    type_into(qtbot, dialog.server_field, f"http://127.0.0.1:{_closed_port()}")
    type_into(qtbot, dialog.key_field, ALICE.api_key)

    problem = fail_to_sign_in(qtbot, dialog)

    assert problem.kind is ProblemKind.UNREACHABLE
    assert problem.text.startswith("Server not reachable: 127.0.0.1 refused the connection.")
    assert dialog.server_field.hasFocus()
    shot(dialog, "refused")
    assert keyring_backend.entries == {} and not context.paths.settings_file.exists()


def test_a_name_that_does_not_exist_is_said_so(dialogs, qtbot, shot) -> None:
    dialog = dialogs()
    type_into(qtbot, dialog.server_field, "no-such-server.invalid")  # .invalid never resolves (RFC 2606)
    type_into(qtbot, dialog.key_field, ALICE.api_key)

    problem = fail_to_sign_in(qtbot, dialog)

    assert problem.kind is ProblemKind.UNREACHABLE
    assert "the name no-such-server.invalid was not found" in problem.text
    shot(dialog, "no-such-name")


def test_a_wrong_key_is_refused_without_showing_it(dialogs, context, sandbox, keyring_backend, qtbot, shot) -> None:
    dialog = dialogs()
    wrong = "WrongKey00000000000000"
    type_into(qtbot, dialog.server_field, sandbox.url)
    type_into(qtbot, dialog.key_field, wrong)

    problem = fail_to_sign_in(qtbot, dialog)

    assert problem.kind is ProblemKind.WRONG_KEY and "did not accept this API key" in problem.text
    assert wrong not in problem.text
    assert dialog.key_field.hasFocus() and dialog.key_field.selectedText() == wrong  # ready to paste over
    shot(dialog, "refused")
    assert keyring_backend.entries == {} and context.sessions.active is None


def test_a_wrong_password_shows_the_servers_words(dialogs, context, sandbox, keyring_backend, qtbot, shot) -> None:
    dialog = dialogs(email=ALICE.email)
    type_into(qtbot, dialog.server_field, sandbox.url)
    type_into(qtbot, dialog.password_field, "not-the-password")

    problem = fail_to_sign_in(qtbot, dialog)

    assert problem.kind is ProblemKind.WRONG_LOGIN
    assert problem.text.startswith("Invalid email or password.")  # the sandbox's 422 message
    assert "Sign in with browser" in problem.text
    assert "not-the-password" not in problem.text and dialog.password_field.hasFocus()
    shot(dialog, "refused")
    assert keyring_backend.entries == {}


def test_an_empty_field_is_pointed_at_before_asking_the_server(dialogs, sandbox, qtbot, shot) -> None:
    dialog = dialogs()
    type_into(qtbot, dialog.server_field, sandbox.url)

    problem = fail_to_sign_in(qtbot, dialog)

    assert problem.kind is ProblemKind.INPUT and problem.text == "Paste your API key."
    assert dialog.key_field.hasFocus()
    shot(dialog, "empty-key")


@pytest.fixture
def tls_sandbox(fresh_sandbox: Callable[..., SandboxProcess]) -> SandboxProcess:
    process = fresh_sandbox("--tls-cert", str(CERT), "--tls-key", str(DATA / "sandbox-test.key"))
    assert process.url.startswith("https://")
    return process


def choose_file(qtbot, dialog: SignInDialog, path: Path) -> None:
    """Click "Trust a certificate authority file..." and pick ``path`` in the (non-modal) file dialog."""
    qtbot.mouseClick(dialog.trust_ca_button, Qt.MouseButton.LeftButton)
    picker = dialog.ca_picker
    assert picker is not None and picker.isVisible()
    picker.selectFile(str(path))
    picker.accept()


def test_an_untrusted_certificate_can_be_trusted_with_its_ca_file(
    dialogs, context, tls_sandbox, keyring_backend, qtbot, shot
) -> None:
    dialog = dialogs()
    type_into(qtbot, dialog.server_field, tls_sandbox.url.removeprefix("https://"))  # https assumed
    type_into(qtbot, dialog.key_field, ALICE.api_key)

    problem = fail_to_sign_in(qtbot, dialog)

    assert problem.kind is ProblemKind.CERTIFICATE
    assert problem.text.startswith("The certificate of 127.0.0.1 is not trusted: self-signed certificate")
    assert dialog.trust_ca_button.isVisible() and dialog.system_store_button.isVisible()
    shot(dialog, "untrusted")

    with qtbot.waitSignal(dialog.signed_in, timeout=WAIT_MS):
        choose_file(qtbot, dialog, CERT)  # choosing the file tries again at once

    stored = assert_stored(context, keyring_backend, tls_sandbox, ALICE)
    assert stored["ca_file"] == str(CERT.absolute()) and stored["system_trust_store"] is False
    assert context.sessions.active is not None and context.sessions.active.settings.ca_file == CERT.absolute()


def test_a_file_that_is_no_certificate_and_the_systems_store_are_explained(
    dialogs, context, tls_sandbox, keyring_backend, qtbot, shot
) -> None:
    dialog = dialogs()
    type_into(qtbot, dialog.server_field, tls_sandbox.url)
    type_into(qtbot, dialog.key_field, ALICE.api_key)
    fail_to_sign_in(qtbot, dialog)

    with qtbot.waitSignal(dialog.controller.failed, timeout=WAIT_MS) as failed:
        qtbot.mouseClick(dialog.system_store_button, Qt.MouseButton.LeftButton)  # tries again at once
    assert failed.args[0].kind is ProblemKind.CERTIFICATE  # this computer does not trust the test CA either
    assert "not trusted" in dialog.problem_banner.text
    assert dialog.trust_label.text() == "Trusting the certificates this computer trusts for this server."
    shot(dialog, "system-store")

    with qtbot.waitSignal(dialog.controller.failed, timeout=WAIT_MS) as failed:
        choose_file(qtbot, dialog, DATA / "README.md")
    assert failed.args[0].kind is ProblemKind.CERTIFICATE
    said = dialog.problem_banner.text
    assert "README.md could not be used as a certificate authority file (it holds no certificate)" in said
    assert dialog.trust_ca_button.isVisible()  # the user can choose again
    shot(dialog, "not-a-certificate")
    assert keyring_backend.entries == {} and context.sessions.active is None


class HtmlServer:
    """Something that is not LiquidFiles: a web server answering every request with a page."""

    def __init__(self) -> None:
        class Page(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = b"<!DOCTYPE html><html><body><h1>Welcome to our intranet</h1></body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def test_a_server_that_is_not_liquidfiles_is_said_so(dialogs, keyring_backend, qtbot, shot) -> None:
    intranet = HtmlServer()
    try:
        dialog = dialogs()
        type_into(qtbot, dialog.server_field, intranet.url)
        type_into(qtbot, dialog.key_field, ALICE.api_key)
        problem = fail_to_sign_in(qtbot, dialog)
    finally:
        intranet.close()

    assert problem.kind is ProblemKind.NOT_LIQUIDFILES
    assert problem.text.startswith("127.0.0.1 answered, but not as a LiquidFiles server does.")
    shot(dialog, "not-liquidfiles")
    assert keyring_backend.entries == {}


def test_without_an_os_keyring_a_warning_shows_and_signing_in_still_works(
    dialogs, context, sandbox, keyring_backend, qtbot, shot
) -> None:
    keyring.set_keyring(fail.Keyring())  # the keyring_backend fixture puts the previous one back
    dialog = dialogs()
    qtbot.waitUntil(lambda: dialog.keyring_banner.isVisible(), timeout=WAIT_MS)
    assert "the key will not be remembered" in dialog.keyring_banner.text
    type_into(qtbot, dialog.server_field, sandbox.url)
    type_into(qtbot, dialog.key_field, ALICE.api_key)
    shot(dialog, "no-keyring")

    signed_in = sign_in(qtbot, dialog)

    assert signed_in is context.sessions.active and keyring_backend.entries == {}
    assert ALICE.api_key not in context.paths.settings_file.read_text()


class SilentServer:
    """Takes connections and never answers."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._take, daemon=True)
        self.thread.start()

    def _take(self) -> None:
        with contextlib.suppress(OSError):  # the listener closed
            while True:
                self.connections.append(self.listener.accept()[0])

    def close(self) -> None:
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.thread.join(10)
        for connection in self.connections:
            connection.close()


def test_escape_stops_a_check_that_hangs_and_closes(dialogs, context, keyring_backend, qtbot, shot) -> None:
    silent = SilentServer()
    try:
        dialog = dialogs()
        type_into(qtbot, dialog.server_field, silent.url)
        type_into(qtbot, dialog.key_field, ALICE.api_key)
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(silent.connections), timeout=WAIT_MS)  # the request is out: it hangs
        assert dialog.controller.running and not dialog.server_field.isEnabled() and dialog.busy_bar.isVisible()
        shot(dialog, "checking")

        with qtbot.waitSignal(dialog.rejected, timeout=WAIT_MS):
            qtbot.keyClick(dialog.key_field, Qt.Key.Key_Escape)
    finally:
        silent.close()

    assert not dialog.isVisible() and not dialog.controller.running
    assert keyring_backend.entries == {} and context.sessions.active is None


def test_every_control_is_named_and_the_tab_order_follows_the_form(dialogs, qtbot) -> None:
    dialog = dialogs()
    controls = dialog.findChildren(QLineEdit) + dialog.findChildren(QAbstractButton) + dialog.findChildren(QTabBar)
    unnamed = [type(control).__name__ for control in controls if not control.accessibleName()]
    assert not unnamed
    dialog.server_field.setFocus()
    tab_stops = [dialog.focusWidget()]
    for _ in range(5):
        qtbot.keyClick(tab_stops[-1], Qt.Key.Key_Tab)
        tab_stops.append(dialog.focusWidget())
    assert tab_stops == [
        dialog.server_field, dialog.ways.tabBar(), dialog.key_field, dialog.show_key, dialog.sign_in_button,
        dialog.cancel_button,
    ]


def test_the_dialog_in_the_dark_theme(dialogs, qapp, tls_sandbox, qtbot, shot) -> None:
    keyring.set_keyring(fail.Keyring())
    apply_theme(qapp, "dark")
    assert is_dark()
    dialog = dialogs()
    qtbot.waitUntil(lambda: dialog.keyring_banner.isVisible(), timeout=WAIT_MS)
    type_into(qtbot, dialog.server_field, tls_sandbox.url)
    type_into(qtbot, dialog.key_field, ALICE.api_key)
    assert fail_to_sign_in(qtbot, dialog).kind is ProblemKind.CERTIFICATE
    shot(dialog, "dark")
