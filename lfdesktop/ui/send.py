"""The Send pane: drop files and folders (their uploads start at once), write the message beside them, and send
it once every file is uploaded and verified; the result is shown with its link."""

import html
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lfdesktop.accounts.drafts import Draft, DraftFile
from lfdesktop.api.models import Attachment, Message
from lfdesktop.qt.compose import Compose, SendController
from lfdesktop.qt.context import AppContext
from lfdesktop.qt.drafts import DraftKeeper
from lfdesktop.qt.session import SignedIn
from lfdesktop.qt.staged_model import RowAction, StagedFilesModel
from lfdesktop.transfer.events import TransferState

from .dropzone import DropZone
from .formfields import ExpiryEdit
from .icons import icon
from .labels import hint_label, title_label
from .layouts import split
from .notices import Notices
from .recipients import RecipientsField
from .requests import RequestFilesDialog
from .staged import StagedList, limits_text, problems_text

# The five download permissions of a message (API: authorization 0-4), in words, with what each means.
AUTHORIZATION_LEVELS = (
    (0, "Anyone with the link", "Anyone who has the message's link can download its files, without signing in."),
    (1, "Anyone who signs in", "Anyone with the link can download after signing in to this server."),
    (2, "Recipients and users of this server", "The recipients, and anyone with an account on this server."),
    (3, "Only the recipients", "Only the people the message is sent to (To, CC and BCC)."),
    (4, "Recipients and their organisations",
     "The recipients, and anyone with an email address at the same domains as theirs."),
)
DEFAULT_AUTHORIZATION = 3  # what LiquidFiles servers use unless configured otherwise


class SentResult(QFrame):
    """The last message sent: to whom, its link, and Copy / Open buttons; it stays until dismissed or replaced."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setProperty("kind", "info")
        self.setAccessibleName("Message sent")
        self.url = ""
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.label.setOpenExternalLinks(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        layout.addWidget(self.label, 1)
        self.buttons: dict[str, QPushButton] = {}
        for text, icon_name, slot in (("Copy link", "copy", self.copy), ("Open link", "open-external", self.open),
                                      ("Dismiss", None, self.hide)):
            button = QPushButton(icon(icon_name), text) if icon_name else QPushButton(text)
            button.setAccessibleName(text if icon_name else "Dismiss the sent message")
            button.clicked.connect(slot)
            layout.addWidget(button)
            self.buttons[text] = button
        self.hide()

    def show_message(self, message: Message) -> None:
        self.url = message.url
        everyone = (*message.recipients, *message.ccs, *message.bccs)
        to = everyone[0] if len(everyone) == 1 else f"{len(everyone)} recipients"
        link = html.escape(self.url)
        self.label.setText(f'Message sent to {html.escape(to)}: <a href="{link}">{link}</a>')
        self.label.setAccessibleName(f"Sent to {to}: {self.url}")
        self.show()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.url)

    def open(self) -> None:
        QDesktopServices.openUrl(QUrl(self.url))


class SendPane(QWidget):
    title = "Send"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.controller = SendController(context, self)
        self.model = StagedFilesModel(self.controller.staged, parent=self)

        heading = title_label("Send files")
        self.account_hint = hint_label(name="Account limits")
        self.notices = Notices()
        self.result = SentResult()

        self.drop_zone = DropZone()
        self.drop_zone.paths_dropped.connect(self.add_files)
        self.drop_zone.take_drops_on(self)
        self.files = StagedList(self.model)
        self.files.action_requested.connect(self._on_row_action)
        files_column = QWidget()
        files_layout = QVBoxLayout(files_column)
        files_layout.setContentsMargins(0, 0, 0, 0)
        files_layout.addWidget(self.drop_zone, 2)
        files_layout.addWidget(self.files, 3)

        self.body = split(Qt.Orientation.Horizontal, (files_column, 1), (self._build_form(), 1))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(self.account_hint)
        layout.addWidget(self.notices)
        layout.addWidget(self.result)
        layout.addWidget(self.body, 1)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.send)

        controller = self.controller
        controller.staged_changed.connect(self._update_send)
        controller.staged.progressed.connect(self._update_send)
        controller.ready_changed.connect(self._update_send)
        controller.sending_changed.connect(self._update_send)
        controller.sent.connect(self._on_sent)
        controller.failed.connect(self._on_failed)
        controller.staged.refused.connect(self._on_refused)
        controller.staged_changed.connect(self._show_files)
        for field in (self.to, self.cc, self.bcc):
            field.changed.connect(self._update_send)
        context.sessions.active_changed.connect(self._on_active_changed)
        context.sessions.settings_changed.connect(self._on_settings_changed)
        self.drafts = DraftKeeper(context, self.draft, self)
        self.drafts.restored.connect(self._restore_draft)
        for edited in (self.to.edit.textChanged, self.cc.edit.textChanged, self.bcc.edit.textChanged,
                       self.subject.textChanged, self.message.textChanged, controller.staged_changed,
                       controller.staged.progressed):
            edited.connect(self.drafts.changed)
        self._on_settings_changed()
        self._on_active_changed(context.sessions.active)
        self._show_files()

    # ---- the pane API ----

    def add_files(self, paths: list[Path]) -> None:
        """Stage files and folders, as a drop does; their uploads start at once."""
        self.controller.add_files(paths)

    def add_attachments(self, attachments: list[Attachment]) -> None:
        """Stage files already on the server (the Files pane's "Attach to a new message"), without uploading."""
        self.controller.add_attachments(attachments)

    def send(self) -> None:
        if self.send_button.isEnabled():
            self.controller.send(self.compose())

    def open_request_dialog(self) -> RequestFilesDialog:
        """The "Request files" dialog, opened window-modal (never ``exec()``)."""
        dialog = RequestFilesDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def draft(self) -> Draft:
        """What is typed and staged, kept across restarts (``qt.drafts``)."""
        files = tuple(DraftFile(str(item.file.path), item.file.name, item.file.size, item.attachment_id)
                      for item in self.controller.staged.items if item.state is not TransferState.CANCELLED)
        return Draft(self.to.edit.text(), self.cc.edit.text(), self.bcc.edit.text(), self.subject.text(),
                     self.message.toPlainText(), files)

    def _restore_draft(self, draft: Draft) -> None:
        self.to.edit.setText(draft.to)
        self.cc.edit.setText(draft.cc)
        self.bcc.edit.setText(draft.bcc)
        self._show_copies(False)  # shown when the draft has copies
        self.subject.setText(draft.subject)
        self.message.setPlainText(draft.message)
        self.context.tasks.spawn(self.controller.staged.restore(draft.files), name="restore the draft's files")
        self.notices.show_notice("Your unsent message is back as you left it.", "info")

    def compose(self) -> Compose:
        return Compose(
            recipients=tuple(self.to.addresses()), cc=tuple(self.cc.addresses()), bcc=tuple(self.bcc.addresses()),
            subject=self.subject.text().strip(), message=self.message.toPlainText().strip(),
            expires_at=self.expires.chosen(), authorization=self.permission.currentData(),
            private_message=self.private.isChecked(), send_email=self.notify.isChecked(),
            bcc_myself=self.bcc_myself.isChecked(),
        )

    # ---- building ----

    def _build_form(self) -> QWidget:
        self.to = RecipientsField("To")
        self.cc = RecipientsField("CC")
        self.bcc = RecipientsField("BCC")
        self.subject = QLineEdit()
        self.subject.setAccessibleName("Subject")
        self.message = QPlainTextEdit()
        self.message.setAccessibleName("Message")
        self.message.setPlaceholderText("A few words for the recipients (optional)")
        self.message.setTabChangesFocus(True)
        self.message.setMinimumHeight(70)
        self.expires = ExpiryEdit("Expires on")
        self.permission = QComboBox()
        self.permission.setAccessibleName("Who can download")
        for level, words, meaning in AUTHORIZATION_LEVELS:
            self.permission.addItem(words, level)
            self.permission.setItemData(self.permission.count() - 1, meaning, Qt.ItemDataRole.ToolTipRole)
        self.permission.setCurrentIndex(self.permission.findData(DEFAULT_AUTHORIZATION))
        self.permission.currentIndexChanged.connect(
            lambda: self.permission.setToolTip(self.permission.currentData(Qt.ItemDataRole.ToolTipRole))
        )
        self.permission.setToolTip(self.permission.currentData(Qt.ItemDataRole.ToolTipRole))
        self.notify = self._checkbox("Email the recipients", True,
                                     "The server emails each recipient a link to the message.")
        self.private = self._checkbox("Private message", False,
                                      "Only the recipients can read the message text, even where others may "
                                      "download the files.")
        self.bcc_myself = self._checkbox("BCC myself", False, "You get a copy of the email the recipients get.")
        self.send_button = QPushButton(icon("send"), "Send")
        self.send_button.setAccessibleName("Send message")
        self.send_button.setToolTip("Send the message (Ctrl+Return)")
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send)
        self.send_hint = QLabel()
        self.send_hint.setProperty("role", "hint")
        self.send_hint.setWordWrap(True)
        self.send_hint.setAccessibleName("Why sending waits")

        # CC and BCC are a click away, as in mail programs: the form stays short enough to show Send.
        self.copies_button = QToolButton()
        self.copies_button.setText("CC/BCC")
        self.copies_button.setCheckable(True)
        self.copies_button.setAccessibleName("Show CC and BCC")
        self.copies_button.setToolTip("Send copies (CC) or blind copies (BCC)")
        self.copies_button.toggled.connect(self._show_copies)
        to_row = QHBoxLayout()
        to_row.setContentsMargins(0, 0, 0, 0)
        to_row.addWidget(self.to, 1)
        to_row.addWidget(self.copies_button, 0, Qt.AlignmentFlag.AlignTop)

        self.form = form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, field in (("&To:", to_row), ("&CC:", self.cc), ("&BCC:", self.bcc), ("S&ubject:", self.subject),
                            ("&Message:", self.message), ("&Expires:", self.expires),
                            ("&Who can download:", self.permission)):
            label = QLabel(text)
            buddy = field if isinstance(field, QWidget) else self.to
            label.setBuddy(buddy.edit if isinstance(buddy, RecipientsField) else buddy)
            form.addRow(label, field)
        self._show_copies(False)
        options = QVBoxLayout()
        options.setSpacing(2)
        for box in (self.notify, self.private, self.bcc_myself):
            options.addWidget(box)
        form.addRow("", options)
        self.request_button = QPushButton("Request files...")
        self.request_button.setAccessibleName("Request files from someone")
        self.request_button.setToolTip("Ask someone to upload files to you")
        self.request_button.clicked.connect(self.open_request_dialog)
        actions = QHBoxLayout()
        actions.addWidget(self.request_button)
        actions.addWidget(self.send_hint, 1)
        actions.addWidget(self.send_button)

        inside = QWidget()
        fields = QVBoxLayout(inside)
        fields.setContentsMargins(0, 0, 4, 0)
        fields.addLayout(form)
        scroll = QScrollArea()  # only when the window is very short; Send stays in view below it
        scroll.setWidget(inside)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        column = QWidget()
        column.setMinimumWidth(360)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(12, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addLayout(actions)
        return column

    def _show_copies(self, shown: bool) -> None:
        shown = shown or bool(self.cc.edit.text() or self.bcc.edit.text())  # never hide addresses given
        for field in (self.cc, self.bcc):
            self.form.setRowVisible(field, shown)
        if self.copies_button.isChecked() != shown:
            self.copies_button.setChecked(shown)

    @staticmethod
    def _checkbox(text: str, checked: bool, tip: str) -> QCheckBox:
        box = QCheckBox(text)
        box.setChecked(checked)
        box.setToolTip(tip)
        box.setAccessibleName(text)
        box.setAccessibleDescription(tip)
        return box

    # ---- keeping up ----

    def _on_active_changed(self, signed_in: SignedIn | None) -> None:
        allowed = signed_in is not None and signed_in.account.messages_allowed
        self.body.setEnabled(allowed)
        if signed_in is None:
            self.account_hint.setText("Sign in to an account to send files.")
        elif not signed_in.account.messages_allowed:
            self.account_hint.setText(f"{signed_in.account.email} may not send messages on this server.")
        else:
            account = signed_in.account
            self.account_hint.setText(limits_text(account))
            self.expires.set_bounds(account.default_expiry_days, account.max_expiry_days)
        self._update_send()

    def _on_settings_changed(self) -> None:
        """Earlier recipients (remembered after each send) offered while typing an address."""
        for field in (self.to, self.cc, self.bcc):
            field.set_known(self.context.sessions.settings.recent_recipients)

    def _show_files(self) -> None:
        self.files.setVisible(bool(self.controller.staged.items))

    def _why_not(self) -> str | None:
        """Why Send cannot be pressed now, in a few words (None: it can)."""
        controller = self.controller
        items = controller.staged.items
        stuck = sum(1 for item in items if item.state in (TransferState.FAILED, TransferState.CANCELLED))
        if controller.staged.signed_in is None:
            return "Sign in to send."
        if controller.sending:
            return "Sending..."
        if not items:
            return "Add the files to send."
        if stuck:
            files = f"{stuck} files" if stuck > 1 else "1 file"
            return f"{files} did not upload: remove or retry (in the transfer list) before sending."
        if controller.waiting_for:
            waiting = controller.waiting_for
            return f"Waiting for {waiting} file{'s' if waiting > 1 else ''} to upload and be verified."
        wrong = [field.name for field in (self.to, self.cc, self.bcc) if field.invalid()]
        if wrong:
            return f"Correct the addresses in {' and '.join(wrong)}."
        if not (self.to.addresses() or self.cc.addresses() or self.bcc.addresses()):
            return "Add a recipient."
        return None

    def _update_send(self) -> None:
        sending = self.controller.sending
        self.files.setEnabled(not sending)  # the files going out stay as they are until the server answered
        reason = self._why_not()
        self.send_button.setEnabled(reason is None)
        self.send_hint.setText(reason or "Ready to send.")

    def _on_row_action(self, action: RowAction, transfer_id: int) -> None:
        if action is RowAction.REMOVE:
            self.controller.remove(transfer_id)

    def _on_refused(self, problems: list[str]) -> None:
        self.notices.show_notice(problems_text(problems, "Some files were not added:"), "warning")

    def _on_failed(self, reason: str) -> None:
        self.notices.show_notice(f"The message was not sent: {reason}", "error")

    def _on_sent(self, message: Message) -> None:
        self.result.show_message(message)
        for field in (self.to, self.cc, self.bcc):
            field.clear()
        self.subject.clear()
        self.message.clear()
        self.expires.reset()
        # A wider download permission chosen for one message is not silently kept for the next one.
        self.permission.setCurrentIndex(self.permission.findData(DEFAULT_AUTHORIZATION))
        self.to.edit.setFocus()
        self._update_send()

