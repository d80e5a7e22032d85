"""The "Request files" dialog: ask someone to upload files to you (recipient, subject, message, expiry); the
server emails them a link, shown here with Copy so it can also be sent another way. Opened with ``open()``:
never modal to the loop."""

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lfdesktop.api.models import FileRequest
from lfdesktop.qt.context import AppContext
from lfdesktop.qt.requests import FileRequestController, RequestForm

from .fieldproblem import problem_label, show_problem
from .formfields import ExpiryEdit
from .icons import icon
from .labels import hint_label
from .recipients import is_address


class RequestFilesDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Request files")
        self.setAccessibleName("Request files")
        self.controller = FileRequestController(context, self)

        intro = hint_label("Ask someone to upload files to you: they get a link to a page where they can send them.")
        self.recipient = QLineEdit()
        self.recipient.setAccessibleName("Recipient")
        self.recipient.setPlaceholderText("name@example.com")
        self.subject = QLineEdit()
        self.subject.setAccessibleName("Subject")
        self.message = QPlainTextEdit()
        self.message.setAccessibleName("Message")
        self.message.setTabChangesFocus(True)
        self.message.setPlaceholderText("What you need from them (optional)")
        self.message.setMaximumHeight(110)
        self.expires = ExpiryEdit("Link expires on")
        self.notify = QCheckBox("Email the link to the recipient")
        self.notify.setAccessibleName("Email the link to the recipient")
        self.notify.setChecked(True)
        form = QFormLayout()
        for text, field in (("&To:", self.recipient), ("S&ubject:", self.subject), ("&Message:", self.message),
                            ("&Expires:", self.expires)):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        form.addRow("", self.notify)

        self.problem = problem_label("Request")
        self.result_url = QLineEdit()
        self.result_url.setReadOnly(True)
        self.result_url.setAccessibleName("Request link")
        self.copy_button = QPushButton(icon("copy"), "Copy")
        self.copy_button.setAccessibleName("Copy the request link")
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.result_url.text()))
        self.link_row = QWidget()
        link_layout = QHBoxLayout(self.link_row)
        link_layout.setContentsMargins(0, 0, 0, 0)
        link_layout.addWidget(QLabel("Link:"))
        link_layout.addWidget(self.result_url, 1)
        link_layout.addWidget(self.copy_button)
        self.link_row.hide()

        self.request_button = QPushButton(icon("send"), "Request files")
        self.request_button.setAccessibleName("Send the file request")
        self.request_button.setDefault(True)
        self.request_button.clicked.connect(self.submit)
        close = QPushButton("Close")
        close.setAccessibleName("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.request_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.link_row)
        layout.addLayout(buttons)
        self.resize(520, 420)

        self.controller.made.connect(self._on_made)
        self.controller.failed.connect(self._show_problem)
        self.controller.busy_changed.connect(lambda busy: self.request_button.setEnabled(not busy))
        signed_in = context.sessions.active
        if signed_in is not None:
            self.expires.set_bounds(signed_in.account.default_expiry_days, signed_in.account.max_expiry_days)
        self._show_problem("")

    def form(self) -> RequestForm:
        return RequestForm(
            recipient=self.recipient.text().strip(), subject=self.subject.text().strip(),
            message=self.message.toPlainText().strip(), expires_at=self.expires.chosen(),
            send_email=self.notify.isChecked(),
        )

    def submit(self) -> None:
        form = self.form()
        if not is_address(form.recipient):
            self._show_problem("Enter the recipient's email address." if not form.recipient else
                               f"{form.recipient} is not an email address.")
            self.recipient.setFocus()
            return
        self._show_problem("")
        self.controller.request(form)

    def _show_problem(self, text: str) -> None:
        show_problem(self.problem, text)

    def _on_made(self, made: FileRequest) -> None:
        self.result_url.setText(made.url)
        self.link_row.show()
        self.copy_button.setFocus()
