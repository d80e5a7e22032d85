"""The Admin pane's work: the server's filedrops (admin accounts only), and one filedrop created, changed or
deleted. A form is checked here the way the server checks it, so most mistakes are named before a request
goes out; what the server still refuses comes back with each reason beside the field it names."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from lfdesktop.api.errors import ApiError, Rejected
from lfdesktop.api.models import Filedrop

from .context import AppContext
from .session import SignedIn

NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
EXTENSION = re.compile(r"^[a-z0-9]{1,16}$")
MAX_FILESIZE_MB = 10 * 1024 * 1024
MAX_EXPIRY_DAYS = 3650
MAX_PASSWORD = 255
DEFAULT_EXPIRY_DAYS = 14  # what a new filedrop gets unless told (seeds/004)
DEFAULT_MAX_FILESIZE_MB = 250

FIELDS = ("name", "title", "description", "owner", "invalid_extensions", "accepted_filetypes", "expires_after",
          "max_filesize", "require_validation", "password", "cc", "authorization")


def extension(text: str) -> str:
    """As the server stores one: no dot, lower case."""
    return text.strip().lstrip(".").lower()


@dataclass(frozen=True)
class FiledropForm:
    """Every attribute of seeds/004 as the editor holds it; lists as lists."""

    name: str = ""
    title: str = ""
    description: str = ""
    owner: str = ""  # a user id, or an email address the server turns into one
    invalid_extensions: tuple[str, ...] = ()
    accepted_filetypes: tuple[str, ...] = ()
    expires_after: int = DEFAULT_EXPIRY_DAYS
    max_filesize: int = DEFAULT_MAX_FILESIZE_MB
    require_validation: bool = False
    password: str = ""
    cc: tuple[str, ...] = ()
    authorization: int = 3

    @classmethod
    def of(cls, filedrop: Filedrop) -> "FiledropForm":
        return cls(
            name=filedrop.name, title=filedrop.title, description=filedrop.description, owner=filedrop.owner,
            invalid_extensions=filedrop.invalid_extensions, accepted_filetypes=filedrop.accepted_filetypes,
            expires_after=filedrop.expires_after, max_filesize=filedrop.max_filesize,
            require_validation=filedrop.require_validation, password=filedrop.password, cc=filedrop.cc,
            authorization=filedrop.authorization,
        )

    def fields(self) -> dict[str, object]:
        """The request body's attributes: lists as the comma-separated strings of seeds/004."""
        return {
            "name": self.name.strip(), "title": self.title.strip(), "description": self.description,
            "owner": self.owner.strip(), "invalid_extensions": ", ".join(self.invalid_extensions),
            "accepted_filetypes": ", ".join(self.accepted_filetypes), "expires_after": self.expires_after,
            "max_filesize": self.max_filesize, "require_validation": self.require_validation,
            "password": self.password, "cc": ", ".join(self.cc), "authorization": self.authorization,
        }


def problems(form: FiledropForm) -> dict[str, str]:
    """What the server would refuse, by field (cc addresses are the widgets' to check, as everywhere)."""
    found: dict[str, str] = {}
    name = form.name.strip()
    if not name:
        found["name"] = "A name is required."
    elif not NAME.match(name):
        found["name"] = "Only letters, digits, - and _ (at most 64 characters)."
    for required in ("title", "owner"):
        if not str(getattr(form, required)).strip():
            found[required] = f"The {required} is required."
    for listed in ("invalid_extensions", "accepted_filetypes"):
        wrong = [item for item in getattr(form, listed) if not EXTENSION.match(extension(item))]
        if wrong:
            found[listed] = f"Not file extensions: {', '.join(wrong)} (letters and digits, at most 16)."
    if not 1 <= form.expires_after <= MAX_EXPIRY_DAYS:
        found["expires_after"] = f"Between 1 and {MAX_EXPIRY_DAYS} days."
    if not 1 <= form.max_filesize <= MAX_FILESIZE_MB:
        found["max_filesize"] = f"Between 1 and {MAX_FILESIZE_MB} MB."
    if len(form.password) > MAX_PASSWORD:
        found["password"] = f"At most {MAX_PASSWORD} characters."
    if form.authorization not in (2, 3):
        found["authorization"] = "Choose who can download."
    return found


def field_of(reason: str) -> str | None:
    """The field a server's reason names: its messages start with it ("owner 'x' is not a user ...")."""
    first = reason.split(" ", 1)[0].rstrip(":")
    return first if first in FIELDS else None


def by_field(reasons: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """The server's reasons beside their fields, and the ones that name none."""
    placed: dict[str, str] = {}
    rest: list[str] = []
    for reason in reasons:
        name = field_of(reason)
        if name is None:
            rest.append(reason)
        else:
            placed[name] = f"{placed[name]} {reason}" if name in placed else reason
    return placed, rest


@dataclass
class SaveProblem:
    """Why a save did not happen: reasons by field, and the rest in words."""

    fields: dict[str, str] = field(default_factory=dict)
    other: str = ""


class FiledropsController(QObject):
    listed = Signal()  # ``items`` was read again
    loading_changed = Signal(bool)
    failed = Signal(str)  # listing or deleting did not work
    saved = Signal(object)  # the Filedrop as the server now has it
    save_failed = Signal(object)  # a SaveProblem
    deleted = Signal(str)  # the id of the deleted filedrop

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.items: list[Filedrop] = []
        self.loading = False
        self.saving = False
        context.sessions.active_changed.connect(self._on_active_changed)

    @property
    def signed_in(self) -> SignedIn | None:
        """The active account, when it is an admin's: no admin call is made with another key."""
        active = self.context.sessions.active
        return active if active is not None and active.account.admin else None

    def find(self, filedrop_id: str) -> Filedrop | None:
        return next((item for item in self.items if item.id == filedrop_id), None)

    def known_owners(self) -> list[str]:
        """User ids worth offering as owner: the present owners and the admin themself."""
        owners = [item.owner for item in self.items]
        if self.signed_in is not None:
            owners.append(self.signed_in.account.id)
        return sorted(set(owners) - {""})

    def refresh(self) -> None:
        if self.signed_in is not None and not self.loading:
            self.context.tasks.spawn(self._refresh(self.signed_in), name="list filedrops")

    async def _refresh(self, signed_in: SignedIn) -> None:
        self._set_loading(True)
        try:
            items = await signed_in.client.filedrops()
        except ApiError as error:
            self.failed.emit(f"The filedrops could not be listed: {error}")
            return
        finally:
            self._set_loading(False)
        if self.context.sessions.active is signed_in:
            self.items = sorted(items, key=lambda item: item.name.lower())
            self.listed.emit()

    def save(self, form: FiledropForm, filedrop_id: str | None = None) -> None:
        """Create a filedrop (no id) or change one; ``saved`` or ``save_failed`` tells how it went."""
        found = problems(form)
        if found:
            self.save_failed.emit(SaveProblem(found))
        elif self.signed_in is None:
            self.save_failed.emit(SaveProblem(other="Only an administrator's account can change filedrops."))
        elif not self.saving:
            self.context.tasks.spawn(self._save(self.signed_in, form, filedrop_id), name="save a filedrop")

    async def _save(self, signed_in: SignedIn, form: FiledropForm, filedrop_id: str | None) -> None:
        client = signed_in.client
        self.saving = True
        try:
            if filedrop_id is None:
                filedrop = await client.create_filedrop(form.fields())
            else:
                filedrop = await client.update_filedrop(filedrop_id, form.fields())
        except Rejected as error:
            placed, rest = by_field(error.errors or [str(error)])
            self.save_failed.emit(SaveProblem(placed, " ".join(rest)))
            return
        except ApiError as error:
            self.save_failed.emit(SaveProblem(other=str(error)))
            return
        finally:
            self.saving = False
        self.saved.emit(filedrop)
        await self._refresh(signed_in)

    def delete(self, filedrop_id: str) -> None:
        if self.signed_in is not None:
            self.context.tasks.spawn(self._delete(self.signed_in, filedrop_id), name="delete a filedrop")

    async def _delete(self, signed_in: SignedIn, filedrop_id: str) -> None:
        try:
            await signed_in.client.delete_filedrop(filedrop_id)
        except ApiError as error:
            self.failed.emit(f"Filedrop {filedrop_id} was not deleted: {error}")
            return
        self.deleted.emit(filedrop_id)
        await self._refresh(signed_in)

    def _set_loading(self, loading: bool) -> None:
        self.loading = loading
        self.loading_changed.emit(loading)

    def _on_active_changed(self, _: SignedIn | None) -> None:
        self.items = []
        self.listed.emit()
        self.refresh()
