"""Typed records of what a LiquidFiles server returns, each with ``from_json``.

Field names follow the API documents (``../shared/seeds/``); a record missing its id is a ProtocolError.
"""

from dataclasses import dataclass
from datetime import date, datetime

from .parse import Fields


def crc32_matches(server: str, ours: int) -> bool:
    """Servers print CRC32 as hex without leading zeros (``44b411``): compare as numbers."""
    try:
        return int(server, 16) == ours
    except ValueError:
        return False


@dataclass(frozen=True)
class Account:
    """``GET /account``: who the key belongs to and what the server lets them do."""

    id: str
    email: str
    name: str
    group: str
    admin: bool
    max_file_size_mb: int | None
    default_expiry_days: int | None
    max_expiry_days: int | None
    filelink_require_authentication: bool
    may_change_link_authentication: bool
    blocked_extensions: tuple[str, ...]
    permitted_extensions: tuple[str, ...]
    # What the user's group may use; servers that do not say allow all three.
    messages_allowed: bool = True
    filelinks_allowed: bool = True
    file_requests_allowed: bool = True

    @classmethod
    def from_json(cls, data: object) -> "Account":
        f = Fields(data, "account")
        return cls(
            id=f.text("id"), email=f.text("email"), name=f.text("name"), group=f.text("group"),
            admin=f.boolean("admin"),
            max_file_size_mb=f.integer("max_file_size") or None,
            default_expiry_days=f.integer("default_expiry_days") or None,
            max_expiry_days=f.integer("max_expiry_days") or None,
            filelink_require_authentication=f.boolean("filelink_require_authentication"),
            may_change_link_authentication=f.boolean("may_change_link_authentication", True),
            blocked_extensions=tuple(f.strings("blocked_extensions")),
            permitted_extensions=tuple(f.strings("permitted_extensions")),
            messages_allowed=f.boolean("messages_allowed", True),
            filelinks_allowed=f.boolean("filelinks_allowed", True),
            file_requests_allowed=f.boolean("file_requests_allowed", True),
        )


@dataclass(frozen=True)
class Attachment:
    """An uploaded file (seeds/003)."""

    id: str
    filename: str
    size: int
    content_type: str
    checksum: str
    crc32: str
    assembled: bool
    virus_scan_required: bool
    virus_scanned: bool
    virus_scanned_at: datetime | None
    content_blocked: bool
    content_blocked_message: str | None
    processed: bool
    processed_at: datetime | None
    available: bool
    expires_at: date | None
    created_at: datetime | None
    messages: tuple[str, ...]
    filelinks: tuple[str, ...]

    @classmethod
    def from_json(cls, data: object) -> "Attachment":
        f = Fields(data, "attachment")
        return cls(
            id=f.id(), filename=f.text("filename"), size=f.integer("size"), content_type=f.text("content_type"),
            checksum=f.text("checksum").lower(), crc32=f.text("crc32").lower(),
            assembled=f.boolean("assembled", True), virus_scan_required=f.boolean("virus_scan_required"),
            virus_scanned=f.boolean("virus_scanned"), virus_scanned_at=f.moment("virus_scanned_at"),
            content_blocked=f.boolean("content_blocked"),
            content_blocked_message=f.optional_text("content_blocked_message"),
            processed=f.boolean("processed", True), processed_at=f.moment("processed_at"),
            available=f.boolean("available", True), expires_at=f.day("expires_at"),
            created_at=f.moment("created_at"), messages=tuple(f.strings("messages")),
            filelinks=tuple(f.strings("filelinks")),
        )


@dataclass(frozen=True)
class PieceReceipt:
    """The answer to a piece that was not the last one missing."""

    received: tuple[int, ...] | None  # the pieces the server holds, where it says (the sandbox does)


@dataclass(frozen=True)
class MessageFile:
    """An attachment as a message lists it: ``url`` is short-lived and for one download."""

    id: str
    filename: str
    size: int
    content_type: str
    checksum: str
    crc32: str
    created_at: datetime | None
    url: str

    @classmethod
    def from_json(cls, data: object) -> "MessageFile":
        f = Fields(data, "message attachment")
        return cls(
            id=f.id(), filename=f.text("filename"), size=f.integer("size"), content_type=f.text("content_type"),
            checksum=f.text("checksum").lower(), crc32=f.text("crc32").lower(), created_at=f.moment("created_at"),
            url=f.text("url") or f.text("URL"),
        )


@dataclass(frozen=True)
class Message:
    """A secure message (seeds/002 and the sending documentation)."""

    id: str
    sender: str
    recipients: tuple[str, ...]
    ccs: tuple[str, ...]
    bccs: tuple[str, ...]
    subject: str
    message: str | None
    created_at: datetime | None
    expires_at: date | None
    expires_after: int
    authorization: int
    authorization_description: str
    private_message: bool
    size: int
    url: str
    attachments: tuple[MessageFile, ...]

    @classmethod
    def from_json(cls, data: object) -> "Message":
        f = Fields(data, "message")
        return cls(
            id=f.id(), sender=f.text("sender"), recipients=tuple(f.strings("recipients")),
            ccs=tuple(f.strings("ccs")), bccs=tuple(f.strings("bccs")), subject=f.text("subject"),
            message=f.optional_text("message"), created_at=f.moment("created_at"), expires_at=f.day("expires_at"),
            expires_after=f.integer("expires_after"), authorization=f.integer("authorization", 3),
            authorization_description=f.text("authorization_description"),
            private_message=f.boolean("private_message"), size=f.integer("size"), url=f.text("url"),
            attachments=tuple(MessageFile.from_json(item) for item in f.objects("attachments")),
        )


@dataclass(frozen=True)
class FileLink:
    """A FileLink (seeds/001)."""

    id: str
    filename: str
    size: int
    size_human: str
    expires_at: date | None
    send_download_confirmation: bool
    require_authentication: bool
    url: str
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_json(cls, data: object) -> "FileLink":
        f = Fields(data, "FileLink")
        return cls(
            id=f.id(), filename=f.text("filename"), size=f.integer("size"), size_human=f.text("size_human"),
            expires_at=f.day("expires_at"), send_download_confirmation=f.boolean("send_download_confirmation"),
            require_authentication=f.boolean("require_authentication"), url=f.text("url"),
            created_at=f.moment("created_at"), updated_at=f.moment("updated_at"),
        )


@dataclass(frozen=True)
class Download:
    """One line of the download log (seeds/000): who downloaded what, when and from where."""

    id: str
    attachment_id: str
    message_id: str | None
    filelink_id: str | None
    filename: str
    size: int
    content_type: str
    checksum: str
    crc32: str
    downloaded_at: datetime | None
    user_id: str
    recipient: str
    remote_ip: str
    remote_host: str
    download_time: float | None
    download_speed: int
    location: str
    user_agent: str
    browser: str
    os: str
    platform: str
    longitude: float | None
    latitude: float | None
    country_code: str
    country_name: str
    city: str
    region_code: str
    region_name: str

    @classmethod
    def from_json(cls, data: object) -> "Download":
        f = Fields(data, "download")
        return cls(
            id=f.id(), attachment_id=f.text("attachment_id"), message_id=f.optional_text("message_id"),
            filelink_id=f.optional_text("filelink_id"), filename=f.text("filename"), size=f.integer("size"),
            content_type=f.text("content_type"), checksum=f.text("checksum"), crc32=f.text("crc32"),
            downloaded_at=f.moment("downloaded_at"), user_id=f.text("user_id"), recipient=f.text("recipient"),
            remote_ip=f.text("remote_ip"), remote_host=f.text("remote_host"),
            download_time=f.number("download_time"), download_speed=f.integer("download_speed"),
            location=f.text("location"), user_agent=f.text("user_agent"), browser=f.text("browser"),
            os=f.text("os"), platform=f.text("platform"), longitude=f.number("longitude"),
            latitude=f.number("latitude"), country_code=f.text("country_code"),
            country_name=f.text("country_name"), city=f.text("city"), region_code=f.text("region_code"),
            region_name=f.text("region_name"),
        )


@dataclass(frozen=True)
class Filedrop:
    """A filedrop as the admin API shows it (seeds/004)."""

    id: str
    name: str
    title: str
    description: str
    owner: str
    invalid_extensions: tuple[str, ...]
    accepted_filetypes: tuple[str, ...]
    expires_after: int
    max_filesize: int
    require_validation: bool
    password: str
    cc: tuple[str, ...]
    authorization: int

    @classmethod
    def from_json(cls, data: object) -> "Filedrop":
        f = Fields(data, "filedrop")
        return cls(
            id=f.id(), name=f.text("name"), title=f.text("title"), description=f.text("description"),
            owner=f.text("owner"), invalid_extensions=tuple(f.strings("invalid_extensions")),
            accepted_filetypes=tuple(f.strings("accepted_filetypes")), expires_after=f.integer("expires_after"),
            max_filesize=f.integer("max_filesize"), require_validation=f.boolean("require_validation"),
            password=f.text("password"), cc=tuple(f.strings("cc")), authorization=f.integer("authorization", 3),
        )


@dataclass(frozen=True)
class FileRequest:
    """A request for someone to upload files (``POST /requests``)."""

    url: str
    expires_at: date | None
    subject: str
    message: str

    @classmethod
    def from_json(cls, data: object) -> "FileRequest":
        f = Fields(data, "file request")
        return cls(url=f.text("url"), expires_at=f.day("expires_at"), subject=f.text("subject"),
                   message=f.text("message"))
