"""An address field for To, CC and BCC: addresses separated by commas or semicolons, those that are not email
addresses named below the field, and completion of the address being typed from earlier recipients."""

import re
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLabel, QLineEdit, QVBoxLayout, QWidget

from .theme import colors

# What LiquidFiles servers take: one @, a dot in the domain, no spaces or list punctuation.
_ADDRESS = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\".]+$")
_SEPARATORS = re.compile(r"[,;]")
DESCRIPTION = "Email addresses, separated by commas or semicolons"


def split_addresses(text: str) -> list[str]:
    """``"a@x.org; b@y.org,"`` -> ``["a@x.org", "b@y.org"]``."""
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def is_address(text: str) -> bool:
    return bool(_ADDRESS.match(text))


def not_addresses(wrong: Sequence[str]) -> str:
    """The problem with texts that are not email addresses, naming them."""
    quoted = ", ".join(f"\u201c{address}\u201d" for address in wrong)
    return f"{quoted} {'is not an email address' if len(wrong) == 1 else 'are not email addresses'}"


class _LastAddressCompleter(QCompleter):
    """Completes the address after the last separator, keeping the ones before it."""

    def __init__(self, field: QLineEdit) -> None:
        super().__init__(field)
        self._field = field
        self._addresses = QStringListModel(self)
        self.setModel(self._addresses)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)  # "bob" finds "robert.bobson@..." too
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def set_addresses(self, addresses: Sequence[str]) -> None:
        self._addresses.setStringList(list(addresses))

    def splitPath(self, path: str) -> list[str]:
        return [_SEPARATORS.split(path)[-1].strip()]

    def pathFromIndex(self, index: object) -> str:
        chosen = super().pathFromIndex(index)  # type: ignore[arg-type]
        earlier = split_addresses(self._field.text())[:-1]
        return ", ".join([*earlier, chosen]) + ", "


class RecipientsField(QWidget):
    """``addresses()`` and ``invalid()`` read the field; ``changed`` follows every edit."""

    changed = Signal()

    def __init__(self, name: str, placeholder: str = "name@example.com, ...", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setAccessibleName(name)
        self.edit.setAccessibleDescription(DESCRIPTION)
        self.completer = _LastAddressCompleter(self.edit)
        self.edit.setCompleter(self.completer)
        self.problem = QLabel()
        self.problem.setProperty("role", "hint")
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName(f"{name} problem")
        self.problem.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.problem)
        self.edit.textChanged.connect(self._on_text_changed)
        self.edit.editingFinished.connect(lambda: self._check(typing=False))
        self.setFocusProxy(self.edit)

    def addresses(self) -> list[str]:
        return [address for address in split_addresses(self.edit.text()) if is_address(address)]

    def invalid(self) -> list[str]:
        return [address for address in split_addresses(self.edit.text()) if not is_address(address)]

    def set_known(self, addresses: Iterable[str]) -> None:
        """The earlier recipients offered while typing, most recent first."""
        self.completer.set_addresses(list(addresses))

    def clear(self) -> None:
        self.edit.clear()

    def _on_text_changed(self) -> None:
        self._check(typing=self.edit.hasFocus())
        self.changed.emit()

    def _check(self, *, typing: bool) -> None:
        """Names the addresses that are not ones; the one still being typed is not wrong yet."""
        text = self.edit.text()
        parts = split_addresses(text)
        if typing and parts and not text.rstrip().endswith((",", ";")):
            parts = parts[:-1]
        wrong = [address for address in parts if not is_address(address)]
        if wrong:
            self.problem.setText(not_addresses(wrong))
            self.problem.setStyleSheet(f"color: {colors().error}")  # read again each time: follows the theme
        self.problem.setVisible(bool(wrong))
        self.edit.setToolTip(self.problem.text() if wrong else "")
        self.edit.setAccessibleDescription(self.problem.text() if wrong else DESCRIPTION)
