"""The Admin pane (administrators only): the server's filedrops listed beside an editor that creates, changes
and deletes them, with every attribute of seeds/004. The form is checked as the server checks it before it
goes out; what the server still refuses is shown beside the field it names."""

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lfdesktop.api.models import Filedrop
from lfdesktop.qt.context import AppContext
from lfdesktop.qt.filedrop_model import AUTHORIZATION, Column, FiledropTableModel
from lfdesktop.qt.filedrops import (
    MAX_EXPIRY_DAYS,
    MAX_FILESIZE_MB,
    MAX_PASSWORD,
    FiledropForm,
    FiledropsController,
    SaveProblem,
    extension,
)
from lfdesktop.qt.session import SignedIn

from .fieldproblem import problem_label, show_problem
from .icons import icon
from .labels import hint_label, title_label
from .layouts import split
from .notices import Notices
from .recipients import is_address, split_addresses
from .tables import read_only_table


class ExtensionList(QWidget):
    """File extensions as an editable list: type one or several ("pdf, docx") and Add; double-click (or F2) an
    entry to change it; Remove takes the selected ones out."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setAccessibleName(name)
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setWrapping(True)
        self.list.setSpacing(2)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        triggers = QAbstractItemView.EditTrigger
        self.list.setEditTriggers(triggers.DoubleClicked | triggers.EditKeyPressed)
        self.list.setMaximumHeight(52)
        self.entry = QLineEdit()
        self.entry.setAccessibleName(f"New {name.lower()}")
        self.entry.setPlaceholderText("pdf, docx")
        self.entry.returnPressed.connect(self.add_typed)
        add = QPushButton("Add")
        add.setAccessibleName(f"Add to {name.lower()}")
        add.clicked.connect(self.add_typed)
        remove = QToolButton()
        remove.setIcon(icon("remove"))
        remove.setAccessibleName(f"Remove the selected {name.lower()}")
        remove.setToolTip("Remove the selected extensions")
        remove.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.entry, 1)
        row.addWidget(add)
        row.addWidget(remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.list)
        layout.addLayout(row)

    def values(self) -> tuple[str, ...]:
        texts = (self.list.item(row).text() for row in range(self.list.count()))
        return tuple(dict.fromkeys(extension(text) for text in texts if text.strip()))

    def set_values(self, values: tuple[str, ...]) -> None:
        self.list.clear()
        self._append(values)

    def add_typed(self) -> None:
        self._append(self.entry.text().replace(";", ",").split(","))
        self.entry.clear()

    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))

    def _append(self, values: "tuple[str, ...] | list[str]") -> None:
        known = set(self.values())
        for value in values:
            text = extension(value)
            if text and text not in known:
                item = QListWidgetItem(text)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                self.list.addItem(item)
                known.add(text)


class FiledropEditor(QScrollArea):
    """One filedrop's attributes; ``save_requested`` carries the form and the filedrop's id (None: a new one)."""

    save_requested = Signal(object, object)  # FiledropForm, str | None
    delete_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setAccessibleName("Filedrop editor")
        self.filedrop_id: str | None = None
        self._loaded: Filedrop | None = None

        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setStyleSheet("font-weight: 600")
        self.name = self._line("Name", "support-files")
        self.title_edit = self._line("Title", "Support files")
        self.description = QPlainTextEdit()
        self.description.setAccessibleName("Description")
        self.description.setTabChangesFocus(True)
        self.description.setMaximumHeight(70)
        self.owner = QComboBox()
        self.owner.setEditable(True)
        self.owner.setAccessibleName("Owner")
        self.owner.setToolTip("The user who receives what is sent through the filedrop: a user id or an email address")
        line = self.owner.lineEdit()
        if line is not None:
            line.setPlaceholderText("user id or email address")
        self.authorization = QComboBox()
        self.authorization.setAccessibleName("Who can download")
        for level, (words, _, meaning) in AUTHORIZATION.items():
            self.authorization.addItem(words, level)
            self.authorization.setItemData(self.authorization.count() - 1, meaning, Qt.ItemDataRole.ToolTipRole)
        self.accepted = ExtensionList("Accepted file types")
        self.accepted.setToolTip("Only files with these extensions may be sent (none listed: any)")
        self.blocked = ExtensionList("Blocked extensions")
        self.blocked.setToolTip("Files with these extensions are refused")
        self.max_filesize = QSpinBox()
        self.max_filesize.setAccessibleName("Largest file")
        self.max_filesize.setRange(1, MAX_FILESIZE_MB)
        self.max_filesize.setSuffix(" MB")
        self.max_filesize.setMaximumWidth(180)
        self.expires_after = QSpinBox()
        self.expires_after.setAccessibleName("Files expire after")
        self.expires_after.setRange(1, MAX_EXPIRY_DAYS)
        self.expires_after.setSuffix(" days")
        self.expires_after.setMaximumWidth(180)
        self.require_validation = QCheckBox("Senders must confirm their email address")
        self.require_validation.setAccessibleName("Senders must confirm their email address")
        self.password = self._line("Password", "No password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(MAX_PASSWORD)
        self.show_password = QToolButton()
        self.show_password.setText("Show")
        self.show_password.setCheckable(True)
        self.show_password.setAccessibleName("Show the password")
        self.show_password.toggled.connect(self._on_show_password)
        password_row = QWidget()
        password_layout = QHBoxLayout(password_row)
        password_layout.setContentsMargins(0, 0, 0, 0)
        password_layout.addWidget(self.password, 1)
        password_layout.addWidget(self.show_password)
        self.cc = self._line("CC", "name@example.com, ...")
        self.cc.setToolTip("Also sent to these addresses (only local users can download)")

        self.problems: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, text, widget in (
            ("name", "&Name:", self.name), ("title", "&Title:", self.title_edit),
            ("description", "&Description:", self.description), ("owner", "&Owner:", self.owner),
            ("authorization", "&Who can download:", self.authorization),
            ("accepted_filetypes", "&Accepted types:", self.accepted),
            ("invalid_extensions", "&Blocked types:", self.blocked),
            ("max_filesize", "&Largest file:", self.max_filesize),
            ("expires_after", "&Expire after:", self.expires_after),
            ("require_validation", "", self.require_validation), ("password", "&Password:", password_row),
            ("cc", "&CC:", self.cc),
        ):
            problem = problem_label(key.replace("_", " ").capitalize())
            self.problems[key] = problem
            cell = QWidget()
            column = QVBoxLayout(cell)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(widget)
            column.addWidget(problem)
            label = QLabel(text)
            focus = widget.list if isinstance(widget, ExtensionList) else widget
            label.setBuddy(self.password if widget is password_row else focus)
            form.addRow(label, cell)

        self.general = problem_label("Filedrop")
        self.save_button = QPushButton(icon("check"), "Save")
        self.save_button.setAccessibleName("Save the filedrop")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.submit)
        self.revert_button = QPushButton("Discard changes")
        self.revert_button.setAccessibleName("Discard changes")
        self.revert_button.clicked.connect(lambda: self.load(self._loaded))
        self.delete_button = QPushButton(icon("remove"), "Delete")
        self.delete_button.setAccessibleName("Delete the filedrop")
        self.delete_button.clicked.connect(self._on_delete)
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        inside = QWidget()
        layout = QVBoxLayout(inside)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.setWidget(inside)
        self.load(None)

    @staticmethod
    def _line(name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    def set_owners(self, owners: list[str]) -> None:
        typed = self.owner.currentText()
        self.owner.clear()
        self.owner.addItems(owners)
        self.owner.setCurrentText(typed)

    def load(self, filedrop: Filedrop | None) -> None:
        """Show ``filedrop`` to change it, or an empty form (the server's defaults) for a new one."""
        self._loaded = filedrop
        self.filedrop_id = filedrop.id if filedrop else None
        form = FiledropForm.of(filedrop) if filedrop else FiledropForm()
        self.heading.setText(f"Filedrop {filedrop.name}" if filedrop else "New filedrop")
        self.name.setText(form.name)
        self.title_edit.setText(form.title)
        self.description.setPlainText(form.description)
        self.owner.setCurrentText(form.owner)
        self.authorization.setCurrentIndex(max(0, self.authorization.findData(form.authorization)))
        self.accepted.set_values(form.accepted_filetypes)
        self.blocked.set_values(form.invalid_extensions)
        self.max_filesize.setValue(form.max_filesize)
        self.expires_after.setValue(form.expires_after)
        self.require_validation.setChecked(form.require_validation)
        self.password.setText(form.password)
        self.show_password.setChecked(False)  # hidden again for every filedrop shown
        self.cc.setText(", ".join(form.cc))
        self.save_button.setText("Save changes" if filedrop else "Create filedrop")
        self.delete_button.setVisible(filedrop is not None)
        self.show_save_problem(SaveProblem())

    def form(self) -> FiledropForm:
        return FiledropForm(
            name=self.name.text().strip(), title=self.title_edit.text().strip(),
            description=self.description.toPlainText(), owner=self.owner.currentText().strip(),
            invalid_extensions=self.blocked.values(), accepted_filetypes=self.accepted.values(),
            expires_after=self.expires_after.value(), max_filesize=self.max_filesize.value(),
            require_validation=self.require_validation.isChecked(), password=self.password.text(),
            cc=tuple(split_addresses(self.cc.text())), authorization=int(self.authorization.currentData()),
        )

    def submit(self) -> None:
        form = self.form()
        wrong = [address for address in form.cc if not is_address(address)]
        if wrong:
            self.show_save_problem(SaveProblem({"cc": f"Not email addresses: {', '.join(wrong)}."}))
            return
        self.save_requested.emit(form, self.filedrop_id)

    def show_save_problem(self, problem: SaveProblem) -> None:
        for key, label in self.problems.items():
            show_problem(label, problem.fields.get(key, ""))
        show_problem(self.general, problem.other)

    def _on_show_password(self, shown: bool) -> None:
        self.password.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.show_password.setText("Hide" if shown else "Show")
        self.show_password.setAccessibleName("Hide the password" if shown else "Show the password")

    def _on_delete(self) -> None:
        if self.filedrop_id is not None:
            self.delete_requested.emit(self.filedrop_id)


class AdminPane(QWidget):
    title = "Admin"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.controller = FiledropsController(context, self)
        self.model = FiledropTableModel(self.controller, self)

        heading = title_label("Filedrops")
        self.hint = hint_label(name="About filedrops")
        self.notices = Notices()
        self.new_button = QPushButton(icon("add-file"), "New filedrop")
        self.new_button.setAccessibleName("New filedrop")
        self.new_button.clicked.connect(self.new_filedrop)
        self.refresh_button = QPushButton(icon("retry"), "Refresh")
        self.refresh_button.setAccessibleName("Refresh the list of filedrops")
        self.refresh_button.clicked.connect(self.controller.refresh)
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.new_button)

        self.table = read_only_table(QTableView(), "Filedrops", sortable=False)
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.editor = FiledropEditor()
        self.body = split(Qt.Orientation.Horizontal, (self.table, 1), (self.editor, 1))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.notices)
        layout.addWidget(self.body, 1)

        controller = self.controller
        controller.listed.connect(self._on_listed)
        controller.failed.connect(lambda reason: self.notices.show_notice(reason, "error"))
        controller.saved.connect(self._on_saved)
        controller.save_failed.connect(self.editor.show_save_problem)
        controller.deleted.connect(self._on_deleted)
        self.editor.save_requested.connect(controller.save)
        self.editor.delete_requested.connect(controller.delete)
        context.sessions.active_changed.connect(self._on_active_changed)
        self._on_active_changed(context.sessions.active)

    def new_filedrop(self) -> None:
        self.table.clearSelection()
        self.editor.load(None)
        self.editor.name.setFocus()

    def select(self, filedrop_id: str) -> None:
        row = self.model.row_of(filedrop_id)
        if row is not None:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            self.table.selectionModel().select(self.model.index(row, 0), flags)

    def showEvent(self, event: QShowEvent) -> None:
        """Read again whenever the pane comes into view: the list changes as the user sends and shares."""
        super().showEvent(event)
        self.controller.refresh()

    def _on_active_changed(self, signed_in: SignedIn | None) -> None:
        admin = signed_in is not None and signed_in.account.admin
        for widget in (self.body, self.new_button, self.refresh_button):
            widget.setVisible(admin)
        self.hint.setText(
            "Filedrops let anyone send files to one of this server's users through a web page." if admin else
            "Only administrators manage filedrops; this account is not one."
        )
        self.editor.load(None)

    def _on_listed(self) -> None:
        self.editor.set_owners(self.controller.known_owners())
        if self.editor.filedrop_id is not None:
            self.select(self.editor.filedrop_id)

    def _on_selection(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.editor.load(self.model.item(rows[0].row()))

    def _on_saved(self, filedrop: Filedrop) -> None:
        self.editor.load(filedrop)
        self.notices.show_notice(f"Filedrop {filedrop.name} saved.", "info")

    def _on_deleted(self, filedrop_id: str) -> None:
        if self.editor.filedrop_id == filedrop_id:
            self.editor.load(None)
        self.notices.show_notice(f"Filedrop {filedrop_id} deleted.", "info")
