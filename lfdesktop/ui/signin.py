"""The sign-in dialog: a server address, then an API key, an email and password, or the browser (for
two-factor accounts). It is opened with ``open()``; the checking is ``SignInController``'s, this only shows it.
"""

import itertools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lfdesktop.qt.context import AppContext
from lfdesktop.qt.session import SignedIn
from lfdesktop.qt.signin import Problem, ProblemKind, SignInController, Trust

TITLE = "Sign in to LiquidFiles"
KEY_HINT = (
    "Your API key is on your Account page in the LiquidFiles web interface (click your name at the top right, "
    "then Account)."
)
LOGIN_HINT = "Your password is used once to fetch your API key; lfdesktop never stores it."
BROWSER_HINT = (
    "For accounts with two-factor authentication. Your browser opens the server's sign-in page; once you have "
    "signed in there, the server hands lfdesktop a key and this dialog closes."
)
CA_FILTER = "Certificates (*.crt *.pem *.cer *.der);;All files (*)"


def _open_in_browser(url: str) -> bool:
    return QDesktopServices.openUrl(QUrl(url))


class Banner(QFrame):
    """A message inside the dialog (styled by the theme through ``#banner[kind=...]``)."""

    def __init__(self, kind: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setProperty("kind", kind)
        self.setAccessibleName(name)
        self.content = QVBoxLayout(self)
        self.content.setContentsMargins(10, 8, 10, 8)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.content.addWidget(self.label)
        self.hide()

    def say(self, text: str) -> None:
        self.label.setText(text)
        self.label.setAccessibleName(text)
        self.setAccessibleDescription(text)
        self.show()

    @property
    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()


class SignInDialog(QDialog):
    signed_in = Signal(object)  # SignedIn

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, server: str = "", email: str = "",
        open_url: Callable[[str], object] = _open_in_browser,
    ) -> None:
        """``server`` and ``email`` fill the fields in (signing in again after a key was refused); ``open_url``
        opens the browser sign-in page (tests pass their own)."""
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        self.setMinimumWidth(520)
        self._open_url = open_url
        self._trust: Trust | None = None  # None: what an account on that server chose, else certifi's
        self._ca_picker: QFileDialog | None = None
        self.controller = SignInController(context, self)

        title = QLabel(TITLE)
        title.setProperty("role", "title")
        self.keyring_banner = Banner("warning", "Keyring warning")
        self.server_field = self._line_edit("Server address", "files.example.com", server)
        self.ways = QTabWidget()
        self.ways.setAccessibleName("How to sign in")
        self.ways.tabBar().setAccessibleName("How to sign in")
        self.ways.addTab(self._key_page(), "API key")
        self.ways.addTab(self._password_page(email), "Email and password")
        self.ways.addTab(self._browser_page(), "Sign in with browser")
        self.problem_banner = Banner("error", "Problem")
        self.trust_row = self._trust_row()
        self.problem_banner.content.addWidget(self.trust_row)
        self.trust_label = QLabel()
        self.trust_label.setProperty("role", "hint")
        self.trust_label.setWordWrap(True)
        self.trust_label.hide()
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)  # no end known: an animated "working" bar
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumHeight(6)
        self.busy_bar.setAccessibleName("Checking with the server")
        self.busy_label = QLabel("Checking with the server…")
        self.busy_label.setProperty("role", "hint")
        busy_row = QHBoxLayout()
        busy_row.addWidget(self.busy_label)
        busy_row.addWidget(self.busy_bar, 1)
        for widget in (self.busy_label, self.busy_bar):  # their place stays: the dialog does not jump
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
        self.buttons = QDialogButtonBox()
        self.sign_in_button = self.buttons.addButton("Sign in", QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in_button.setAccessibleName("Sign in")
        self.sign_in_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.sign_in_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Server:", self.server_field)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.keyring_banner)
        layout.addLayout(form)
        layout.addWidget(self.ways)
        layout.addWidget(self.problem_banner)
        layout.addWidget(self.trust_label)
        layout.addLayout(busy_row)
        layout.addWidget(self.buttons)
        self._set_tab_order()
        self._show_busy(False)

        self.controller.busy.connect(self._show_busy)
        self.controller.failed.connect(self.show_problem)
        self.controller.done.connect(self._finish)
        self.controller.browser_opened.connect(self._show_browser_address)
        self.controller.keyring_warning.connect(self._show_keyring_warning)
        self.ways.currentChanged.connect(self._way_changed)
        if email:
            self.ways.setCurrentIndex(1)
        self._way_changed()
        first_empty = next((field for field in self._current_fields() if not field.text()), self.sign_in_button)
        first_empty.setFocus()
        self.controller.check_keyring()

    # ---- pages ----

    def _line_edit(self, name: str, placeholder: str = "", text: str = "") -> QLineEdit:
        field = QLineEdit(text)
        field.setAccessibleName(name)
        field.setPlaceholderText(placeholder)
        return field

    def _hint(self, text: str) -> QLabel:
        hint = QLabel(text)
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        return hint

    def _key_page(self) -> QWidget:
        page = QWidget()
        self.key_field = self._line_edit("API key", "Paste your API key")
        self.key_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_field.setInputMethodHints(Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText)
        self.show_key = QToolButton()
        self.show_key.setText("Show")
        self.show_key.setCheckable(True)
        self.show_key.setAccessibleName("Show the API key")
        self.show_key.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.show_key.toggled.connect(self._reveal_key)
        row = QWidget()
        row.setFocusProxy(self.key_field)  # the label's Alt+K lands in the field
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.key_field, 1)
        row_layout.addWidget(self.show_key)
        form = QFormLayout(page)
        form.addRow("API &key:", row)
        form.addRow(self._hint(KEY_HINT))
        return page

    def _password_page(self, email: str) -> QWidget:
        page = QWidget()
        self.email_field = self._line_edit("Email", "you@example.com", email)
        self.password_field = self._line_edit("Password")
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout(page)
        form.addRow("&Email:", self.email_field)
        form.addRow("&Password:", self.password_field)
        form.addRow(self._hint(LOGIN_HINT))
        return page

    def _browser_page(self) -> QWidget:
        page = QWidget()
        self.browser_status = QLabel()
        self.browser_status.setWordWrap(True)
        self.browser_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.browser_status.setOpenExternalLinks(True)
        self.browser_status.setAccessibleName("Browser sign-in status")
        self.browser_cancel = QPushButton("Stop waiting")
        self.browser_cancel.setAccessibleName("Stop waiting for the browser")
        self.browser_cancel.setAutoDefault(False)
        self.browser_cancel.clicked.connect(self.controller.cancel)
        waiting = QHBoxLayout()
        waiting.addWidget(self.browser_status, 1)
        waiting.addWidget(self.browser_cancel, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(page)
        layout.addWidget(self._hint(BROWSER_HINT))
        layout.addLayout(waiting)
        layout.addStretch(1)
        self.browser_status.hide()
        self.browser_cancel.hide()
        return page

    def _trust_row(self) -> QWidget:
        row = QWidget()
        self.trust_ca_button = QPushButton("Trust a certificate authority file…")
        self.trust_ca_button.setAccessibleName("Trust a certificate authority file")
        self.trust_ca_button.setAutoDefault(False)
        self.trust_ca_button.clicked.connect(self._choose_ca_file)
        self.system_store_button = QPushButton("Use the system's certificates")
        self.system_store_button.setAccessibleName("Use the system's certificates")
        self.system_store_button.setAutoDefault(False)
        self.system_store_button.clicked.connect(self._use_system_store)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.trust_ca_button)
        layout.addWidget(self.system_store_button)
        layout.addStretch(1)
        row.hide()
        return row

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [
            self.server_field, self.ways.tabBar(), self.key_field, self.show_key, self.email_field,
            self.password_field, self.browser_cancel, self.trust_ca_button, self.system_store_button,
            self.sign_in_button, self.cancel_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # ---- acting ----

    def submit(self) -> None:
        """Enter or the Sign in button: check with the server the way the current tab says."""
        if self.controller.running:
            return
        self.problem_banner.hide()
        self._refit()
        server = self.server_field.text()
        page = self.ways.currentIndex()
        if page == 0:
            self.controller.sign_in_with_key(server, self.key_field.text(), self._trust)
        elif page == 1:
            self.controller.sign_in_with_password(server, self.email_field.text(), self.password_field.text(),
                                                  self._trust)
        else:
            self.controller.sign_in_with_browser(server, self._open_url, self._trust)

    def show_problem_text(self, text: str) -> None:
        """A reason given by whoever opened the dialog (e.g. "the server refused the stored key")."""
        self.show_problem(Problem(text, ProblemKind.WRONG_KEY))

    def show_problem(self, problem: Problem) -> None:
        self.problem_banner.say(problem.text)
        self.trust_row.setVisible(problem.kind is ProblemKind.CERTIFICATE)
        self._refit()
        field = {
            ProblemKind.WRONG_KEY: self.key_field, ProblemKind.WRONG_LOGIN: self.password_field,
            ProblemKind.UNREACHABLE: self.server_field, ProblemKind.NOT_LIQUIDFILES: self.server_field,
        }.get(problem.kind)
        if problem.kind is ProblemKind.INPUT:
            field = next((f for f in self._current_fields() if not f.text().strip()), self.server_field)
        if field is not None and field.isVisible() and field.isEnabled():
            field.setFocus()
            field.selectAll()

    def done(self, result: int) -> None:
        """Every way of closing (signed in, Escape, Cancel, the window's close button) stops what still runs."""
        self.controller.stop()
        super().done(result)

    def _current_fields(self) -> list[QLineEdit]:
        page_fields = ([self.key_field], [self.email_field, self.password_field], [])[self.ways.currentIndex()]
        return [self.server_field, *page_fields]

    def _finish(self, signed_in: SignedIn) -> None:
        self.key_field.clear()
        self.password_field.clear()
        self.signed_in.emit(signed_in)
        self.accept()

    def _show_busy(self, busy: bool) -> None:
        inputs: tuple[QWidget, ...] = (
            self.server_field, self.ways.tabBar(), self.key_field, self.show_key, self.email_field,
            self.password_field, self.sign_in_button, self.trust_row,
        )
        for widget in inputs:
            widget.setEnabled(not busy)
        self.busy_bar.setVisible(busy)
        self.busy_label.setVisible(busy)
        browser = busy and self.ways.currentIndex() == 2
        self.browser_cancel.setVisible(browser)
        self.browser_status.setVisible(browser)
        if browser:
            self.busy_label.setText("Waiting for you to sign in with your browser…")
            self.browser_status.setText("Opening the sign-in page in your browser…")
            self.browser_cancel.setFocus()
        else:
            self.busy_label.setText("Checking with the server…")
        self._refit()

    def _show_keyring_warning(self, text: str) -> None:
        self.keyring_banner.say(text)
        self._refit()

    def _refit(self) -> None:
        """Grow (or shrink) to what is shown now, once the layout has taken in the change."""
        QTimer.singleShot(0, self.adjustSize)

    def _show_browser_address(self, url: str) -> None:
        escaped = url.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
        self.browser_status.setText(
            f'Sign in on the page that opened in your browser. If none opened, go to <a href="{escaped}">the '
            "sign-in page</a>."
        )

    def _way_changed(self) -> None:
        texts = ("Sign in", "Sign in", "Open browser")
        self.sign_in_button.setText(texts[self.ways.currentIndex()])
        self.sign_in_button.setAccessibleName(texts[self.ways.currentIndex()])

    def _reveal_key(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.key_field.setEchoMode(mode)
        self.show_key.setText("Hide" if shown else "Show")
        self.show_key.setAccessibleName("Hide the API key" if shown else "Show the API key")

    # ---- trusting a certificate ----

    def _choose_ca_file(self) -> None:
        """A non-modal file dialog: ``open()`` and ``fileSelected`` (never a static picker in async code)."""
        picker = QFileDialog(self, "Trust a certificate authority file", "", CA_FILTER)
        picker.setFileMode(QFileDialog.FileMode.ExistingFile)
        picker.setAccessibleName("Choose a certificate authority file")
        picker.fileSelected.connect(self._trust_ca_file)
        picker.finished.connect(self._picker_closed)
        self._ca_picker = picker
        picker.open()

    @property
    def ca_picker(self) -> QFileDialog | None:
        """The open certificate picker, if any (for tests and accessibility tools)."""
        return self._ca_picker

    def _picker_closed(self) -> None:
        if self._ca_picker is not None:
            self._ca_picker.deleteLater()
            self._ca_picker = None

    def _trust_ca_file(self, path: str) -> None:
        self._trust = replace(self._trust or Trust(), ca_file=Path(path).absolute())
        self._show_trust()
        self.submit()

    def _use_system_store(self) -> None:
        self._trust = replace(self._trust or Trust(), system_store=True)
        self._show_trust()
        self.submit()

    def _show_trust(self) -> None:
        trust = self._trust or Trust()
        parts = []
        if trust.ca_file is not None:
            parts.append(f"certificates signed by {trust.ca_file.name}")
        if trust.system_store:
            parts.append("the certificates this computer trusts")
        self.trust_label.setText("Trusting " + " and ".join(parts) + " for this server.")
        self.trust_label.setVisible(bool(parts))
        self._refit()
