"""The FileLink pane: drop files to make a FileLink for each; every finished link is listed with Copy and Open,
and copied to the clipboard as soon as it is made."""

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from lfdesktop.qt.context import AppContext
from lfdesktop.qt.filelinks import FileLinkController, LinkOptions
from lfdesktop.qt.session import SignedIn
from lfdesktop.qt.staged_model import RowAction, StagedFilesModel

from .dropzone import DropZone
from .formfields import ExpiryEdit
from .labels import hint_label, title_label
from .notices import Notices
from .staged import StagedList, limits_text, problems_text


class FileLinkPane(QWidget):
    title = "Links"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.controller = FileLinkController(context, self)
        self.model = StagedFilesModel(self.controller.staged, parent=self)

        heading = title_label("Share files by link")
        self.account_hint = hint_label(name="Account limits")
        self.notices = Notices()

        self.drop_zone = DropZone("Drop files here to make a link for each, or click to choose")
        self.drop_zone.paths_dropped.connect(self.add_files)
        self.drop_zone.take_drops_on(self)
        self.links = StagedList(self.model, links=True)
        self.links.action_requested.connect(self._on_row_action)
        self.status = QLabel()
        self.status.setProperty("role", "hint")
        self.status.setAccessibleName("Link status")

        self.body = QWidget()
        column = QVBoxLayout(self.body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.drop_zone, 2)
        column.addLayout(self._build_options())
        column.addWidget(self.links, 3)
        column.addWidget(self.status)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(self.account_hint)
        layout.addWidget(self.notices)
        layout.addWidget(self.body, 1)

        self.controller.link_ready.connect(self._on_link_ready)
        self.controller.failed.connect(self._on_failed)
        self.controller.staged.refused.connect(self._on_refused)
        self.controller.staged.changed.connect(self._show_links)
        context.sessions.active_changed.connect(self._on_active_changed)
        self._on_active_changed(context.sessions.active)
        self._show_links()

    # ---- the pane API ----

    def add_files(self, paths: list[Path]) -> None:
        """One FileLink per file (folders expand), with the options as they are set now."""
        self.controller.add_files(paths, self.options())

    def options(self) -> LinkOptions:
        authentication = self.require_authentication
        return LinkOptions(
            expires_at=self.expires.chosen(), password=self.password.text() or None,
            # The server decides where the account may not choose.
            require_authentication=authentication.isChecked() if authentication.isEnabled() else None,
            download_receipt=self.download_receipt.isChecked(),
        )

    # ---- building ----

    def _build_options(self) -> QHBoxLayout:
        self.expires = ExpiryEdit("Links expire on")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("None")
        self.password.setAccessibleName("Link password")
        self.password.setToolTip("Downloading needs this password too (optional)")
        self.require_authentication = QCheckBox("Require sign-in")
        self.require_authentication.setAccessibleName("Require authentication")
        self.require_authentication.setToolTip("Only people who sign in to this server can download")
        self.download_receipt = QCheckBox("Email me on each download")
        self.download_receipt.setAccessibleName("Download receipt")
        self.download_receipt.setToolTip("You get an email whenever someone downloads the file")
        left, right = QFormLayout(), QFormLayout()
        for form, rows in ((left, (("&Expires:", self.expires), ("&Password:", self.password))),
                           (right, (("", self.require_authentication), ("", self.download_receipt)))):
            for text, field in rows:
                if text:
                    label = QLabel(text)
                    label.setBuddy(field)
                    form.addRow(label, field)
                else:
                    form.addRow(field)
        row = QHBoxLayout()
        row.addLayout(left, 1)
        row.addSpacing(16)
        row.addLayout(right, 1)
        return row

    # ---- keeping up ----

    def _on_active_changed(self, signed_in: SignedIn | None) -> None:
        allowed = signed_in is not None and signed_in.account.filelinks_allowed
        self.body.setEnabled(allowed)
        if signed_in is None:
            self.account_hint.setText("Sign in to an account to share files by link.")
            return
        account = signed_in.account
        if not account.filelinks_allowed:
            self.account_hint.setText(f"{account.email} may not make FileLinks on this server.")
            return
        self.account_hint.setText(limits_text(account))
        self.expires.set_bounds(account.default_expiry_days, account.max_expiry_days)
        self.require_authentication.setChecked(account.filelink_require_authentication)
        may_change = account.may_change_link_authentication
        self.require_authentication.setEnabled(may_change)
        self.require_authentication.setToolTip(
            "Only people who sign in to this server can download" if may_change
            else "Your account's group decides this for every link"
        )

    def _show_links(self) -> None:
        self.links.setVisible(bool(self.controller.staged.items))

    def _on_link_ready(self, name: str, url: str) -> None:
        item = next((item for item in self.controller.staged.items if item.link and item.link.url == url), None)
        # The links of the files dropped together, so that a drop of several leaves all of them to paste.
        urls = self.controller.batch_links(item.batch) if item is not None else [url]
        self._copy("\n".join(urls), f"{len(urls)} links copied to the clipboard" if len(urls) > 1 else
                   "Link copied to the clipboard")

    def _on_failed(self, name: str, reason: str) -> None:
        self.notices.show_notice(f"No link for {name}: {reason}", "error")

    def _on_refused(self, problems: list[str]) -> None:
        self.notices.show_notice(problems_text(problems, "Some files were not added:"), "warning")

    def _on_row_action(self, action: RowAction, transfer_id: int) -> None:
        item = self.controller.staged.item(transfer_id)
        if item is None:
            return
        if action is RowAction.REMOVE:
            self.controller.remove(transfer_id)
        elif item.link is not None and action is RowAction.COPY:
            self._copy(item.link.url, "Link copied to the clipboard")
        elif item.link is not None and action is RowAction.OPEN:
            QDesktopServices.openUrl(QUrl(item.link.url))

    def _copy(self, text: str, said: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.status.setText(said)
